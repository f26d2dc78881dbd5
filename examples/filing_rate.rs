//! The filing transaction alone, without HTTP: how many complaints per second the database
//! commits on this machine, one after the other (a COMMIT each) and from 16 tasks at once (the
//! writer's group commit). What `bench/load.sh`'s `ticket_file` scenario measures through the
//! web stack, this measures below it (#12: "SQLite's own commit rate for that transaction").
//!
//!     cargo run --release --example filing_rate [DATA_DIR] [SECONDS]
//!
//! DATA_DIR is a data directory with customers (default: the load benchmark's SQLite copy,
//! which its next run restores from the pristine file). It files into it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use setia::audit::Actor;
use setia::db::Db;
use setia::notify::Links;
use setia::tickets::filing::{self, Caller, NewTicketInput};
use setia::tickets::model::{Category, Channel};

/// A customer with an active subscription and a portal login (2,000 of them, so that the
/// per-customer hourly count reads few rows, as it does for real customers).
#[derive(Clone, sqlx::FromRow, setia::db::LiteRow)]
struct Filer {
    customer_id: i64,
    subscription_id: i64,
    user_id: i64,
    name: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "/var/tmp/setia-bench/sqlite-100000_1000000".into());
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(10);
    let db = Db::connect(&Db::sqlite_url(std::path::Path::new(&dir))).await?;
    let filers: Vec<Filer> = db
        .fetch_all(
            "SELECT c.id AS customer_id, s.id AS subscription_id, u.id AS user_id, u.name \
             FROM subscriptions s JOIN customers c ON c.id = s.customer_id \
             JOIN users u ON u.id = c.user_id WHERE s.status = 'active' \
             ORDER BY s.id DESC LIMIT 2000",
            vec![],
        )
        .await?;
    anyhow::ensure!(
        !filers.is_empty(),
        "no customer with a subscription in {dir}"
    );
    let filers = Arc::new(filers);
    let links = Arc::new(Links {
        base_url: "http://127.0.0.1".into(),
        secret: Arc::new(vec![7; 32]),
    });
    for tasks in [1, 16] {
        let filed = Arc::new(AtomicU64::new(0));
        let until = Instant::now() + Duration::from_secs(seconds);
        let started = Instant::now();
        let workers: Vec<_> = (0..tasks)
            .map(|t| {
                let (db, filers, links, filed) =
                    (db.clone(), filers.clone(), links.clone(), filed.clone());
                tokio::spawn(async move {
                    let mut n = t;
                    while Instant::now() < until {
                        let f = &filers[n % filers.len()];
                        let actor = Actor {
                            id: Some(f.user_id),
                            name: &f.name,
                            ip: "127.0.0.1",
                        };
                        let input = NewTicketInput {
                            caller: Caller::Customer(f.customer_id),
                            subscription_id: Some(f.subscription_id),
                            category: Category::NoConnection,
                            priority: None,
                            channel: Channel::Web,
                            body: format!("Internet mati sejak pagi, lampu LOS merah ({t}-{n})"),
                            photos: vec![],
                            hourly_limit: Some(1_000_000),
                        };
                        filing::file(&db, &links, actor, Utc::now(), input).await?;
                        filed.fetch_add(1, Ordering::Relaxed);
                        n += tasks;
                    }
                    anyhow::Ok(())
                })
            })
            .collect();
        for w in workers {
            w.await??;
        }
        let n = filed.load(Ordering::Relaxed);
        let rate = n as f64 / started.elapsed().as_secs_f64();
        println!("filing transaction, {tasks:>2} at once: {n} in {seconds} s = {rate:.0}/s");
    }
    Ok(())
}
