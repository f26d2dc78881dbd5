//! SQL for the `jobs` table. The one statement that differs between the backends (claiming) is
//! chosen in [`claim_sql`].

use chrono::{DateTime, Utc};

use super::status;
use crate::args;
use crate::db::{Arg, Backend, Db, DbResult, Tx};

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub max_attempts: i64,
    /// Set for recurring jobs (one row each).
    pub unique_key: Option<String>,
}

impl Job {
    /// The payload as JSON (`{}` when it does not parse).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.payload).unwrap_or_default()
    }
}

pub async fn insert(
    tx: &mut Tx,
    kind: &str,
    payload: &str,
    run_at: DateTime<Utc>,
    max_attempts: i64,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx.scalar(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at) \
         VALUES ($1, $2, 'queued', 0, $3, $4, $5, $5) RETURNING id",
        args![kind, payload, max_attempts, run_at, now],
    )
    .await
}

/// Inserts one job of `kind` per payload, in one statement (keep it to a few hundred).
pub async fn insert_many(
    tx: &mut Tx,
    kind: &str,
    payloads: &[String],
    run_at: DateTime<Utc>,
    max_attempts: i64,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    if payloads.is_empty() {
        return Ok(0);
    }
    let mut sql = String::from(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at) VALUES ",
    );
    let mut a = args![kind, max_attempts, run_at, now];
    for (i, p) in payloads.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "($1, ${}, 'queued', 0, $2, $3, $4, $4)",
            a.len() + 1
        ));
        a.push(p.as_str().into());
    }
    tx.execute(&sql, a).await
}

/// Inserts the recurring job `kind` (keyed by its kind) unless it already exists.
pub async fn insert_unique(
    db: &Db,
    kind: &str,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    db.execute(
        "INSERT INTO jobs (kind, payload, status, attempts, max_attempts, run_at, unique_key, created_at, updated_at) \
         VALUES ($1, '{}', 'queued', 0, $2, $3, $1, $4, $4) ON CONFLICT (unique_key) DO NOTHING",
        args![kind, super::DEFAULT_MAX_ATTEMPTS, run_at, now],
    )
    .await?;
    Ok(())
}

/// Claims one due job: queued or failed with `run_at <= now`, or running but locked before
/// `stale_before`. `$1` token, `$2` now, `$3` stale_before, then the paused kinds.
fn claim_sql(backend: Backend, paused: usize) -> String {
    let not_paused: String = (0..paused)
        .map(|i| format!(" AND kind <> ${}", i + 4))
        .collect();
    let lock = match backend {
        // Concurrent workers skip each other's rows instead of waiting or double-claiming.
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        // One writer connection: the statement runs alone.
        Backend::Sqlite => "",
    };
    format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1, locked_at = $2, updated_at = $2 \
         WHERE id = (SELECT id FROM jobs WHERE ((status IN ('queued', 'failed') AND run_at <= $2) \
         OR (status = 'running' AND locked_at < $3)){not_paused} ORDER BY run_at, id LIMIT 1{lock}) \
         RETURNING id, kind, payload, attempts, max_attempts, unique_key"
    )
}

pub async fn claim(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
    paused: &[&str],
) -> DbResult<Option<Job>> {
    let sql = claim_sql(db.backend(), paused.len());
    let mut args = args![token, now, stale_before];
    args.extend(paused.iter().map(|k| Arg::from(*k)));
    let mut tx = db.begin().await?;
    let job = tx.fetch_optional(&sql, args).await?;
    tx.commit().await?;
    Ok(job)
}

/// Marks a job done; only the claim holder can (a reclaimed job belongs to its new worker).
pub async fn finish(db: &Db, id: i64, token: &str, now: DateTime<Utc>) -> DbResult<()> {
    db.execute(
        "UPDATE jobs SET status = 'done', last_error = NULL, locked_by = NULL, locked_at = NULL, updated_at = $3 \
         WHERE id = $1 AND locked_by = $2",
        args![id, token, now],
    )
    .await?;
    Ok(())
}

/// A recurring job succeeded: queue it again for `at`, with a fresh attempt count.
pub async fn run_again(
    db: &Db,
    id: i64,
    token: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    db.execute(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $3, last_error = NULL, locked_by = NULL, \
         locked_at = NULL, updated_at = $4 WHERE id = $1 AND locked_by = $2",
        args![id, token, at, now],
    )
    .await?;
    Ok(())
}

/// A job failed: `failed` and due again at `retry_at`, or `dead` when out of attempts.
pub async fn fail(
    db: &Db,
    id: i64,
    token: &str,
    dead: bool,
    retry_at: DateTime<Utc>,
    error: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let to = if dead { status::DEAD } else { status::FAILED };
    db.execute(
        "UPDATE jobs SET status = $3, run_at = $4, last_error = $5, locked_by = NULL, locked_at = NULL, \
         updated_at = $6 WHERE id = $1 AND locked_by = $2",
        args![id, token, to, retry_at, error, now],
    )
    .await?;
    Ok(())
}

/// A job as the jobs page shows it.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub locked_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, kind, payload, status, attempts, max_attempts, run_at, last_error, \
                       locked_by, created_at, updated_at";

pub async fn get_in(tx: &mut Tx, id: i64) -> DbResult<Option<JobRow>> {
    tx.fetch_optional(
        &format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"),
        args![id],
    )
    .await
}

/// Jobs that are not done, newest first, with ids below `before` (keyset paging).
pub async fn list_open(
    db: &Db,
    status: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> DbResult<Vec<JobRow>> {
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM jobs WHERE status <> 'done' AND ($1 IS NULL OR status = $1) \
             AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
        ),
        args![status, before, limit],
    )
    .await
}

/// How many jobs are in each status other than done.
pub async fn open_counts(db: &Db) -> DbResult<Vec<(String, i64)>> {
    db.fetch_all(
        "SELECT status, COUNT(*) FROM jobs WHERE status <> 'done' GROUP BY status ORDER BY status",
        args![],
    )
    .await
}

/// failed/dead → queued now with a fresh attempt count. Returns the rows changed (0 or 1).
pub async fn requeue(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<u64> {
    tx.execute(
        "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $2, updated_at = $2 \
         WHERE id = $1 AND status IN ('failed', 'dead')",
        args![id, now],
    )
    .await
}

/// Removes a job that is not running. Returns the rows removed (0 or 1).
pub async fn delete_idle(tx: &mut Tx, id: i64) -> DbResult<u64> {
    tx.execute(
        "DELETE FROM jobs WHERE id = $1 AND status IN ('queued', 'failed', 'dead')",
        args![id],
    )
    .await
}

/// Drops finished one-off jobs older than `before` (the recurring sweep keeps the table small).
pub async fn delete_done_before(db: &Db, before: DateTime<Utc>) -> DbResult<u64> {
    db.execute(
        "DELETE FROM jobs WHERE status = 'done' AND updated_at < $1",
        args![before],
    )
    .await
}
