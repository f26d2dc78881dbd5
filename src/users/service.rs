//! Staff account operations: each one transaction with its audit row, callable from the pages,
//! the CLI or a future API.

use chrono::{DateTime, Utc};

use super::store::{self, NewUser, UserRow};
use crate::audit::{self, Action, Actor};
use crate::auth::password::{self, Hashing};
use crate::auth::{store as sessions, Role};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::types::{Email, PhoneNumber};
use crate::words::Detail;

/// A new staff member, parsed.
pub struct NewStaff {
    pub name: String,
    pub email: Email,
    pub phone: Option<PhoneNumber>,
    pub role: Role,
}

/// The unique contact columns of `users`, as form fields.
const CONTACT_COLUMNS: &[(&str, &str, &str)] = &[
    ("email", "email", "validation.login_taken"),
    ("phone", "phone", "validation.login_taken"),
];

/// Creates a staff account. Without a `chosen` password it gets a one-time password that must be
/// changed at first login. Returns the id and the password.
pub async fn create_staff(
    db: &Db,
    hashing: &Hashing,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    s: &NewStaff,
    chosen: Option<String>,
) -> AppResult<(i64, String)> {
    if !s.role.is_staff() {
        return Err(AppError::field("role", "validation.role_invalid"));
    }
    let must_change_password = chosen.is_none();
    let one_time = chosen.unwrap_or_else(password::generate);
    let hash = hashing.hash(one_time.clone()).await?;
    let mut tx = db.begin().await?;
    let new = NewUser {
        email: Some(s.email.as_str()),
        phone: s.phone.as_ref().map(PhoneNumber::as_str),
        name: &s.name,
        role: s.role,
        password_hash: &hash,
        must_change_password,
    };
    let id = store::create(&mut tx, &new, now)
        .await
        .map_err(|e| AppError::unique_to_field(e, CONTACT_COLUMNS))?;
    let detail = Detail::new()
        .record("user", id, &s.name)
        .with("role", s.role);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::UserCreate,
        Some(("user", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok((id, one_time))
}

/// A staff member (never a customer login), or 404.
pub async fn staff_member(db: &Db, id: i64) -> AppResult<UserRow> {
    store::get(db, id)
        .await?
        .filter(|u| u.role().is_staff())
        .ok_or(AppError::NotFound)
}

/// Renames and re-roles a staff member; refused when it would leave no active system admin.
pub async fn update_staff(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    name: &str,
    role: Role,
) -> AppResult<()> {
    if !role.is_staff() {
        return Err(AppError::field("role", "validation.role_invalid"));
    }
    let before = staff_member(db, id).await?;
    let mut tx = db.begin().await?;
    if !store::update_staff(&mut tx, id, name, role, now).await? {
        return Err(AppError::field("role", "users.last_system_admin"));
    }
    let detail = Detail::new()
        .record("user", id, name)
        .change("name", &before.name, name)
        .change("role", &before.role, role);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::UserUpdate,
        Some(("user", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates a staff member and ends their sessions, in one transaction. Nobody deactivates
/// themselves, and the last active system admin stays.
pub async fn deactivate(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<u64> {
    let user = staff_member(db, id).await?;
    // Locking oneself out is never what a system admin means to do.
    if actor.id == Some(id) {
        return Err(AppError::Conflict("users.cannot_deactivate_self"));
    }
    let mut tx = db.begin().await?;
    if !store::set_active(&mut tx, id, false, now).await? {
        return Err(AppError::Conflict("users.last_system_admin"));
    }
    let ended = sessions::delete_user_sessions(&mut tx, id, None).await?;
    // A reset link mailed before must not revive the account's password later.
    crate::auth::reset::store::spend_all(&mut tx, id, now).await?;
    let detail = Detail::new().record("user", id, &user.name);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::UserDeactivate,
        Some(("user", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

pub async fn reactivate(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<()> {
    let user = staff_member(db, id).await?;
    let mut tx = db.begin().await?;
    store::set_active(&mut tx, id, true, now).await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::UserReactivate,
        Some(("user", id)),
        &Detail::new().record("user", id, &user.name),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a login a one-time password (changed at the next login) and ends its sessions, in one
/// transaction; returns the password to show once. `action` and `detail` name it in the audit
/// log.
#[allow(clippy::too_many_arguments)]
pub async fn reset_password(
    db: &Db,
    hashing: &Hashing,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    user_id: i64,
    action: Action,
    entity: (&str, i64),
    detail: Detail,
) -> AppResult<String> {
    let one_time = password::generate();
    let hash = hashing.hash(one_time.clone()).await?;
    let mut tx = db.begin().await?;
    store::set_password(&mut tx, user_id, &hash, true, now).await?;
    sessions::delete_user_sessions(&mut tx, user_id, None).await?;
    audit::record_in(&mut tx, now, actor, action, Some(entity), &detail).await?;
    tx.commit().await?;
    Ok(one_time)
}
