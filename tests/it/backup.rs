//! `setia backup` / `setia restore` (the binary) and the `sqlite_synchronous` setting: a backup
//! taken while customers keep filing complaints, restored into an empty data directory, holds
//! every complaint acknowledged before it started. SQLite's feature, so it runs on SQLite also
//! when the suite runs on PostgreSQL; there the commands must refuse and point to pg_dump.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use setia::db::{ConnectOptions, Db, Synchronous};

use crate::common::pg_required;
use crate::process::{self, env_for, run, Load, Server};

const CLIENTS: usize = 4;

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_write_load_restores_every_acknowledged_complaint() {
    let started = Instant::now();
    let db = process::prepare(false, CLIENTS).await;
    let env = db.env();
    let cwd = db.data_dir.clone();
    let server = Server::start(&env, &cwd).await;
    let load = Load::start(&server, &db.customers, "backup").await;
    load.wait_for(40, Duration::from_secs(30)).await;

    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("setia-backup.db");
    let before = load.acked_now();
    let backup_started = Instant::now();
    let out = tokio::task::spawn_blocking({
        let (env, cwd, file) = (env.clone(), cwd.clone(), file.clone());
        move || {
            run(
                &["backup", file.to_str().unwrap()],
                &env,
                &cwd,
                Duration::from_secs(40),
            )
        }
    })
    .await
    .unwrap();
    let backup_took = backup_started.elapsed();
    let during = load.acked_now().len() - before.len();
    let all = load.finish().await;
    assert!(
        out.status.success(),
        "setia backup failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let said = text(&out.stdout);
    assert!(said.contains("integrity check ok"), "{said}");
    assert!(said.contains("4 customers"), "{said}");
    assert!(
        during > 0,
        "no complaint was acknowledged while the backup ran ({backup_took:?}): not under load"
    );

    // The same FILE again: refused, the backup left as it was.
    let len = std::fs::metadata(&file).unwrap().len();
    let again = run(
        &["backup", file.to_str().unwrap()],
        &env,
        &cwd,
        Duration::from_secs(20),
    );
    process::assert_refused(&again, "already exists");
    assert_eq!(std::fs::metadata(&file).unwrap().len(), len);
    drop(server);

    // Restore into a fresh, empty data directory.
    let fresh = tempfile::tempdir().unwrap();
    let data_dir = fresh.path().join("data");
    let restored_url = Db::sqlite_url(&data_dir);
    let renv = env_for(&restored_url, &data_dir);
    let out = run(
        &["restore", file.to_str().unwrap()],
        &renv,
        fresh.path(),
        Duration::from_secs(40),
    );
    assert!(
        out.status.success(),
        "setia restore failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("integrity check ok"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(process::integrity_check(&restored_url).await, vec!["ok"]);
    process::assert_all_present(&restored_url, &before).await;
    process::assert_none_half_written(&restored_url).await;
    let tickets: i64 = {
        let rdb = Db::connect(&restored_url).await.unwrap();
        let n = rdb
            .scalar("SELECT COUNT(*) FROM tickets", vec![])
            .await
            .unwrap();
        rdb.close().await;
        n
    };
    assert!(tickets as usize >= before.len());
    assert!(tickets as usize <= all.len());

    // Restoring again over it is refused.
    let again = run(
        &["restore", file.to_str().unwrap()],
        &renv,
        fresh.path(),
        Duration::from_secs(20),
    );
    process::assert_refused(&again, "already exists");

    // Setia runs on the restored database: a customer logs in and finds a complaint.
    let restored = Server::start(&renv, fresh.path()).await;
    let b = restored.customer(&db.customers[0]).await;
    let mine = before
        .iter()
        .find(|f| f.customer == db.customers[0].id)
        .expect("the first customer filed before the backup");
    let page = b.get(&format!("/portal/tickets/{}", mine.ticket)).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(mine.body.rsplit(' ').next().unwrap());
    eprintln!(
        "backup: {} acknowledged before, {during} during the backup ({backup_took:.1?}), \
         {tickets} in the backup; test took {:.1?}",
        before.len(),
        started.elapsed()
    );
}

#[tokio::test]
async fn backup_and_restore_on_postgresql_point_to_pg_dump_and_pg_restore() {
    if pg_required("backup_and_restore_on_postgresql_point_to_pg_dump_and_pg_restore").is_none() {
        return;
    }
    let db = process::prepare(true, 0).await;
    assert!(!db.is_sqlite());
    let env = db.env();
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("setia.db");
    let out = run(
        &["backup", file.to_str().unwrap()],
        &env,
        out_dir.path(),
        Duration::from_secs(20),
    );
    process::assert_refused(&out, "pg_dump");
    assert!(!file.exists(), "nothing written on PostgreSQL");
    std::fs::write(&file, b"not used").unwrap();
    let out = run(
        &["restore", file.to_str().unwrap()],
        &env,
        out_dir.path(),
        Duration::from_secs(20),
    );
    process::assert_refused(&out, "pg_restore");
}

#[tokio::test]
async fn sqlite_synchronous_is_applied_and_a_wrong_value_stops_setia_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = Db::sqlite_url(dir.path());
    for (setting, expected) in [(Synchronous::Normal, 1), (Synchronous::Full, 2)] {
        let db = Db::connect_with(
            &url,
            ConnectOptions {
                sqlite_synchronous: setting,
                ..ConnectOptions::default()
            },
        )
        .await
        .unwrap();
        // Asked on the writer (inside a transaction), whose setting makes a commit durable.
        let mut tx = db.begin().await.unwrap();
        let level: i64 = tx.scalar("PRAGMA synchronous", vec![]).await.unwrap();
        drop(tx);
        assert_eq!(level, expected, "{setting:?}");
        db.close().await;
    }
    let mut env = env_for(&url, dir.path());
    env.push(("SETIA_SQLITE_SYNCHRONOUS", "fast".into()));
    let out = run(&["migrate"], &env, dir.path(), Duration::from_secs(20));
    process::assert_refused(&out, "sqlite_synchronous must be \"normal\" or \"full\"");
    env.pop();
    env.push(("SETIA_SQLITE_SYNCHRONOUS", "FULL".into()));
    let out = run(&["migrate"], &env, dir.path(), Duration::from_secs(20));
    assert!(out.status.success(), "{}", text(&out.stderr));
}
