//! Abuse limits and login hardening: per-address rate limits, the login throttle per address and
//! account, known devices, the hashing bound, the waiting-list dedupe, the sign-up oracle,
//! no-store on personal pages, 415, self-deactivation and the password policy.

use chrono::Duration;
use reqwest::StatusCode;
use setia::auth::Role;
use setia::config::{Config, RateLimit};

use crate::common::{spawn, spawn_with, Browser, Resp, TestApp, PASSWORD};
use crate::fixtures::{catalog, post_owned, sign_up, signup_fields};

/// Posts a form (with its CSRF token) as if from client address `ip` behind the trusted proxy.
async fn post_from(b: &Browser, ip: &str, path: &str, fields: &[(&str, &str)]) -> Resp {
    let token = b.csrf().await;
    let mut all: Vec<(&str, &str)> = vec![("_csrf", &token)];
    all.extend_from_slice(fields);
    Browser::read(
        b.client
            .post(b.url(path))
            .header("x-forwarded-for", ip)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(&all).unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().scalar(sql, vec![]).await.unwrap()
}

/// Small limits (3 at once, then one a minute) behind a trusted proxy, so tests pick addresses.
fn tight(c: &mut Config) {
    let tight = RateLimit {
        per_minute: 1,
        burst: 3,
    };
    c.rate_limits.login = tight;
    c.rate_limits.signup = tight;
    c.rate_limits.waiting_list = tight;
    c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
}

fn assert_limited(r: &Resp) {
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let retry: u64 = r
        .headers
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    r.assert_contains("Terlalu banyak permintaan dari alamat Anda");
}

#[tokio::test]
async fn sign_up_floods_get_429_with_retry_after_before_any_write() {
    let app = spawn_with(tight).await;
    let c = catalog(&app).await;
    for i in 0..3 {
        let phone = format!("0812-7000-000{i}");
        let fields = signup_fields(&c, "Banjir", &phone, "");
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = post_from(&app.browser(), "198.51.100.1", "/signup", &borrowed).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let fields = signup_fields(&c, "Banjir", "0812-7000-0009", "");
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = post_from(&app.browser(), "198.51.100.1", "/signup", &borrowed).await;
    assert_limited(&r);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM customers").await, 3);
    // The form itself still shows, and another address is not affected.
    assert_eq!(app.browser().get("/signup").await.status, StatusCode::OK);
    let r = post_from(&app.browser(), "198.51.100.2", "/signup", &borrowed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn waiting_list_floods_get_429_with_retry_after() {
    let app = spawn_with(tight).await;
    let b = app.browser();
    let post = |i: usize| {
        let phone = format!("0813-2000-000{i}");
        let b = &b;
        async move {
            post_from(
                b,
                "198.51.100.7",
                "/coverage/waiting-list",
                &[
                    ("name", "Tetangga"),
                    ("phone", &phone),
                    ("area_text", "Desa Jauh"),
                ],
            )
            .await
        }
    };
    for i in 0..3 {
        assert_eq!(post(i).await.status, StatusCode::SEE_OTHER);
    }
    assert_limited(&post(3).await);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM waiting_list").await, 3);
}

#[tokio::test]
async fn login_floods_get_429_with_retry_after_before_any_write() {
    let app = spawn_with(tight).await;
    let b = app.browser();
    for i in 0..3 {
        let login = format!("x{i}@isp.id");
        let r = post_from(
            &b,
            "198.51.100.3",
            "/login",
            &[("login", &login), ("password", "salah-salah-salah")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = post_from(
        &b,
        "198.51.100.3",
        "/login",
        &[("login", "x9@isp.id"), ("password", "salah-salah-salah")],
    )
    .await;
    assert_limited(&r);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login_failed'"
        )
        .await,
        3,
        "the flood never reached the database"
    );
    assert_eq!(app.browser().get("/login").await.status, StatusCode::OK);
}

/// Creates a customer account that logs in with `phone`.
async fn customer(app: &TestApp, phone: &str) -> i64 {
    let c = catalog(app).await;
    let (b, _) = sign_up(app, &c, "Rina Marlina", phone, "").await;
    b.post("/logout", &[]).await;
    app.db()
        .scalar("SELECT MAX(id) FROM users WHERE role = 'customer'", vec![])
        .await
        .unwrap()
}

#[tokio::test]
async fn a_targeted_customer_still_logs_in_from_a_known_device_and_after_the_delay() {
    let app = spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let id = customer(&app, "0812-3333-4444").await;
    let home = "203.0.113.5";
    let known = app.browser();
    let r = post_from(
        &known,
        home,
        "/login",
        &[("login", "0812-3333-4444"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r
        .headers
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("setia_device=")));
    known.post("/logout", &[]).await;

    // Someone who knows the number keeps failing, from elsewhere.
    let attacker = app.browser();
    for _ in 0..12 {
        let r = post_from(
            &attacker,
            "198.51.100.66",
            "/login",
            &[
                ("login", "0812-3333-4444"),
                ("password", "tebak-tebak-saja"),
            ],
        )
        .await;
        assert!(matches!(
            r.status,
            StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
        ));
    }
    let actions = app.audit_actions().await;
    assert!(actions
        .iter()
        .any(|a| a.0 == "auth.locked" && a.1.as_deref() == Some(&id.to_string())));

    // A new browser with the right password waits out the delay ...
    let fresh = app.browser();
    let creds = [("login", "0812-3333-4444"), ("password", PASSWORD)];
    let r = post_from(&fresh, home, "/login", &creds).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // ... the known device passes it at once ...
    let r = post_from(&known, home, "/login", &creds).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/portal"));
    let known_login: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login' AND detail LIKE '%\"known\"%'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(known_login, 1);

    // ... and the delay is short: the first one is 30 seconds, not a 15-minute lock.
    for _ in 0..5 {
        post_from(
            &attacker,
            "198.51.100.67",
            "/login",
            &[
                ("login", "0812-3333-4444"),
                ("password", "tebak-tebak-saja"),
            ],
        )
        .await;
    }
    app.clock.advance(Duration::seconds(31));
    let r = post_from(&fresh, home, "/login", &creds).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn staff_accounts_keep_their_lock_even_on_a_known_device() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    let known = app.browser();
    assert_eq!(
        known.login("sari@isp.id", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    known.post("/logout", &[]).await;
    for _ in 0..5 {
        app.browser()
            .login("sari@isp.id", "bukan-kata-sandinya")
            .await;
    }
    assert_eq!(
        known.login("sari@isp.id", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_forged_or_stale_device_cookie_passes_nothing() {
    let app = spawn().await;
    let id = customer(&app, "0812-5555-6666").await;
    for _ in 0..5 {
        app.browser()
            .login("0812-5555-6666", "tebak-tebak-saja")
            .await;
    }
    let forged = format!("{id}.{}.{}", "0".repeat(32), "ab".repeat(32));
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let url: reqwest::Url = app.base.parse().unwrap();
    jar.add_cookie_str(&format!("setia_device={forged}; Path=/"), &url);
    let client = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::common::extract_csrf(&page).unwrap();
    let r = client
        .post(format!("{}/login", app.base))
        .form(&[
            ("_csrf", token.as_str()),
            ("login", "0812-5555-6666"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "still delayed");
}

#[tokio::test]
async fn the_waiting_list_keeps_one_entry_per_phone_and_area() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let b = app.browser();
    let area = c.uncovered_area.to_string();
    for phone in ["0812-9000-1111", "+62 812 9000 1111", "6281290001111"] {
        let r = b
            .post(
                "/coverage/waiting-list",
                &[
                    ("name", "Ujang"),
                    ("phone", phone),
                    ("area_id", &area),
                    ("area_text", "Lembang, Bandung Barat"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let page = b.get("/coverage").await;
    page.assert_contains("sudah ada di daftar tunggu");
    // Another area (typed, not in the list) is another entry; the same typed area is not.
    for text in ["Desa Jauh", "  desa jauh "] {
        b.post(
            "/coverage/waiting-list",
            &[
                ("name", "Ujang"),
                ("phone", "0812-9000-1111"),
                ("area_text", text),
            ],
        )
        .await;
    }
    // Signing up in the uncovered area puts nobody on the list twice either.
    let fields = signup_fields(&c, "Ujang", "0812-9000-1111", "");
    let mut fields: Vec<(&'static str, String)> = fields
        .into_iter()
        .filter(|(k, _)| *k != "area_id")
        .collect();
    fields.push(("area_id", area.clone()));
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows: Vec<(String, Option<i64>)> = app
        .db()
        .fetch_all(
            "SELECT phone, area_id FROM waiting_list ORDER BY id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            ("+6281290001111".to_string(), Some(c.uncovered_area)),
            ("+6281290001111".to_string(), None),
        ]
    );
}

#[tokio::test]
async fn a_staff_email_on_the_sign_up_form_is_never_revealed() {
    let app = spawn().await;
    app.create_user(Role::Director, "bos@isp.id").await;
    let c = catalog(&app).await;
    let b = app.browser();
    let r = post_owned(
        &b,
        "/signup",
        &signup_fields(&c, "Tamu", "0812-4444-0000", "bos@isp.id"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!r.body.contains("terdaftar"));
    // The customer keeps the address for mail; the login does not take the staff's.
    let (customer_email, login_email): (Option<String>, Option<String>) = app
        .db()
        .fetch_one(
            "SELECT c.email, u.email FROM customers c JOIN users u ON u.id = c.user_id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(customer_email.as_deref(), Some("bos@isp.id"));
    assert_eq!(login_email, None);
    // The director still logs in with it.
    assert_eq!(
        app.browser().login("bos@isp.id", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn personal_pages_are_no_store_and_public_pages_are_not() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (customer, _) = sign_up(&app, &c, "Rina", "0812-1212-3434", "").await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    for (b, path) in [
        (&customer, "/portal"),
        (&customer, "/account/password"),
        (&admin, "/staff"),
        (&admin, "/staff/customers"),
    ] {
        let r = b.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(
            r.headers.get("cache-control").map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }
    for path in ["/", "/packages", "/coverage", "/login"] {
        let r = app.browser().get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.headers.get("cache-control").is_none(), "{path}");
    }
}

#[tokio::test]
async fn json_or_plain_text_to_a_form_route_gets_415_and_changes_nothing() {
    let app = spawn().await;
    let b = app.browser();
    b.csrf().await;
    for (ct, body) in [
        ("application/json", r#"{"name":"X","phone":"081234567890"}"#),
        ("text/plain", "name=X&phone=081234567890"),
    ] {
        let r = Browser::read(
            b.client
                .post(b.url("/coverage/waiting-list"))
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
        r.assert_contains("Kirim sebagai formulir");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM waiting_list").await, 0);
    // A form without its token is still a CSRF failure.
    let r = b.post_raw("/coverage/waiting-list", &[("name", "X")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_system_admin_cannot_deactivate_themselves() {
    let app = spawn().await;
    app.create_user(Role::SystemAdmin, "other@isp.id").await;
    let (admin, me) = app.logged_in(Role::SystemAdmin).await;
    let r = admin
        .post(&format!("/staff/users/{me}/deactivate"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("tidak dapat menonaktifkan akun Anda sendiri");
    let active: bool = app
        .db()
        .scalar("SELECT active FROM users WHERE id = $1", setia::args![me])
        .await
        .unwrap();
    assert!(active);
    assert_eq!(admin.get("/staff/users").await.status, StatusCode::OK);
}

#[tokio::test]
async fn common_passwords_are_refused_with_a_clear_message() {
    let app = spawn().await;
    let c = catalog(&app).await;
    for weak in ["password123", "qwertyuiop", "Rina12345678"] {
        let mut fields = signup_fields(&c, "Rina", "0812-6565-0000", "");
        for f in fields.iter_mut() {
            if f.0 == "password" {
                f.1 = weak.to_string();
            }
        }
        let r = post_owned(&app.browser(), "/signup", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        r.assert_contains("terlalu umum");
        assert!(!r.body.contains(weak), "the password is never echoed");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM customers").await, 0);
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "qwertyuiop"),
                ("confirm", "qwertyuiop"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("terlalu umum");
}

#[tokio::test]
async fn hashing_beyond_the_bound_waits_then_gets_503_with_retry_after() {
    let app = spawn_with(|c| {
        c.hash_concurrency = 1;
        c.hash_wait_ms = 300;
    })
    .await;
    assert_eq!(app.state.hashing.permits(), 1);
    let c = catalog(&app).await;
    // Every slot busy: a sign-up waits its turn, then gets 503 and nothing is stored.
    let slot = app.state.hashing.slot().await.unwrap();
    let r = post_owned(
        &app.browser(),
        "/signup",
        &signup_fields(&c, "Rina", "0812-8080-0001", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(r.headers.get("retry-after").is_some());
    r.assert_contains("Server sedang sibuk");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM customers").await, 0);
    drop(slot);

    // Many at once with one slot: each either gets its turn or a 503, never more at a time.
    let app2 = spawn_with(|c| {
        c.hash_concurrency = 1;
        c.hash_wait_ms = 20_000;
    })
    .await;
    let c2 = catalog(&app2).await;
    let held = app2.state.hashing.slot().await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..6 {
        let b = app2.browser();
        let fields = signup_fields(&c2, "Antre", &format!("0812-8080-100{i}"), "");
        tasks.push(tokio::spawn(async move {
            post_owned(&b, "/signup", &fields).await.status
        }));
    }
    // Nothing can finish while the only slot is held.
    tokio::task::yield_now().await;
    assert_eq!(count(&app2, "SELECT COUNT(*) FROM customers").await, 0);
    drop(held);
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(count(&app2, "SELECT COUNT(*) FROM customers").await, 6);
}
