//! What the system admin can do to a job: retry it now, or discard it. Each is one transaction
//! with its audit row.

use chrono::{DateTime, Utc};

use super::store;
use crate::audit::{self, Action, Actor};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::words::Detail;

/// A failed or dead job runs again as soon as a worker looks, with its attempts reset.
/// Returns its kind.
pub async fn retry(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<String> {
    let mut tx = db.begin().await?;
    let job = store::get_in(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if store::requeue(&mut tx, id, now).await? != 1 {
        return Err(AppError::Conflict("jobs.not_retryable"));
    }
    let detail = Detail::new()
        .record("job", id, &job.kind)
        .with("attempts", job.attempts);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::JobRetry,
        Some(("job", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(job.kind)
}

/// Removes a job that is not running (it will not run again). Returns its kind.
pub async fn discard(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<String> {
    let mut tx = db.begin().await?;
    let job = store::get_in(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if store::delete_idle(&mut tx, id).await? != 1 {
        return Err(AppError::Conflict("jobs.not_discardable"));
    }
    let payload: String = job.payload.chars().take(500).collect();
    let detail = Detail::new().record("job", id, &job.kind).note(&payload);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::JobDiscard,
        Some(("job", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(job.kind)
}
