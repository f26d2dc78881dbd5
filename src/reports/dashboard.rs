//! Everything the dashboard and the monthly report show for a period: its figures, the previous
//! period's, the twelve months' series and the breakdowns behind the charts.

use chrono::{DateTime, Duration, Utc};

use super::days::{self, Days};
use super::figures::{self, Numbers, Subscriptions};
use super::period::{next_month, Period, Scope};
use super::queries::{self, KeyCount};
use super::series::{self, Month};
use crate::db::{Db, DbResult};

/// (key, count) pairs for a chart; `none` names a missing key.
fn counts(rows: Vec<KeyCount>, none: &str) -> Vec<(String, i64)> {
    rows.into_iter()
        .map(|r| (r.key.unwrap_or_else(|| none.to_string()), r.n))
        .collect()
}

pub struct Dashboard {
    pub period: Period,
    pub previous: Period,
    pub scope: Scope,
    pub now: Numbers,
    pub before: Numbers,
    /// The 12 months ending with the period's last month.
    pub months: Vec<Month>,
    pub by_area: Vec<(String, i64)>,
    pub reasons: Vec<(String, i64)>,
    pub competitors: Vec<(String, i64)>,
    pub oldest_signup: Option<(i64, String, DateTime<Utc>)>,
    pub oldest_visit: Option<(i64, String, DateTime<Utc>)>,
}

impl Dashboard {
    pub async fn load(db: &Db, period: Period, scope: Scope) -> DbResult<Dashboard> {
        let previous = period.previous();
        let months = period.months_back(12);
        // One read of the subscriptions serves both periods and the twelve months.
        let from = previous.first.min(months[0]);
        // The period's last month ends the twelve months.
        let last = next_month(period.last) - Duration::days(1);
        // Independent reads side by side (the summary's refresh first, on the writer).
        let (subs, days) = tokio::try_join!(
            Subscriptions::load(db, from, last, &scope),
            Days::load(db, from, last, &scope),
        )?;
        let (now, before, months, by_area, reasons, competitors, oldest_signup, oldest_visit) = tokio::try_join!(
            Numbers::of(db, &period, &scope, &subs, &days),
            Numbers::of(db, &previous, &scope, &subs, &days),
            series::monthly(db, &months, &scope, &subs, &days),
            days::opened_by_area(db, period.first, period.last, &scope),
            queries::termination_reasons(db, period.first, period.last, scope),
            queries::competitors_moved_to(db, period.first, period.last, scope),
            figures::oldest_waiting_signup(db, &scope),
            figures::oldest_waiting_visit(db, &scope),
        )?;
        Ok(Dashboard {
            now,
            before,
            months,
            by_area,
            reasons: counts(reasons, "other"),
            competitors: counts(competitors, "–"),
            oldest_signup,
            oldest_visit,
            period,
            previous,
            scope,
        })
    }
}
