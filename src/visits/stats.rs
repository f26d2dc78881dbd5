//! The office's aggregate reads over visits: outcomes per technician and day, failures by reason,
//! and the durations behind "time to install" and "time to repair". Bucketing into weeks and the
//! medians are the caller's (plain Rust, the same on both databases).

use chrono::{DateTime, Utc};

use super::model::{FailReason, VisitStatus};
use crate::args;
use crate::db::{Db, DbResult};

/// How many visits of one technician ended one way on one WIB day.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct OutcomeRow {
    pub technician_id: i64,
    pub technician_name: String,
    /// `YYYY-MM-DD` (WIB).
    pub day: String,
    pub status: VisitStatus,
    pub n: i64,
}

/// Visits with a technician that ended (done, failed, cancelled) in `[from, to)`, counted per
/// technician, WIB day and outcome.
pub async fn outcomes(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<OutcomeRow>> {
    let day = db.backend().wib_day("v.finished_at");
    db.fetch_all(
        &format!(
            "SELECT v.technician_id AS technician_id, u.name AS technician_name, {day} AS day, v.status AS status, \
             COUNT(*) AS n FROM visits v JOIN users u ON u.id = v.technician_id \
             WHERE v.status IN ('done', 'failed', 'cancelled') AND v.finished_at >= $1 AND v.finished_at < $2 \
             GROUP BY v.technician_id, u.name, {day}, v.status ORDER BY u.name, v.technician_id, {day}"
        ),
        args![from, to],
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct ReasonRow {
    pub reason: Option<FailReason>,
    pub n: i64,
}

/// Failed visits ended in `[from, to)` per reason, most frequent first.
pub async fn fail_reasons(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<ReasonRow>> {
    db.fetch_all(
        "SELECT fail_reason AS reason, COUNT(*) AS n FROM visits \
         WHERE status = 'failed' AND finished_at >= $1 AND finished_at < $2 \
         GROUP BY fail_reason ORDER BY COUNT(*) DESC, fail_reason",
        args![from, to],
    )
    .await
}

/// When a job began and when its visit was done.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct SpanRow {
    pub began: DateTime<Utc>,
    pub done: DateTime<Utc>,
}

/// Installation visits done in `[from, to)`: the registration's verification (the job's
/// queueing when the registration has none) and the visit's end.
pub async fn install_spans(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<SpanRow>> {
    db.fetch_all(
        "SELECT COALESCE(r.verified_at, v.queued_at) AS began, v.finished_at AS done \
         FROM visits v JOIN registrations r ON r.id = v.registration_id \
         WHERE v.kind = 'installation' AND v.status = 'done' AND v.finished_at >= $1 AND v.finished_at < $2",
        args![from, to],
    )
    .await
}

/// Repair visits done in `[from, to)`: the ticket's opening and the visit's end.
pub async fn repair_spans(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<SpanRow>> {
    db.fetch_all(
        "SELECT t.created_at AS began, v.finished_at AS done \
         FROM visits v JOIN tickets t ON t.id = v.ticket_id \
         WHERE v.kind = 'repair' AND v.status = 'done' AND v.finished_at >= $1 AND v.finished_at < $2",
        args![from, to],
    )
    .await
}
