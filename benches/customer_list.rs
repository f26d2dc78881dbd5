//! Load benchmark: the staff customer list with 100,000 customers.
//!
//!     cargo bench --bench customer_list
//!     SETIA_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1/test cargo bench --bench customer_list
//!
//! Seeds a fresh database, starts the app on 127.0.0.1:0 and times list requests (first page,
//! a page deep in the keyset, search by name, by phone, filter by status and package) over HTTP.
//! Prints median and 95th percentile per case.

use std::net::SocketAddr;
use std::time::Instant;

use chrono::Utc;
use setia::app;
use setia::args;
use setia::auth::{password, Role};
use setia::catalog::store::{self as catalog, NewPackage};
use setia::clock::SystemClock;
use setia::config::Config;
use setia::customers::store::{self as customers, NewCustomer};
use setia::db::Db;
use setia::users::store::{self as users, NewUser};
use sqlx::Connection;

const CUSTOMERS: i64 = 100_000;
const ROUNDS: usize = 40;

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
        "backend: {:?}, seeding {CUSTOMERS} customers…",
        db.backend()
    );
    let t = Instant::now();
    let (package, area) = seed(&db).await?;
    println!("seeded in {:.1?}", t.elapsed());

    let config = Config {
        data_dir: dir.path().into(),
        database_url: Some(url),
        ..Config::default()
    };
    let state = setia::app::state(db.clone(), config, std::sync::Arc::new(SystemClock)).await?;
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
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let base = format!("http://{addr}");
    login(&client, &base).await?;

    let deep_cursor = CUSTOMERS / 2;
    let cases = [
        ("first page", "/staff/customers".to_string()),
        (
            "deep page (keyset)",
            format!("/staff/customers?before={deep_cursor}"),
        ),
        (
            "search name",
            "/staff/customers?q=warga%2012345".to_string(),
        ),
        (
            "search phone",
            "/staff/customers?q=0812-0005-4321".to_string(),
        ),
        ("search number", "/staff/customers?q=PLG-077777".to_string()),
        (
            "filter status",
            "/staff/customers?status=suspended".to_string(),
        ),
        (
            "filter area+package",
            format!("/staff/customers?area={area}&package={package}"),
        ),
    ];
    println!("\n{:<22} {:>10} {:>10}", "case", "p50", "p95");
    for (name, path) in cases {
        let mut times = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let t = Instant::now();
            let r = client.get(format!("{base}{path}")).send().await?;
            anyhow::ensure!(r.status().is_success(), "{path}: {}", r.status());
            r.bytes().await?;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{name:<22} {:>10.2?} {:>10.2?}",
            times[ROUNDS / 2],
            times[ROUNDS * 95 / 100]
        );
    }
    Ok(())
}

async fn seed(db: &Db) -> anyhow::Result<(i64, i64)> {
    let now = Utc::now();
    let package = catalog::create_package(
        db,
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
    let area = catalog::create_area(db, "Cibabat", "Cimahi", true, now).await?;
    let other_area = catalog::create_area(db, "Baros", "Cimahi", true, now).await?;
    let mut tx = db.begin().await?;
    for i in 0..CUSTOMERS {
        let phone = format!("+62812{:08}", i);
        let name = format!("Warga {i}");
        use setia::customers::model::{CustomerStatus as C, SubStatus as S};
        let (status, sub_status) = [
            (C::Active, Some(S::Active)),
            (C::Active, Some(S::Active)),
            (C::Active, Some(S::Active)),
            (C::Prospect, None),
            (C::Suspended, Some(S::Suspended)),
            (C::Terminated, Some(S::Terminated)),
        ][(i % 6) as usize];
        let (id, _) = customers::create(
            &mut tx,
            &NewCustomer {
                user_id: None,
                name: &name,
                phone: &phone,
                email: None,
                address: "Jl. Kolonel Masturi",
                area_id: Some(if i % 2 == 0 { area } else { other_area }),
                status,
                referral_code: &format!("R{i:07}"),
                referred_by: None,
            },
            now,
        )
        .await?;
        if let Some(sub_status) = sub_status {
            customers::create_subscription(
                &mut tx,
                id,
                package,
                "Jl. Kolonel Masturi",
                Some(area),
                sub_status,
                None,
                now,
            )
            .await?;
        }
        if i % 10_000 == 9_999 {
            tx.commit().await?;
            tx = db.begin().await?;
        }
    }
    tx.commit().await?;
    let hash = password::hash(PASSWORD.into()).await?;
    users::create(
        db,
        &NewUser {
            email: Some("bench@isp.id"),
            phone: None,
            name: "Bench",
            role: Role::Admin,
            password_hash: &hash,
            must_change_password: false,
        },
        now,
    )
    .await?;
    // Fresh planner statistics, as a running system would have.
    db.execute("ANALYZE", args![]).await?;
    Ok((package, area))
}

const PASSWORD: &str = "bangku-panjang-77";

async fn login(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let marker = "name=\"_csrf\" value=\"";
    let start = page.find(marker).expect("csrf") + marker.len();
    let token = &page[start..start + page[start..].find('"').unwrap()];
    let r = client
        .post(format!("{base}/login"))
        .form(&[
            ("_csrf", token),
            ("login", "bench@isp.id"),
            ("password", PASSWORD),
        ])
        .send()
        .await?;
    anyhow::ensure!(r.status().as_u16() == 303, "login failed: {}", r.status());
    Ok(())
}
