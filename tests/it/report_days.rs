//! The dashboard's daily summary (`report_days`) stays equal to the tickets and ratings it
//! summarises while they are written concurrently with its refreshes, on both databases.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use setia::args;
use setia::db::Db;
use setia::reports::days::{self, Days};
use setia::reports::period::Scope;

use crate::common::spawn;
use crate::fixtures::catalog;

/// The WIB day of an instant.
fn wib(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::hours(7)).date_naive()
}

/// What the summary must say for each WIB day, computed from the rows themselves: opened,
/// first-response seconds, resolved, kept, resolution seconds, ratings, stars.
#[derive(Debug, Default, PartialEq)]
struct Truth {
    opened: i64,
    categories: BTreeMap<String, i64>,
    first: Vec<f64>,
    resolved: i64,
    kept: i64,
    resolution: Vec<f64>,
    ratings: i64,
    stars: i64,
}

type TicketRow = (
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    bool,
);

/// The scope: (area, package), `None` for all.
type In = (Option<i64>, Option<i64>);

async fn truth(db: &Db, (area, package): In) -> BTreeMap<NaiveDate, Truth> {
    let mut by: BTreeMap<NaiveDate, Truth> = BTreeMap::new();
    let tickets: Vec<TicketRow> = db
        .fetch_all(
            "SELECT t.category, t.created_at, t.first_response_at, t.resolved_at, \
             t.first_response_breached OR t.resolution_breached \
             FROM tickets t JOIN subscriptions s ON s.id = t.subscription_id \
             WHERE ($1 IS NULL OR t.area_id = $1) AND ($2 IS NULL OR s.package_id = $2)",
            args![area, package],
        )
        .await
        .unwrap();
    let secs = |a: DateTime<Utc>, b: DateTime<Utc>| (b - a).num_seconds() as f64;
    for (category, created, first, resolved, breached) in tickets {
        let t = by.entry(wib(created)).or_default();
        t.opened += 1;
        *t.categories.entry(category).or_default() += 1;
        if let Some(f) = first {
            t.first.push(secs(created, f));
        }
        if let Some(r) = resolved {
            let t = by.entry(wib(r)).or_default();
            t.resolved += 1;
            t.kept += i64::from(!breached);
            t.resolution.push(secs(created, r));
        }
    }
    let ratings: Vec<(DateTime<Utc>, i64)> = db
        .fetch_all(
            "SELECT r.created_at, r.stars FROM ratings r JOIN tickets t ON t.id = r.subject_id \
             JOIN subscriptions s ON s.id = t.subscription_id \
             WHERE ($1 IS NULL OR r.area_id = $1) AND ($2 IS NULL OR s.package_id = $2)",
            args![area, package],
        )
        .await
        .unwrap();
    for (at, stars) in ratings {
        let t = by.entry(wib(at)).or_default();
        t.ratings += 1;
        t.stars += stars;
    }
    for t in by.values_mut() {
        t.first.sort_by(f64::total_cmp);
        t.resolution.sort_by(f64::total_cmp);
    }
    by
}

async fn summary(
    db: &Db,
    first: NaiveDate,
    last: NaiveDate,
    (area, package): In,
) -> BTreeMap<NaiveDate, Truth> {
    let scope = Scope {
        area_id: area,
        package_id: package,
    };
    let d = Days::load(db, first, last, &scope).await.unwrap();
    let mut by = BTreeMap::new();
    let mut day = first;
    while day <= last {
        let mut s = d.sum(day, day);
        s.first_responses.sort_by(f64::total_cmp);
        s.resolutions.sort_by(f64::total_cmp);
        let t = Truth {
            opened: s.opened,
            categories: s.by_category.into_iter().collect(),
            first: s.first_responses,
            resolved: s.resolved,
            kept: s.kept,
            resolution: s.resolutions,
            ratings: s.ratings,
            stars: s.stars,
        };
        if t != Truth::default() {
            by.insert(day, t);
        }
        day += Duration::days(1);
    }
    by
}

#[tokio::test]
async fn the_summary_equals_the_tickets_after_concurrent_writes_and_refreshes() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let db = app.db().clone();
    let now = app.clock_now();
    let customer: i64 = db
        .insert_returning(
            "INSERT INTO customers (number, name, phone, address, area_id, status, referral_code, created_at, updated_at) \
             VALUES ('PLG-000001', 'Pelanggan', '+6281200000001', 'Jl. Melati 1', $1, 'active', 'REF1', $2, $2) RETURNING id",
            args![c.area, now],
        )
        .await
        .unwrap();
    let areas = [c.area, c.uncovered_area];
    let mut subs = Vec::new();
    for package in [c.package, c.other_package] {
        subs.push(
            db.insert_returning::<i64>(
                "INSERT INTO subscriptions (customer_id, package_id, address, area_id, status, started_on, \
                 created_at, updated_at) VALUES ($1, $2, 'Jl. Melati 1', $3, 'active', '2026-01-10', $4, $4) RETURNING id",
                args![customer, package, c.area, now],
            )
            .await
            .unwrap(),
        );
    }
    // Four writers: each files tickets over six WIB days (around midnight WIB, 17:00 UTC, so
    // the day boundary matters), answers them, resolves and reopens some, rates some; one
    // refresher rebuilds the summary meanwhile.
    let base = Utc.with_ymd_and_hms(2026, 11, 20, 16, 0, 0).unwrap();
    let mut writers = Vec::new();
    for w in 0..4i64 {
        let db = db.clone();
        let subs = subs.clone();
        writers.push(tokio::spawn(async move {
            let categories = ["slow", "no_connection", "billing"];
            for i in 0..25i64 {
                let n = w * 100 + i;
                let created = base + Duration::minutes(n * 53 % (6 * 24 * 60));
                let id: i64 = db
                    .insert_returning(
                        "INSERT INTO tickets (number, customer_id, subscription_id, area_id, category, priority, \
                         status, channel, summary, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, 'normal', 'open', 'portal', 'Lambat', $6, $6) RETURNING id",
                        args![
                            format!("TKT-T-{n:05}"),
                            customer,
                            subs[(n % 2) as usize],
                            areas[(n / 2 % 2) as usize],
                            categories[(n % 3) as usize],
                            created
                        ],
                    )
                    .await
                    .unwrap();
                db.execute(
                    "UPDATE tickets SET first_response_at = $2 WHERE id = $1",
                    args![id, created + Duration::minutes(10 + n % 50)],
                )
                .await
                .unwrap();
                if n % 3 != 0 {
                    let resolved = created + Duration::hours(2 + n % 30);
                    db.execute(
                        "UPDATE tickets SET status = 'resolved', resolved_at = $2, first_response_breached = $3, \
                         resolution_breached = $4 WHERE id = $1",
                        args![id, resolved, n % 4 == 0, n % 7 == 0],
                    )
                    .await
                    .unwrap();
                    if n % 5 == 0 {
                        // Reopened: no longer resolved.
                        db.execute(
                            "UPDATE tickets SET status = 'open', resolved_at = NULL WHERE id = $1",
                            args![id],
                        )
                        .await
                        .unwrap();
                    } else {
                        db.execute(
                            "INSERT INTO ratings (subject_kind, subject_id, customer_id, area_id, stars, via, created_at) \
                             VALUES ('ticket', $1, $2, $3, $4, 'link', $5)",
                            args![id, customer, areas[(n / 2 % 2) as usize], 1 + n % 5, resolved + Duration::hours(1)],
                        )
                        .await
                        .unwrap();
                    }
                }
            }
        }));
    }
    let refresher = {
        let db = db.clone();
        tokio::spawn(async move {
            for _ in 0..30 {
                days::refresh(&db).await.unwrap();
                tokio::task::yield_now().await;
            }
        })
    };
    for w in writers {
        w.await.unwrap();
    }
    refresher.await.unwrap();

    let (first, last) = (
        wib(base) - Duration::days(1),
        wib(base) + Duration::days(10),
    );
    for scope in [
        (None, None),
        (None, Some(c.package)),
        (None, Some(c.other_package)),
        (Some(c.area), None),
        (Some(c.uncovered_area), Some(c.other_package)),
    ] {
        let expected = truth(&db, scope).await;
        assert!(expected.values().map(|t| t.opened).sum::<i64>() >= 20);
        assert_eq!(
            summary(&db, first, last, scope).await,
            expected,
            "scope {scope:?}"
        );
    }

    // A package change moves the subscription's tickets and ratings in the package view.
    db.execute(
        "UPDATE subscriptions SET package_id = $2 WHERE id = $1",
        args![subs[0], c.other_package],
    )
    .await
    .unwrap();
    assert_eq!(
        summary(&db, first, last, (None, Some(c.other_package))).await,
        truth(&db, (None, Some(c.other_package))).await
    );
    assert_eq!(
        summary(&db, first, last, (None, Some(c.package))).await,
        BTreeMap::new()
    );
}
