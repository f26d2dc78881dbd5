//! SQL for sessions and login attempts.

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Conn, Db, DbResult, Tx};

#[derive(Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct SessionUser {
    pub session_id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_id: i64,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub must_change_password: bool,
    pub lang: Option<String>,
    /// The user's unread notifications, counted up to the cap given to [`find_session`].
    pub unread: i64,
}

/// The session and its user, with the bell's count in the same query (capped at `unread_cap`;
/// 0 where no bell is shown).
pub async fn find_session(db: &Db, id: &str, unread_cap: i64) -> DbResult<Option<SessionUser>> {
    db.fetch_optional(
        "SELECT s.id AS session_id, s.created_at, s.last_seen_at, u.id AS user_id, u.name, u.role, u.active, \
         u.must_change_password, u.lang, \
         (SELECT COUNT(*) FROM (SELECT 1 FROM notifications n \
          WHERE n.user_id = u.id AND n.read_at IS NULL LIMIT $2) capped) AS unread \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
        args![id, unread_cap],
    )
    .await
}

pub async fn insert_session(
    c: impl Into<Conn<'_>>,
    id: &str,
    user_id: i64,
    now: DateTime<Utc>,
    ip: &str,
    user_agent: &str,
) -> DbResult<()> {
    c.into().execute(
        "INSERT INTO sessions (id, user_id, created_at, last_seen_at, ip, user_agent) VALUES ($1, $2, $3, $3, $4, $5)",
        args![id, user_id, now, ip, user_agent],
    )
    .await?;
    Ok(())
}

pub async fn touch_session(c: impl Into<Conn<'_>>, id: &str, now: DateTime<Utc>) -> DbResult<()> {
    c.into()
        .execute(
            "UPDATE sessions SET last_seen_at = $2 WHERE id = $1",
            args![id, now],
        )
        .await?;
    Ok(())
}

pub async fn delete_session(c: impl Into<Conn<'_>>, id: &str) -> DbResult<()> {
    c.into()
        .execute("DELETE FROM sessions WHERE id = $1", args![id])
        .await?;
    Ok(())
}

/// Ends every session of a user (password change, deactivation), except `keep` if given.
pub async fn delete_user_sessions(
    c: impl Into<Conn<'_>>,
    user_id: i64,
    keep: Option<&str>,
) -> DbResult<u64> {
    c.into()
        .execute(
            "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id <> $2)",
            args![user_id, keep],
        )
        .await
}

/// Removes sessions idle since `idle_before` or started before `started_before`.
pub async fn delete_expired_sessions(
    c: impl Into<Conn<'_>>,
    idle_before: DateTime<Utc>,
    started_before: DateTime<Utc>,
) -> DbResult<u64> {
    c.into()
        .execute(
            "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2",
            args![idle_before, started_before],
        )
        .await
}

/// Records a failed login from `ip` for `account` (the normalised login typed).
pub async fn record_login_attempt(
    tx: &mut Tx,
    ip: &str,
    account: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO login_attempts (ip, account, at) VALUES ($1, $2, $3)",
        args![ip, account, now],
    )
    .await?;
    Ok(())
}

/// Failed logins from `ip` for `account` since `since`.
pub async fn count_login_attempts(
    db: &Db,
    ip: &str,
    account: &str,
    since: DateTime<Utc>,
) -> DbResult<i64> {
    db.scalar(
        "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND account = $2 AND at >= $3",
        args![ip, account, since],
    )
    .await
}

pub async fn delete_login_attempts_before(
    c: impl Into<Conn<'_>>,
    before: DateTime<Utc>,
) -> DbResult<u64> {
    c.into()
        .execute("DELETE FROM login_attempts WHERE at < $1", args![before])
        .await
}

/// The language a user chose, applied at their next login.
pub async fn set_lang(c: impl Into<Conn<'_>>, user_id: i64, lang: &str) -> DbResult<()> {
    c.into()
        .execute(
            "UPDATE users SET lang = $2 WHERE id = $1",
            args![user_id, lang],
        )
        .await?;
    Ok(())
}

/// The key CSRF tokens are made with, created on first use and shared by every instance.
pub async fn csrf_secret(db: &Db) -> anyhow::Result<Vec<u8>> {
    use rand::RngCore;
    let mut fresh = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut fresh);
    db.execute(
        "INSERT INTO app_secrets (name, value) VALUES ('csrf', $1) ON CONFLICT (name) DO NOTHING",
        args![hex::encode(fresh)],
    )
    .await?;
    let value: String = db
        .scalar("SELECT value FROM app_secrets WHERE name = 'csrf'", args![])
        .await?;
    Ok(hex::decode(value)?)
}
