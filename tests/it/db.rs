//! Both backends: the same schema, and no SQLITE_BUSY under concurrent writes.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use setia::auth::Role;
use setia::db::{schema, Db};

use crate::common::{fresh_database, pg_url};

#[tokio::test]
async fn both_migration_histories_reach_the_same_schema() {
    let Some(_) = pg_url() else {
        eprintln!(
            "SETIA_TEST_DATABASE_URL not set: the schema comparison runs in the PostgreSQL suite"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect(&Db::sqlite_url(dir.path())).await.unwrap();
    sqlite.migrate().await.unwrap();
    let (pg_db_url, pg) = fresh_database(dir.path(), true).await;
    let postgres = Db::connect(&pg_db_url).await.unwrap();
    postgres.migrate().await.unwrap();
    let a: BTreeMap<_, _> = schema::tables_and_columns(&sqlite).await.unwrap();
    let b: BTreeMap<_, _> = schema::tables_and_columns(&postgres).await.unwrap();
    postgres.close().await;
    if let Some((server, name)) = pg {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&server).await.unwrap();
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut c)
            .await
            .unwrap();
    }
    assert!(a.contains_key("users") && a.contains_key("audit_log"));
    assert_eq!(a, b);
}

#[tokio::test]
async fn two_hundred_concurrent_writes_through_http_are_all_stored() {
    // Each new staff account hashes a one-time password; under the hashing bound 200 of them
    // queue, so they may wait longer than the default before a slot frees.
    let app = crate::common::spawn_with(|c| c.hash_wait_ms = 29_000).await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let token = admin.csrf().await;
    let before: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM users", vec![])
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = admin.client.clone();
        let url = admin.url("/staff/users");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let email = format!("bulk{i}@isp.id");
            let body = serde_urlencoded::to_string([
                ("_csrf", token.as_str()),
                ("name", "Bulk"),
                ("email", email.as_str()),
                ("role", "technician"),
            ])
            .unwrap();
            client
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::OK);
    }
    let after: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM users", vec![])
        .await
        .unwrap();
    assert_eq!(after - before, 200);
    let audited: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'user.create'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(audited, 200);
}
