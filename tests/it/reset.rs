//! Forgotten password by mail: the link arrives by SMTP, works once, expires after 30 minutes,
//! cannot be forged, ends every session, and the request never tells whether an account exists.

use chrono::Duration;
use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{testid_text, Browser, TestApp, PASSWORD};
use crate::smtp::{app_with_smtp, run_jobs, SmtpServer};

const NEW_PASSWORD: &str = "teh-manis-dingin-77";

/// Asks for a link for `login`, runs the worker, and returns the path of the link mailed (if any).
async fn request_link(app: &TestApp, smtp: &SmtpServer, login: &str) -> Option<String> {
    let before = smtp.messages().len();
    let b = app.browser();
    let r = b.post("/password/forgot", &[("login", login)]).await;
    assert_eq!(r.status, StatusCode::OK);
    run_jobs(app).await;
    let got = smtp.messages();
    let m = got.get(before)?;
    let body = m.body();
    let start = body.find("https://crm.blitz.test/password/reset/")?;
    let link: String = body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    Some(
        link.trim_start_matches("https://crm.blitz.test")
            .to_string(),
    )
}

fn token_of(path: &str) -> &str {
    path.trim_start_matches("/password/reset/")
}

#[tokio::test]
async fn the_mailed_link_sets_a_new_password_once_and_ends_every_session() {
    let (app, smtp) = app_with_smtp().await;
    let user = app.create_user(Role::Admin, "sari@blitz.test").await;
    // Two devices logged in.
    let phone = app.browser();
    assert_eq!(
        phone.login("sari@blitz.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let desk = app.browser();
    assert_eq!(
        desk.login("sari@blitz.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // The login page offers the way in.
    let visitor = app.browser();
    let login = visitor.get("/login").await;
    assert_eq!(
        testid_text(&login.body, "forgot-link").as_deref(),
        Some("Lupa kata sandi?")
    );
    let form = visitor.get("/password/forgot").await;
    assert_eq!(form.status, StatusCode::OK);

    let link = request_link(&app, &smtp, "Sari@Blitz.test")
        .await
        .expect("a mail with a link");
    let m = smtp.messages().pop().unwrap();
    assert_eq!(m.rcpt, vec!["sari@blitz.test".to_string()]);
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("Atur ulang kata sandi Anda")
    );
    assert!(m.body().contains("30 menit"), "{}", m.body());
    // Only a hash of the token is stored.
    let stored: Vec<(String,)> = app
        .db()
        .fetch_all("SELECT token_hash FROM password_resets", vec![])
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].0, token_of(&link));

    let page = visitor.get(&link).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers.get("cache-control").unwrap(), "no-store");
    // Bad input re-renders the form.
    let r = visitor
        .post(
            &link,
            &[("new", NEW_PASSWORD), ("confirm", "something-else-1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("name=\"new\"");
    let r = visitor
        .post(&link, &[("new", "pendek"), ("confirm", "pendek")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = visitor
        .post(&link, &[("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login"));
    let after = visitor.get("/login").await;
    after.assert_contains("Kata sandi baru tersimpan");

    // Both devices are logged out.
    for b in [&phone, &desk] {
        let r = b.get("/staff").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location.unwrap().starts_with("/login"));
    }
    let sessions: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
            setia::args![user],
        )
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    // The old password is gone, the new one works.
    assert_eq!(
        app.browser()
            .login("sari@blitz.test", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.browser()
            .login("sari@blitz.test", NEW_PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The link works once.
    let again = visitor.get(&link).await;
    assert_eq!(again.status, StatusCode::GONE);
    again
        .assert_contains("sudah dipakai")
        .assert_contains("href=\"/password/forgot\"");
    let r = visitor
        .post(
            &link,
            &[
                ("new", "kopi-tubruk-pagi-9"),
                ("confirm", "kopi-tubruk-pagi-9"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::GONE);
    assert_eq!(
        app.browser()
            .login("sari@blitz.test", NEW_PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|a| a.0).collect();
    assert!(actions.contains(&"auth.password_reset_requested".to_string()));
    assert!(actions.contains(&"auth.password_reset".to_string()));
}

#[tokio::test]
async fn the_mail_is_in_the_account_language() {
    let (app, smtp) = app_with_smtp().await;
    let id = app.create_user(Role::Technician, "budi@blitz.test").await;
    app.db()
        .execute(
            "UPDATE users SET lang = 'en' WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    request_link(&app, &smtp, "budi@blitz.test")
        .await
        .expect("a link");
    let m = smtp.messages().pop().unwrap();
    assert_eq!(m.header("Subject").as_deref(), Some("Reset your password"));
    assert!(
        m.body().starts_with("Hello technician budi,"),
        "{}",
        m.body()
    );
    assert!(m.body().contains("30 minutes"));
}

#[tokio::test]
async fn a_customer_asks_with_a_phone_number() {
    let (app, smtp) = app_with_smtp().await;
    let c = crate::fixtures::catalog(&app).await;
    crate::fixtures::sign_up(
        &app,
        &c,
        "Dewi Lestari",
        "081234567890",
        "dewi@example.co.id",
    )
    .await;
    run_jobs(&app).await; // the sign-up confirmation
    let link = request_link(&app, &smtp, "0812-3456-7890")
        .await
        .expect("a link");
    let m = smtp.messages().pop().unwrap();
    assert_eq!(m.rcpt, vec!["dewi@example.co.id".to_string()]);
    let b = app.browser();
    let r = b
        .post(&link, &[("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = b.login("081234567890", NEW_PASSWORD).await;
    assert_eq!(r.location.as_deref(), Some("/portal"));
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let (app, smtp) = app_with_smtp().await;
    app.create_user(Role::Admin, "sari@blitz.test").await;
    let link = request_link(&app, &smtp, "sari@blitz.test").await.unwrap();
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.browser().get(&link).await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(2));
    let b = app.browser();
    let r = b.get(&link).await;
    assert_eq!(r.status, StatusCode::GONE);
    r.assert_contains("kedaluwarsa")
        .assert_contains("href=\"/password/forgot\"");
    let r = b
        .post(&link, &[("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert_eq!(r.status, StatusCode::GONE);
    assert_eq!(
        app.browser()
            .login("sari@blitz.test", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn forged_links_are_refused() {
    let (app, smtp) = app_with_smtp().await;
    app.create_user(Role::Admin, "sari@blitz.test").await;
    let link = request_link(&app, &smtp, "sari@blitz.test").await.unwrap();
    let real = token_of(&link).to_string();
    // One character changed, a random token, garbage.
    let flipped = format!(
        "{}{}",
        &real[..63],
        if real.ends_with('0') { '1' } else { '0' }
    );
    let random = "ab".repeat(32);
    let b = Browser::new(&app.base);
    for token in [flipped.as_str(), random.as_str(), "abc", "..%2F..%2Fetc"] {
        let r = b.get(&format!("/password/reset/{token}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{token}");
        r.assert_contains("tidak dikenal")
            .assert_contains("href=\"/password/forgot\"");
        let r = b
            .post(
                &format!("/password/reset/{token}"),
                &[("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{token}");
    }
    assert_eq!(
        app.browser()
            .login("sari@blitz.test", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_answer_is_the_same_whether_or_not_the_account_exists() {
    let (app, smtp) = app_with_smtp().await;
    app.create_user(Role::Admin, "sari@blitz.test").await;
    let b = app.browser();
    let known = b
        .post("/password/forgot", &[("login", "sari@blitz.test")])
        .await;
    let unknown = b
        .post("/password/forgot", &[("login", "nobody@blitz.test")])
        .await;
    let unknown_phone = b
        .post("/password/forgot", &[("login", "081299998888")])
        .await;
    let nonsense = b
        .post("/password/forgot", &[("login", "not an address")])
        .await;
    for r in [&unknown, &unknown_phone, &nonsense] {
        assert_eq!(r.status, known.status);
        assert_eq!(r.body, known.body);
    }
    known.assert_contains("Periksa email Anda");
    // Each request is the same single job insert: nothing about the account is looked up while
    // the visitor waits, so the timing tells nothing either.
    let queued: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'password.reset_request'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(queued, 4);
    let mails: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM mail_outbox", vec![])
        .await
        .unwrap();
    assert_eq!(mails, 0);
    // Only the real account got a mail.
    run_jobs(&app).await;
    let got = smtp.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt, vec!["sari@blitz.test".to_string()]);
    // An empty field is a form error, kept on the page.
    let r = b.post("/password/forgot", &[("login", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("name=\"login\"");
}

/// A link mailed before the account was deactivated sets no password afterwards (it would work
/// again the day the account is reactivated).
#[tokio::test]
async fn deactivation_ends_open_links() {
    let (app, smtp) = app_with_smtp().await;
    let user = app.create_user(Role::Admin, "sari@blitz.test").await;
    let link = request_link(&app, &smtp, "sari@blitz.test").await.unwrap();
    let (sysadmin, _) = app.logged_in(Role::SystemAdmin).await;
    let r = sysadmin
        .post(
            &format!("/staff/users/{user}/deactivate"),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app
        .browser()
        .post(&link, &[("new", NEW_PASSWORD), ("confirm", NEW_PASSWORD)])
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let r = sysadmin
        .post(&format!("/staff/users/{user}/reactivate"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let b = app.browser();
    assert_eq!(
        b.login("sari@blitz.test", NEW_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        b.login("sari@blitz.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}
