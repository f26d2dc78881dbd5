//! Wires the job kinds to their handlers: what `setia serve` and `setia worker` run in the
//! background. (The `jobs` module itself knows no domain.)

use std::sync::Arc;

use chrono::Duration;
use tokio::task::JoinHandle;

use crate::auth::{reset, session};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::Db;
use crate::i18n::Lang;
use crate::jobs::{self, Outcome, Registry};
use crate::notify::{self, Mailer};
use crate::tickets;

/// Hourly clean-up of expired sessions, old login attempts, used reset links, done jobs and old
/// read notifications.
pub const SESSION_SWEEP_JOB: &str = "session.sweep";
pub const SWEEP_EVERY: Duration = Duration::hours(1);
/// Every few minutes: warnings before SLA deadlines, breaches marked, and resolved complaints
/// closed after the configured quiet days.
pub const TICKET_CLOCK_JOB: &str = "tickets.clock";
pub const TICKET_CLOCK_EVERY: Duration = Duration::minutes(5);
/// Finished one-off jobs are kept this long for inspection.
pub const KEEP_DONE_JOBS: Duration = Duration::days(7);

/// The handlers for every job kind. Without SMTP settings mail jobs stay queued (paused).
pub fn registry(config: &Config) -> anyhow::Result<Registry> {
    let mut r = Registry::new();
    match Mailer::from_config(config)? {
        Some(mailer) => {
            let mailer = Arc::new(mailer);
            r.register(notify::DELIVER_JOB, move |db, job, now| {
                let mailer = mailer.clone();
                async move {
                    let id = job.json()["outbox_id"]
                        .as_i64()
                        .ok_or_else(|| anyhow::anyhow!("payload lacks outbox_id"))?;
                    notify::deliver(&db, &mailer, id, now).await?;
                    Ok(Outcome::Done)
                }
            });
        }
        None => r.pause(notify::DELIVER_JOB),
    }
    let config = Arc::new(config.clone());
    let base_url = config.base_url.clone();
    r.register(reset::REQUEST_JOB, move |db, job, now| {
        let base_url = base_url.clone();
        async move {
            let p = job.json();
            let field = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            let lang = Lang::parse(&field("lang")).unwrap_or_default();
            reset::request(&db, now, &base_url, &field("login"), lang, &field("ip"))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(Outcome::Done)
        }
    });
    let clock_config = config.clone();
    r.register(TICKET_CLOCK_JOB, move |db, _job, now| {
        let config = clock_config.clone();
        async move {
            let links = crate::notify::Links {
                base_url: config.base_url.trim_end_matches('/').to_string(),
                secret: Arc::new(crate::auth::store::csrf_secret(&db).await?),
            };
            tickets::service::warn_due(&db, &links, now).await?;
            let quiet = Duration::days(config.auto_close_days.max(1));
            tickets::service::auto_close(&db, now, now - quiet).await?;
            Ok(Outcome::RunAgainAt(now + TICKET_CLOCK_EVERY))
        }
    });
    let report_base = config.base_url.clone();
    r.register(
        crate::reports::monthly::MONTHLY_JOB,
        move |db, _job, now| {
            let base_url = report_base.clone();
            async move {
                crate::reports::monthly::mail_directors(&db, &base_url, now).await?;
                Ok(Outcome::RunAgainAt(crate::reports::monthly::next_run(now)))
            }
        },
    );
    r.register(SESSION_SWEEP_JOB, move |db, _job, now| {
        let config = config.clone();
        async move {
            session::sweep(&db, &config, now).await?;
            notify::inbox::sweep(&db, now).await?;
            jobs::store::delete_done_before(&db, now - KEEP_DONE_JOBS).await?;
            Ok(Outcome::RunAgainAt(now + SWEEP_EVERY))
        }
    });
    Ok(r)
}

/// Schedules the recurring jobs (once per database, whatever the number of instances).
pub async fn schedule_recurring(db: &Db, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    jobs::ensure_recurring(db, SESSION_SWEEP_JOB, now, now).await?;
    jobs::ensure_recurring(db, TICKET_CLOCK_JOB, now, now).await?;
    // The monthly report mail, on the first day of each month (WIB).
    let monthly = crate::reports::monthly::next_run(now);
    jobs::ensure_recurring(db, crate::reports::monthly::MONTHLY_JOB, monthly, now).await?;
    Ok(())
}

/// Starts the worker loop in the background.
pub async fn spawn(db: Db, config: &Config, clock: SharedClock) -> anyhow::Result<Worker> {
    let registry = registry(config)?;
    if registry.is_paused(notify::DELIVER_JOB) {
        tracing::warn!("smtp_host is not set: mail stays queued in the outbox");
    }
    schedule_recurring(&db, clock.now()).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let handle = tokio::spawn(jobs::work(
        db,
        clock,
        registry,
        jobs::worker_name(),
        stopped,
    ));
    Ok(Worker { stop, handle })
}

/// A running worker; [`Worker::shutdown`] lets it finish the batch it is in.
pub struct Worker {
    stop: tokio::sync::watch::Sender<bool>,
    handle: JoinHandle<()>,
}

/// How long shutdown waits for a batch to finish before cutting it off (an interrupted job is
/// taken over later, like a crashed worker's).
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

impl Worker {
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let abort = self.handle.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, self.handle)
            .await
            .is_err()
        {
            tracing::warn!("job worker did not finish its batch in time; stopping it");
            abort.abort();
        }
    }
}
