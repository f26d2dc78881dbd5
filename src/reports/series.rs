//! Monthly series for the dashboard's trend charts: active customers and churn from the
//! subscriptions read once, SLA and CSAT from the daily summary, NPS with the period figure's
//! own query, one index range a month (cheaper than grouping a year by a computed month).

use chrono::{Duration, NaiveDate};

use super::days::Days;
use super::figures::{self, Subscriptions};
use super::period::{day_start, next_month, Scope};
use super::stats;
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

/// Every series for `months` (first days, oldest first); `subs` and `days` must cover the
/// months.
pub async fn monthly(
    db: &Db,
    months: &[NaiveDate],
    scope: &Scope,
    subs: &Subscriptions,
    days: &Days,
) -> DbResult<Vec<Month>> {
    let mut series = Vec::with_capacity(months.len());
    for &first in months {
        let next = next_month(first);
        let last = next - Duration::days(1);
        let (resolved, kept) = days.sla(first, last);
        let (ratings, stars) = days.ratings(first, last);
        let start = subs.active_at_start(first);
        let terminations = subs.terminations(first, last);
        let (answers, promoters, detractors) =
            figures::nps(db, day_start(first), day_start(next), scope).await?;
        series.push(Month {
            first,
            active: subs.active_at_start(next),
            terminations,
            churn: stats::percent(terminations, start),
            sla: stats::percent(kept, resolved),
            csat: stats::csat(stars, 0, ratings).map(|c| c.0),
            nps: stats::nps(promoters, detractors, answers),
        });
    }
    Ok(series)
}
