//! Everything the dashboard and the monthly report show for a period: its figures, the previous
//! period's, the twelve months' series and the breakdowns behind the charts.

use chrono::{DateTime, Duration, Utc};

use super::figures::{self, Numbers};
use super::period::{next_month, Period, Scope};
use super::series::{self, Month};
use crate::db::{Db, DbResult};

pub struct Dashboard {
    pub period: Period,
    pub previous: Period,
    pub scope: Scope,
    pub now: Numbers,
    pub before: Numbers,
    /// The 12 months ending with the period's last month.
    pub months: Vec<Month>,
    pub by_category: Vec<(String, i64)>,
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
        let until = (period.last + Duration::days(1)).max(next_month(period.last));
        let spans = figures::spans(db, from, until, &scope).await?;
        let (start, end) = (period.start(), period.end());
        Ok(Dashboard {
            now: Numbers::of(db, &period, &scope, &spans).await?,
            before: Numbers::of(db, &previous, &scope, &spans).await?,
            months: series::monthly(db, &months, &scope, &spans).await?,
            by_category: figures::tickets_by_category(db, start, end, &scope).await?,
            by_area: figures::tickets_by_area(db, start, end, &scope).await?,
            reasons: figures::terminations_by(db, &period, &scope, false).await?,
            competitors: figures::terminations_by(db, &period, &scope, true).await?,
            oldest_signup: figures::oldest_waiting_signup(db, &scope).await?,
            oldest_visit: figures::oldest_waiting_visit(db, &scope).await?,
            period,
            previous,
            scope,
        })
    }
}
