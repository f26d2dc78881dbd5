//! SQL for `mail_outbox`.

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Db, DbResult, Tx};

pub async fn insert(
    tx: &mut Tx,
    to: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx.scalar(
        "INSERT INTO mail_outbox (to_addr, subject, body, created_at, status) \
         VALUES ($1, $2, $3, $4, 'pending') RETURNING id",
        args![to, subject, body, now],
    )
    .await
}

/// Inserts many mails in one statement (all created at `now`); the new ids, in no promised
/// order. Keep a call to a few hundred mails: each one binds three values.
pub async fn insert_many(
    tx: &mut Tx,
    mails: &[super::Mail],
    now: DateTime<Utc>,
) -> DbResult<Vec<i64>> {
    if mails.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = String::from(
        "INSERT INTO mail_outbox (to_addr, subject, body, created_at, status) VALUES ",
    );
    let mut a = args![now];
    for (i, m) in mails.iter().enumerate() {
        let n = a.len();
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, $1, 'pending')",
            n + 1,
            n + 2,
            n + 3
        ));
        a.push(m.to.as_str().into());
        a.push(m.subject.as_str().into());
        a.push(m.body.as_str().into());
    }
    sql.push_str(" RETURNING id");
    let rows: Vec<(i64,)> = tx.fetch_all(&sql, a).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// An outbox row claimed for sending.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct OutboxMail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// pending → sending under `token`, or takes over a `sending` claim made before `stale_before`.
/// `None` when the row is not there to claim (sent, or being sent).
pub async fn claim(
    db: &Db,
    id: i64,
    token: &str,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> DbResult<Option<OutboxMail>> {
    let mut tx = db.begin().await?;
    let row = tx
        .fetch_optional(
            "UPDATE mail_outbox SET status = 'sending', claim_token = $2, claimed_at = $3, attempts = attempts + 1 \
             WHERE id = $1 AND (status = 'pending' OR (status = 'sending' AND claimed_at < $4)) \
             RETURNING id, to_addr, subject, body, created_at",
            args![id, token, now, stale_before],
        )
        .await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn status(db: &Db, id: i64) -> DbResult<Option<String>> {
    let mut tx = db.begin().await?;
    let s = tx
        .fetch_optional::<(String,)>("SELECT status FROM mail_outbox WHERE id = $1", args![id])
        .await?;
    tx.commit().await?;
    Ok(s.map(|r| r.0))
}

pub async fn mark_sent(db: &Db, id: i64, token: &str, now: DateTime<Utc>) -> DbResult<u64> {
    db.execute(
        "UPDATE mail_outbox SET status = 'sent', sent_at = $3, claim_token = NULL, last_error = NULL \
         WHERE id = $1 AND claim_token = $2",
        args![id, token, now],
    )
    .await
}

/// Sending failed: back to pending (the job retries later), keeping the error.
pub async fn release(db: &Db, id: i64, token: &str, error: &str) -> DbResult<u64> {
    db.execute(
        "UPDATE mail_outbox SET status = 'pending', claim_token = NULL, claimed_at = NULL, last_error = $3 \
         WHERE id = $1 AND claim_token = $2",
        args![id, token, error],
    )
    .await
}

/// Mails not sent yet.
pub async fn count_pending(db: &Db) -> DbResult<i64> {
    db.scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE status IN ('pending', 'sending')",
        args![],
    )
    .await
}
