//! The dashboard's figures over a period: one SQL read per figure (each through an index on its
//! time column), the definitions of issue #10 in one place. Active customers and terminations are
//! computed in Rust from one read of the subscriptions alive in the span asked for, so the period,
//! the previous period and the twelve monthly points come from the same rows.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::period::{Period, Scope};
use super::stats;
use crate::args;
use crate::db::{Arg, Db, DbResult};

/// ` AND {area} = $n AND {package} = $m` for the scope's filters, binding their values.
fn scope_sql(scope: &Scope, area: &str, package: &str, a: &mut Vec<Arg>) -> String {
    let mut sql = String::new();
    if let Some(id) = scope.area_id {
        a.push(id.into());
        sql.push_str(&format!(" AND {area} = ${}", a.len()));
    }
    if let Some(id) = scope.package_id {
        a.push(id.into());
        sql.push_str(&format!(" AND {package} = ${}", a.len()));
    }
    sql
}

/// `tickets t`, joined to its subscription when the scope names a package (a ticket's package
/// is its subscription's).
fn tickets_from(scope: &Scope) -> &'static str {
    if scope.package_id.is_some() {
        "tickets t JOIN subscriptions ps ON ps.id = t.subscription_id"
    } else {
        "tickets t"
    }
}

/// One subscription's life, for active customers and terminations.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Span {
    pub customer_id: i64,
    pub status: String,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// Active customers and terminations: the subscriptions (in scope) that started or ended
/// before `until` and had not ended before `from`, i.e. everything needed to count the active
/// customers on any day in `[from, until]` and the terminations between them.
pub async fn spans(
    db: &Db,
    from: NaiveDate,
    until: NaiveDate,
    scope: &Scope,
) -> DbResult<Vec<Span>> {
    let mut a = args![from, until];
    let s = scope_sql(scope, "area_id", "package_id", &mut a);
    db.fetch_all(
        &format!(
            "SELECT customer_id, status, started_on, ended_on FROM subscriptions \
             WHERE (started_on < $2 OR ended_on < $2) AND (ended_on IS NULL OR ended_on >= $1){s}"
        ),
        a,
    )
    .await
}

/// Active customers at the start of `day` (before anything of that day): distinct customers
/// with a subscription that started before it and had not ended before it — the same as the
/// active customers on the day before.
pub fn active_at_start(spans: &[Span], day: NaiveDate) -> i64 {
    let mut seen: HashSet<i64> = HashSet::new();
    for s in spans {
        if s.started_on.is_some_and(|d| d < day) && s.ended_on.is_none_or(|e| e >= day) {
            seen.insert(s.customer_id);
        }
    }
    seen.len() as i64
}

/// Terminations: subscriptions with status 'terminated' and `ended_on` from `first` to `last`.
pub fn terminations(spans: &[Span], first: NaiveDate, last: NaiveDate) -> i64 {
    spans
        .iter()
        .filter(|s| s.status == "terminated" && s.ended_on.is_some_and(|e| e >= first && e <= last))
        .count() as i64
}

/// Sign-ups: registrations submitted in `[from, to)`, per source (`referral` when referred,
/// else the channel: online, walk_in, phone).
pub async fn signups_by_source(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
) -> DbResult<Vec<(String, i64)>> {
    let mut a = args![from, to];
    let s = scope_sql(scope, "area_id", "package_id", &mut a);
    db.fetch_all(
        &format!(
            "SELECT CASE WHEN referrer_id IS NOT NULL THEN 'referral' ELSE channel END AS source, COUNT(*) AS n \
             FROM registrations WHERE submitted_at >= $1 AND submitted_at < $2{s} \
             GROUP BY CASE WHEN referrer_id IS NOT NULL THEN 'referral' ELSE channel END"
        ),
        a,
    )
    .await
}

/// Installations done and referrals credited: registrations with `installed_at` in
/// `[from, to)` (set only when installed), and those of them with a referrer. (No status
/// condition, so the read goes through `registrations_installed`.)
pub async fn installations(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
) -> DbResult<(i64, i64)> {
    let mut a = args![from, to];
    let s = scope_sql(scope, "area_id", "package_id", &mut a);
    db.fetch_one(
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN referrer_id IS NOT NULL THEN 1 ELSE 0 END), 0) \
             FROM registrations WHERE installed_at >= $1 AND installed_at < $2{s}"
        ),
        a,
    )
    .await
}

/// Tickets opened: `created_at` in `[from, to)`, per `group` (a column of `t`, or the area's name).
async fn tickets_grouped(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
    by_area: bool,
) -> DbResult<Vec<(String, i64)>> {
    let mut a = args![from, to];
    let s = scope_sql(scope, "t.area_id", "ps.package_id", &mut a);
    let (col, join) = if by_area {
        (
            "COALESCE(ar.name, '–')",
            " LEFT JOIN areas ar ON ar.id = t.area_id",
        )
    } else {
        ("t.category", "")
    };
    db.fetch_all(
        &format!(
            "SELECT {col} AS k, COUNT(*) AS n FROM {}{join} \
             WHERE t.created_at >= $1 AND t.created_at < $2{s} GROUP BY {col} ORDER BY COUNT(*) DESC, {col}",
            tickets_from(scope)
        ),
        a,
    )
    .await
}

/// Tickets opened (`created_at` in `[from, to)`) per category, most first.
pub async fn tickets_by_category(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
) -> DbResult<Vec<(String, i64)>> {
    tickets_grouped(db, from, to, scope, false).await
}

/// Tickets opened (`created_at` in `[from, to)`) per area name, most first.
pub async fn tickets_by_area(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
) -> DbResult<Vec<(String, i64)>> {
    tickets_grouped(db, from, to, scope, true).await
}

/// First response time: `first_response_at − created_at` in seconds, of the tickets opened in
/// `[from, to)` that were answered.
pub async fn first_response_secs(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
) -> DbResult<Vec<f64>> {
    let mut a = args![from, to];
    let s = scope_sql(scope, "t.area_id", "ps.package_id", &mut a);
    let secs = db
        .backend()
        .seconds_between("t.created_at", "t.first_response_at");
    let rows: Vec<(f64,)> = db
        .fetch_all(
            &format!(
                "SELECT {secs} FROM {} WHERE t.created_at >= $1 AND t.created_at < $2 \
                 AND t.first_response_at IS NOT NULL{s}",
                tickets_from(scope)
            ),
            a,
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0.round()).collect())
}

/// A ticket resolved in the period: its resolution time and whether it kept its SLA.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Resolved {
    pub secs: f64,
    pub kept: bool,
}

/// Resolution time and SLA compliance, over the tickets resolved in `[from, to)`
/// (`resolved_at` in the period): `resolved_at − created_at` in seconds, and kept = breached
/// neither the first-response nor the resolution deadline. SLA compliance % is always over the
/// tickets resolved in the period, here and in every report.
pub async fn resolved(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
) -> DbResult<Vec<Resolved>> {
    let mut a = args![from, to];
    let s = scope_sql(scope, "t.area_id", "ps.package_id", &mut a);
    let secs = db
        .backend()
        .seconds_between("t.created_at", "t.resolved_at");
    db.fetch_all(
        &format!(
            "SELECT {secs} AS secs, \
             CASE WHEN t.first_response_breached = TRUE OR t.resolution_breached = TRUE THEN FALSE ELSE TRUE END AS kept \
             FROM {} WHERE t.resolved_at >= $1 AND t.resolved_at < $2{s}",
            tickets_from(scope)
        ),
        a,
    )
    .await
}

/// `FROM ratings r …` with the joins a package scope needs (a rating's package is the rated
/// ticket's or installation's subscription's).
fn ratings_from(scope: &Scope) -> &'static str {
    if scope.package_id.is_some() {
        "ratings r LEFT JOIN tickets rt ON r.subject_kind = 'ticket' AND rt.id = r.subject_id \
         LEFT JOIN visits rv ON r.subject_kind = 'installation' AND rv.id = r.subject_id \
         JOIN subscriptions ps ON ps.id = COALESCE(rt.subscription_id, rv.subscription_id)"
    } else {
        "ratings r"
    }
}

/// CSAT: (ratings, sum of stars, ratings of 4–5 stars) with `created_at` in `[from, to)`.
pub async fn csat(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
) -> DbResult<(i64, i64, i64)> {
    let mut a = args![from, to];
    let s = scope_sql(scope, "r.area_id", "ps.package_id", &mut a);
    db.fetch_one(
        &format!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(r.stars), 0) AS BIGINT), \
             COALESCE(SUM(CASE WHEN r.stars >= 4 THEN 1 ELSE 0 END), 0) \
             FROM {} WHERE r.created_at >= $1 AND r.created_at < $2{s}",
            ratings_from(scope)
        ),
        a,
    )
    .await
}

/// NPS: (answers, promoters 9–10, detractors 0–6) of the NPS requests answered in `[from, to)`.
pub async fn nps(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scope: &Scope,
) -> DbResult<(i64, i64, i64)> {
    let mut a = args![from, to];
    let s = scope_sql(scope, "area_id", "package_id", &mut a);
    db.fetch_one(
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END), 0) \
             FROM nps_requests WHERE score IS NOT NULL AND answered_at >= $1 AND answered_at < $2{s}"
        ),
        a,
    )
    .await
}

/// The oldest sign-up still waiting (submitted, verified or scheduled): (id, number, submitted).
pub async fn oldest_waiting_signup(
    db: &Db,
    scope: &Scope,
) -> DbResult<Option<(i64, String, DateTime<Utc>)>> {
    let mut a = Vec::new();
    let s = scope_sql(scope, "area_id", "package_id", &mut a);
    db.fetch_optional(
        &format!(
            "SELECT id, number, submitted_at FROM registrations \
             WHERE status IN ('submitted', 'verified', 'scheduled'){s} ORDER BY submitted_at, id LIMIT 1"
        ),
        a,
    )
    .await
}

/// The oldest visit still waiting to be done (queued, scheduled, on the way, in progress), by
/// when its job was queued: (id, number, queued).
pub async fn oldest_waiting_visit(
    db: &Db,
    scope: &Scope,
) -> DbResult<Option<(i64, String, DateTime<Utc>)>> {
    let mut a = Vec::new();
    let join = if scope.package_id.is_some() {
        " JOIN subscriptions ps ON ps.id = v.subscription_id"
    } else {
        ""
    };
    let s = scope_sql(scope, "v.area_id", "ps.package_id", &mut a);
    db.fetch_optional(
        &format!(
            "SELECT v.id, v.number, v.queued_at FROM visits v{join} \
             WHERE v.status IN ('queued', 'scheduled', 'on_the_way', 'in_progress'){s} \
             ORDER BY v.queued_at, v.id LIMIT 1"
        ),
        a,
    )
    .await
}

/// A terminated subscription as the terminations list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Termination {
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_number: String,
    pub package_name: String,
    pub area_name: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: NaiveDate,
    pub reason: Option<String>,
    pub competitor: Option<String>,
}

/// Terminations: subscriptions with status 'terminated' and `ended_on` within the period's
/// days, newest first (at most `limit`).
pub async fn termination_list(
    db: &Db,
    p: &Period,
    scope: &Scope,
    limit: i64,
) -> DbResult<Vec<Termination>> {
    let mut a = args![p.first, p.last];
    let s = scope_sql(scope, "s.area_id", "s.package_id", &mut a);
    a.push(limit.into());
    db.fetch_all(
        &format!(
            "SELECT c.id AS customer_id, c.name AS customer_name, c.number AS customer_number, \
             pk.name AS package_name, ar.name AS area_name, s.started_on, s.ended_on, \
             s.termination_reason AS reason, co.name AS competitor \
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id \
             JOIN packages pk ON pk.id = s.package_id LEFT JOIN areas ar ON ar.id = s.area_id \
             LEFT JOIN competitors co ON co.id = s.competitor_id \
             WHERE s.status = 'terminated' AND s.ended_on >= $1 AND s.ended_on <= $2{s} \
             ORDER BY s.ended_on DESC, s.id DESC LIMIT ${}",
            a.len()
        ),
        a,
    )
    .await
}

/// Terminations (status 'terminated', `ended_on` within the period's days) per reason, or per
/// competitor moved to (those with one), most first.
pub async fn terminations_by(
    db: &Db,
    p: &Period,
    scope: &Scope,
    competitor: bool,
) -> DbResult<Vec<(String, i64)>> {
    let mut a = args![p.first, p.last];
    let s = scope_sql(scope, "s.area_id", "s.package_id", &mut a);
    let (col, join, only) = if competitor {
        (
            "co.name",
            " JOIN competitors co ON co.id = s.competitor_id",
            "",
        )
    } else {
        ("COALESCE(s.termination_reason, 'other')", "", "")
    };
    db.fetch_all(
        &format!(
            "SELECT {col} AS k, COUNT(*) AS n FROM subscriptions s{join} \
             WHERE s.status = 'terminated' AND s.ended_on >= $1 AND s.ended_on <= $2{only}{s} \
             GROUP BY {col} ORDER BY COUNT(*) DESC, {col}"
        ),
        a,
    )
    .await
}

/// The figures of one period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Numbers {
    pub active_start: i64,
    pub active_end: i64,
    pub signups: i64,
    pub by_source: Vec<(String, i64)>,
    pub installations: i64,
    pub referrals: i64,
    pub terminations: i64,
    pub tickets: i64,
    /// Medians in seconds.
    pub first_response: Option<f64>,
    pub resolution: Option<f64>,
    pub resolved: i64,
    pub sla: Option<f64>,
    pub ratings: i64,
    /// (average stars, % of 4–5).
    pub csat: Option<(f64, f64)>,
    pub nps_answers: i64,
    pub nps: Option<f64>,
}

impl Numbers {
    /// Churn rate: terminations ÷ active customers at the start, in percent.
    pub fn churn(&self) -> Option<f64> {
        stats::percent(self.terminations, self.active_start)
    }

    /// Net growth: active customers at the end minus at the start.
    pub fn net_growth(&self) -> i64 {
        self.active_end - self.active_start
    }

    /// Every figure of period `p`; `spans` must cover `[p.first, p.last + 1]`.
    pub async fn of(db: &Db, p: &Period, scope: &Scope, spans: &[Span]) -> DbResult<Numbers> {
        let (from, to) = (p.start(), p.end());
        let by_source = signups_by_source(db, from, to, scope).await?;
        let (installations, referrals) = installations(db, from, to, scope).await?;
        let tickets: i64 = tickets_by_category(db, from, to, scope)
            .await?
            .iter()
            .map(|r| r.1)
            .sum();
        let mut fr = first_response_secs(db, from, to, scope).await?;
        let res = resolved(db, from, to, scope).await?;
        let kept = res.iter().filter(|r| r.kept).count() as i64;
        let mut secs: Vec<f64> = res.iter().map(|r| r.secs.round()).collect();
        let (ratings, stars, satisfied) = csat(db, from, to, scope).await?;
        let (answers, promoters, detractors) = nps(db, from, to, scope).await?;
        Ok(Numbers {
            active_start: active_at_start(spans, p.first),
            active_end: active_at_start(spans, p.last + Duration::days(1)),
            signups: by_source.iter().map(|r| r.1).sum(),
            by_source,
            installations,
            referrals,
            terminations: terminations(spans, p.first, p.last),
            tickets,
            first_response: stats::median(&mut fr),
            resolution: stats::median(&mut secs),
            resolved: res.len() as i64,
            sla: stats::percent(kept, res.len() as i64),
            ratings,
            csat: stats::csat(stars, satisfied, ratings),
            nps_answers: answers,
            nps: stats::nps(promoters, detractors, answers),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn span(c: i64, status: &str, start: Option<NaiveDate>, end: Option<NaiveDate>) -> Span {
        Span {
            customer_id: c,
            status: status.into(),
            started_on: start,
            ended_on: end,
        }
    }

    #[test]
    fn active_counts_each_customer_once_and_ends_count_on_their_day() {
        let s = vec![
            span(1, "active", Some(d(1, 10)), None),
            // Customer 1 again, on a second address: still one customer.
            span(1, "active", Some(d(2, 10)), None),
            span(2, "terminated", Some(d(1, 5)), Some(d(3, 15))),
            // Never installed, terminated.
            span(3, "terminated", None, Some(d(3, 20))),
        ];
        assert_eq!(active_at_start(&s, d(1, 10)), 1);
        assert_eq!(active_at_start(&s, d(1, 11)), 2);
        // Ended on 15 March: active at the start of that day, not of the next.
        assert_eq!(active_at_start(&s, d(3, 15)), 2);
        assert_eq!(active_at_start(&s, d(3, 16)), 1);
        assert_eq!(terminations(&s, d(3, 1), d(3, 31)), 2);
        assert_eq!(terminations(&s, d(3, 16), d(3, 19)), 0);
    }
}
