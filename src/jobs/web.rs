//! `/staff/jobs`: queued, running, failed and dead jobs for the system admin, with retry and
//! discard.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::{service, status, store, JobRow};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::{no_store, page, redirect_with_flash, Ctx, Flash, Path, Query};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    status: String,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "jobs/list.html")]
struct ListPage {
    ctx: Ctx,
    status: String,
    statuses: [&'static str; 4],
    counts: Vec<(String, i64)>,
    jobs: Vec<JobRow>,
    /// Keyset link to older jobs, when there are more.
    older: Option<String>,
    smtp_configured: bool,
    mail_pending: i64,
}

impl ListPage {
    fn count(&self, s: &str) -> i64 {
        self.counts
            .iter()
            .find(|(k, _)| k == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    }

    fn is_current(&self, s: &str) -> bool {
        self.status == s
    }

    fn status_key(&self, s: &str) -> &'static str {
        match s {
            status::QUEUED => "jobs.status_queued",
            status::RUNNING => "jobs.status_running",
            status::FAILED => "jobs.status_failed",
            status::DEAD => "jobs.status_dead",
            _ => "jobs.status_done",
        }
    }

    fn badge(&self, s: &str) -> &'static str {
        match s {
            status::FAILED => "warn",
            status::DEAD => "danger",
            status::RUNNING => "info",
            _ => "",
        }
    }

    fn when(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::types::fmt_datetime(t)
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let statuses = [
        status::QUEUED,
        status::RUNNING,
        status::FAILED,
        status::DEAD,
    ];
    let filter = statuses.iter().copied().find(|s| *s == q.status);
    let mut jobs = store::list_open(&state.db, filter, q.before, PER_PAGE + 1).await?;
    let older = if jobs.len() as i64 > PER_PAGE {
        jobs.truncate(PER_PAGE as usize);
        jobs.last().map(|j| {
            let s =
                serde_urlencoded::to_string([("status", filter.unwrap_or(""))]).unwrap_or_default();
            format!("/staff/jobs?{s}&before={}", j.id)
        })
    } else {
        None
    };
    let counts = store::open_counts(&state.db).await?;
    let mail_pending = crate::notify::store::count_pending(&state.db).await?;
    Ok(no_store(page(&ListPage {
        ctx,
        status: filter.unwrap_or("").to_string(),
        statuses,
        counts,
        jobs,
        older,
        smtp_configured: state.config.smtp_host().is_some(),
        mail_pending,
    })?))
}

pub async fn retry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let kind = service::retry(&state.db, (&ctx).into(), state.clock.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        "/staff/jobs",
        Flash::new("flash.job_retried").with("kind", kind),
    ))
}

pub async fn discard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let kind = service::discard(&state.db, (&ctx).into(), state.clock.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        "/staff/jobs",
        Flash::new("flash.job_discarded").with("kind", kind),
    ))
}
