//! The sign-up operations shared by the public form and staff: creating a registration with its
//! customer and login, and moving it through the pipeline. Each runs in one transaction.

use chrono::{DateTime, Utc};

use super::model::RegStatus;
use super::store::{self, NewRegistration};
use crate::audit::{self, Action, Actor};
use crate::auth::Role;
use crate::catalog::store::{AreaRow, PackageRow};
use crate::customers::events::EventKind;
use crate::customers::model::{new_referral_code, CustomerStatus, SubStatus};
use crate::customers::store::{self as customers, CustomerRow, NewCustomer, SubscriptionEvent};
use crate::db::{Db, Tx};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::notify;
use crate::types::{wib_date, Email, PhoneNumber};
use crate::users::store::{self as users, NewUser};
use crate::visits::{self, model::VisitKind, store::NewVisit};
use crate::words::Detail;

pub struct NewSignup<'a> {
    pub name: &'a str,
    pub phone: &'a PhoneNumber,
    pub email: Option<&'a Email>,
    pub address: &'a str,
    pub area: &'a AreaRow,
    pub package: &'a PackageRow,
    pub referrer: Option<&'a CustomerRow>,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    /// `online`, `walk_in` or `phone`.
    pub channel: &'a str,
    /// Language of the confirmation mail.
    pub lang: Lang,
    /// Who did it, for the timeline (the customer's own name for online sign-ups).
    pub actor_name: &'a str,
}

pub struct Created {
    pub user_id: i64,
    pub customer_id: i64,
    pub registration_id: i64,
    pub number: String,
}

#[derive(Debug)]
pub enum SignupError {
    PhoneTaken,
    EmailTaken,
    Other(AppError),
}

impl From<sqlx::Error> for SignupError {
    fn from(e: sqlx::Error) -> Self {
        SignupError::Other(e.into())
    }
}

/// Creates the login (role customer), the customer (prospect) and the submitted registration,
/// queues the confirmation mail when an address is given, and audits it: `signup.submitted` by
/// the new customer (an `actor` without id) or `customer.create` by staff.
pub async fn register(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    s: &NewSignup<'_>,
) -> Result<Created, SignupError> {
    let contact =
        customers::signup_contact(db, s.phone.as_str(), s.email.map(Email::as_str)).await?;
    if contact.phone_taken {
        return Err(SignupError::PhoneTaken);
    }
    if contact.email_taken {
        return Err(SignupError::EmailTaken);
    }
    // A staff login's email stays on the customer record (for mail) but not on the login.
    let login_email = s.email.filter(|_| !contact.email_is_staff_login);
    let code = loop {
        let c = new_referral_code();
        if customers::by_referral_code(db, &c).await?.is_none() {
            break c;
        }
    };
    let mut tx = db.begin().await?;
    match insert_signup(&mut tx, s, login_email, &code, now).await {
        Ok(created) => {
            let registration =
                Detail::new().record("registration", created.registration_id, &created.number);
            let (action, entity, detail) = match actor.id {
                None => (
                    Action::SignupSubmitted,
                    ("registration", created.registration_id),
                    registration.with("package", &s.package.name),
                ),
                Some(_) => (
                    Action::CustomerCreate,
                    ("customer", created.customer_id),
                    registration.record("customer", created.customer_id, s.name),
                ),
            };
            let actor = Actor {
                id: actor.id.or(Some(created.user_id)),
                ..actor
            };
            audit::record_in(&mut tx, now, actor, action, Some(entity), &detail).await?;
            tx.commit().await?;
            Ok(created)
        }
        // Two sign-ups with the same phone at the same moment: the loser gets the same answer.
        // A collision on an internal column (the referral code, a number) is not the user's:
        // it stays a server error, never "already registered".
        Err(e) if is_contact_collision(&e) => {
            drop(tx);
            let again =
                customers::signup_contact(db, s.phone.as_str(), s.email.map(Email::as_str)).await?;
            Err(if again.phone_taken {
                SignupError::PhoneTaken
            } else {
                SignupError::EmailTaken
            })
        }
        Err(e) => Err(e.into()),
    }
}

fn is_contact_collision(e: &sqlx::Error) -> bool {
    crate::db::unique_violation_columns(e)
        .is_some_and(|cols| cols.iter().any(|c| c == "phone" || c == "email"))
}

async fn insert_signup(
    tx: &mut Tx,
    s: &NewSignup<'_>,
    login_email: Option<&Email>,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Created, sqlx::Error> {
    let user_id = users::create(
        &mut *tx,
        &NewUser {
            email: login_email.map(Email::as_str),
            phone: Some(s.phone.as_str()),
            name: s.name,
            role: Role::Customer,
            password_hash: s.password_hash,
            must_change_password: s.must_change_password,
        },
        now,
    )
    .await?;
    let (customer_id, customer_number) = customers::create(
        tx,
        &NewCustomer {
            user_id: Some(user_id),
            name: s.name,
            phone: s.phone.as_str(),
            email: s.email.map(Email::as_str),
            address: s.address,
            area_id: Some(s.area.id),
            status: CustomerStatus::Prospect,
            referral_code: code,
            referred_by: s.referrer.map(|r| r.id),
        },
        now,
    )
    .await?;
    let year = wib_date(now);
    let (registration_id, number) = store::create(
        tx,
        &NewRegistration {
            customer_id,
            package_id: s.package.id,
            area_id: s.area.id,
            address: s.address,
            referrer_id: s.referrer.map(|r| r.id),
            channel: s.channel,
        },
        chrono::Datelike::year(&year),
        now,
    )
    .await?;
    let registration = Detail::new().record("registration", registration_id, &number);
    let submitted = registration.clone().with("package", &s.package.name);
    customers::add_event(
        tx,
        customer_id,
        EventKind::RegistrationSubmitted,
        &submitted.stored(),
        s.actor_name,
        now,
    )
    .await?;
    if let Some(referrer) = s.referrer {
        let referred = format!("{} ({customer_number})", s.name);
        let detail = registration.record("referred", customer_id, referred);
        customers::add_event(
            tx,
            referrer.id,
            EventKind::ReferralUsed,
            &detail.stored(),
            s.actor_name,
            now,
        )
        .await?;
    }
    if let Some(email) = s.email {
        let l = s.lang;
        let subject = l.tf("mail.signup_subject", &[("number", &number)]);
        let body = l.tf(
            "mail.signup_body",
            &[
                ("name", s.name),
                ("number", &number),
                ("package", &s.package.name),
                ("area", &s.area.label()),
            ],
        );
        notify::queue_mail(tx, email.as_str(), &subject, &body, now).await?;
    }
    Ok(Created {
        user_id,
        customer_id,
        registration_id,
        number,
    })
}

/// The next pipeline step a person takes. Scheduling and installing normally happen through the
/// installation visit (`crate::dispatch`), which calls [`visit_moved`].
pub enum Step<'a> {
    Verify,
    /// An admin marks it installed without a done visit, giving the reason (an override).
    InstallOverride(&'a str),
    Reject(&'a str),
}

impl Step<'_> {
    fn target(&self) -> RegStatus {
        match self {
            Step::Verify => RegStatus::Verified,
            Step::InstallOverride(_) => RegStatus::Installed,
            Step::Reject(_) => RegStatus::Rejected,
        }
    }
}

/// Applies `step` to registration `id`; returns the status it came from.
pub async fn advance(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    step: &Step<'_>,
) -> Result<RegStatus, AppError> {
    let mut tx = db.begin().await?;
    let reg = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let from = reg.status;
    let to = step.target();
    let registration = Detail::new().record("registration", id, &reg.number);
    let (action, note) = match step {
        Step::Verify => {
            move_in(&mut tx, actor, now, &reg, to, registration.clone()).await?;
            visits::queue::enqueue(
                &mut tx,
                actor,
                now,
                &NewVisit {
                    kind: VisitKind::Installation,
                    customer_id: reg.customer_id,
                    subscription_id: None,
                    registration_id: Some(reg.id),
                    ticket_id: None,
                    previous_id: None,
                    address: &reg.address,
                    area_id: Some(reg.area_id),
                    notes: "",
                    queued_at: now,
                    created_by: actor.id,
                },
            )
            .await?;
            (Action::RegistrationVerified, None)
        }
        Step::InstallOverride(reason) => {
            let detail = registration
                .clone()
                .with("package", &reg.package_name)
                .note(reason);
            move_in(&mut tx, actor, now, &reg, to, detail).await?;
            visits::queue::cancel_open(&mut tx, actor, now, Some(id), None, reason).await?;
            (Action::RegistrationInstallOverride, Some(*reason))
        }
        Step::Reject(reason) => {
            let detail = registration.clone().note(reason);
            move_in(&mut tx, actor, now, &reg, to, detail).await?;
            store::set_reject_reason(&mut tx, id, reason).await?;
            visits::queue::cancel_open(&mut tx, actor, now, Some(id), None, reason).await?;
            (Action::RegistrationRejected, Some(*reason))
        }
    };
    let mut audited = registration.record("customer", reg.customer_id, &reg.customer_name);
    if let Some(note) = note {
        audited = audited.note(note);
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        action,
        Some(("registration", id)),
        &audited,
    )
    .await?;
    tx.commit().await?;
    Ok(from)
}

/// What an installation visit did to its registration.
pub enum VisitEffect<'a> {
    /// Booked: verified → scheduled, on `date` (DD/MM/YYYY) in `window` with `technician`.
    Scheduled {
        date: &'a str,
        window: &'a str,
        technician: &'a str,
    },
    /// Failed or called off: scheduled → verified, waiting for a new appointment.
    Unscheduled,
    /// Done: installed, with the subscription active.
    Installed,
}

/// Applies an installation visit's effect to registration `id` inside the visit's transaction
/// (which writes the audit row). A registration no longer waiting (rejected meanwhile) is left
/// alone; returns whether it moved.
pub async fn visit_moved(
    tx: &mut Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    effect: VisitEffect<'_>,
) -> Result<bool, AppError> {
    tx.lock_row("registrations", id).await?;
    let reg = store::get(&mut *tx, id).await?.ok_or(AppError::NotFound)?;
    let registration = Detail::new().record("registration", id, &reg.number);
    match effect {
        VisitEffect::Scheduled {
            date,
            window,
            technician,
        } => {
            if reg.status != RegStatus::Verified {
                return Ok(false);
            }
            let detail = registration
                .with("date", date)
                .with("window", window)
                .with("technician", technician);
            move_in(tx, actor, now, &reg, RegStatus::Scheduled, detail).await?;
        }
        VisitEffect::Unscheduled => {
            if reg.status != RegStatus::Scheduled || !store::unschedule(tx, id, now).await? {
                return Ok(false);
            }
        }
        VisitEffect::Installed => {
            if !matches!(reg.status, RegStatus::Scheduled | RegStatus::Verified) {
                return Ok(false);
            }
            let detail = registration.with("package", &reg.package_name);
            move_in(tx, actor, now, &reg, RegStatus::Installed, detail).await?;
        }
    }
    Ok(true)
}

/// Moves `reg` to `to` (checked, conditional on its status) with its line on the customer's
/// timeline; installing also starts the subscription, activates the customer and credits the
/// referrer.
async fn move_in(
    tx: &mut Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    reg: &store::RegistrationRow,
    to: RegStatus,
    detail: Detail,
) -> Result<(), AppError> {
    if !reg.status.can_move_to(to)
        || !store::transition(tx, reg.id, reg.status.as_str(), to.as_str(), now).await?
    {
        return Err(AppError::Conflict("registrations.transition_invalid"));
    }
    if to == RegStatus::Installed {
        install(tx, actor, now, reg).await?;
    }
    let kind = match to {
        RegStatus::Submitted | RegStatus::Verified => EventKind::RegistrationVerified,
        RegStatus::Scheduled => EventKind::RegistrationScheduled,
        RegStatus::Installed => EventKind::RegistrationInstalled,
        RegStatus::Rejected => EventKind::RegistrationRejected,
    };
    customers::add_event(tx, reg.customer_id, kind, &detail.stored(), actor.name, now).await?;
    Ok(())
}

async fn install(
    tx: &mut Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    reg: &store::RegistrationRow,
) -> Result<(), AppError> {
    let today = wib_date(now);
    let sub = customers::create_subscription(
        tx,
        reg.customer_id,
        reg.package_id,
        &reg.address,
        Some(reg.area_id),
        SubStatus::Active,
        Some(today),
        now,
    )
    .await?;
    store::set_subscription(tx, reg.id, sub).await?;
    customers::add_subscription_event(
        tx,
        &SubscriptionEvent {
            subscription_id: sub,
            kind: "created",
            from_package_id: None,
            to_package_id: Some(reg.package_id),
            note: &reg.number,
            actor_id: actor.id,
        },
        now,
    )
    .await?;
    customers::set_status(tx, reg.customer_id, CustomerStatus::Active, now).await?;
    if let Some(referrer) = reg.referrer_id {
        let detail = Detail::new()
            .record("referred", reg.customer_id, &reg.customer_name)
            .record("registration", reg.id, &reg.number);
        customers::add_event(
            tx,
            referrer,
            EventKind::ReferralCredited,
            &detail.stored(),
            actor.name,
            now,
        )
        .await?;
    }
    Ok(())
}
