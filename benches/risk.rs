//! Load benchmark: the at-risk score of every customer, 100,000 customers and 1,000,000 tickets.
//!
//!     cargo bench --bench risk
//!     SETIA_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/test cargo bench --bench risk
//!
//! Seeds a fresh database in SQL (tickets over 5 years, ratings, NPS answers, visits,
//! suspensions, competitor offers), then times `risk_store::scored` over everyone (what
//! `/staff/at-risk` runs), one customer's score (the customer page) and the contact figures.
//! The packages and competitors' offers are read once beforehand, as the pages take them from
//! the instance cache (before 30/11/2026 each round read them too). Prints median and worst of
//! the rounds.

use std::time::{Duration, Instant};

use chrono::Utc;
use setia::config::RiskWeights;
use setia::db::{Backend, Db};
use setia::retention::risk_store::{self, Subject};
use setia::retention::store as retention;
use sqlx::Connection;

const CUSTOMERS: i64 = 100_000;
const TICKETS: i64 = 1_000_000;
const ROUNDS: usize = 10;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = match std::env::var("SETIA_BENCH_DATABASE_URL") {
        Ok(server) if server.starts_with("postgres") => {
            let name = format!("setia_bench_{}", std::process::id());
            let mut c = sqlx::PgConnection::connect(&server).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                .execute(&mut c)
                .await?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .await?;
            format!("{}/{name}", server.rsplit_once('/').unwrap().0)
        }
        _ => Db::sqlite_url(dir.path()),
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    println!(
        "backend: {:?}, seeding {CUSTOMERS} customers, {TICKETS} tickets…",
        db.backend()
    );
    let t = Instant::now();
    seed(&db).await?;
    println!("seeded in {:.1?}", t.elapsed());

    let now = Utc::now();
    let w = RiskWeights::default();
    let prices = risk_store::Prices::read(&db).await?;
    let all = risk_store::scored(&db, Subject::All, &w, &prices, now).await?;
    let listed = all
        .iter()
        .filter(|s| s.assessment.score >= w.min_score)
        .count();
    println!(
        "scored {} customers, {listed} at or above {}, top score {}",
        all.len(),
        w.min_score,
        all.first().map_or(0, |s| s.assessment.score)
    );
    time("all customers", || async {
        risk_store::scored(&db, Subject::All, &w, &prices, now)
            .await
            .unwrap();
    })
    .await;
    time("one area", || async {
        let s = Subject::Scoped {
            area_id: Some(1),
            package_id: None,
        };
        risk_store::scored(&db, s, &w, &prices, now).await.unwrap();
    })
    .await;
    time("one customer", || async {
        risk_store::score_of(&db, 4242, &w, &prices, now)
            .await
            .unwrap();
    })
    .await;
    time("contact outcomes", || async {
        retention::contact_outcomes(&db, now - chrono::Duration::days(365), now)
            .await
            .unwrap();
    })
    .await;
    Ok(())
}

async fn time<F, Fut>(name: &str, f: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        f().await;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{name:<18} p50 {:>10.2?}  max {:>10.2?}",
        times[ROUNDS / 2],
        times[ROUNDS - 1]
    );
}

/// `n` hours before now as a timestamp expression (the column format of each backend).
fn hours_ago(b: Backend, n: &str) -> String {
    match b {
        Backend::Sqlite => {
            format!("strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now', '-' || ({n}) || ' hours')")
        }
        Backend::Postgres => format!("(now() - ({n}) * interval '1 hour')"),
    }
}

fn days_after_2019(b: Backend, n: &str) -> String {
    match b {
        Backend::Sqlite => format!("date('2019-01-01', '+' || ({n}) || ' days')"),
        Backend::Postgres => format!("(DATE '2019-01-01' + ({n})::int)"),
    }
}

/// `SELECT ... FROM` a numbers table 1..=count.
fn numbers(count: i64) -> String {
    format!("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count})")
}

async fn seed(db: &Db) -> anyhow::Result<()> {
    let b = db.backend();
    let now_ts = hours_ago(b, "0");
    let exec =
        |sql: String| async move { db.execute(&sql, vec![]).await.map_err(anyhow::Error::from) };
    for (i, (mbps, price)) in [(10, 150_000), (20, 250_000), (50, 400_000), (100, 600_000)]
        .iter()
        .enumerate()
    {
        exec(format!(
            "INSERT INTO packages (id, name, download_mbps, upload_mbps, price, published, created_at, updated_at) \
             VALUES ({}, 'Paket {mbps}', {mbps}, {mbps}, {price}, TRUE, {now_ts}, {now_ts})",
            i + 1
        ))
        .await?;
    }
    for a in 1..=20 {
        exec(format!(
            "INSERT INTO areas (id, name, city, created_at) VALUES ({a}, 'Area {a}', 'Cimahi', {now_ts})"
        ))
        .await?;
    }
    exec(format!(
        "INSERT INTO competitors (name, created_at) VALUES ('KompetitorX', {now_ts})"
    ))
    .await?;
    exec("INSERT INTO competitor_offers (competitor_id, name, download_mbps, price) VALUES (1, 'Hemat 20', 20, 199000)".into()).await?;
    exec(format!(
        "{} INSERT INTO customers (id, number, name, phone, address, area_id, status, referral_code, created_at, updated_at) \
         SELECT n, 'PLG-' || n, 'Warga ' || n, '+62812' || n, 'Jl. ' || n, 1 + n % 20, \
         CASE WHEN n % 25 = 0 THEN 'terminated' ELSE 'active' END, 'R' || n, {now_ts}, {now_ts} FROM seq",
        numbers(CUSTOMERS)
    ))
    .await?;
    let started = days_after_2019(b, "n % 2800");
    exec(format!(
        "{} INSERT INTO subscriptions (id, customer_id, package_id, address, area_id, status, started_on, ended_on, created_at, updated_at) \
         SELECT n, n, 1 + n % 4, 'Jl.', 1 + n % 20, \
         CASE WHEN n % 25 = 0 THEN 'terminated' WHEN n % 40 = 0 THEN 'suspended' ELSE 'active' END, \
         {started}, CASE WHEN n % 25 = 0 THEN {started} ELSE NULL END, {now_ts}, {now_ts} FROM seq",
        numbers(CUSTOMERS)
    ))
    .await?;
    // Tickets over 5 years (43,800 hours), one in 50 still open, one in 10 breached.
    let created = hours_ago(b, "(n * 7919) % 43800");
    exec(format!(
        "{} INSERT INTO tickets (number, customer_id, category, priority, status, channel, summary, created_at, updated_at, first_response_breached, resolution_breached) \
         SELECT 'TKT-' || n, 1 + (n * 31) % {CUSTOMERS}, 'slow', 'normal', \
         CASE WHEN n % 50 = 0 THEN 'open' ELSE 'closed' END, 'phone', 'Lambat', {created}, {created}, \
         n % 10 = 0, n % 20 = 0 FROM seq",
        numbers(TICKETS)
    ))
    .await?;
    let rated = hours_ago(b, "(n * 7919) % 43800");
    exec(format!(
        "{} INSERT INTO ratings (subject_kind, subject_id, customer_id, stars, via, created_at) \
         SELECT 'ticket', n, 1 + (n * 31) % {CUSTOMERS}, 1 + n % 5, 'link', {rated} FROM seq",
        numbers(200_000)
    ))
    .await?;
    exec(format!(
        "INSERT INTO nps_surveys (segment, created_at) VALUES ('all', {now_ts})"
    ))
    .await?;
    let answered = hours_ago(b, "(n * 13) % 8760");
    exec(format!(
        "{} INSERT INTO nps_requests (survey_id, customer_id, sent_at, score, answered_at) \
         SELECT 1, n * 2, {answered}, n % 11, {answered} FROM seq",
        numbers(50_000)
    ))
    .await?;
    let finished = hours_ago(b, "(n * 7919) % 43800");
    exec(format!(
        "{} INSERT INTO visits (number, kind, status, customer_id, address, queued_at, finished_at, created_at, updated_at) \
         SELECT 'KJG-' || n, 'repair', CASE WHEN n % 10 = 0 THEN 'failed' ELSE 'done' END, \
         1 + (n * 17) % {CUSTOMERS}, 'Jl.', {finished}, {finished}, {finished}, {finished} FROM seq",
        numbers(200_000)
    ))
    .await?;
    let at = hours_ago(b, "(n * 7919) % 43800");
    exec(format!(
        "{} INSERT INTO subscription_events (subscription_id, kind, note, at) \
         SELECT 1 + (n * 7) % {CUSTOMERS}, CASE WHEN n % 3 = 0 THEN 'suspended' WHEN n % 3 = 1 THEN 'reactivated' ELSE 'package_changed' END, '', {at} FROM seq",
        numbers(300_000)
    ))
    .await?;
    let contacted = hours_ago(b, "(n * 11) % 8760");
    exec(format!(
        "{} INSERT INTO retention_contacts (customer_id, outcome, risk_score, created_at) \
         SELECT n * 37 % {CUSTOMERS} + 1, 'called', 40, {contacted} FROM seq",
        numbers(3_000)
    ))
    .await?;
    exec("ANALYZE".into()).await?;
    Ok(())
}
