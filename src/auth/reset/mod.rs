//! Forgotten password by mail: a single-use link, valid for [`LINK_VALID`], sets a new password
//! and ends every session of the account.
//!
//! The link carries a random 256-bit token; only its SHA-256 is stored, so neither a database
//! reader nor a forger can produce a working link. Single use is a conditional update.

pub mod store;
pub(super) mod web;

use chrono::{DateTime, Duration, Utc};

use super::session::{new_token, token_hash};
use crate::audit::{self, Action, Actor};
use crate::db::Db;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::types::{Email, PhoneNumber};
use crate::users::store as users;
use crate::words::Detail;

pub const LINK_VALID: Duration = Duration::minutes(30);

/// The job that looks up the account and mails the link (`{"login", "lang", "ip"}`).
pub const REQUEST_JOB: &str = "password.reset_request";

/// Takes a reset request: one job insert, whatever the account. The lookup and the mail happen
/// in [`request`] on the worker, so neither the answer nor its timing tells whether the account
/// exists.
pub async fn request_later(
    db: &Db,
    now: DateTime<Utc>,
    login: &str,
    lang: Lang,
    ip: &str,
) -> AppResult<()> {
    let login: String = login.trim().chars().take(200).collect();
    let payload = serde_json::json!({ "login": login, "lang": lang.code(), "ip": ip });
    let mut tx = db.begin().await?;
    crate::jobs::enqueue(&mut tx, REQUEST_JOB, &payload, now, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Why a link does not work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    /// Never issued (or forged).
    Unknown,
    Used,
    Expired,
}

/// Someone asked for a reset link for `login` (email or phone). When an active account with an
/// email address matches, the link is mailed (in the account's language, else `lang`); otherwise
/// nothing happens. Either way the caller shows the same answer.
pub async fn request(
    db: &Db,
    now: DateTime<Utc>,
    base_url: &str,
    login: &str,
    lang: Lang,
    ip: &str,
) -> AppResult<()> {
    let login = login.trim();
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
        return Ok(());
    }
    let Some(user) = users::find_by_login(db, email.as_deref(), phone.as_deref()).await? else {
        return Ok(());
    };
    let Some(to) = user.email.as_deref().filter(|_| user.active) else {
        return Ok(());
    };
    let lang = user.lang.as_deref().and_then(Lang::parse).unwrap_or(lang);
    let token = new_token();
    let link = format!("{}/password/reset/{token}", base_url.trim_end_matches('/'));
    let minutes = LINK_VALID.num_minutes().to_string();
    let subject = lang.t("mail.reset_subject").to_string();
    let body = lang.tf(
        "mail.reset_body",
        &[("name", &user.name), ("link", &link), ("minutes", &minutes)],
    );
    let mut tx = db.begin().await?;
    store::insert(
        &mut tx,
        user.id,
        &token_hash(&token),
        now + LINK_VALID,
        ip,
        now,
    )
    .await?;
    crate::notify::queue_mail(&mut tx, to, &subject, &body, now).await?;
    let actor = Actor {
        id: None,
        name: "-",
        ip,
    };
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PasswordResetRequested,
        Some(("user", user.id)),
        &Detail::new(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether the link still works (shown before the form; [`complete`] checks again).
pub async fn check(db: &Db, token: &str, now: DateTime<Utc>) -> AppResult<Result<(), Invalid>> {
    if !well_formed(token) {
        return Ok(Err(Invalid::Unknown));
    }
    Ok(match store::find(db, &token_hash(token)).await? {
        None => Err(Invalid::Unknown),
        Some(r) if r.used_at.is_some() => Err(Invalid::Used),
        Some(r) if r.expires_at <= now => Err(Invalid::Expired),
        Some(_) => Ok(()),
    })
}

/// Spends the link and sets the new password (already hashed), ending every session of the
/// account and every other open link, audited, in one transaction.
pub async fn complete(
    db: &Db,
    now: DateTime<Utc>,
    token: &str,
    password_hash: &str,
    ip: &str,
) -> AppResult<Result<i64, Invalid>> {
    if !well_formed(token) {
        return Ok(Err(Invalid::Unknown));
    }
    let mut tx = db.begin().await?;
    let Some(user_id) = store::use_token(&mut tx, &token_hash(token), now).await? else {
        drop(tx);
        // Tell which way it failed (used meanwhile, or expired).
        return Ok(Err(check(db, token, now)
            .await?
            .err()
            .unwrap_or(Invalid::Used)));
    };
    users::set_password(&mut tx, user_id, password_hash, false, now).await?;
    super::store::delete_user_sessions(&mut tx, user_id, None).await?;
    store::spend_all(&mut tx, user_id, now).await?;
    let name = users::get(&mut tx, user_id)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let actor = Actor {
        id: Some(user_id),
        name: &name,
        ip,
    };
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PasswordReset,
        Some(("user", user_id)),
        &Detail::new(),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(user_id))
}
