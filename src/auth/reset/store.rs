//! SQL for `password_resets`.

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Db, DbResult, Tx};

pub async fn insert(
    tx: &mut Tx,
    user_id: i64,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    ip: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at, ip) VALUES ($1, $2, $3, $4, $5)",
        args![user_id, token_hash, now, expires_at, ip],
    )
    .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct ResetRow {
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

pub async fn find(db: &Db, token_hash: &str) -> DbResult<Option<ResetRow>> {
    db.fetch_optional(
        "SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
        args![token_hash],
    )
    .await
}

/// Spends the link: succeeds (returns the user) only once, and only before it expires.
pub async fn use_token(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> DbResult<Option<i64>> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
             AND EXISTS (SELECT 1 FROM users u WHERE u.id = password_resets.user_id AND u.active) \
             RETURNING user_id",
            args![token_hash, now],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Every other open link of the user ends too.
pub async fn spend_all(tx: &mut Tx, user_id: i64, now: DateTime<Utc>) -> DbResult<u64> {
    tx.execute(
        "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
        args![user_id, now],
    )
    .await
}

/// Forgets links that expired before `before` (the hourly sweep).
pub async fn delete_spent_before(db: &Db, before: DateTime<Utc>) -> DbResult<u64> {
    db.execute(
        "DELETE FROM password_resets WHERE expires_at < $1",
        args![before],
    )
    .await
}
