//! Every operation writes its audit row inside its own transaction: when the audit insert
//! fails, the change is rolled back and the request answers 500. The failure is a test-only
//! trigger on `audit_log`, installed after the setup (logins write audit rows too).

use reqwest::StatusCode;
use setia::args;
use setia::auth::Role;
use setia::db::{Backend, Db};

use crate::common::{spawn, Resp, TestApp, PASSWORD};
use crate::fixtures::{catalog, install, sign_up};

/// From now on, every INSERT INTO audit_log fails.
async fn break_audit(db: &Db) {
    let statements: &[&str] = match db.backend() {
        Backend::Sqlite => &["CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'audit is down'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION audit_fails() RETURNS trigger LANGUAGE plpgsql AS \
             $body$ BEGIN RAISE EXCEPTION 'audit is down'; END $body$",
            "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION audit_fails()",
        ],
    };
    for sql in statements {
        db.execute(sql, vec![]).await.expect("install the trigger");
    }
}

async fn audit_rows(app: &TestApp) -> i64 {
    app.db()
        .scalar("SELECT COUNT(*) FROM audit_log", vec![])
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str, a: setia::db::Args) -> i64 {
    app.db().scalar(sql, a).await.unwrap()
}

fn assert_failed(r: &Resp) {
    assert_eq!(
        r.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "the failed audit insert fails the request: {}",
        r.body
    );
}

/// Breaks the audit log and returns how many rows it has, to check nothing was added.
async fn audit_down(app: &TestApp) -> i64 {
    let before = audit_rows(app).await;
    break_audit(app.db()).await;
    before
}

#[tokio::test]
async fn staff_user_create_rolls_back_with_its_audit() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let audit = audit_down(&app).await;
    let r = admin
        .post(
            "/staff/users",
            &[
                ("name", "Rina Teknisi"),
                ("email", "rina@blitz.example"),
                ("phone", ""),
                ("role", "technician"),
            ],
        )
        .await;
    assert_failed(&r);
    let n = count(
        &app,
        "SELECT COUNT(*) FROM users WHERE email = $1",
        args!["rina@blitz.example"],
    )
    .await;
    assert_eq!(n, 0, "no account without its audit row");
    assert_eq!(audit_rows(&app).await, audit);
}

#[tokio::test]
async fn customer_profile_update_rolls_back_with_its_audit() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = sign_up(&app, &c, "Dewi Lestari", "0812-3456-7890", "").await;
    let customer: i64 = app
        .db()
        .scalar(
            "SELECT customer_id FROM registrations WHERE id = $1",
            args![reg],
        )
        .await
        .unwrap();
    let events = count(
        &app,
        "SELECT COUNT(*) FROM customer_events WHERE customer_id = $1",
        args![customer],
    )
    .await;
    let audit = audit_down(&app).await;
    let area = c.area.to_string();
    let r = admin
        .post(
            &format!("/staff/customers/{customer}/edit"),
            &[
                ("name", "Dewi Anggraini"),
                ("phone", "0812-3456-7890"),
                ("email", ""),
                ("address", "Jl. Baru No. 1"),
                ("area_id", &area),
            ],
        )
        .await;
    assert_failed(&r);
    let (name, address): (String, String) = app
        .db()
        .fetch_one(
            "SELECT name, address FROM customers WHERE id = $1",
            args![customer],
        )
        .await
        .unwrap();
    assert_eq!(name, "Dewi Lestari", "the profile is unchanged");
    assert_ne!(address, "Jl. Baru No. 1");
    let login_name: String = app
        .db()
        .scalar(
            "SELECT u.name FROM users u JOIN customers c ON c.user_id = u.id WHERE c.id = $1",
            args![customer],
        )
        .await
        .unwrap();
    assert_eq!(login_name, "Dewi Lestari", "the login is unchanged too");
    let after = count(
        &app,
        "SELECT COUNT(*) FROM customer_events WHERE customer_id = $1",
        args![customer],
    )
    .await;
    assert_eq!(after, events, "no timeline entry either");
    assert_eq!(audit_rows(&app).await, audit);
}

#[tokio::test]
async fn package_publish_rolls_back_with_its_audit() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let audit = audit_down(&app).await;
    let r = admin
        .post(
            &format!("/staff/packages/{}/publish", c.retired_package),
            &[],
        )
        .await;
    assert_failed(&r);
    let published: bool = app
        .db()
        .scalar(
            "SELECT published FROM packages WHERE id = $1",
            args![c.retired_package],
        )
        .await
        .unwrap();
    assert!(!published, "the package stays hidden");
    let listed = app.browser().get("/packages").await;
    assert!(!listed.body.contains("Lama 5"), "and off the public page");
    assert_eq!(audit_rows(&app).await, audit);
}

#[tokio::test]
async fn post_create_rolls_back_with_its_audit() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let audit = audit_down(&app).await;
    let r = admin
        .post(
            "/staff/posts",
            &[
                ("title", "Gangguan jaringan Cibabat"),
                ("slug", ""),
                ("kind", "announcement"),
                ("summary", "Perbaikan kabel"),
                ("body_md", "Teknisi sedang bekerja."),
                ("published", "1"),
            ],
        )
        .await;
    assert_failed(&r);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM posts", vec![]).await, 0);
    let news = app.browser().get("/news").await;
    assert!(!news.body.contains("Gangguan jaringan Cibabat"));
    assert_eq!(audit_rows(&app).await, audit);
}

#[tokio::test]
async fn competitor_create_rolls_back_with_its_audit() {
    let app = spawn().await;
    let (director, _) = app.logged_in(Role::Director).await;
    let audit = audit_down(&app).await;
    let r = director
        .post(
            "/staff/competitors/create",
            &[("name", "NetKilat"), ("notes", "Agresif di Cimahi")],
        )
        .await;
    assert_failed(&r);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM competitors", vec![]).await,
        0
    );
    assert_eq!(audit_rows(&app).await, audit);
}

#[tokio::test]
async fn company_profile_save_rolls_back_with_its_audit() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let audit = audit_down(&app).await;
    let r = admin
        .post(
            "/staff/company",
            &[
                ("name", "Blitz Net Cimahi"),
                ("tagline", "Internet rumah"),
                ("about", ""),
                ("vision", ""),
                ("mission", ""),
                ("address", ""),
                ("phone", ""),
                ("whatsapp", ""),
                ("email", ""),
                ("opening_hours", ""),
                ("map_url", ""),
            ],
        )
        .await;
    assert_failed(&r);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM company_settings", vec![]).await,
        0,
        "the profile was not saved"
    );
    let home = app.browser().get("/").await;
    assert!(
        !home.body.contains("Blitz Net Cimahi"),
        "the header keeps the old name"
    );
    assert_eq!(audit_rows(&app).await, audit);
}

#[tokio::test]
async fn own_password_change_rolls_back_with_its_audit() {
    let app = spawn().await;
    let email = "ani@blitz.example";
    let id = app.create_user(Role::Admin, email).await;
    let b = app.browser();
    assert_eq!(b.login(email, PASSWORD).await.status, StatusCode::SEE_OTHER);
    let other = app.browser();
    assert_eq!(
        other.login(email, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let sessions = count(
        &app,
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
        args![id],
    )
    .await;
    assert_eq!(sessions, 2);
    let audit = audit_down(&app).await;
    let new = "teh-manis-lembang-77";
    let r = b
        .post(
            "/account/password",
            &[("current", PASSWORD), ("new", new), ("confirm", new)],
        )
        .await;
    assert_failed(&r);
    let after = count(
        &app,
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
        args![id],
    )
    .await;
    assert_eq!(after, 2, "no session ended and none started");
    let hash: String = app
        .db()
        .scalar("SELECT password_hash FROM users WHERE id = $1", args![id])
        .await
        .unwrap();
    assert!(
        setia::auth::password::verify(PASSWORD.into(), hash)
            .await
            .unwrap(),
        "the old password still holds"
    );
    // The other browser is still logged in.
    let staff = other.get("/staff").await;
    assert_eq!(staff.status, StatusCode::OK);
    assert_eq!(audit_rows(&app).await, audit);
}

#[tokio::test]
async fn subscription_suspend_rolls_back_with_its_audit() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = sign_up(&app, &c, "Budi", "0813-2222-3333", "").await;
    install(&app, &admin, reg).await;
    let (customer, sub): (i64, Option<i64>) = app
        .db()
        .fetch_one(
            "SELECT customer_id, subscription_id FROM registrations WHERE id = $1",
            args![reg],
        )
        .await
        .unwrap();
    let sub = sub.unwrap();
    let audit = audit_down(&app).await;
    let r = admin
        .post(
            &format!("/staff/subscriptions/{sub}/suspend"),
            &[("reason", "arrears"), ("confirm", "1")],
        )
        .await;
    assert_failed(&r);
    let status: String = app
        .db()
        .scalar("SELECT status FROM subscriptions WHERE id = $1", args![sub])
        .await
        .unwrap();
    assert_eq!(status, "active", "the subscription is not suspended");
    let status: String = app
        .db()
        .scalar(
            "SELECT status FROM customers WHERE id = $1",
            args![customer],
        )
        .await
        .unwrap();
    assert_eq!(status, "active", "nor is the customer");
    assert_eq!(audit_rows(&app).await, audit);
}

/// Without the trigger the same operations do land, with their audit rows: the tests above
/// fail because of the audit insert and nothing else.
#[tokio::test]
async fn the_same_operations_succeed_and_are_audited_when_the_log_works() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .post(
            &format!("/staff/packages/{}/publish", c.retired_package),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director
        .post("/staff/competitors/create", &[("name", "NetKilat")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let actions: Vec<String> = app
        .audit_actions()
        .await
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    assert!(actions.contains(&"package.publish".to_string()));
    assert!(actions.contains(&"competitor.create".to_string()));
}

#[tokio::test]
async fn a_failed_login_is_counted_only_with_its_audit() {
    let app = spawn().await;
    let email = "sari@blitz.example";
    let id = app.create_user(Role::Admin, email).await;
    let audit = audit_down(&app).await;
    let r = app.browser().login(email, "salah-sandi-sekali").await;
    assert_failed(&r);
    let failures = count(
        &app,
        "SELECT failed_logins FROM users WHERE id = $1",
        args![id],
    )
    .await;
    assert_eq!(failures, 0, "the account's failure count is unchanged");
    let attempts = count(&app, "SELECT COUNT(*) FROM login_attempts", vec![]).await;
    assert_eq!(attempts, 0, "and so is the address's");
    assert_eq!(audit_rows(&app).await, audit);
}
