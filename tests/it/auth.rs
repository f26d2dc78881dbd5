use chrono::Duration;
use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn, testid_text, PASSWORD};

#[tokio::test]
async fn login_with_email_lands_on_role_home_and_shows_name() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    let b = app.browser();
    let r = b.login("  SARI@isp.id ", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/staff"));
    let home = b.get("/staff").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(
        testid_text(&home.body, "who").unwrap(),
        "admin sari · Admin"
    );
}

#[tokio::test]
async fn login_with_phone_number_in_any_common_form() {
    let app = spawn().await;
    let id = app.create_user(Role::Technician, "budi@isp.id").await;
    app.db()
        .execute(
            "UPDATE users SET phone = '+6281234567890' WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    let r = app.browser().login("0812-3456-7890", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.browser().login("+62 812 3456 7890", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn failed_login_keeps_the_login_and_does_not_reveal_whether_the_account_exists() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    let wrong_pw = app.browser().login("sari@isp.id", "salah-sekali-123").await;
    let unknown = app
        .browser()
        .login("nobody@isp.id", "salah-sekali-123")
        .await;
    assert_eq!(wrong_pw.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let msg = |html: &str| {
        testid_text(html, "login-error").or_else(|| {
            let start = html.find("id=\"login-error\">")? + "id=\"login-error\">".len();
            Some(html[start..start + html[start..].find('<')?].to_string())
        })
    };
    assert_eq!(msg(&wrong_pw.body), msg(&unknown.body));
    assert!(msg(&wrong_pw.body).unwrap().contains("Gagal masuk"));
    wrong_pw.assert_contains("value=\"sari@isp.id\"");
    let actions = app.audit_actions().await;
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.0 == "auth.login_failed")
            .count(),
        2
    );
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    let app = spawn().await;
    let id = app.create_user(Role::Admin, "sari@isp.id").await;
    for _ in 0..5 {
        let r = app
            .browser()
            .login("sari@isp.id", "bukan-kata-sandinya")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Locked: even the right password fails, with the same message.
    let r = app.browser().login("sari@isp.id", PASSWORD).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    r.assert_contains("Gagal masuk");
    let actions = app.audit_actions().await;
    assert!(actions
        .iter()
        .any(|a| a.0 == "auth.locked" && a.1.as_deref() == Some(&id.to_string())));

    app.clock.advance(Duration::minutes(14));
    assert_eq!(
        app.browser().login("sari@isp.id", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.clock.advance(Duration::minutes(2));
    let r = app.browser().login("sari@isp.id", PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "unlocked after the window");
}

#[tokio::test]
async fn other_peoples_failures_at_one_address_never_refuse_a_correct_password() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    for i in 0..40 {
        let r = app
            .browser()
            .login(&format!("x{}@isp.id", i % 8), "bukan-kata-sandinya")
            .await;
        assert!(
            matches!(
                r.status,
                StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
            ),
            "{}",
            r.status
        );
    }
    let r = app.browser().login("sari@isp.id", PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "same address, other accounts"
    );
}

#[tokio::test]
async fn many_failures_for_one_account_from_one_address_are_throttled() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    for _ in 0..10 {
        let r = app
            .browser()
            .login("sari@isp.id", "bukan-kata-sandinya")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app.browser().login("sari@isp.id", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get("retry-after").is_some());
    r.assert_contains("Terlalu banyak percobaan masuk gagal");
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|a| a.0 == "auth.login_throttled"));
    app.clock.advance(Duration::minutes(16));
    assert_eq!(
        app.browser().login("sari@isp.id", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    let b = app.browser();
    let login = b.login("sari@isp.id", PASSWORD).await;
    let token = cookie_value(&set_cookie(&login, "setia_session").unwrap());
    assert_eq!(b.get("/staff").await.status, StatusCode::OK);
    let r = b.post("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/staff").await.status, StatusCode::SEE_OTHER);
    // Replaying the old cookie, as a thief who copied it would, does not work either.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.base.clone() + "/staff")
        .header("cookie", format!("setia_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|a| a.0 == "auth.logout"));
}

#[tokio::test]
async fn session_cookie_is_httponly_lax_and_renewed_at_login() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    let b = app.browser();
    let r1 = b.login("sari@isp.id", PASSWORD).await;
    let c1 = set_cookie(&r1, "setia_session").expect("session cookie");
    assert!(
        c1.contains("HttpOnly") && c1.contains("SameSite=Lax"),
        "{c1}"
    );
    assert!(!c1.contains("Secure"));
    let r2 = b.login("sari@isp.id", PASSWORD).await;
    let c2 = set_cookie(&r2, "setia_session").unwrap();
    assert_ne!(
        cookie_value(&c1),
        cookie_value(&c2),
        "a new id at every login"
    );
    // The previous session is gone.
    let old = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.base.clone() + "/staff")
        .header("cookie", format!("setia_session={}", cookie_value(&c1)))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::SEE_OTHER);
    let n: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM sessions", vec![])
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn secure_flag_when_configured() {
    let app = crate::common::spawn_with(|c| c.secure_cookies = true).await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    let r = app.browser().login("sari@isp.id", PASSWORD).await;
    assert!(set_cookie(&r, "setia_session").unwrap().contains("Secure"));
}

pub fn set_cookie(r: &crate::common::Resp, name: &str) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with(&format!("{name}=")))
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string()
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    let app = spawn().await;
    let (b, _) = app.logged_in(Role::Admin).await;
    app.clock.advance(Duration::minutes(119));
    assert_eq!(b.get("/staff").await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(121));
    assert_eq!(
        b.get("/staff").await.status,
        StatusCode::SEE_OTHER,
        "idle timeout"
    );

    let (b, _) = app.logged_in(Role::Admin).await;
    for _ in 0..13 {
        app.clock.advance(Duration::minutes(60));
        b.get("/staff").await;
    }
    assert_eq!(
        b.get("/staff").await.status,
        StatusCode::SEE_OTHER,
        "absolute timeout after 12 h"
    );
}

#[tokio::test]
async fn password_change_requires_old_password_and_ends_other_sessions() {
    let app = spawn().await;
    app.create_user(Role::Director, "dian@isp.id").await;
    let phone = app.browser();
    let laptop = app.browser();
    phone.login("dian@isp.id", PASSWORD).await;
    laptop.login("dian@isp.id", PASSWORD).await;

    let wrong = laptop
        .post(
            "/account/password",
            &[
                ("current", "salah-salah-salah"),
                ("new", "teh-manis-dingin-7"),
                ("confirm", "teh-manis-dingin-7"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    wrong.assert_contains("Kata sandi saat ini salah.");

    let weak = laptop
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "password123"),
                ("confirm", "password123"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    weak.assert_contains("terlalu umum");

    let short = laptop
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "pendek"),
                ("confirm", "pendek"),
            ],
        )
        .await;
    short.assert_contains("minimal 10 karakter");

    let ok = laptop
        .post(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "teh-manis-dingin-7"),
                ("confirm", "teh-manis-dingin-7"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(
        laptop.get("/staff").await.status,
        StatusCode::OK,
        "the changing browser stays logged in"
    );
    assert_eq!(
        phone.get("/staff").await.status,
        StatusCode::SEE_OTHER,
        "other sessions end"
    );
    assert_eq!(
        app.browser().login("dian@isp.id", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.browser()
            .login("dian@isp.id", "teh-manis-dingin-7")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|a| a.0 == "auth.password_changed"));
}

#[tokio::test]
async fn anonymous_is_sent_to_login_with_next_and_comes_back() {
    let app = spawn().await;
    app.create_user(Role::SystemAdmin, "root@isp.id").await;
    let b = app.browser();
    let r = b.get("/staff/users?q=a").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location.as_deref(),
        Some("/login?next=%2Fstaff%2Fusers%3Fq%3Da")
    );
    let r = b
        .post(
            "/login",
            &[
                ("login", "root@isp.id"),
                ("password", PASSWORD),
                ("next", "/staff/users?q=a"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/staff/users?q=a"));
    // Never to another site.
    let b = app.browser();
    let r = b
        .post(
            "/login",
            &[
                ("login", "root@isp.id"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/staff"));
}

#[tokio::test]
async fn language_choice_is_remembered() {
    let app = spawn().await;
    let (b, id) = app.logged_in(Role::Admin).await;
    assert!(b.get("/staff").await.body.contains("Selamat datang"));
    let r = b.post("/lang", &[("lang", "en"), ("back", "/staff")]).await;
    assert_eq!(r.location.as_deref(), Some("/staff"));
    assert!(b.get("/staff").await.body.contains("Welcome"));
    // Stored on the account, so another browser gets it after login.
    let lang: Option<String> = app
        .db()
        .scalar("SELECT lang FROM users WHERE id = $1", setia::args![id])
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("en"));
    let bad = b.post("/lang", &[("lang", "xx")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn next_with_control_characters_is_not_followed() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "https://evil.example",
    ] {
        let b = app.browser();
        let r = b
            .post(
                "/login",
                &[
                    ("login", "sari@isp.id"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.location.as_deref(), Some("/staff"), "{next:?}");
    }
}

#[tokio::test]
async fn client_address_comes_from_trusted_proxies_only() {
    let forwarded = |app: &crate::common::TestApp| {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = app.base.clone();
        async move {
            let page = client
                .get(format!("{url}/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let token = crate::common::extract_csrf(&page).unwrap();
            client
                .post(format!("{url}/login"))
                .header("x-forwarded-for", "203.0.113.7")
                .form(&[
                    ("_csrf", token.as_str()),
                    ("login", "x@isp.id"),
                    ("password", "salah-salah-salah"),
                ])
                .send()
                .await
                .unwrap();
        }
    };
    let ip_of_last_failure = |app: &crate::common::TestApp| {
        let db = app.db().clone();
        async move {
            db.scalar::<String>("SELECT ip FROM audit_log ORDER BY id DESC LIMIT 1", vec![])
                .await
                .unwrap()
        }
    };
    let direct = spawn().await;
    forwarded(&direct).await;
    assert_eq!(
        ip_of_last_failure(&direct).await,
        "127.0.0.1",
        "the header is ignored from an untrusted peer"
    );
    let proxied =
        crate::common::spawn_with(|c| c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    forwarded(&proxied).await;
    assert_eq!(ip_of_last_failure(&proxied).await, "203.0.113.7");
}

#[tokio::test]
async fn old_failures_do_not_add_up_to_a_lock() {
    let app = spawn().await;
    app.create_user(Role::Admin, "sari@isp.id").await;
    for _ in 0..4 {
        app.browser()
            .login("sari@isp.id", "bukan-kata-sandinya")
            .await;
    }
    app.clock.advance(Duration::minutes(16));
    app.browser()
        .login("sari@isp.id", "bukan-kata-sandinya")
        .await;
    let r = app.browser().login("sari@isp.id", PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "four failures long ago and one now do not lock"
    );
}
