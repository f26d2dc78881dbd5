//! Background jobs: a `jobs` table and a worker that claims due jobs, runs them, and retries
//! failures with exponential backoff until they are `dead` (shown at `/staff/jobs`).
//!
//! This module is kernel: it knows nothing about mail or sessions. The kinds of job and their
//! handlers are registered by the caller in a [`Registry`] (see `crate::worker`). Handlers must be
//! idempotent: after a crash a job may run again.
//!
//! Several workers may share one database: on PostgreSQL a job is claimed with
//! `FOR UPDATE SKIP LOCKED`, on SQLite the single writer connection serialises claims. A job left
//! `running` by a crashed worker becomes claimable again after [`RUNNING_TIMEOUT`].

pub mod service;
pub mod store;
mod web;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

use crate::auth::groups;
use crate::clock::SharedClock;
use crate::db::{Db, DbResult, Tx};
use crate::web::routes::{Access, Routes};

pub use store::{Job, JobRow};

pub fn routes() -> Routes {
    let sysadmin = Access::Roles(groups::SYSTEM_ADMIN);
    Routes::new()
        .get("/staff/jobs", sysadmin, web::list)
        .post("/staff/jobs/{id}/retry", sysadmin, web::retry)
        .post("/staff/jobs/{id}/discard", sysadmin, web::discard)
}

/// A job still `running` after this long is taken to belong to a crashed worker.
pub const RUNNING_TIMEOUT: Duration = Duration::minutes(15);
/// Attempts before a job is dead, unless the job says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 8;
/// First retry delay; doubled on every further failure, up to [`MAX_BACKOFF`].
pub const BASE_BACKOFF: Duration = Duration::seconds(30);
pub const MAX_BACKOFF: Duration = Duration::hours(6);
/// Jobs one `run_due` call runs at most, so that a call always ends.
const MAX_PER_RUN: usize = 500;
/// Wall time after which a `run_due` call claims no more jobs.
const MAX_RUN_TIME: StdDuration = StdDuration::from_secs(60);

/// The status values of a job.
pub mod status {
    pub const QUEUED: &str = "queued";
    pub const RUNNING: &str = "running";
    pub const DONE: &str = "done";
    pub const FAILED: &str = "failed";
    pub const DEAD: &str = "dead";
}

/// The delay before the next try, after `attempts` failed attempts (1 → 30 s, 2 → 60 s, …).
pub fn backoff(attempts: i64) -> Duration {
    let exp = attempts.clamp(1, 20) - 1;
    let secs = BASE_BACKOFF.num_seconds().saturating_mul(1_i64 << exp);
    Duration::seconds(secs).min(MAX_BACKOFF)
}

/// What a handler reports when it succeeded.
#[derive(Debug)]
pub enum Outcome {
    Done,
    /// Run again at this time (recurring jobs keep one row that moves forward).
    RunAgainAt(DateTime<Utc>),
}

pub type HandlerFuture = Pin<Box<dyn Future<Output = anyhow::Result<Outcome>> + Send>>;
pub type Handler = Arc<dyn Fn(Db, Job, DateTime<Utc>) -> HandlerFuture + Send + Sync>;

/// The job kinds this worker can run.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Handler>,
    /// Kinds left in the queue untouched (e.g. mail while SMTP is not configured).
    paused: Vec<&'static str>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn register<F, Fut>(&mut self, kind: &'static str, f: F)
    where
        F: Fn(Db, Job, DateTime<Utc>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<Outcome>> + Send + 'static,
    {
        self.handlers.insert(
            kind,
            Arc::new(move |db, job, now| Box::pin(f(db, job, now))),
        );
    }

    /// Leaves jobs of `kind` queued: they are not claimed, so they neither fail nor die.
    pub fn pause(&mut self, kind: &'static str) {
        self.paused.push(kind);
    }

    pub fn is_paused(&self, kind: &str) -> bool {
        self.paused.contains(&kind)
    }
}

/// Queues a job inside the caller's transaction, so it exists exactly when the change that
/// caused it does.
pub async fn enqueue(
    tx: &mut Tx,
    kind: &str,
    payload: &serde_json::Value,
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    store::insert(
        tx,
        kind,
        &payload.to_string(),
        run_at,
        DEFAULT_MAX_ATTEMPTS,
        now,
    )
    .await
}

/// Queues many jobs of one kind inside the caller's transaction, in one statement.
pub async fn enqueue_many(
    tx: &mut Tx,
    kind: &str,
    payloads: &[serde_json::Value],
    run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let payloads: Vec<String> = payloads.iter().map(|p| p.to_string()).collect();
    store::insert_many(tx, kind, &payloads, run_at, DEFAULT_MAX_ATTEMPTS, now).await
}

/// Makes sure the recurring job `kind` exists (one row, whatever the number of instances).
pub async fn ensure_recurring(
    db: &Db,
    kind: &str,
    first_run: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    store::insert_unique(db, kind, first_run, now).await
}

/// Runs every job due at `now` once (a failed job is rescheduled, not retried in this call) and
/// returns how many ran. The worker loop calls this; tests call it directly with the mock clock.
pub async fn run_due(
    db: &Db,
    now: DateTime<Utc>,
    registry: &Registry,
    worker: &str,
) -> anyhow::Result<usize> {
    let mut ran = 0;
    // `now` is the time of the whole call: stop claiming after a minute, so that no claim is
    // stamped long before it runs (another worker would take it for a crashed one).
    let started = std::time::Instant::now();
    while ran < MAX_PER_RUN && started.elapsed() < MAX_RUN_TIME {
        let token = format!("{worker}:{}", uuid::Uuid::new_v4().simple());
        let Some(job) =
            store::claim(db, &token, now, now - RUNNING_TIMEOUT, &registry.paused).await?
        else {
            break;
        };
        ran += 1;
        let result = match registry.handlers.get(job.kind.as_str()) {
            Some(handler) => {
                // A panicking handler must not take the worker down; it counts as a failure.
                // Its reads run off the runtime's threads: a job may read a year of data, and
                // requests should not wait behind it.
                let fut = crate::db::lite::offloaded(handler(db.clone(), job.clone(), now));
                match tokio::spawn(fut).await {
                    Ok(r) => r,
                    Err(e) => Err(anyhow::anyhow!("job panicked: {e}")),
                }
            }
            None => Err(anyhow::anyhow!("unknown job kind {:?}", job.kind)),
        };
        match result {
            Ok(Outcome::Done) => store::finish(db, job.id, &token, now).await?,
            Ok(Outcome::RunAgainAt(at)) => store::run_again(db, job.id, &token, at, now).await?,
            Err(e) => {
                let error: String = format!("{e:#}").chars().take(2000).collect();
                // A recurring job (the sweep) is never given up: it would not come back.
                let dead = job.attempts >= job.max_attempts && job.unique_key.is_none();
                tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, dead, error = %error, "job failed");
                store::fail(
                    db,
                    job.id,
                    &token,
                    dead,
                    now + backoff(job.attempts),
                    &error,
                    now,
                )
                .await?;
            }
        }
    }
    Ok(ran)
}

/// How often an idle worker looks for due jobs.
pub const POLL_INTERVAL: StdDuration = StdDuration::from_secs(5);

/// The worker loop: `run_due` every [`POLL_INTERVAL`] until `stop` turns true; a batch that has
/// started is finished first, so no job is cut off halfway.
pub async fn work(
    db: Db,
    clock: SharedClock,
    registry: Registry,
    worker: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    tracing::info!(worker = %worker, "job worker started");
    while !*stop.borrow() {
        match run_due(&db, clock.now(), &registry, &worker).await {
            Ok(n) if n > 0 => tracing::debug!(jobs = n, "jobs run"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "job worker error"),
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_INTERVAL) => {}
            _ = stop.changed() => {}
        }
    }
    tracing::info!(worker = %worker, "job worker stopped");
}

/// A name for this worker process, shown in `locked_by`.
pub fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "setia".into());
    format!("{host}-{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(3), Duration::seconds(120));
        assert_eq!(backoff(30), MAX_BACKOFF);
    }
}
