#![allow(dead_code)] // shared by all test modules; not every module uses every helper
//! Test harness: the real app on 127.0.0.1:0 with a fresh database per test (SQLite in a temp
//! dir, or a new PostgreSQL database when SETIA_TEST_DATABASE_URL is set) and a mock clock.

use std::net::SocketAddr;

use chrono::{TimeZone, Utc};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use setia::app;
use setia::auth::{password, Role};
use setia::clock::MockClock;
use setia::config::Config;
use setia::db::Db;
use setia::state::AppState;
use setia::users::store::{self as users, NewUser};
use sqlx::Connection;

pub const PASSWORD: &str = "kopi-susu-cimahi-42";

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub clock: MockClock,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

/// The PostgreSQL server URL for tests, if the suite runs against PostgreSQL. A value that is
/// not a `postgres://` URL fails loudly instead of quietly running the suite on SQLite.
pub fn pg_url() -> Option<String> {
    let url = std::env::var("SETIA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())?;
    assert!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "SETIA_TEST_DATABASE_URL must be a postgres:// URL, not {url:?}"
    );
    Some(url)
}

/// Whether the tests run in CI (`CI` set to anything but empty, `0` or `false`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The PostgreSQL server URL for a test that cannot run without PostgreSQL. When
/// SETIA_TEST_DATABASE_URL is unset the test fails in CI (CI=true); elsewhere it prints that it
/// is skipped and the caller returns early.
pub fn pg_required(test: &str) -> Option<String> {
    match pg_url() {
        Some(url) => Some(url),
        None if in_ci() => panic!(
            "{test} needs PostgreSQL: CI is set but SETIA_TEST_DATABASE_URL is not \
             (failing, not skipping)"
        ),
        None => {
            eprintln!("skipped {test}: needs PostgreSQL, set SETIA_TEST_DATABASE_URL=postgres://…");
            None
        }
    }
}

/// Creates an empty database and returns its URL (and, for PostgreSQL, the server URL and name).
pub async fn fresh_database(
    dir: &std::path::Path,
    backend_pg: bool,
) -> (String, Option<(String, String)>) {
    match pg_url().filter(|_| backend_pg) {
        Some(server) => {
            let name = format!("setia_t_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&server)
                .await
                .expect("PostgreSQL reachable (SETIA_TEST_DATABASE_URL)");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
            conn.close().await.ok();
            let (base, _) = server.rsplit_once('/').expect("URL has a database part");
            (format!("{base}/{name}"), Some((server, name)))
        }
        None => (Db::sqlite_url(dir), None),
    }
}

pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    spawn_on(true, configure).await
}

/// As [`spawn_with`], on SQLite even when the suite runs on PostgreSQL if `pg` is false (for
/// tests of SQLite's own features).
pub async fn spawn_on(pg: bool, configure: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = fresh_database(dir.path(), pg).await;
    let db = Db::connect(&url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let clock = MockClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap());
    let mut config = Config {
        data_dir: dir.path().to_path_buf(),
        database_url: Some(url),
        ..Config::default()
    };
    configure(&mut config);
    let state = app::state(db, config, std::sync::Arc::new(clock.clone()))
        .await
        .expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = app::router(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        state,
        clock,
        _dir: dir,
        pg,
    }
}

/// Drops a database made by [`fresh_database`] (PostgreSQL; nothing for SQLite).
pub async fn drop_database(pg: Option<(String, String)>) {
    if let Some((server, name)) = pg {
        let mut c = sqlx::PgConnection::connect(&server).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut c)
            .await
            .unwrap();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((server, name)) = self.pg.take() {
            // Best effort: the app's pool still holds connections, FORCE ends them.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    if let Ok(mut c) = sqlx::PgConnection::connect(&server).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut c)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

impl TestApp {
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Creates an active account directly in the store, with [`PASSWORD`], and empties the
    /// instance cache as a change through `/staff/users` does (the staff pages' pickers list
    /// staff from it).
    pub async fn create_user(&self, role: Role, email: &str) -> i64 {
        let hash = password::hash(PASSWORD.into()).await.unwrap();
        let name = format!("{} {}", role.as_str(), email.split('@').next().unwrap());
        let id = users::create(
            self.db(),
            &NewUser {
                email: Some(email),
                phone: None,
                name: &name,
                role,
                password_hash: &hash,
                must_change_password: false,
            },
            self.clock_now(),
        )
        .await
        .unwrap();
        self.state.cache.clear();
        id
    }

    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        use setia::clock::Clock;
        self.clock.now()
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// A browser logged in as a new user of `role`.
    pub async fn logged_in(&self, role: Role) -> (Browser, i64) {
        let email = format!(
            "{}-{}@test.id",
            role.as_str(),
            uuid::Uuid::new_v4().simple()
        );
        let id = self.create_user(role, &email).await;
        let b = self.browser();
        let r = b.login(&email, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login as {role} failed: {}",
            r.body
        );
        (b, id)
    }

    pub async fn audit_actions(&self) -> Vec<(String, Option<String>, String)> {
        self.db()
            .fetch_all(
                "SELECT action, entity_id, actor_name FROM audit_log ORDER BY id",
                vec![],
            )
            .await
            .unwrap()
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub body: String,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl Resp {
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.body.contains(needle),
            "expected {needle:?} in response ({}):\n{}",
            self.status,
            self.body
        );
        self
    }
}

/// A cookie-keeping client that does not follow redirects, so tests see them.
pub struct Browser {
    base: String,
    pub client: reqwest::Client,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap();
        Browser {
            base: base.to_string(),
            client,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn read(res: reqwest::Response) -> Resp {
        let status = res.status();
        let headers = res.headers().clone();
        let location = headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        let body = res.text().await.unwrap();
        Resp {
            status,
            body,
            location,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        Self::read(self.client.get(self.url(path)).send().await.unwrap()).await
    }

    /// The CSRF token of the current browser identity, read from a page's form.
    pub async fn csrf(&self) -> String {
        let page = self.get("/__no_such_page__").await;
        extract_csrf(&page.body).expect("pages carry a CSRF token")
    }

    /// Posts a form with a valid CSRF token, as a browser submitting the page's form would.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly the given fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        Self::read(
            self.client
                .post(self.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn login(&self, login: &str, password: &str) -> Resp {
        self.post("/login", &[("login", login), ("password", password)])
            .await
    }
}

pub fn extract_csrf(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// Pulls the text of the element marked `data-testid="<id>"`.
pub fn testid_text(html: &str, id: &str) -> Option<String> {
    let marker = format!("data-testid=\"{id}\"");
    let at = html.find(&marker)?;
    let start = html[at..].find('>')? + at + 1;
    let end = html[start..].find('<')? + start;
    Some(html[start..end].trim().to_string())
}
