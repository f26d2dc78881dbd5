//! The dashboard's ticket and rating figures from a summary per WIB day, area and package
//! (`report_days`, migration 0015), so that a 12-month dashboard over a million tickets reads one
//! row a day. Each day has a row for everything (area and package −1), one per area (package
//! −1), one per package (area −1) and one per area and package, so every scope reads one row a
//! day; 0 is "none" (no area, no subscription). Each row keeps every duration (not a histogram),
//! so medians are exact.
//!
//! Triggers on `tickets`, `ratings` and a subscription's package add the days a write touches to
//! `report_days_stale`; [`refresh`] rebuilds those days and forgets them in one transaction that
//! holds every writer of the stale list back (PostgreSQL: a table lock; SQLite: its single
//! writer), so a write is either in the rebuilt day or leaves the day stale again. Readers call
//! [`Days::load`], which refreshes first: figures include every write committed before the read.
//! (`tickets.subscription_id` and `visits.subscription_id` are set once, when the row is
//! inserted; the triggers rely on that.)

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::period::{day_start, Scope};
use crate::args;
use crate::db::{Db, DbResult, Tx};

/// Days rebuilt per transaction, so a long backlog (after an import) never holds writers for long.
const DAYS_PER_TX: i64 = 31;

/// "All areas" or "all packages" in a summary row's key.
const ALL: i64 = -1;

/// One summary row: a WIB day's tickets in one area and package (0 = none, −1 = all).
#[derive(Clone, Debug, Default, sqlx::FromRow, crate::db::LiteRow)]
struct DayRow {
    wib_date: NaiveDate,
    area_id: i64,
    package_id: i64,
    opened: i64,
    categories: String,
    first_responses: Vec<u8>,
    resolved: i64,
    kept: i64,
    resolutions: Vec<u8>,
    ratings: i64,
    stars: i64,
    satisfied: i64,
}

/// A ticket as one day's summary needs it.
#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct TicketRow {
    area_id: i64,
    package_id: i64,
    category: String,
    created_at: DateTime<Utc>,
    /// First response (for the day it was opened) or resolution (for the day it was resolved).
    ended_at: Option<DateTime<Utc>>,
    kept: bool,
}

/// Whole seconds from `from` to `to` (rounded, never negative).
fn seconds(from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
    let ms = (to - from).num_milliseconds().max(0);
    u32::try_from((ms + 500) / 1000).unwrap_or(u32::MAX)
}

fn push_secs(buf: &mut Vec<u8>, secs: u32) {
    buf.extend_from_slice(&secs.to_le_bytes());
}

fn each_secs(buf: &[u8]) -> impl Iterator<Item = f64> + '_ {
    buf.chunks_exact(4)
        .map(|c| f64::from(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
}

/// One day's rows being built, by (area, package), with their counts per category.
type Rows = BTreeMap<(i64, i64), (DayRow, BTreeMap<String, i64>)>;

/// The four rows a ticket or rating counts in: all, its area, its package, its area and
/// package.
fn rows_of(
    rows: &mut Rows,
    day: NaiveDate,
    (area, package): (i64, i64),
    mut f: impl FnMut(&mut DayRow, &mut BTreeMap<String, i64>),
) {
    for key in [(ALL, ALL), (area, ALL), (ALL, package), (area, package)] {
        let (r, categories) = rows.entry(key).or_insert_with(|| {
            let r = DayRow {
                wib_date: day,
                area_id: key.0,
                package_id: key.1,
                ..DayRow::default()
            };
            (r, BTreeMap::new())
        });
        f(r, categories);
    }
}

/// Rebuilds the summary rows of WIB day `day` from the tickets.
async fn rebuild(tx: &mut Tx, day: NaiveDate) -> DbResult<()> {
    let (from, to) = (day_start(day), day_start(day + Duration::days(1)));
    let select =
        "SELECT COALESCE(t.area_id, 0) AS area_id, COALESCE(s.package_id, 0) AS package_id, \
                  t.category AS category, t.created_at AS created_at";
    let join = "FROM tickets t LEFT JOIN subscriptions s ON s.id = t.subscription_id";
    let opened: Vec<TicketRow> = tx
        .fetch_all(
            &format!(
                "{select}, t.first_response_at AS ended_at, TRUE AS kept {join} \
                 WHERE t.created_at >= $1 AND t.created_at < $2"
            ),
            args![from, to],
        )
        .await?;
    let resolved: Vec<TicketRow> = tx
        .fetch_all(
            &format!(
                "{select}, t.resolved_at AS ended_at, \
                 CASE WHEN t.first_response_breached = TRUE OR t.resolution_breached = TRUE \
                 THEN FALSE ELSE TRUE END AS kept {join} \
                 WHERE t.resolved_at >= $1 AND t.resolved_at < $2"
            ),
            args![from, to],
        )
        .await?;

    let mut rows: Rows = BTreeMap::new();
    for t in &opened {
        let secs = t.ended_at.map(|at| seconds(t.created_at, at));
        rows_of(
            &mut rows,
            day,
            (t.area_id, t.package_id),
            |r, categories| {
                r.opened += 1;
                *categories.entry(t.category.clone()).or_default() += 1;
                if let Some(secs) = secs {
                    push_secs(&mut r.first_responses, secs);
                }
            },
        );
    }
    for t in &resolved {
        let secs = t.ended_at.map(|at| seconds(t.created_at, at));
        rows_of(&mut rows, day, (t.area_id, t.package_id), |r, _| {
            r.resolved += 1;
            r.kept += i64::from(t.kept);
            if let Some(secs) = secs {
                push_secs(&mut r.resolutions, secs);
            }
        });
    }
    let rated: Vec<(i64, i64, i64)> = tx
        .fetch_all(
            "SELECT COALESCE(r.area_id, 0), COALESCE(ps.package_id, 0), r.stars FROM ratings r \
             LEFT JOIN tickets rt ON r.subject_kind = 'ticket' AND rt.id = r.subject_id \
             LEFT JOIN visits rv ON r.subject_kind = 'installation' AND rv.id = r.subject_id \
             LEFT JOIN subscriptions ps ON ps.id = COALESCE(rt.subscription_id, rv.subscription_id) \
             WHERE r.created_at >= $1 AND r.created_at < $2",
            args![from, to],
        )
        .await?;
    for (area, package, stars) in rated {
        rows_of(&mut rows, day, (area, package), |r, _| {
            r.ratings += 1;
            r.stars += stars;
            r.satisfied += i64::from(stars >= 4);
        });
    }

    tx.execute("DELETE FROM report_days WHERE wib_date = $1", args![day])
        .await?;
    // 12 values a row: at most 80 rows (960 values) a statement.
    let rows: Vec<_> = rows.into_values().collect();
    for chunk in rows.chunks(80) {
        let mut sql = String::from(
            "INSERT INTO report_days (wib_date, area_id, package_id, opened, categories, \
             first_responses, resolved, kept, resolutions, ratings, stars, satisfied) VALUES ",
        );
        let mut a = Vec::with_capacity(chunk.len() * 12);
        for (i, (r, categories)) in chunk.iter().enumerate() {
            let marks: Vec<String> = (1..=12).map(|k| format!("${}", i * 12 + k)).collect();
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("({})", marks.join(", ")));
            let categories: Vec<String> =
                categories.iter().map(|(k, v)| format!("{k}={v}")).collect();
            a.extend(args![
                r.wib_date,
                r.area_id,
                r.package_id,
                r.opened,
                categories.join(","),
                r.first_responses.clone(),
                r.resolved,
                r.kept,
                r.resolutions.clone(),
                r.ratings,
                r.stars,
                r.satisfied
            ]);
        }
        tx.execute(&sql, a).await?;
    }
    Ok(())
}

/// Rebuilds every stale day (oldest first, [`DAYS_PER_TX`] days a transaction); returns how
/// many days were rebuilt.
pub async fn refresh(db: &Db) -> DbResult<usize> {
    let stale: Option<(NaiveDate,)> = db
        .fetch_optional("SELECT wib_date FROM report_days_stale LIMIT 1", args![])
        .await?;
    if stale.is_none() {
        return Ok(0);
    }
    let mut rebuilt = 0;
    loop {
        let mut tx = db.begin().await?;
        tx.lock_table("report_days_stale").await?;
        let days: Vec<(NaiveDate,)> = tx
            .fetch_all(
                "SELECT DISTINCT wib_date FROM report_days_stale ORDER BY wib_date LIMIT $1",
                args![DAYS_PER_TX],
            )
            .await?;
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            tx.commit().await?;
            return Ok(rebuilt);
        };
        for (day,) in &days {
            rebuild(&mut tx, *day).await?;
        }
        // Every stale day from `first` to `last` is in `days` (the oldest ones, in order), and
        // no writer can add one until this transaction ends.
        tx.execute(
            "DELETE FROM report_days_stale WHERE wib_date >= $1 AND wib_date <= $2",
            args![first.0, last.0],
        )
        .await?;
        tx.commit().await?;
        rebuilt += days.len();
        // Everything stale when this round began is done; what writers added since is for the
        // next reader, so a steady stream of writes cannot keep one reader here.
        if days.len() < DAYS_PER_TX as usize {
            return Ok(rebuilt);
        }
    }
}

/// The tickets and ratings of a span of days in a scope, from the summary.
pub struct Days {
    rows: Vec<DayRow>,
}

/// The ticket and rating figures of some days.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DaySum {
    /// Tickets opened.
    pub opened: i64,
    /// Tickets opened per category, most first (then by name).
    pub by_category: Vec<(String, i64)>,
    /// First-response seconds of the tickets opened that were answered.
    pub first_responses: Vec<f64>,
    /// Tickets resolved, and those of them that kept their SLA (breached neither deadline).
    pub resolved: i64,
    pub kept: i64,
    /// Resolution seconds of the tickets resolved.
    pub resolutions: Vec<f64>,
    /// Ratings given, their stars summed, and those of 4–5 stars.
    pub ratings: i64,
    pub stars: i64,
    pub satisfied: i64,
}

impl Days {
    /// The summary of WIB days `first` to `last` in `scope`, refreshed first: one row a day.
    pub async fn load(db: &Db, first: NaiveDate, last: NaiveDate, scope: &Scope) -> DbResult<Days> {
        refresh(db).await?;
        let rows = db
            .fetch_all(
                "SELECT wib_date, area_id, package_id, opened, categories, first_responses, \
                 resolved, kept, resolutions, ratings, stars, satisfied FROM report_days \
                 WHERE wib_date >= $1 AND wib_date <= $2 AND area_id = $3 AND package_id = $4",
                args![
                    first,
                    last,
                    scope.area_id.unwrap_or(ALL),
                    scope.package_id.unwrap_or(ALL)
                ],
            )
            .await?;
        Ok(Days { rows })
    }

    fn within(&self, first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = &DayRow> {
        self.rows
            .iter()
            .filter(move |r| r.wib_date >= first && r.wib_date <= last)
    }

    /// The figures of days `first` to `last` (which must lie in the loaded span).
    pub fn sum(&self, first: NaiveDate, last: NaiveDate) -> DaySum {
        let mut s = DaySum::default();
        let mut categories: HashMap<&str, i64> = HashMap::new();
        for r in self.within(first, last) {
            s.opened += r.opened;
            s.resolved += r.resolved;
            s.kept += r.kept;
            s.ratings += r.ratings;
            s.stars += r.stars;
            s.satisfied += r.satisfied;
            for pair in r.categories.split(',').filter(|p| !p.is_empty()) {
                if let Some((k, n)) = pair.split_once('=') {
                    *categories.entry(k).or_default() += n.parse::<i64>().unwrap_or(0);
                }
            }
            s.first_responses.extend(each_secs(&r.first_responses));
            s.resolutions.extend(each_secs(&r.resolutions));
        }
        s.by_category = categories
            .into_iter()
            .map(|(k, n)| (k.to_string(), n))
            .collect();
        s.by_category
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        s
    }

    /// Tickets resolved and of them kept their SLA, on days `first` to `last`.
    pub fn sla(&self, first: NaiveDate, last: NaiveDate) -> (i64, i64) {
        self.within(first, last)
            .fold((0, 0), |(n, k), r| (n + r.resolved, k + r.kept))
    }

    /// Ratings given on days `first` to `last` and their stars summed.
    pub fn ratings(&self, first: NaiveDate, last: NaiveDate) -> (i64, i64) {
        self.within(first, last)
            .fold((0, 0), |(n, s), r| (n + r.ratings, s + r.stars))
    }
}

/// Tickets opened on WIB days `first` to `last` in `scope`, per area name (`–` for none), most
/// first, then by name. (Summed in SQL over the per-area rows; call after [`Days::load`].)
pub async fn opened_by_area(
    db: &Db,
    first: NaiveDate,
    last: NaiveDate,
    scope: &Scope,
) -> DbResult<Vec<(String, i64)>> {
    let mut a = args![first, last, scope.package_id.unwrap_or(ALL)];
    let mut area = String::from(" AND d.area_id <> -1");
    if let Some(id) = scope.area_id {
        a.push(id.into());
        area = format!(" AND d.area_id = ${}", a.len());
    }
    db.fetch_all(
        &format!(
            "SELECT COALESCE(ar.name, '–') AS k, CAST(SUM(d.opened) AS BIGINT) AS n \
             FROM report_days d LEFT JOIN areas ar ON ar.id = d.area_id \
             WHERE d.wib_date >= $1 AND d.wib_date <= $2 AND d.package_id = $3{area} \
             GROUP BY d.area_id, ar.name HAVING SUM(d.opened) > 0 \
             ORDER BY SUM(d.opened) DESC, COALESCE(ar.name, '–')"
        ),
        a,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn seconds_round_to_the_nearest_and_never_go_negative() {
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
        assert_eq!(seconds(t, t + Duration::milliseconds(90_499)), 90);
        assert_eq!(seconds(t, t + Duration::milliseconds(90_500)), 91);
        assert_eq!(seconds(t, t - Duration::seconds(5)), 0);
        let mut buf = Vec::new();
        push_secs(&mut buf, 7);
        push_secs(&mut buf, 86_400 * 40);
        assert_eq!(each_secs(&buf).collect::<Vec<_>>(), [7.0, 3_456_000.0]);
    }
}
