//! Login, logout, password change and language choice as operations: every write and the audit
//! row that records it share one transaction. No cookies or pages here; the handlers turn the
//! results into those.

use chrono::{DateTime, Duration, Utc};

use super::{
    password, session, store, Role, LOCK_MINUTES, MAX_FAILED_LOGINS, MAX_FAILED_LOGINS_PER_IP,
};
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::types::{Email, PhoneNumber};
use crate::users::store::{self as users, UserRow};

/// Where the request came from: kept with the session and the audit rows.
#[derive(Clone, Copy)]
pub struct Origin<'a> {
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// What someone typed into the login form.
pub struct Credentials<'a> {
    /// An email address or a phone number, as typed.
    pub login: &'a str,
    pub password: &'a str,
}

/// A new session: the token for the cookie, and what the handler needs to send the user on.
pub struct LoggedIn {
    pub token: String,
    pub role: Role,
    pub must_change_password: bool,
    pub lang: Option<String>,
}

pub enum LoginOutcome {
    LoggedIn(LoggedIn),
    /// Wrong login or password, unknown, inactive or locked account: all look the same.
    Failed,
    /// Too many failures from this address lately.
    Throttled,
}

/// The account a login names, if the text is an email address or a phone number at all.
async fn find_account(db: &Db, login: &str) -> AppResult<Option<UserRow>> {
    let (email, phone) = if login.contains('@') {
        (
            Email::parse(login).ok().map(|e| e.as_str().to_owned()),
            None,
        )
    } else {
        (
            None,
            PhoneNumber::parse(login)
                .ok()
                .map(|p| p.as_str().to_owned()),
        )
    };
    if email.is_none() && phone.is_none() {
        return Ok(None);
    }
    Ok(users::find_by_login(db, email.as_deref(), phone.as_deref()).await?)
}

/// Checks credentials. A failure is counted (per address, and on the account when there is
/// one) in the same transaction as its audit row; a success clears the account's failures,
/// replaces `previous_session` with a new session and audits it, in one transaction.
pub async fn login(
    db: &Db,
    now: DateTime<Utc>,
    origin: Origin<'_>,
    credentials: &Credentials<'_>,
    previous_session: Option<&str>,
) -> AppResult<LoginOutcome> {
    let login = credentials.login.trim();
    let attempted: String = login.chars().take(100).collect();
    let window = Duration::minutes(LOCK_MINUTES);
    let anonymous = Actor {
        id: None,
        name: &attempted,
        ip: origin.ip,
    };

    if store::count_login_attempts(db, origin.ip, now - window).await? >= MAX_FAILED_LOGINS_PER_IP {
        let mut tx = db.begin().await?;
        audit::record_in(
            &mut tx,
            now,
            anonymous,
            "auth.login_throttled",
            None,
            "too many failures from this address",
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Throttled);
    }

    let Some(user) = find_account(db, login).await?.filter(|u| u.active) else {
        password::verify_dummy(credentials.password.to_owned()).await?;
        let mut tx = db.begin().await?;
        store::record_login_attempt(&mut tx, origin.ip, now).await?;
        audit::record_in(
            &mut tx,
            now,
            anonymous,
            "auth.login_failed",
            None,
            "unknown or inactive account",
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Failed);
    };

    let actor = Actor {
        id: Some(user.id),
        name: &user.name,
        ip: origin.ip,
    };
    let entity = Some(("user", user.id));

    if user.locked_until.is_some_and(|t| t > now) {
        password::verify_dummy(credentials.password.to_owned()).await?;
        let mut tx = db.begin().await?;
        store::record_login_attempt(&mut tx, origin.ip, now).await?;
        audit::record_in(
            &mut tx,
            now,
            actor,
            "auth.login_failed",
            entity,
            "account locked",
        )
        .await?;
        tx.commit().await?;
        return Ok(LoginOutcome::Failed);
    }

    if !password::verify(credentials.password.to_owned(), user.password_hash.clone()).await? {
        let mut tx = db.begin().await?;
        store::record_login_attempt(&mut tx, origin.ip, now).await?;
        let locked =
            store::record_failed_login(&mut tx, user.id, MAX_FAILED_LOGINS, now, window).await?;
        audit::record_in(
            &mut tx,
            now,
            actor,
            "auth.login_failed",
            entity,
            "wrong password",
        )
        .await?;
        if locked {
            audit::record_in(
                &mut tx,
                now,
                actor,
                "auth.locked",
                entity,
                &format!("locked for {LOCK_MINUTES} minutes"),
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(LoginOutcome::Failed);
    }

    let token = session::new_token();
    let mut tx = db.begin().await?;
    store::clear_failed_logins(&mut tx, user.id).await?;
    // A new session id at every login; the one the visitor had before is gone.
    if let Some(old) = previous_session {
        store::delete_session(&mut tx, old).await?;
    }
    start_session(&mut tx, now, user.id, origin, &token).await?;
    audit::record_in(&mut tx, now, actor, "auth.login", entity, "").await?;
    tx.commit().await?;
    Ok(LoginOutcome::LoggedIn(LoggedIn {
        token,
        role: user.role(),
        must_change_password: user.must_change_password,
        lang: user.lang.clone(),
    }))
}

async fn start_session(
    tx: &mut crate::db::Tx,
    now: DateTime<Utc>,
    user_id: i64,
    origin: Origin<'_>,
    token: &str,
) -> AppResult<()> {
    let ua: String = origin.user_agent.chars().take(300).collect();
    store::insert_session(
        &mut *tx,
        &session::token_hash(token),
        user_id,
        now,
        origin.ip,
        &ua,
    )
    .await?;
    Ok(())
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
    audit::record_in(&mut tx, now, actor, "auth.logout", entity, "").await?;
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
/// row. Returns the new session's token.
pub async fn change_password(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    origin: Origin<'_>,
    change: &PasswordChange<'_>,
) -> AppResult<String> {
    let user_id = actor.id.ok_or(AppError::Forbidden)?;
    let row = users::get(db, user_id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    if !password::verify(change.current.to_owned(), row.password_hash.clone()).await? {
        errors.add("current", "validation.password_wrong");
    }
    errors.check("new", password::check_policy(change.new));
    if change.new == change.current && !errors.has("new") {
        errors.add("new", "validation.password_same");
    }
    if change.new != change.confirm {
        errors.add("confirm", "validation.password_mismatch");
    }
    errors.into_result()?;
    let hash = password::hash(change.new.to_owned()).await?;
    let token = session::new_token();
    let mut tx = db.begin().await?;
    users::set_password(&mut tx, user_id, &hash, false, now).await?;
    store::delete_user_sessions(&mut tx, user_id, None).await?;
    start_session(&mut tx, now, user_id, origin, &token).await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        "auth.password_changed",
        Some(("user", user_id)),
        "",
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Remembers a logged-in user's language for their next login (visitors only get the cookie).
pub async fn choose_language(db: &Db, user_id: i64, lang: Lang) -> AppResult<()> {
    store::set_lang(db, user_id, lang.code()).await?;
    Ok(())
}
