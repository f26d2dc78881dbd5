//! No lost writes: Setia runs as a separate process while customers file complaints at once; it
//! is killed with SIGKILL mid-stream and started again on the same database, which must hold
//! every complaint whose filing was acknowledged, intact. On SQLite and on PostgreSQL (when the
//! suite runs there).

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::process::{self, Load, Server};

/// Concurrent customers filing complaints.
const CLIENTS: usize = 4;
/// Acknowledged filings after which the server is killed.
const KILL_AFTER: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_complaint_survives_a_sigkill_mid_stream() {
    let started = Instant::now();
    let db = process::prepare(true, CLIENTS).await;
    let env = db.env();
    let cwd = db.data_dir.clone();

    let mut server = Server::start(&env, &cwd).await;
    let load = Load::start(&server, &db.customers, "kill").await;
    load.wait_for(KILL_AFTER, Duration::from_secs(30)).await;
    // Killed while every client has a filing in flight or about to be sent.
    server.kill();
    let acked = load.finish().await;
    assert!(acked.len() >= KILL_AFTER);
    for (i, a) in acked.iter().enumerate() {
        assert!(
            acked[..i].iter().all(|b| b.ticket != a.ticket),
            "two acknowledgements name complaint #{}",
            a.ticket
        );
    }

    let restarted = Server::start(&env, &cwd).await;
    process::assert_all_present(&db.url, &acked).await;
    process::assert_none_half_written(&db.url).await;
    if db.is_sqlite() {
        assert_eq!(process::integrity_check(&db.url).await, vec!["ok"]);
    }
    // The customer sees each of their complaints on the restarted server, and can file again.
    let first = &db.customers[0];
    let b = restarted.customer(first).await;
    for f in acked.iter().filter(|f| f.customer == first.id).take(20) {
        let page = b.get(&format!("/portal/tickets/{}", f.ticket)).await;
        assert_eq!(page.status, StatusCode::OK);
        let code = f.body.rsplit(' ').next().unwrap();
        page.assert_contains(code);
    }
    let after = Load::start(&restarted, &db.customers[..1], "after").await;
    after.wait_for(1, Duration::from_secs(10)).await;
    let more = after.finish().await;
    process::assert_all_present(&db.url, &more).await;
    eprintln!(
        "durability: {} acknowledged before SIGKILL, all present after restart ({:.1?})",
        acked.len(),
        started.elapsed()
    );
}
