//! Setia as a separate process (`setia serve`, `setia backup`, …) for the durability and backup
//! tests: a database prepared in-process (customers who can log in), then the real binary
//! pointed at it through `SETIA_*` variables, on 127.0.0.1 only, killed when a test ends or fails.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use setia::auth::Role;
use setia::db::Db;

use crate::common::{extract_csrf, spawn_on, Browser, TestApp, PASSWORD};
use crate::fixtures;

pub const BIN: &str = env!("CARGO_BIN_EXE_setia");

/// A customer with an active subscription, able to log in with their phone number.
#[derive(Clone, Debug)]
pub struct Customer {
    pub phone: String,
    pub id: i64,
    pub subscription: i64,
}

/// A prepared database: migrated, with `n` installed customers. `app` keeps the temp directory
/// and (on PostgreSQL) the test database alive until the test ends; its own pools are closed so
/// that only the child process uses the database.
pub struct Prepared {
    _app: TestApp,
    pub url: String,
    pub data_dir: PathBuf,
    pub customers: Vec<Customer>,
}

impl Prepared {
    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }

    /// The `SETIA_*` settings that point a child process at this database.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        env_for(&self.url, &self.data_dir)
    }
}

pub fn env_for(url: &str, data_dir: &Path) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("SETIA_DATA_DIR", data_dir.display().to_string()),
        ("SETIA_TICKETS_PER_HOUR", "1000000".to_string()),
    ];
    if !url.starts_with("sqlite:") {
        env.push(("SETIA_DATABASE_URL", url.to_string()));
    }
    env
}

/// Prepares a database on PostgreSQL when the suite runs there (`pg`), else SQLite.
pub async fn prepare(pg: bool, customers: usize) -> Prepared {
    let app = spawn_on(pg, |_| {}).await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let mut list = Vec::new();
    for i in 0..customers {
        let phone = format!("0812999{:05}", i + 1);
        let email = format!("tahan{i}@pelanggan.test");
        let (_, reg) =
            fixtures::sign_up(&app, &c, &format!("Pelanggan Tahan {i}"), &phone, &email).await;
        fixtures::install(&app, &admin, reg).await;
        let (id, subscription): (i64, i64) = app
            .db()
            .fetch_one(
                "SELECT s.customer_id, s.id FROM subscriptions s \
                 JOIN registrations r ON r.customer_id = s.customer_id WHERE r.id = $1",
                setia::args![reg],
            )
            .await
            .unwrap();
        list.push(Customer {
            phone,
            id,
            subscription,
        });
    }
    let url = app.state.config.database_url();
    let data_dir = app.state.config.data_dir.clone();
    app.db().close().await;
    Prepared {
        _app: app,
        url,
        data_dir,
        customers: list,
    }
}

/// Runs a `setia` command to its end (bounded by `timeout`) with the given settings.
pub fn run(args: &[&str], env: &[(&'static str, String)], cwd: &Path, timeout: Duration) -> Output {
    let mut cmd = command(env, cwd);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().expect("start setia");
    let guard = Guard(Some(child));
    wait_output(guard, timeout, args)
}

fn wait_output(mut guard: Guard, timeout: Duration, args: &[&str]) -> Output {
    let started = Instant::now();
    loop {
        let child = guard.0.as_mut().unwrap();
        if child.try_wait().expect("wait for setia").is_some() {
            return guard.0.take().unwrap().wait_with_output().unwrap();
        }
        assert!(
            started.elapsed() < timeout,
            "`setia {}` did not finish within {timeout:?}",
            args.join(" ")
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn command(env: &[(&'static str, String)], cwd: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    // Nothing from the developer's environment or a ./setia.toml may point it elsewhere.
    for (key, _) in std::env::vars() {
        if key.starts_with("SETIA_") {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(cwd)
        .env("RUST_LOG", "warn")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    cmd
}

/// Kills and reaps the child when dropped, also when a test panics.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A running `setia serve`.
pub struct Server {
    child: Guard,
    pub base: String,
    log: PathBuf,
}

impl Server {
    /// Starts `setia serve` on a free port of 127.0.0.1 and waits (bounded) until `/readyz`
    /// answers 200.
    pub async fn start(env: &[(&'static str, String)], cwd: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let log = cwd.join(format!("serve-{port}.log"));
        let mut cmd = command(env, cwd);
        cmd.args(["serve", "--listen", &listen])
            .env("SETIA_BASE_URL", format!("http://{listen}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        let mut server = Server {
            child: Guard(Some(cmd.spawn().expect("start setia serve"))),
            base: format!("http://{listen}"),
            log,
        };
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Some(status) = server.child.0.as_mut().unwrap().try_wait().unwrap() {
                panic!("setia serve exited ({status}):\n{}", server.log_text());
            }
            let ready = client
                .get(format!("{}/readyz", server.base))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK);
            if ready {
                return server;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "setia serve not ready within 30 s:\n{}",
                server.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no checkpoint, no flush.
    pub fn kill(&mut self) {
        let mut child = self.child.0.take().expect("running");
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
    }

    /// A browser logged in as `customer` (phone number and password).
    pub async fn customer(&self, customer: &Customer) -> Browser {
        let b = Browser::new(&self.base);
        let r = b.login(&customer.phone, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "customer login: {}",
            r.body
        );
        b
    }
}

/// A complaint the server acknowledged (303 to its page).
#[derive(Clone, Debug)]
pub struct Filed {
    pub ticket: i64,
    pub customer: i64,
    pub subscription: i64,
    pub body: String,
}

/// Customers filing complaints concurrently, one client each, until stopped or the server goes
/// away. Every acknowledged filing is recorded in order of acknowledgement.
pub struct Load {
    pub acked: Arc<Mutex<Vec<Filed>>>,
    pub count: Arc<AtomicUsize>,
    /// Answers that were neither 303 nor a connection failure (must stay empty).
    pub refused: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// Most filings one client attempts (the loop ends earlier when stopped or cut off).
const MAX_PER_CLIENT: usize = 20_000;

impl Load {
    pub async fn start(server: &Server, customers: &[Customer], tag: &str) -> Load {
        let acked = Arc::new(Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for (n, customer) in customers.iter().enumerate() {
            let b = server.customer(customer).await;
            let token = extract_csrf(&b.get("/portal/tickets/new").await.body)
                .expect("the complaint form carries a CSRF token");
            let (acked, count, refused, stop) =
                (acked.clone(), count.clone(), refused.clone(), stop.clone());
            let customer = customer.clone();
            let tag = format!("{tag}-{n}");
            tasks.push(tokio::spawn(async move {
                for i in 0..MAX_PER_CLIENT {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let body = format!(
                        "Internet mati lagi ({tag} #{i}), lampu LOS merah berkedip.\nSudah \
                         restart modem dua kali; mohon dicek. Kode {}",
                        uuid::Uuid::new_v4().simple()
                    );
                    let sub = customer.subscription.to_string();
                    let fields = [
                        ("_csrf", token.as_str()),
                        ("subscription", sub.as_str()),
                        ("category", "no_connection"),
                        ("body", body.as_str()),
                    ];
                    let sent = b
                        .client
                        .post(b.url("/portal/tickets/new"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(serde_urlencoded::to_string(fields).unwrap())
                        .timeout(Duration::from_secs(20))
                        .send()
                        .await;
                    let res = match sent {
                        Ok(r) => r,
                        // The server is gone (killed): this filing is not acknowledged.
                        Err(_) => break,
                    };
                    let status = res.status();
                    let location = res
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    match (status, location) {
                        (StatusCode::SEE_OTHER, Some(loc))
                            if loc.starts_with("/portal/tickets/") =>
                        {
                            let ticket = loc.rsplit('/').next().unwrap().parse().unwrap();
                            acked.lock().unwrap().push(Filed {
                                ticket,
                                customer: customer.id,
                                subscription: customer.subscription,
                                body,
                            });
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                        (status, loc) => {
                            refused
                                .lock()
                                .unwrap()
                                .push(format!("{status} {loc:?} for {tag} #{i}"));
                            break;
                        }
                    }
                }
            }));
        }
        Load {
            acked,
            count,
            refused,
            stop,
            tasks,
        }
    }

    /// Waits (bounded) until at least `n` filings were acknowledged.
    pub async fn wait_for(&self, n: usize, within: Duration) {
        let started = Instant::now();
        while self.count.load(Ordering::SeqCst) < n {
            assert!(
                self.refused.lock().unwrap().is_empty(),
                "filings refused: {:?}",
                self.refused.lock().unwrap()
            );
            assert!(
                started.elapsed() < within,
                "only {} complaints acknowledged within {within:?}",
                self.count.load(Ordering::SeqCst)
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub fn acked_now(&self) -> Vec<Filed> {
        self.acked.lock().unwrap().clone()
    }

    /// Stops the clients (bounded) and returns every acknowledged filing.
    pub async fn finish(self) -> Vec<Filed> {
        self.stop.store(true, Ordering::SeqCst);
        for t in self.tasks {
            tokio::time::timeout(Duration::from_secs(30), t)
                .await
                .expect("clients stop")
                .expect("client task");
        }
        let refused = self.refused.lock().unwrap().clone();
        assert!(refused.is_empty(), "filings refused: {refused:?}");
        let acked = self.acked.lock().unwrap().clone();
        acked
    }
}

/// Checks that every acknowledged complaint is in the database at `url`, whole: its customer,
/// subscription, opening message (exact text, from the customer) and full-text entry.
pub async fn assert_all_present(url: &str, filed: &[Filed]) {
    let db = Db::connect(url).await.expect("open the database");
    for f in filed {
        let row: Option<(i64, Option<i64>, String)> = db
            .fetch_optional(
                "SELECT customer_id, subscription_id, status FROM tickets WHERE id = $1",
                setia::args![f.ticket],
            )
            .await
            .unwrap();
        let (customer, subscription, status) = row.unwrap_or_else(|| {
            panic!(
                "acknowledged complaint #{} is missing ({} acknowledged)",
                f.ticket,
                filed.len()
            )
        });
        assert_eq!(customer, f.customer, "customer of complaint #{}", f.ticket);
        assert_eq!(
            subscription,
            Some(f.subscription),
            "subscription of complaint #{}",
            f.ticket
        );
        assert_eq!(status, "new", "status of complaint #{}", f.ticket);
        let first: Option<(String, String)> = db
            .fetch_optional(
                "SELECT body, author_kind FROM ticket_messages WHERE ticket_id = $1 \
                 ORDER BY id LIMIT 1",
                setia::args![f.ticket],
            )
            .await
            .unwrap();
        let (body, kind) =
            first.unwrap_or_else(|| panic!("complaint #{} has no opening message", f.ticket));
        assert_eq!(body, f.body, "text of complaint #{}", f.ticket);
        assert_eq!(kind, "customer", "author of complaint #{}", f.ticket);
    }
    db.close().await;
}

/// Every complaint in the database at `url` has its opening message: none was half written
/// (the ticket row committed without its thread).
pub async fn assert_none_half_written(url: &str) {
    let db = Db::connect(url).await.expect("open the database");
    let bare: Vec<(i64,)> = db
        .fetch_all(
            "SELECT t.id FROM tickets t WHERE NOT EXISTS \
             (SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id)",
            vec![],
        )
        .await
        .unwrap();
    db.close().await;
    assert!(bare.is_empty(), "complaints without a message: {bare:?}");
}

/// `PRAGMA integrity_check` of the SQLite database at `url`.
pub async fn integrity_check(url: &str) -> Vec<String> {
    let db = Db::connect(url).await.expect("open the database");
    assert!(matches!(db, Db::Sqlite(_)), "integrity_check is SQLite's");
    let rows: Vec<String> = db
        .fetch_all::<(String,)>("PRAGMA integrity_check", vec![])
        .await
        .unwrap()
        .into_iter()
        .map(|(r,)| r)
        .collect();
    db.close().await;
    rows
}

/// Asserts that a run of the binary failed and that its error output names `expected`.
pub fn assert_refused(out: &Output, expected: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "succeeded; expected a refusal naming {expected:?}: {err}"
    );
    assert!(err.contains(expected), "expected {expected:?} in: {err}");
}
