//! The login decision: throttling, locks and progressive delays, with every outcome audited in
//! the transaction that records it.
//!
//! - Failed attempts count per client address *and* account: other people's failures at the
//!   same (carrier-grade NAT) address never refuse a correct password.
//! - Staff: 5 failures within 15 minutes lock the account for 15 minutes.
//! - Customers: from the 5th failure a delay that doubles with every further failure (30 s,
//!   1 min, 2 min, … at most 15 min). A browser that logged in to the account before (a signed
//!   device cookie, see [`super::device`]) passes the delay, so someone who knows a customer's
//!   phone number cannot keep them out.

use chrono::{DateTime, Duration, Utc};

use super::password::Hashing;
use super::{device, password, session, store, Role};
use crate::audit::{self, Action, Actor};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::types::{Email, PhoneNumber};
use crate::users::store::{self as users, UserRow};
use crate::words::Detail;

/// Failures within [`WINDOW_MINUTES`] before an account is locked (staff) or delayed (customers).
pub const MAX_FAILED_LOGINS: i64 = 5;
/// The window failures count in, and how long a staff account stays locked.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures for one account from one address within the window before that pair gets 429.
pub const MAX_FAILED_PER_ADDRESS_AND_ACCOUNT: i64 = 10;
/// The first customer delay; it doubles with every further failure.
const FIRST_DELAY_SECS: i64 = 30;

pub struct Attempt<'a> {
    pub login: &'a str,
    pub password: String,
    pub ip: &'a str,
    /// The device cookie the browser sent, if any.
    pub device: Option<&'a str>,
    pub user_agent: &'a str,
    /// The session the browser had before, ended at a successful login.
    pub previous_session: Option<&'a str>,
}

pub enum Outcome {
    /// The password was right: the user and the new session's token.
    Success(Box<UserRow>, String),
    /// Wrong, unknown, inactive or locked: one answer for all of them.
    Failed,
    /// Too many failures for this account from this address.
    Throttled,
}

/// How long a lock lasts after `failures` failures in the window, if it locks at all.
pub fn lock_for(role: Role, failures: i64) -> Option<Duration> {
    if failures < MAX_FAILED_LOGINS {
        return None;
    }
    if role.is_staff() {
        return Some(Duration::minutes(WINDOW_MINUTES));
    }
    let doublings = (failures - MAX_FAILED_LOGINS).min(10) as u32;
    let secs = (FIRST_DELAY_SECS << doublings).min(WINDOW_MINUTES * 60);
    Some(Duration::seconds(secs))
}

/// The login as typed, normalised: the key failures are counted under, and the email or phone.
fn normalise(login: &str) -> (String, Option<String>, Option<String>) {
    let login = login.trim();
    if login.contains('@') {
        match Email::parse(login) {
            Ok(e) => (e.as_str().to_owned(), Some(e.as_str().to_owned()), None),
            Err(_) => (login.to_lowercase(), None, None),
        }
    } else {
        match PhoneNumber::parse(login) {
            Ok(p) => (p.as_str().to_owned(), None, Some(p.as_str().to_owned())),
            Err(_) => (login.to_lowercase(), None, None),
        }
    }
}

pub async fn login(
    db: &Db,
    hashing: &Hashing,
    secret: &[u8],
    now: DateTime<Utc>,
    a: Attempt<'_>,
) -> AppResult<Outcome> {
    let (account, email, phone) = normalise(a.login);
    let account: String = account.chars().take(100).collect();
    let user = if email.is_some() || phone.is_some() {
        users::find_by_login(db, email.as_deref(), phone.as_deref()).await?
    } else {
        None
    };
    let known_device = match (&user, a.device) {
        (Some(u), Some(cookie)) => device::verify(secret, cookie, u.id, &u.password_hash),
        _ => false,
    };
    let since = now - Duration::minutes(WINDOW_MINUTES);

    if !known_device
        && store::count_login_attempts(db, a.ip, &account, since).await?
            >= MAX_FAILED_PER_ADDRESS_AND_ACCOUNT
    {
        let mut tx = db.begin().await?;
        let actor = Actor {
            id: None,
            name: &account,
            ip: a.ip,
        };
        let entity = user.as_ref().map(|u| ("user", u.id));
        audit::record_in(
            &mut tx,
            now,
            actor,
            Action::LoginThrottled,
            entity,
            &Detail::new(),
        )
        .await?;
        tx.commit().await?;
        return Ok(Outcome::Throttled);
    }

    let Some(user) = user.filter(|u| u.active) else {
        hashing.verify_dummy(a.password).await?;
        failed(db, now, a.ip, &account, None, "unknown", false).await?;
        return Ok(Outcome::Failed);
    };

    // A known device passes a customer's delay; staff stay locked.
    let locked = user.locked_until.is_some_and(|t| t > now);
    if locked && !(known_device && user.role() == Role::Customer) {
        hashing.verify_dummy(a.password).await?;
        failed(db, now, a.ip, &account, Some(&user), "locked", false).await?;
        return Ok(Outcome::Failed);
    }

    if !hashing
        .verify(a.password, user.password_hash.clone())
        .await?
    {
        failed(db, now, a.ip, &account, Some(&user), "wrong_password", true).await?;
        return Ok(Outcome::Failed);
    }

    // One transaction: failures cleared, the old session ended, a new one started, audited.
    let mut tx = db.begin().await?;
    users::record_successful_login(&mut tx, user.id).await?;
    if let Some(old) = a.previous_session {
        store::delete_session(&mut tx, old).await?;
    }
    let token = session::start(&mut tx, now, user.id, a.ip, a.user_agent).await?;
    // A customer's delay passed by a browser that logged in before.
    let detail = Detail::new().with("device", if locked { "known" } else { "usual" });
    let actor = Actor {
        id: Some(user.id),
        name: &user.name,
        ip: a.ip,
    };
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::Login,
        Some(("user", user.id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Success(Box::new(user), token))
}

/// Records and audits a failed attempt; `why` is `unknown`, `locked` or `wrong_password`. `counts` is set for a wrong password on an active,
/// unlocked account: it adds to the account's failures and may lock it.
async fn failed(
    db: &Db,
    now: DateTime<Utc>,
    ip: &str,
    account: &str,
    user: Option<&UserRow>,
    why: &str,
    counts: bool,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::record_login_attempt(&mut tx, ip, account, now).await?;
    let actor = Actor {
        id: user.map(|u| u.id),
        name: user.map(|u| u.name.as_str()).unwrap_or(account),
        ip,
    };
    let entity = user.map(|u| ("user", u.id));
    let detail = Detail::new().with("why", why);
    audit::record_in(&mut tx, now, actor, Action::LoginFailed, entity, &detail).await?;
    if let (Some(user), true) = (user, counts) {
        let window = Duration::minutes(WINDOW_MINUTES);
        let failures = users::record_failed_login(&mut tx, user.id, now, window).await?;
        if let Some(lock) = lock_for(user.role(), failures) {
            users::lock_until(&mut tx, user.id, now + lock).await?;
            audit::record_in(
                &mut tx,
                now,
                actor,
                Action::Locked,
                entity,
                &Detail::new()
                    .with("failures", failures)
                    .with("seconds", lock.num_seconds()),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_lock_and_customer_delays() {
        assert_eq!(lock_for(Role::Admin, 4), None);
        assert_eq!(lock_for(Role::Admin, 5), Some(Duration::minutes(15)));
        assert_eq!(lock_for(Role::Customer, 4), None);
        assert_eq!(lock_for(Role::Customer, 5), Some(Duration::seconds(30)));
        assert_eq!(lock_for(Role::Customer, 6), Some(Duration::seconds(60)));
        assert_eq!(lock_for(Role::Customer, 9), Some(Duration::seconds(480)));
        assert_eq!(lock_for(Role::Customer, 10), Some(Duration::minutes(15)));
        assert_eq!(lock_for(Role::Customer, 500), Some(Duration::minutes(15)));
    }
}

/// Where the request came from: kept with the session and the audit rows.
#[derive(Clone, Copy)]
pub struct Origin<'a> {
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// Ends session `session_id` of the acting user, audited.
pub async fn logout(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    session_id: &str,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::delete_session(&mut tx, session_id).await?;
    let entity = actor.id.map(|id| ("user", id));
    audit::record_in(&mut tx, now, actor, Action::Logout, entity, &Detail::new()).await?;
    tx.commit().await?;
    Ok(())
}

/// The password form: the current password, a new one, and the new one again.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirm: &'a str,
}

/// A user changes their own password. The new password, the end of every session of theirs
/// (this one included) and a fresh session to continue in are one transaction with the audit
/// row. Returns the new session's token and the new password hash (for the device cookie).
pub async fn change_password(
    db: &Db,
    hashing: &Hashing,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    origin: Origin<'_>,
    change: &PasswordChange<'_>,
) -> AppResult<(String, String)> {
    let user_id = actor.id.ok_or(AppError::Forbidden)?;
    let row = users::get(db, user_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    if !hashing
        .verify(change.current.to_owned(), row.password_hash.clone())
        .await?
    {
        errors.add("current", "validation.password_wrong");
    }
    let personal = [
        row.name.as_str(),
        row.email.as_deref().unwrap_or(""),
        row.phone.as_deref().unwrap_or(""),
    ];
    errors.check("new", password::check_policy_for(change.new, &personal));
    if change.new == change.current && !errors.has("new") {
        errors.add("new", "validation.password_same");
    }
    if change.new != change.confirm {
        errors.add("confirm", "validation.password_mismatch");
    }
    errors.into_result()?;
    let hash = hashing.hash(change.new.to_owned()).await?;
    let mut tx = db.begin().await?;
    users::set_password(&mut tx, user_id, &hash, false, now).await?;
    store::delete_user_sessions(&mut tx, user_id, None).await?;
    let token = session::start(&mut tx, now, user_id, origin.ip, origin.user_agent).await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PasswordChanged,
        Some(("user", user_id)),
        &Detail::new(),
    )
    .await?;
    tx.commit().await?;
    Ok((token, hash))
}

/// Remembers a logged-in user's language for their next login (visitors only get the cookie).
pub async fn choose_language(db: &Db, user_id: i64, lang: Lang) -> AppResult<()> {
    store::set_lang(db, user_id, lang.code()).await?;
    Ok(())
}
