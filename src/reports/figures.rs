//! The dashboard's figures over a period, the definitions of issue #10 in one place. Sign-ups,
//! installations and NPS: one SQL read each through an index on its time column. Active
//! customers and terminations: counts of subscriptions per day, read once for the period, the
//! previous period and the twelve monthly points. Tickets and ratings: the daily summary
//! (`reports::days`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::days::Days;
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

/// One subscription's life: a customer with several subscriptions is active while any is.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow, crate::db::LiteRow)]
pub struct Span {
    pub customer_id: i64,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

impl Span {
    /// Active at the start of `day`: started before it and not ended before it.
    fn covers(&self, day: NaiveDate) -> bool {
        self.started_on.is_some_and(|d| d < day) && self.ended_on.is_none_or(|e| e >= day)
    }
}

/// Active customers and terminations in a scope, from counts per day (a few thousand rows
/// however many subscriptions there are).
#[derive(Clone, Debug, Default)]
pub struct Subscriptions {
    /// Running totals, by day, of the subscriptions that started (and of those that ended):
    /// `(day, count up to and including it)`. Only subscriptions that started and did not end
    /// before they started, so that started − ended is the number active.
    started: Vec<(NaiveDate, i64)>,
    ended: Vec<(NaiveDate, i64)>,
    /// The subscriptions of customers with more than one, sorted by customer: such a customer
    /// counts once.
    several: Vec<Span>,
    /// Terminations (status 'terminated') per `ended_on` day, in the span loaded.
    terminated: Vec<(NaiveDate, i64)>,
}

/// `(day, n)` sorted by day → running totals.
fn running(mut days: Vec<(NaiveDate, i64)>) -> Vec<(NaiveDate, i64)> {
    days.sort_unstable();
    let mut total = 0;
    for d in &mut days {
        total += d.1;
        d.1 = total;
    }
    days
}

/// The running total of the days before `day`.
fn total_before(days: &[(NaiveDate, i64)], day: NaiveDate) -> i64 {
    match days.partition_point(|d| d.0 < day) {
        0 => 0,
        i => days[i - 1].1,
    }
}

impl Subscriptions {
    /// Everything needed for the active customers on any day and the terminations from `from`
    /// to `until` (both included), in `scope`.
    pub async fn load(
        db: &Db,
        from: NaiveDate,
        until: NaiveDate,
        scope: &Scope,
    ) -> DbResult<Subscriptions> {
        let mut a = Vec::new();
        let s = scope_sql(scope, "area_id", "package_id", &mut a);
        let valid = "started_on IS NOT NULL AND (ended_on IS NULL OR ended_on >= started_on)";
        let started_sql = format!(
            "SELECT started_on, COUNT(*) FROM subscriptions WHERE {valid}{s} GROUP BY started_on"
        );
        let ended_sql = format!(
            "SELECT ended_on, COUNT(*) FROM subscriptions \
             WHERE {valid} AND ended_on IS NOT NULL{s} GROUP BY ended_on"
        );
        let several_sql = format!(
            "SELECT customer_id, started_on, ended_on FROM subscriptions \
             WHERE customer_id IN (SELECT customer_id FROM subscriptions WHERE TRUE{s} \
             GROUP BY customer_id HAVING COUNT(*) > 1){s}"
        );
        let mut t = args![from, until];
        let ts = scope_sql(scope, "area_id", "package_id", &mut t);
        let terminated_sql = format!(
            "SELECT ended_on, COUNT(*) FROM subscriptions WHERE status = 'terminated' \
             AND ended_on >= $1 AND ended_on <= $2{ts} GROUP BY ended_on"
        );
        // Four reads side by side on the read pool.
        let (started, ended, mut several, terminated) = tokio::try_join!(
            db.fetch_all(&started_sql, a.clone()),
            db.fetch_all(&ended_sql, a.clone()),
            db.fetch_all::<Span>(&several_sql, a),
            db.fetch_all(&terminated_sql, t),
        )?;
        several.sort_unstable_by_key(|s| s.customer_id);
        Ok(Subscriptions {
            started: running(started),
            ended: running(ended),
            several,
            terminated: running(terminated),
        })
    }

    /// Active customers at the start of `day` (before anything of that day): distinct customers
    /// with a subscription that started before it and had not ended before it — the same as the
    /// active customers on the day before.
    pub fn active_at_start(&self, day: NaiveDate) -> i64 {
        let mut n = total_before(&self.started, day) - total_before(&self.ended, day);
        // A customer with k subscriptions active counted k times: once is right.
        for one in self.several.chunk_by(|a, b| a.customer_id == b.customer_id) {
            let active = one.iter().filter(|s| s.covers(day)).count() as i64;
            n -= (active - 1).max(0);
        }
        n
    }

    /// Terminations: subscriptions with status 'terminated' and `ended_on` from `first` to `last`
    /// (within the span loaded).
    pub fn terminations(&self, first: NaiveDate, last: NaiveDate) -> i64 {
        total_before(&self.terminated, last + Duration::days(1))
            - total_before(&self.terminated, first)
    }
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
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
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

impl Termination {
    /// Whole months from start to end (none when the start is unknown).
    pub fn tenure_months(&self) -> Option<i32> {
        let s = self.started_on?;
        let e = self.ended_on;
        let months = (e.year() - s.year()) * 12 + e.month() as i32
            - s.month() as i32
            - i32::from(e.day() < s.day());
        Some(months.max(0))
    }
}

/// Terminations (subscriptions with status 'terminated') whose `ended_on` lies in
/// `first..=last` and in the scope, newest first: `limit` of them after the first `offset`.
pub async fn termination_list(
    db: &Db,
    (first, last): (NaiveDate, NaiveDate),
    scope: &Scope,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<Termination>> {
    let mut a = args![first, last];
    let s = scope_sql(scope, "s.area_id", "s.package_id", &mut a);
    a.push(limit.into());
    a.push(offset.into());
    let n = a.len();
    db.fetch_all(
        &format!(
            "SELECT c.id AS customer_id, c.name AS customer_name, c.number AS customer_number, \
             pk.name AS package_name, ar.name AS area_name, s.started_on, s.ended_on, \
             s.termination_reason AS reason, co.name AS competitor \
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id \
             JOIN packages pk ON pk.id = s.package_id LEFT JOIN areas ar ON ar.id = s.area_id \
             LEFT JOIN competitors co ON co.id = s.competitor_id \
             WHERE s.status = 'terminated' AND s.ended_on >= $1 AND s.ended_on <= $2{s} \
             ORDER BY s.ended_on DESC, s.id DESC LIMIT ${} OFFSET ${n}",
            n - 1
        ),
        a,
    )
    .await
}

/// How many terminations [`termination_list`] has for the period in the scope.
pub async fn termination_count(
    db: &Db,
    (first, last): (NaiveDate, NaiveDate),
    scope: &Scope,
) -> DbResult<i64> {
    let mut a = args![first, last];
    let s = scope_sql(scope, "area_id", "package_id", &mut a);
    db.scalar(
        &format!(
            "SELECT COUNT(*) FROM subscriptions \
             WHERE status = 'terminated' AND ended_on >= $1 AND ended_on <= $2{s}"
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
    /// Tickets opened per category, most first.
    pub by_category: Vec<(String, i64)>,
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

    /// Every figure of period `p`; `subs` and `days` must cover its days.
    pub async fn of(
        db: &Db,
        p: &Period,
        scope: &Scope,
        subs: &Subscriptions,
        days: &Days,
    ) -> DbResult<Numbers> {
        let (from, to) = (p.start(), p.end());
        let (by_source, (installations, referrals), (answers, promoters, detractors)) = tokio::try_join!(
            signups_by_source(db, from, to, scope),
            installations(db, from, to, scope),
            nps(db, from, to, scope),
        )?;
        let mut t = days.sum(p.first, p.last);
        Ok(Numbers {
            active_start: subs.active_at_start(p.first),
            active_end: subs.active_at_start(p.last + Duration::days(1)),
            signups: by_source.iter().map(|r| r.1).sum(),
            by_source,
            installations,
            referrals,
            terminations: subs.terminations(p.first, p.last),
            tickets: t.opened,
            by_category: std::mem::take(&mut t.by_category),
            first_response: stats::median(&mut t.first_responses),
            resolution: stats::median(&mut t.resolutions),
            resolved: t.resolved,
            sla: stats::percent(t.kept, t.resolved),
            ratings: t.ratings,
            csat: stats::csat(t.stars, t.satisfied, t.ratings),
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

    /// What `Subscriptions::load` would read from these subscriptions: (customer, terminated,
    /// started, ended).
    fn subs(rows: &[(i64, bool, Option<NaiveDate>, Option<NaiveDate>)]) -> Subscriptions {
        let valid = |r: &&(i64, bool, Option<NaiveDate>, Option<NaiveDate>)| {
            r.2.is_some() && r.3.is_none_or(|e| Some(e) >= r.2)
        };
        let per_day = |days: Vec<NaiveDate>| days.into_iter().map(|d| (d, 1)).collect();
        let several = rows
            .iter()
            .filter(|r| rows.iter().filter(|o| o.0 == r.0).count() > 1)
            .map(|r| Span {
                customer_id: r.0,
                started_on: r.2,
                ended_on: r.3,
            })
            .collect();
        Subscriptions {
            started: running(per_day(
                rows.iter().filter(valid).filter_map(|r| r.2).collect(),
            )),
            ended: running(per_day(
                rows.iter().filter(valid).filter_map(|r| r.3).collect(),
            )),
            several,
            terminated: running(per_day(
                rows.iter().filter(|r| r.1).filter_map(|r| r.3).collect(),
            )),
        }
    }

    #[test]
    fn active_counts_each_customer_once_and_ends_count_on_their_day() {
        let s = subs(&[
            (1, false, Some(d(1, 10)), None),
            // Customer 1 again, on a second address: still one customer.
            (1, false, Some(d(2, 10)), None),
            (2, true, Some(d(1, 5)), Some(d(3, 15))),
            // Never installed, terminated.
            (3, true, None, Some(d(3, 20))),
        ]);
        assert_eq!(s.active_at_start(d(1, 10)), 1);
        assert_eq!(s.active_at_start(d(1, 11)), 2);
        assert_eq!(s.active_at_start(d(2, 11)), 2);
        // Ended on 15 March: active at the start of that day, not of the next.
        assert_eq!(s.active_at_start(d(3, 15)), 2);
        assert_eq!(s.active_at_start(d(3, 16)), 1);
        assert_eq!(s.terminations(d(3, 1), d(3, 31)), 2);
        assert_eq!(s.terminations(d(3, 16), d(3, 19)), 0);
        assert_eq!(s.terminations(d(3, 20), d(3, 20)), 1);
    }
}
