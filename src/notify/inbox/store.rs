//! SQL for `notifications`.

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Arg, Conn, Db, DbResult, Tx};

/// One notification as stored; [`super::text`] makes its text for a reader.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct Notification {
    pub id: i64,
    pub message_key: String,
    /// A JSON object of string values.
    pub vars: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl Notification {
    pub fn is_unread(&self) -> bool {
        self.read_at.is_none()
    }
}

/// One notification for each of `user_ids`, in one statement.
pub async fn insert(
    tx: &mut Tx,
    user_ids: &[i64],
    message_key: &str,
    vars_json: &str,
    link: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    if user_ids.is_empty() {
        return Ok(());
    }
    let mut a = args![message_key, vars_json, link, now];
    let mut rows = Vec::with_capacity(user_ids.len());
    for id in user_ids {
        a.push((*id).into());
        rows.push(format!("(${}, $1, $2, $3, $4)", a.len()));
    }
    tx.execute(
        &format!(
            "INSERT INTO notifications (user_id, message_key, vars, link, created_at) VALUES {}",
            rows.join(", ")
        ),
        a,
    )
    .await?;
    Ok(())
}

/// Up to `limit` notifications of `user_id`, newest first, older than id `before` if given
/// (keyset paging on the `(user_id, id)` index).
pub async fn recent(
    c: impl Into<Conn<'_>>,
    user_id: i64,
    before: Option<i64>,
    limit: i64,
) -> DbResult<Vec<Notification>> {
    let (cond, mut a): (&str, Vec<Arg>) = match before {
        Some(id) => (" AND id < $2", args![user_id, id]),
        None => ("", args![user_id]),
    };
    a.push(limit.into());
    let n = a.len();
    c.into()
        .fetch_all(
            &format!(
                "SELECT id, message_key, vars, link, created_at, read_at FROM notifications \
                 WHERE user_id = $1{cond} ORDER BY id DESC LIMIT ${n}"
            ),
            a,
        )
        .await
}

/// Marks one notification of `user_id` read (keeping the first reading time) and returns its
/// link; `None` when `user_id` has no notification `id`.
pub async fn mark_read(
    tx: &mut Tx,
    user_id: i64,
    id: i64,
    now: DateTime<Utc>,
) -> DbResult<Option<String>> {
    let row: Option<(String,)> = tx
        .fetch_optional(
            "UPDATE notifications SET read_at = COALESCE(read_at, $3) \
             WHERE id = $1 AND user_id = $2 RETURNING link",
            args![id, user_id, now],
        )
        .await?;
    Ok(row.map(|(link,)| link))
}

/// Marks the unread notifications of `user_id` read, only up to id `upto` if given.
pub async fn mark_all_read(
    tx: &mut Tx,
    user_id: i64,
    upto: Option<i64>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx.execute(
        "UPDATE notifications SET read_at = $2 \
         WHERE user_id = $1 AND read_at IS NULL AND ($3 IS NULL OR id <= $3)",
        args![user_id, now, upto],
    )
    .await
}

/// Deletes the read notifications made before `cutoff`, in batches so the writer is never held
/// for long. Returns how many.
pub async fn delete_read_before(db: &Db, cutoff: DateTime<Utc>) -> DbResult<u64> {
    const BATCH: i64 = 1000;
    let mut total = 0;
    loop {
        let n = db
            .execute(
                "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications \
                 WHERE read_at IS NOT NULL AND created_at < $1 ORDER BY id LIMIT $2)",
                args![cutoff, BATCH],
            )
            .await?;
        total += n;
        if (n as i64) < BATCH {
            return Ok(total);
        }
    }
}
