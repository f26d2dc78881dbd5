//! Customer operations staff and customers perform on a profile. Each is one transaction with
//! the timeline entry and the audit row. (Subscription changes are in [`super::changes`].)

use chrono::{DateTime, Utc};

use super::events::EventKind;
use super::store::{self, CustomerRow};
use crate::audit::{self, Action, Actor};
use crate::catalog::store::AreaRow;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::types::{Email, PhoneNumber};
use crate::users::store as users;
use crate::words::Detail;

/// Contact columns that are unique among customers and logins, as form fields.
const CONTACT_COLUMNS: &[(&str, &str, &str)] = &[
    ("phone", "phone", "validation.login_taken"),
    ("email", "email", "validation.login_taken"),
];

/// The email a customer's login may carry: theirs, unless a staff login uses it (then the
/// customer record keeps it for mail and the login goes without).
async fn login_email<'e>(
    tx: &mut crate::db::Tx,
    email: Option<&'e str>,
) -> Result<Option<&'e str>, sqlx::Error> {
    match email {
        Some(e) if users::is_staff_email(&mut *tx, e).await? => Ok(None),
        other => Ok(other),
    }
}

/// A customer, or 404.
pub async fn customer(db: &Db, id: i64) -> AppResult<CustomerRow> {
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// A profile as staff edit it, parsed.
pub struct ProfileInput {
    pub name: String,
    pub phone: PhoneNumber,
    pub email: Option<Email>,
    pub address: String,
    pub area: AreaRow,
}

/// Staff change a customer's profile (and the contact of their login).
pub async fn update_profile(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    p: &ProfileInput,
) -> AppResult<()> {
    let before = customer(db, id).await?;
    let email = p.email.as_ref().map(Email::as_str);
    let mut tx = db.begin().await?;
    let profile = store::Profile {
        name: &p.name,
        phone: p.phone.as_str(),
        email,
        address: &p.address,
        area_id: Some(p.area.id),
    };
    let written = async {
        store::update_profile(&mut tx, id, &profile, now).await?;
        if let Some(uid) = before.user_id {
            let login_email = login_email(&mut tx, email).await?;
            users::update_contact(
                &mut tx,
                uid,
                &p.name,
                login_email,
                Some(p.phone.as_str()),
                now,
            )
            .await?;
        }
        Ok::<_, sqlx::Error>(())
    }
    .await;
    written.map_err(|e| AppError::unique_to_field(e, CONTACT_COLUMNS))?;
    let mut changes = Detail::new();
    for (field, old, new) in [
        ("name", before.name.as_str(), p.name.as_str()),
        ("phone", before.phone.as_str(), p.phone.as_str()),
        (
            "email",
            before.email.as_deref().unwrap_or(""),
            email.unwrap_or(""),
        ),
        ("address", before.address.as_str(), p.address.as_str()),
        (
            "area",
            before.area_name.as_deref().unwrap_or(""),
            p.area.name.as_str(),
        ),
    ] {
        changes = changes.change(field, old, new);
    }
    store::add_event(
        &mut tx,
        id,
        EventKind::ProfileUpdated,
        &changes.stored(),
        actor.name,
        now,
    )
    .await?;
    let audited = changes.record("customer", id, &p.name);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::CustomerUpdate,
        Some(("customer", id)),
        &audited,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A customer changes their own name and email; the phone number identifies them and changes
/// through staff. Only these two columns are written, so a concurrent staff edit stays.
pub async fn update_own_profile(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    customer: &CustomerRow,
    name: &str,
    email: Option<&Email>,
) -> AppResult<()> {
    let user_id = customer.user_id.ok_or(AppError::NotFound)?;
    let email = email.map(Email::as_str);
    let mut tx = db.begin().await?;
    let written = async {
        store::update_name_email(&mut tx, customer.id, name, email, now).await?;
        let login_email = login_email(&mut tx, email).await?;
        users::update_name_email(&mut tx, user_id, name, login_email, now).await
    }
    .await;
    written.map_err(|e| {
        AppError::unique_to_field(e, &[("email", "email", "signup.email_registered")])
    })?;
    let changes = Detail::new().change("name", &customer.name, name).change(
        "email",
        customer.email.as_deref().unwrap_or(""),
        email.unwrap_or(""),
    );
    store::add_event(
        &mut tx,
        customer.id,
        EventKind::ProfileUpdatedByCustomer,
        &changes.stored(),
        name,
        now,
    )
    .await?;
    let entity = Some(("customer", customer.id));
    let audited = changes.record("customer", customer.id, name);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::CustomerProfileUpdated,
        entity,
        &audited,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new one-time password for a customer who forgot theirs (changed at the next login); ends
/// their sessions. Returns the customer and the password to show once.
pub async fn reset_password(
    db: &Db,
    hashing: &crate::auth::password::Hashing,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
) -> AppResult<(CustomerRow, String)> {
    let c = customer(db, id).await?;
    let user_id = c.user_id.ok_or(AppError::NotFound)?;
    let password = crate::users::service::reset_password(
        db,
        hashing,
        actor,
        now,
        user_id,
        Action::CustomerResetPassword,
        ("customer", id),
        Detail::new().record("customer", id, &c.name),
    )
    .await?;
    Ok((c, password))
}

/// A caller who is not a customer yet (a complaint by phone, say): a prospect record without a
/// login, created inside the caller's transaction with its timeline line. Returns its id.
pub async fn create_caller(
    tx: &mut crate::db::Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    name: &str,
    phone: &PhoneNumber,
    address: &str,
    area_id: Option<i64>,
) -> AppResult<i64> {
    let code = loop {
        let c = super::model::new_referral_code();
        if store::by_referral_code(&mut *tx, &c).await?.is_none() {
            break c;
        }
    };
    let (id, number) = store::create(
        tx,
        &store::NewCustomer {
            user_id: None,
            name,
            phone: phone.as_str(),
            email: None,
            address,
            area_id,
            status: super::model::CustomerStatus::Prospect,
            referral_code: &code,
            referred_by: None,
        },
        now,
    )
    .await
    .map_err(|e| AppError::unique_to_field(e, &CONTACT_COLUMNS[..1]))?;
    let detail = Detail::new().with("customer", &number);
    store::add_event(
        tx,
        id,
        EventKind::CustomerCreated,
        &detail.stored(),
        actor.name,
        now,
    )
    .await?;
    let audited = Detail::new().record("customer", id, format!("{name} ({number})"));
    audit::record_in(
        tx,
        now,
        actor,
        Action::CustomerCreate,
        Some(("customer", id)),
        &audited,
    )
    .await?;
    Ok(id)
}
