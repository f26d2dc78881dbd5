//! Monthly series for the dashboard's trend charts: one grouped query per series over the whole
//! range (by the WIB month of the time column, read through its index), never a query per month.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use super::figures::{self, Span};
use super::period::{day_start, next_month, Scope};
use super::stats;
use crate::args;
use crate::db::{Db, DbResult};

/// One month's point of every series.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Month {
    /// The first day of the month.
    pub first: NaiveDate,
    /// Active customers on the month's last day.
    pub active: i64,
    pub terminations: i64,
    /// Terminations ÷ active customers at the month's start, in percent.
    pub churn: Option<f64>,
    /// SLA compliance % of the tickets resolved in the month.
    pub sla: Option<f64>,
    /// CSAT average stars of the ratings given in the month.
    pub csat: Option<f64>,
    pub nps: Option<f64>,
}

fn key(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

/// SLA compliance per WIB month of `resolved_at` (the tickets resolved in the month, kept =
/// breached neither deadline): `month → (resolved, kept)`.
pub async fn sla_by_month(
    db: &Db,
    months: &[NaiveDate],
    scope: &Scope,
) -> DbResult<HashMap<String, (i64, i64)>> {
    let Some((first, last)) = months.first().zip(months.last()) else {
        return Ok(HashMap::new());
    };
    let m = db.backend().wib_month("t.resolved_at");
    let mut a = args![day_start(*first), day_start(next_month(*last))];
    let s = scope_sql(scope, "t.area_id", "ps.package_id", &mut a);
    let from = if scope.package_id.is_some() {
        "tickets t JOIN subscriptions ps ON ps.id = t.subscription_id"
    } else {
        "tickets t"
    };
    let rows: Vec<(String, i64, i64)> = db
        .fetch_all(
            &format!(
                "SELECT {m} AS m, COUNT(*), COALESCE(SUM(CASE WHEN t.first_response_breached = TRUE \
                 OR t.resolution_breached = TRUE THEN 0 ELSE 1 END), 0) FROM {from} \
                 WHERE t.resolved_at >= $1 AND t.resolved_at < $2{s} GROUP BY {m}"
            ),
            a,
        )
        .await?;
    Ok(rows.into_iter().map(|(k, n, ok)| (k, (n, ok))).collect())
}

/// CSAT per WIB month of `created_at`: `month → (ratings, sum of stars)`.
pub async fn csat_by_month(
    db: &Db,
    months: &[NaiveDate],
    scope: &Scope,
) -> DbResult<HashMap<String, (i64, i64)>> {
    let Some((first, last)) = months.first().zip(months.last()) else {
        return Ok(HashMap::new());
    };
    let m = db.backend().wib_month("r.created_at");
    let mut a = args![day_start(*first), day_start(next_month(*last))];
    let s = scope_sql(scope, "r.area_id", "ps.package_id", &mut a);
    let from = if scope.package_id.is_some() {
        "ratings r LEFT JOIN tickets rt ON r.subject_kind = 'ticket' AND rt.id = r.subject_id \
         LEFT JOIN visits rv ON r.subject_kind = 'installation' AND rv.id = r.subject_id \
         JOIN subscriptions ps ON ps.id = COALESCE(rt.subscription_id, rv.subscription_id)"
    } else {
        "ratings r"
    };
    let rows: Vec<(String, i64, i64)> = db
        .fetch_all(
            &format!(
                "SELECT {m} AS m, COUNT(*), CAST(COALESCE(SUM(r.stars), 0) AS BIGINT) FROM {from} \
                 WHERE r.created_at >= $1 AND r.created_at < $2{s} GROUP BY {m}"
            ),
            a,
        )
        .await?;
    Ok(rows.into_iter().map(|(k, n, st)| (k, (n, st))).collect())
}

/// NPS per WIB month of `answered_at`: `month → (answers, promoters, detractors)`.
pub async fn nps_by_month(
    db: &Db,
    months: &[NaiveDate],
    scope: &Scope,
) -> DbResult<HashMap<String, (i64, i64, i64)>> {
    let Some((first, last)) = months.first().zip(months.last()) else {
        return Ok(HashMap::new());
    };
    let m = db.backend().wib_month("answered_at");
    let mut a = args![day_start(*first), day_start(next_month(*last))];
    let s = scope_sql(scope, "area_id", "package_id", &mut a);
    let rows: Vec<(String, i64, i64, i64)> = db
        .fetch_all(
            &format!(
                "SELECT {m} AS m, COUNT(*), COALESCE(SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END), 0) FROM nps_requests \
                 WHERE score IS NOT NULL AND answered_at >= $1 AND answered_at < $2{s} GROUP BY {m}"
            ),
            a,
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(k, n, p, d)| (k, (n, p, d)))
        .collect())
}

fn scope_sql(scope: &Scope, area: &str, package: &str, a: &mut Vec<crate::db::Arg>) -> String {
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

/// Every series for `months` (first days, oldest first); `spans` must cover the months.
pub async fn monthly(
    db: &Db,
    months: &[NaiveDate],
    scope: &Scope,
    spans: &[Span],
) -> DbResult<Vec<Month>> {
    let sla = sla_by_month(db, months, scope).await?;
    let csat = csat_by_month(db, months, scope).await?;
    let nps = nps_by_month(db, months, scope).await?;
    Ok(months
        .iter()
        .map(|&first| {
            let next = next_month(first);
            let k = key(first);
            let start = figures::active_at_start(spans, first);
            let terminations = figures::terminations(spans, first, next - Duration::days(1));
            Month {
                first,
                active: figures::active_at_start(spans, next),
                terminations,
                churn: stats::percent(terminations, start),
                sla: sla.get(&k).and_then(|(n, ok)| stats::percent(*ok, *n)),
                csat: csat
                    .get(&k)
                    .and_then(|(n, st)| stats::csat(*st, 0, *n).map(|c| c.0)),
                nps: nps.get(&k).and_then(|(n, p, d)| stats::nps(*p, *d, *n)),
            }
        })
        .collect())
}
