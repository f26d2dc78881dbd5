//! Memory and latency of concurrent sign-ups under the password-hashing bound.
//!
//!     cargo bench --bench hashing
//!     SETIA_BENCH_SIGNUPS=64 SETIA_HASH_CONCURRENCY=4 cargo bench --bench hashing
//!
//! Starts the app (SQLite in a temp dir) on 127.0.0.1:0, fires SETIA_BENCH_SIGNUPS (default 32)
//! concurrent sign-ups, each from its own client address (behind a trusted proxy, so the
//! per-address rate limit does not interfere), and prints the outcome counts, latency
//! percentiles and the peak resident memory of the process (VmHWM). Each argon2 hash holds about
//! 19 MB; without the bound 16 concurrent sign-ups took the server to about 3 GB.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use chrono::Utc;
use setia::app;
use setia::catalog::store::{self as catalog, NewPackage};
use setia::clock::SystemClock;
use setia::config::Config;
use setia::db::Db;

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let signups = env_usize("SETIA_BENCH_SIGNUPS", 32);
    let dir = tempfile::tempdir()?;
    let url = Db::sqlite_url(dir.path());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let now = Utc::now();
    let package = catalog::create_package(
        &db,
        &NewPackage {
            name: "Rumah 20",
            download_mbps: 20,
            upload_mbps: 10,
            price: setia::types::Rupiah(250_000),
            features: "",
            features_en: "",
            published: true,
            sort_order: 0,
        },
        now,
    )
    .await?;
    let area = catalog::create_area(&db, "Cibabat", "Cimahi", true, now).await?;

    let config = Config {
        data_dir: dir.path().into(),
        database_url: Some(url),
        trusted_proxies: vec!["127.0.0.1".parse()?],
        hash_concurrency: env_usize("SETIA_HASH_CONCURRENCY", 0),
        hash_wait_ms: env_usize("SETIA_HASH_WAIT_MS", 2000) as u64,
        ..Config::default()
    };
    let state = app::state(db.clone(), config, std::sync::Arc::new(SystemClock)).await?;
    let permits = state.hashing.permits();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        axum::serve(
            listener,
            app::router(state).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let base = format!("http://{addr}");
    let before = vm_hwm_kib().unwrap_or(0);
    println!(
        "{signups} concurrent sign-ups, {permits} hashing slots; VmHWM before: {} MB",
        before / 1024
    );

    // Each client fetches its form (and CSRF token) first, then all post at once.
    let mut clients = Vec::new();
    for i in 0..signups {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let page = client
            .get(format!("{base}/signup"))
            .send()
            .await?
            .text()
            .await?;
        let marker = "name=\"_csrf\" value=\"";
        let start = page.find(marker).expect("token") + marker.len();
        let token = page[start..start + 64].to_string();
        clients.push((i, client, token));
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, client, token) in clients {
        let base = base.clone();
        let (package, area) = (package.to_string(), area.to_string());
        tasks.push(tokio::spawn(async move {
            let phone = format!("0812{:08}", 10_000_000 + i);
            let t = Instant::now();
            let status = client
                .post(format!("{base}/signup"))
                .header("x-forwarded-for", format!("10.{}.{}.1", i / 250, i % 250))
                .form(&[
                    ("_csrf", token.as_str()),
                    ("name", "Bench Pelanggan"),
                    ("phone", phone.as_str()),
                    ("address", "Jl. Contoh 1"),
                    ("area_id", area.as_str()),
                    ("package_id", package.as_str()),
                    ("password", "kopi-susu-cimahi-42"),
                    ("consent", "yes"),
                ])
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0);
            (status, t.elapsed())
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    let (mut ok, mut busy, mut other) = (0, 0, 0);
    for t in tasks {
        let (status, elapsed) = t.await?;
        match status {
            303 => ok += 1,
            503 => busy += 1,
            _ => other += 1,
        }
        latencies.push(elapsed);
    }
    let wall = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    let peak = vm_hwm_kib().unwrap_or(0);
    println!("signed up: {ok}, 503 busy: {busy}, other: {other}; wall {wall:.2?}");
    println!(
        "latency: median {:.0?}, p95 {:.0?}, max {:.0?}",
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    println!(
        "peak RSS (VmHWM): {} MB (bound: {permits} x ~19 MB of argon2 memory)",
        peak / 1024
    );
    Ok(())
}
