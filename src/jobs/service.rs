//! What the system admin can do to a job: retry it now, or discard it. Each is one transaction
//! with its audit row.

use chrono::{DateTime, Utc};

use super::store;
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// A failed or dead job runs again as soon as a worker looks, with its attempts reset.
pub async fn retry(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let job = store::get_in(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if store::requeue(&mut tx, id, now).await? != 1 {
        return Err(AppError::Conflict("jobs.not_retryable"));
    }
    let detail = format!(
        "{} · {} after {} attempts",
        job.kind, job.status, job.attempts
    );
    audit::record_in(&mut tx, now, actor, "job.retry", Some(("job", id)), &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a job that is not running (it will not run again).
pub async fn discard(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let job = store::get_in(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if store::delete_idle(&mut tx, id).await? != 1 {
        return Err(AppError::Conflict("jobs.not_discardable"));
    }
    let detail: String = format!("{} · {} · {}", job.kind, job.status, job.payload)
        .chars()
        .take(500)
        .collect();
    audit::record_in(
        &mut tx,
        now,
        actor,
        "job.discard",
        Some(("job", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
