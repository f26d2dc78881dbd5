//! Both backends: the same schema, ids never reused, and no SQLITE_BUSY under concurrent writes.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use setia::auth::Role;
use setia::db::schema::{self, ColType, Schema};
use setia::db::Db;

use crate::common::{fresh_database, pg_required, spawn};

/// A fresh SQLite database with both histories' SQLite migrations applied.
async fn migrated_sqlite(dir: &std::path::Path) -> Db {
    let db = Db::connect(&Db::sqlite_url(dir)).await.unwrap();
    db.migrate().await.unwrap();
    db
}

#[tokio::test]
async fn both_migration_histories_reach_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite_db = migrated_sqlite(dir.path()).await;
    let sqlite = schema::introspect(&sqlite_db).await.unwrap();
    sqlite_db.close().await;
    assert!(sqlite.tables.contains_key("users") && sqlite.tables.contains_key("audit_log"));
    let Some(_) = pg_required("both_migration_histories_reach_the_same_schema") else {
        return;
    };
    let (pg_db_url, pg) = fresh_database(dir.path(), true).await;
    let postgres_db = Db::connect(&pg_db_url).await.unwrap();
    postgres_db.migrate().await.unwrap();
    let postgres = schema::introspect(&postgres_db).await;
    postgres_db.close().await;
    crate::common::drop_database(pg).await;
    let postgres = postgres.unwrap();
    let diffs = schema::compare("sqlite", &sqlite, "postgres", &postgres);
    assert!(
        diffs.is_empty(),
        "the two migration histories differ:\n  {}",
        diffs.join("\n  ")
    );
    // Not trivially equal: PostgreSQL's side was read too.
    assert_eq!(sqlite.tables.len(), postgres.tables.len());
}

/// Both histories have the same migration files (number and name), so a migration added to one
/// backend only is caught even where PostgreSQL is not available.
#[test]
fn both_histories_have_the_same_migration_files() {
    let names = |backend: &str| -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(sqlite.iter().any(|n| n.starts_with("0001_")), "{sqlite:?}");
    assert_eq!(sqlite, names("postgres"));
}

/// The introspection sees what the migrations declare (so an empty reading on both sides could
/// not make the comparison pass).
#[tokio::test]
async fn the_sqlite_schema_reads_as_declared() {
    let dir = tempfile::tempdir().unwrap();
    let db = migrated_sqlite(dir.path()).await;
    let s = schema::introspect(&db).await.unwrap();
    db.close().await;
    let users = &s.tables["users"];
    assert_eq!(users.primary_key, ["id"]);
    assert!(users.columns["id"].generated && !users.columns["id"].nullable);
    assert_eq!(users.columns["email"].ty, ColType::Text);
    assert!(users.columns["email"].nullable);
    assert_eq!(users.columns["created_at"].ty, ColType::Timestamp);
    assert_eq!(users.columns["active"].ty, ColType::Boolean);
    assert_eq!(users.columns["active"].default.as_deref(), Some("true"));
    assert_eq!(
        users.columns["must_change_password"].default.as_deref(),
        Some("false")
    );
    assert!(users.uniques.contains(&vec!["email".to_string()]));
    let role = &users.indexes["users_role"];
    assert_eq!(role.columns, ["role", "active"]);
    assert!(!role.unique);
    assert_eq!(s.tables["areas"].uniques.len(), 1);
    assert!(s.tables["areas"]
        .uniques
        .contains(&vec!["name".to_string(), "city".to_string()]));
    assert_eq!(
        s.tables["registrations"].columns["channel"]
            .default
            .as_deref(),
        Some("'online'")
    );
    assert_eq!(s.tables["promos"].columns["starts_on"].ty, ColType::Date);
    assert_eq!(
        s.tables["promo_packages"].primary_key,
        ["promo_id", "package_id"]
    );
    let fks: Vec<String> = s.tables["sessions"]
        .foreign_keys
        .iter()
        .map(|f| f.to_string())
        .collect();
    assert_eq!(
        fks,
        ["(user_id) -> users(id) on delete CASCADE on update NO ACTION"]
    );
    assert_eq!(s.tables["posts"].foreign_keys.len(), 1);
    assert_eq!(s.tables["subscription_events"].foreign_keys.len(), 4);
}

/// The comparison, fed two real databases, reports what one extra statement changed.
#[tokio::test]
async fn a_schema_changed_after_migrating_no_longer_compares_equal() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a_db, b_db) = (
        migrated_sqlite(d1.path()).await,
        migrated_sqlite(d2.path()).await,
    );
    let a = schema::introspect(&a_db).await.unwrap();
    assert_eq!(
        schema::compare("a", &a, "b", &schema::introspect(&b_db).await.unwrap()),
        Vec::<String>::new()
    );
    for sql in [
        "DROP INDEX users_name",
        "CREATE UNIQUE INDEX customers_number_area ON customers (number, area_id)",
        "ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT 'x'",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id) \
         ON DELETE CASCADE, body TEXT UNIQUE)",
    ] {
        b_db.execute(sql, vec![]).await.unwrap();
    }
    let b = schema::introspect(&b_db).await.unwrap();
    a_db.close().await;
    b_db.close().await;
    let diffs = schema::compare("a", &a, "b", &b);
    let expected = [
        "users: index users_name only in a",
        "customers: index customers_number_area only in b",
        "users.nickname: column only in b",
        "table notes: only in b",
    ];
    for e in expected {
        assert!(diffs.iter().any(|d| d == e), "{e:?} not in {diffs:#?}");
    }
    assert_eq!(diffs.len(), expected.len(), "{diffs:#?}");
    let notes = &b.tables["notes"];
    assert_eq!(notes.uniques.len(), 1);
    assert_eq!(
        notes.foreign_keys.first().unwrap().to_string(),
        "(user_id) -> users(id) on delete CASCADE on update NO ACTION"
    );
}

/// Tables the code deletes rows from (`DELETE FROM t` anywhere in src/), plus the tables whose
/// rows go with them (`ON DELETE CASCADE`).
fn tables_with_deleted_rows(schema: &Schema) -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut sources = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut sources,
    );
    let mut deleted = BTreeSet::new();
    for src in sources {
        let upper = src.to_ascii_uppercase();
        for (at, _) in upper.match_indices("DELETE FROM ") {
            let name: String = src[at + "DELETE FROM ".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if schema.tables.contains_key(&name) {
                deleted.insert(name);
            }
        }
    }
    // Bounded: each round adds a table or stops.
    for _ in 0..schema.tables.len() {
        let more: Vec<String> = schema
            .tables
            .iter()
            .filter(|(name, t)| {
                !deleted.contains(*name)
                    && t.foreign_keys
                        .iter()
                        .any(|f| f.on_delete == "CASCADE" && deleted.contains(&f.ref_table))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            break;
        }
        deleted.extend(more);
    }
    deleted
}

/// SQLite reuses the highest rowid after a delete unless the table says AUTOINCREMENT; every
/// table the code deletes from must say it (PostgreSQL identity columns never reuse).
#[tokio::test]
async fn every_table_the_code_deletes_from_never_reuses_ids() {
    let dir = tempfile::tempdir().unwrap();
    let db = migrated_sqlite(dir.path()).await;
    let s = schema::introspect(&db).await.unwrap();
    db.close().await;
    let deleted = tables_with_deleted_rows(&s);
    for t in [
        "posts",
        "promos",
        "competitor_offers",
        "login_attempts",
        "sessions",
    ] {
        assert!(deleted.contains(t), "{t} not found among {deleted:?}");
    }
    let offending: Vec<&String> = deleted
        .iter()
        .filter(|t| {
            let table = &s.tables[*t];
            table.columns.values().any(|c| c.generated) && !table.ids_never_reused
        })
        .collect();
    assert!(
        offending.is_empty(),
        "rows of {offending:?} are deleted but their ids can be reused: \
         rebuild them with `id INTEGER PRIMARY KEY AUTOINCREMENT` in a SQLite migration"
    );
}

/// On the suite's backend: create rows, delete the one with the highest id, create another:
/// its id is larger than the deleted one.
#[tokio::test]
async fn a_deleted_highest_id_is_not_handed_out_again() {
    let app = spawn().await;
    let db = app.db();
    let author = app.create_user(Role::Admin, "penulis@isp.id").await;
    let competitor: i64 = db
        .insert_returning(
            "INSERT INTO competitors (name, created_at) VALUES ('Lain', '2026-11-28T03:00:00Z') \
             RETURNING id",
            vec![],
        )
        .await
        .unwrap();
    let inserts: Vec<(&str, String)> = vec![
        (
            "posts",
            format!(
                "INSERT INTO posts (slug, title, kind, author_id, created_at, updated_at) \
                 VALUES ('berita-' || $1, 'Berita', 'news', {author}, \
                 '2026-11-28T03:00:00Z', '2026-11-28T03:00:00Z') RETURNING id"
            ),
        ),
        (
            "promos",
            "INSERT INTO promos (title, starts_on, ends_on, created_at, updated_at) \
             VALUES ('Promo ' || $1, '2026-12-01', '2026-12-31', '2026-11-28T03:00:00Z', \
             '2026-11-28T03:00:00Z') RETURNING id"
                .to_string(),
        ),
        (
            "competitor_offers",
            format!(
                "INSERT INTO competitor_offers (competitor_id, name, download_mbps, price) \
                 VALUES ({competitor}, 'Paket ' || $1, 20, 200000) RETURNING id"
            ),
        ),
        (
            "login_attempts",
            "INSERT INTO login_attempts (ip, at) \
             VALUES ('10.0.0.' || $1, '2026-11-28T03:00:00Z') RETURNING id"
                .to_string(),
        ),
    ];
    for (table, insert) in inserts {
        let mut ids = Vec::new();
        for n in ["1", "2", "3"] {
            let id: i64 = db.insert_returning(&insert, vec![n.into()]).await.unwrap();
            ids.push(id);
        }
        let highest = *ids.iter().max().unwrap();
        let gone = db
            .execute(
                &format!("DELETE FROM {table} WHERE id = $1"),
                vec![highest.into()],
            )
            .await
            .unwrap();
        assert_eq!(gone, 1, "{table}");
        let again: i64 = db
            .insert_returning(&insert, vec!["4".into()])
            .await
            .unwrap();
        assert!(
            again > highest,
            "{table}: id {highest} was deleted and {again} handed out next"
        );
    }
}

/// Migration 0007 rebuilds tables on SQLite: every row and link survives, foreign keys still
/// hold, and ids the audit log names for deleted posts and promos are not handed out again.
#[tokio::test]
async fn rebuilding_tables_for_autoincrement_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    // The SQLite history up to 0006, applied from a copy of those files.
    let early = dir.path().join("early");
    std::fs::create_dir(&early).unwrap();
    let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for entry in std::fs::read_dir(&all).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let version: i64 = name.split('_').next().unwrap().parse().unwrap();
        if version < 7 {
            std::fs::copy(&path, early.join(&name)).unwrap();
        }
    }
    let db = Db::connect(&Db::sqlite_url(dir.path())).await.unwrap();
    db.run_migrator(sqlx::migrate::Migrator::new(early.as_path()).await.unwrap())
        .await
        .unwrap();
    // 0007 drops the old tables; with foreign keys on, a drop deletes the rows first, which
    // would cascade into (or be refused by) any table referencing them. Only promo_packages may,
    // and 0007 parks and rebuilds it. A later table pointing at these must be rebuilt there too.
    let before = schema::introspect(&db).await.unwrap();
    let rebuilt = ["posts", "promos", "competitor_offers", "login_attempts"];
    for (name, table) in &before.tables {
        for fk in &table.foreign_keys {
            assert!(
                !rebuilt.contains(&fk.ref_table.as_str()) || name == "promo_packages",
                "{name} references {}, which migration 0007 rebuilds: rebuild {name} there too",
                fk.ref_table
            );
        }
    }
    let t = "'2026-11-28T03:00:00Z'";
    for sql in [
        format!(
            "INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) \
             VALUES (1, 'a@isp.id', 'A', 'admin', 'x', {t}, {t})"
        ),
        format!(
            "INSERT INTO posts (id, slug, title, kind, author_id, published, created_at, \
             updated_at) VALUES (1, 'satu', 'Satu', 'news', 1, 1, {t}, {t}), \
             (3, 'tiga', 'Tiga', 'announcement', NULL, 0, {t}, {t})"
        ),
        format!(
            "INSERT INTO packages (id, name, download_mbps, upload_mbps, price, created_at, \
             updated_at) VALUES (1, 'P10', 10, 5, 150000, {t}, {t}), \
             (2, 'P20', 20, 10, 200000, {t}, {t})"
        ),
        format!(
            "INSERT INTO promos (id, title, starts_on, ends_on, created_at, updated_at) \
             VALUES (2, 'Promo', '2026-12-01', '2026-12-31', {t}, {t})"
        ),
        "INSERT INTO promo_packages (promo_id, package_id) VALUES (2, 1), (2, 2)".to_string(),
        format!("INSERT INTO competitors (id, name, created_at) VALUES (1, 'Lain', {t})"),
        "INSERT INTO competitor_offers (id, competitor_id, name, download_mbps, price) \
         VALUES (5, 1, 'Paket', 20, 200000)"
            .to_string(),
        format!("INSERT INTO login_attempts (id, ip, at) VALUES (9, '10.0.0.1', {t})"),
        // Post 50 and promo 7 existed once: created and deleted, as the audit log remembers.
        format!(
            "INSERT INTO audit_log (at, actor_name, action, entity, entity_id, detail, ip) \
             VALUES ({t}, 'A', 'post.delete', 'post', '50', '', ''), \
             ({t}, 'A', 'promo.delete', 'promo', '7', '', '')"
        ),
    ] {
        db.execute(&sql, vec![]).await.unwrap();
    }
    db.migrate().await.unwrap();

    let posts: Vec<(i64, String, Option<i64>, bool)> = db
        .fetch_all(
            "SELECT id, slug, author_id, published FROM posts ORDER BY id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        posts,
        [
            (1, "satu".to_string(), Some(1), true),
            (3, "tiga".to_string(), None, false)
        ]
    );
    let links: Vec<(i64, i64)> = db
        .fetch_all(
            "SELECT promo_id, package_id FROM promo_packages ORDER BY package_id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(links, [(2, 1), (2, 2)]);
    let offers: i64 = db
        .scalar(
            "SELECT COUNT(*) FROM competitor_offers WHERE id = 5",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(offers, 1);
    let attempts: i64 = db
        .scalar("SELECT COUNT(*) FROM login_attempts WHERE id = 9", vec![])
        .await
        .unwrap();
    assert_eq!(attempts, 1);
    let broken: Vec<(String, i64, String, i64)> = db
        .fetch_all("SELECT * FROM pragma_foreign_key_check", vec![])
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");

    // Foreign keys still act on the rebuilt tables: deleting a promo removes its links,
    // deleting the author keeps the post.
    db.execute("DELETE FROM promos WHERE id = 2", vec![])
        .await
        .unwrap();
    let links: i64 = db
        .scalar("SELECT COUNT(*) FROM promo_packages", vec![])
        .await
        .unwrap();
    assert_eq!(links, 0);
    db.execute("DELETE FROM users WHERE id = 1", vec![])
        .await
        .unwrap();
    let author: Option<i64> = db
        .scalar("SELECT author_id FROM posts WHERE id = 1", vec![])
        .await
        .unwrap();
    assert_eq!(author, None);

    let post: i64 = db
        .insert_returning(
            &format!(
                "INSERT INTO posts (slug, title, kind, created_at, updated_at) \
                 VALUES ('baru', 'Baru', 'news', {t}, {t}) RETURNING id"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(post, 51, "post ids continue after the deleted post 50");
    let promo: i64 = db
        .insert_returning(
            &format!(
                "INSERT INTO promos (title, starts_on, ends_on, created_at, updated_at) \
                 VALUES ('Baru', '2027-01-01', '2027-01-31', {t}, {t}) RETURNING id"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(promo, 8, "promo ids continue after the deleted promo 7");
    let offer: i64 = db
        .insert_returning(
            "INSERT INTO competitor_offers (competitor_id, name, download_mbps, price) \
             VALUES (1, 'Baru', 30, 250000) RETURNING id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(offer, 6);
    db.close().await;
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

/// The bundled SQLite is built as `.cargo/config.toml` says: no shared page-cache group (one
/// mutex for every connection's pages) and no allocation statistics (one mutex for every
/// allocation). A build that lost those flags (say, LIBSQLITE3_FLAGS set otherwise in the
/// environment) is slower by half on the staff pages without failing anything else.
#[tokio::test]
async fn sqlite_is_built_without_its_process_wide_mutexes() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&Db::sqlite_url(dir.path())).await.unwrap();
    let used = |option: &'static str| {
        let db = db.clone();
        async move {
            db.scalar::<i64>("SELECT sqlite_compileoption_used($1)", setia::args![option])
                .await
                .unwrap()
        }
    };
    assert_eq!(used("ENABLE_MEMORY_MANAGEMENT").await, 0);
    assert_eq!(used("DEFAULT_MEMSTATUS=0").await, 1);
    assert_eq!(used("ENABLE_FTS5").await, 1);
}

/// Rows decode by column name on both backends, whatever the order of the fields; a name the
/// statement repeats reads its last column (sqlx's choice on PostgreSQL).
#[tokio::test]
async fn rows_decode_by_name_and_a_repeated_name_reads_its_last_column() {
    #[derive(Debug, PartialEq, sqlx::FromRow, setia::db::LiteRow)]
    struct Row {
        a: i64,
        b: i64,
        id: i64,
    }
    let app = spawn().await;
    let rows: Vec<Row> = app
        .db()
        .fetch_all(
            "SELECT CAST(2 AS BIGINT) AS b, CAST(1 AS BIGINT) AS a, CAST(7 AS BIGINT) AS id, CAST(9 AS BIGINT) AS id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows, [Row { a: 1, b: 2, id: 9 }]);
}

/// PostgreSQL's read connections go back to the pool as soon as their statement has ended, and
/// the next read takes the same one (no reconnecting), also after an error PostgreSQL answered.
/// A read abandoned midway (its request dropped) keeps its connection's place until PostgreSQL
/// has finished it: with one read connection, the next read waits for it and then gets its own
/// answer on the same connection, not a second one. A connection PostgreSQL ended is closed:
/// the read after it runs on a new one.
#[tokio::test]
async fn postgres_read_connections_are_kept_drained_and_replaced() {
    let Some(_) = pg_required("postgres_read_connections_are_kept_drained_and_replaced") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(dir.path(), true).await;
    let one = setia::db::ConnectOptions {
        read_connections: 1,
        ..Default::default()
    };
    let db = Db::connect_with(&url, one).await.unwrap();
    let backend = || async {
        db.scalar::<i64>("SELECT CAST(pg_backend_pid() AS BIGINT)", vec![])
            .await
            .unwrap()
    };

    let first = backend().await;
    assert_eq!(
        backend().await,
        first,
        "the next read reuses the connection"
    );

    let failed = db
        .scalar::<i64>("SELECT CAST(1 / 0 AS BIGINT)", vec![])
        .await
        .unwrap_err();
    assert!(matches!(failed, sqlx::Error::Database(_)), "{failed:?}");
    assert_eq!(
        backend().await,
        first,
        "kept after an error PostgreSQL answered"
    );

    let abandoned = tokio::time::timeout(
        std::time::Duration::from_millis(200),
        db.scalar::<i64>(
            "SELECT CAST(pg_backend_pid() AS BIGINT) + 1 FROM pg_sleep(1)",
            vec![],
        ),
    )
    .await;
    assert!(abandoned.is_err(), "the slow read was abandoned");
    let answer: i64 = db
        .scalar("SELECT CAST(42 AS BIGINT)", vec![])
        .await
        .unwrap();
    assert_eq!(answer, 42, "the next read gets its own answer");
    assert_eq!(
        backend().await,
        first,
        "drained and kept, not a second connection"
    );

    let mut other = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    let ended: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(first as i32)
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert!(ended);
    // The read that finds the connection ended fails; the one after it opens another.
    let _ = db.scalar::<i64>("SELECT CAST(1 AS BIGINT)", vec![]).await;
    assert_ne!(
        backend().await,
        first,
        "a connection PostgreSQL ended is replaced"
    );

    db.close().await;
    crate::common::drop_database(pg).await;
}

/// Numbers (tickets, visits, customers, registrations) are unique and increasing. On PostgreSQL
/// a number is taken without holding the counter until its transaction ends, so a second
/// filing gets its number while the first is still open (they queued one behind the other
/// before, on every instance), and a rolled-back number is not given again. On SQLite, whose
/// single writer runs one transaction at a time, a rolled-back number is given again: no gaps.
#[tokio::test]
async fn numbers_are_taken_without_waiting_for_the_transaction_before() {
    use setia::db::{counter, Backend};
    let app = spawn().await;
    let db = app.db();
    let mut first = db.begin().await.unwrap();
    let a = counter::next(&mut first, "ticket").await.unwrap();
    assert_eq!(a, 1);
    if db.backend() == Backend::Postgres {
        let mut second = db.begin().await.unwrap();
        let b = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            counter::next(&mut second, "ticket"),
        )
        .await
        .expect("the second number waited for the first transaction")
        .unwrap();
        assert_eq!(b, 2);
        second.commit().await.unwrap();
        drop(first);
        let mut third = db.begin().await.unwrap();
        assert_eq!(counter::next(&mut third, "ticket").await.unwrap(), 3);
    } else {
        drop(first);
        let mut again = db.begin().await.unwrap();
        assert_eq!(counter::next(&mut again, "ticket").await.unwrap(), 1);
    }
}
