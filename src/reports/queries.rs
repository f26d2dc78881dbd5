//! The SQL of the four reports (complaints, satisfaction, technicians, retention): grouped counts
//! over an indexed time range, and, where a per-visit check is needed, the rows fetched once
//! (ticket times come from the daily summary, `reports::days`). Read-only; every function takes
//! the period's bounds and the scope.
//!
//! Parameters are always `$1` from, `$2` to (instants, to excluded; or days, both included),
//! `$3` area, `$4` package.

use chrono::{DateTime, NaiveDate, Utc};

use super::period::Scope;
use crate::args;
use crate::db::{Db, DbResult};

/// Tickets in scope: the ticket's area; its package through its subscription.
const TICKET_SCOPE: &str =
    "($3 IS NULL OR t.area_id = $3) AND ($4 IS NULL OR t.subscription_id IN \
     (SELECT s4.id FROM subscriptions s4 WHERE s4.package_id = $4))";

/// Ratings in scope: the area copied into the rating; the package of one of the customer's
/// subscriptions (ratings do not record a subscription).
const RATING_SCOPE: &str = "($3 IS NULL OR r.area_id = $3) AND ($4 IS NULL OR r.customer_id IN \
     (SELECT s4.customer_id FROM subscriptions s4 WHERE s4.package_id = $4))";

/// NPS answers in scope: area and package copied into the request when it was sent.
const NPS_SCOPE: &str = "($3 IS NULL OR q.area_id = $3) AND ($4 IS NULL OR q.package_id = $4)";

/// Visits in scope: the visit's area; its package through its subscription.
const VISIT_SCOPE: &str = "($3 IS NULL OR v.area_id = $3) AND ($4 IS NULL OR v.subscription_id IN \
     (SELECT s4.id FROM subscriptions s4 WHERE s4.package_id = $4))";

/// Subscriptions in scope: their own area and package.
const SUB_SCOPE: &str = "($3 IS NULL OR s.area_id = $3) AND ($4 IS NULL OR s.package_id = $4)";

// ---- complaints ----

/// Tickets opened in the period that share a category, area, channel and priority.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct TicketGroup {
    pub category: String,
    pub area_name: Option<String>,
    pub channel: String,
    pub priority: String,
    pub n: i64,
    /// Resolved at least once: resolved now (`resolved_at` set) or reopened since.
    pub resolved: i64,
    /// Reopened after being resolved (`reopen_count > 0`).
    pub reopened: i64,
}

/// Tickets opened (`created_at` in the period), grouped by category, area, channel and priority,
/// with how many were ever resolved and how many of those were reopened (the reopen rate).
pub async fn ticket_groups(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Scope,
) -> DbResult<Vec<TicketGroup>> {
    db.fetch_all(
        &format!(
            "SELECT t.category AS category, a.name AS area_name, t.channel AS channel, t.priority AS priority, \
             COUNT(*) AS n, \
             SUM(CASE WHEN t.resolved_at IS NOT NULL OR t.reopen_count > 0 THEN 1 ELSE 0 END) AS resolved, \
             SUM(CASE WHEN t.reopen_count > 0 THEN 1 ELSE 0 END) AS reopened \
             FROM tickets t LEFT JOIN areas a ON a.id = t.area_id \
             WHERE t.created_at >= $1 AND t.created_at < $2 AND {TICKET_SCOPE} \
             GROUP BY t.category, t.area_id, a.name, t.channel, t.priority"
        ),
        args![from, to, scope.area_id, scope.package_id],
    )
    .await
}

// ---- satisfaction ----

/// Ratings sharing one key (a month, category, staff member or area).
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct CsatRow {
    pub key: Option<String>,
    pub n: i64,
    pub stars: i64,
    /// Ratings of 4 or 5 stars.
    pub satisfied: i64,
}

/// What a CSAT or NPS breakdown groups by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Month,
    Category,
    Staff,
    Area,
}

/// CSAT: ratings created in the period, grouped by `by`: count, sum of stars, 4–5 star count.
/// By staff: `ratings.staff_id` (the assignee of a rated ticket, the technician of a rated
/// installation).
pub async fn csat_by(
    db: &Db,
    by: By,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Scope,
) -> DbResult<Vec<CsatRow>> {
    let month = db.backend().wib_month("r.created_at");
    let (key, join, group) = match by {
        By::Month => (month.as_str(), "", month.as_str()),
        By::Category => ("r.category", "", "r.category"),
        By::Staff => (
            "u.name",
            "LEFT JOIN users u ON u.id = r.staff_id",
            "r.staff_id, u.name",
        ),
        By::Area => (
            "a.name",
            "LEFT JOIN areas a ON a.id = r.area_id",
            "r.area_id, a.name",
        ),
    };
    db.fetch_all(
        &format!(
            "SELECT {key} AS key, COUNT(*) AS n, CAST(SUM(r.stars) AS BIGINT) AS stars, \
             SUM(CASE WHEN r.stars >= 4 THEN 1 ELSE 0 END) AS satisfied \
             FROM ratings r {join} \
             WHERE r.created_at >= $1 AND r.created_at < $2 AND {RATING_SCOPE} \
             GROUP BY {group} ORDER BY {key}"
        ),
        args![from, to, scope.area_id, scope.package_id],
    )
    .await
}

/// NPS answers sharing one key (a month or an area).
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct NpsRow {
    pub key: Option<String>,
    pub n: i64,
    pub promoters: i64,
    pub detractors: i64,
}

/// NPS: requests answered (`answered_at`) in the period, grouped by month or area: answers,
/// promoters (9–10), detractors (0–6).
pub async fn nps_by(
    db: &Db,
    by: By,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Scope,
) -> DbResult<Vec<NpsRow>> {
    let month = db.backend().wib_month("q.answered_at");
    let (key, join, group) = match by {
        By::Area => (
            "a.name",
            "LEFT JOIN areas a ON a.id = q.area_id",
            "q.area_id, a.name",
        ),
        _ => (month.as_str(), "", month.as_str()),
    };
    db.fetch_all(
        &format!(
            "SELECT {key} AS key, COUNT(*) AS n, \
             SUM(CASE WHEN q.score >= 9 THEN 1 ELSE 0 END) AS promoters, \
             SUM(CASE WHEN q.score <= 6 THEN 1 ELSE 0 END) AS detractors \
             FROM nps_requests q {join} \
             WHERE q.answered_at >= $1 AND q.answered_at < $2 AND q.score IS NOT NULL AND {NPS_SCOPE} \
             GROUP BY {group} ORDER BY {key}"
        ),
        args![from, to, scope.area_id, scope.package_id],
    )
    .await
}

/// A rating with its comment, for "the latest comments".
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct CommentRow {
    pub subject_kind: String,
    pub subject_id: i64,
    pub subject_label: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub stars: i64,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

/// Ratings with a comment created in the period, low scores first, then newest; at most `limit`.
pub async fn comments(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Scope,
    limit: i64,
) -> DbResult<Vec<CommentRow>> {
    db.fetch_all(
        &format!(
            "SELECT r.subject_kind AS subject_kind, r.subject_id AS subject_id, \
             COALESCE(t.number, v.number, '') AS subject_label, r.customer_id AS customer_id, \
             c.name AS customer_name, r.stars AS stars, r.comment AS comment, r.created_at AS created_at \
             FROM ratings r JOIN customers c ON c.id = r.customer_id \
             LEFT JOIN tickets t ON r.subject_kind = 'ticket' AND t.id = r.subject_id \
             LEFT JOIN visits v ON r.subject_kind = 'installation' AND v.id = r.subject_id \
             WHERE r.created_at >= $1 AND r.created_at < $2 AND r.comment <> '' AND {RATING_SCOPE} \
             ORDER BY r.stars, r.created_at DESC, r.id DESC LIMIT $5"
        ),
        args![from, to, scope.area_id, scope.package_id, limit],
    )
    .await
}

// ---- technicians ----

/// Ended visits of one technician with one outcome (and failure reason).
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct OutcomeRow {
    pub technician_id: i64,
    pub technician_name: String,
    pub status: String,
    pub fail_reason: Option<String>,
    pub n: i64,
}

/// Visits with a technician that ended (done, failed, cancelled; `finished_at` in the period),
/// counted per technician, outcome and failure reason. (`visits::stats::outcomes` counts the same
/// per day, unscoped, for the dispatch lists.)
pub async fn visit_outcomes(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Scope,
) -> DbResult<Vec<OutcomeRow>> {
    db.fetch_all(
        &format!(
            "SELECT v.technician_id AS technician_id, u.name AS technician_name, v.status AS status, \
             v.fail_reason AS fail_reason, COUNT(*) AS n \
             FROM visits v JOIN users u ON u.id = v.technician_id \
             WHERE v.status IN ('done', 'failed', 'cancelled') AND v.finished_at >= $1 AND v.finished_at < $2 \
             AND {VISIT_SCOPE} \
             GROUP BY v.technician_id, u.name, v.status, v.fail_reason ORDER BY u.name, v.technician_id"
        ),
        args![from, to, scope.area_id, scope.package_id],
    )
    .await
}

/// A done visit's appointment and when work started, for the on-time rate.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct DoneVisit {
    pub technician_id: i64,
    pub planned_date: Option<NaiveDate>,
    /// `HH:MM` in WIB.
    pub window_end: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
}

/// Visits done (`finished_at` in the period) with their planned window and start.
pub async fn done_visits(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Scope,
) -> DbResult<Vec<DoneVisit>> {
    db.fetch_all(
        &format!(
            "SELECT v.technician_id AS technician_id, v.planned_date AS planned_date, \
             v.window_end AS window_end, v.started_at AS started_at FROM visits v \
             WHERE v.status = 'done' AND v.technician_id IS NOT NULL \
             AND v.finished_at >= $1 AND v.finished_at < $2 AND {VISIT_SCOPE}"
        ),
        args![from, to, scope.area_id, scope.package_id],
    )
    .await
}

/// Ratings naming one technician.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct TechRating {
    pub technician_id: i64,
    pub technician_name: String,
    pub n: i64,
    pub stars: i64,
}

/// Ratings created in the period whose `staff_id` is a technician: installation ratings (the
/// technician who installed is rated) and ticket ratings of tickets assigned to a technician.
pub async fn technician_ratings(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: Scope,
) -> DbResult<Vec<TechRating>> {
    db.fetch_all(
        &format!(
            "SELECT r.staff_id AS technician_id, u.name AS technician_name, COUNT(*) AS n, \
             CAST(SUM(r.stars) AS BIGINT) AS stars \
             FROM ratings r JOIN users u ON u.id = r.staff_id \
             WHERE u.role = 'technician' AND r.created_at >= $1 AND r.created_at < $2 AND {RATING_SCOPE} \
             GROUP BY r.staff_id, u.name"
        ),
        args![from, to, scope.area_id, scope.package_id],
    )
    .await
}

// ---- retention ----

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct DayCount {
    pub day: NaiveDate,
    pub n: i64,
}

/// Terminations: subscriptions with status 'terminated' whose `ended_on` is within
/// `[first, last]`, per day (the caller buckets them into months).
pub async fn terminations_by_day(
    db: &Db,
    first: NaiveDate,
    last: NaiveDate,
    scope: Scope,
) -> DbResult<Vec<DayCount>> {
    db.fetch_all(
        &format!(
            "SELECT s.ended_on AS day, COUNT(*) AS n FROM subscriptions s \
             WHERE s.status = 'terminated' AND s.ended_on >= $1 AND s.ended_on <= $2 AND {SUB_SCOPE} \
             GROUP BY s.ended_on ORDER BY s.ended_on"
        ),
        args![first, last, scope.area_id, scope.package_id],
    )
    .await
}

/// Active customers at the start of `day`: distinct customers with a subscription with
/// `started_on < day` and (`ended_on` IS NULL or `ended_on >= day`).
pub async fn active_at_start(db: &Db, day: NaiveDate, scope: Scope) -> DbResult<i64> {
    db.scalar(
        &format!(
            "SELECT COUNT(DISTINCT s.customer_id) FROM subscriptions s \
             WHERE s.started_on < $1 AND (s.ended_on IS NULL OR s.ended_on >= $2) AND {SUB_SCOPE}"
        ),
        args![day, day, scope.area_id, scope.package_id],
    )
    .await
}

/// A termination's reason key (or competitor's name) and how many.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct KeyCount {
    pub key: Option<String>,
    pub n: i64,
}

/// Terminations in `[first, last]` per `termination_reason` ('other' when none given), most
/// first.
pub async fn termination_reasons(
    db: &Db,
    first: NaiveDate,
    last: NaiveDate,
    scope: Scope,
) -> DbResult<Vec<KeyCount>> {
    db.fetch_all(
        &format!(
            "SELECT COALESCE(s.termination_reason, 'other') AS key, COUNT(*) AS n FROM subscriptions s \
             WHERE s.status = 'terminated' AND s.ended_on >= $1 AND s.ended_on <= $2 AND {SUB_SCOPE} \
             GROUP BY COALESCE(s.termination_reason, 'other') ORDER BY COUNT(*) DESC, key"
        ),
        args![first, last, scope.area_id, scope.package_id],
    )
    .await
}

/// Terminations in `[first, last]` that moved to a competitor, per competitor, most first.
pub async fn competitors_moved_to(
    db: &Db,
    first: NaiveDate,
    last: NaiveDate,
    scope: Scope,
) -> DbResult<Vec<KeyCount>> {
    db.fetch_all(
        &format!(
            "SELECT k.name AS key, COUNT(*) AS n FROM subscriptions s JOIN competitors k ON k.id = s.competitor_id \
             WHERE s.status = 'terminated' AND s.ended_on >= $1 AND s.ended_on <= $2 AND {SUB_SCOPE} \
             GROUP BY k.id, k.name ORDER BY COUNT(*) DESC, k.name"
        ),
        args![first, last, scope.area_id, scope.package_id],
    )
    .await
}

/// A leaver's subscription start and end.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct Tenure {
    pub started_on: Option<NaiveDate>,
    pub ended_on: NaiveDate,
}

/// Terminations in `[first, last]` with their start day (tenure of leavers).
pub async fn leaver_tenures(
    db: &Db,
    first: NaiveDate,
    last: NaiveDate,
    scope: Scope,
) -> DbResult<Vec<Tenure>> {
    db.fetch_all(
        &format!(
            "SELECT s.started_on AS started_on, s.ended_on AS ended_on FROM subscriptions s \
             WHERE s.status = 'terminated' AND s.ended_on >= $1 AND s.ended_on <= $2 AND {SUB_SCOPE}"
        ),
        args![first, last, scope.area_id, scope.package_id],
    )
    .await
}
