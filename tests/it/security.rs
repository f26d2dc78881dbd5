//! CSRF, same-origin checks and bad input: always a 4xx with a message, never a 500.

use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn, PASSWORD};

async fn staff_count(app: &crate::common::TestApp) -> i64 {
    app.db()
        .scalar("SELECT COUNT(*) FROM users", vec![])
        .await
        .unwrap()
}

#[tokio::test]
async fn post_without_or_with_wrong_csrf_token_is_rejected_and_changes_nothing() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let before = staff_count(&app).await;
    let fields = [
        ("name", "Eve"),
        ("email", "eve@isp.id"),
        ("role", "system_admin"),
    ];

    let r = admin.post_raw("/staff/users", &fields).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    r.assert_contains("Formulir kedaluwarsa");

    let mut wrong = vec![("_csrf", "00ff")];
    wrong.extend_from_slice(&fields);
    assert_eq!(
        admin.post_raw("/staff/users", &wrong).await.status,
        StatusCode::FORBIDDEN
    );

    // A token from another browser does not fit this browser's cookie.
    let other = app.browser();
    let foreign = other.csrf().await;
    let mut theirs = vec![("_csrf", foreign.as_str())];
    theirs.extend_from_slice(&fields);
    assert_eq!(
        admin.post_raw("/staff/users", &theirs).await.status,
        StatusCode::FORBIDDEN
    );

    assert_eq!(staff_count(&app).await, before, "nothing was created");

    // Login and logout are protected too.
    assert_eq!(
        app.browser()
            .post_raw("/login", &[("login", "a@b.id"), ("password", PASSWORD)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin.post_raw("/logout", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin.get("/staff").await.status,
        StatusCode::OK,
        "still logged in"
    );
}

#[tokio::test]
async fn cross_site_posts_are_rejected_even_with_a_token() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let token = admin.csrf().await;
    let body = serde_urlencoded::to_string([
        ("_csrf", token.as_str()),
        ("name", "Eve"),
        ("email", "eve@isp.id"),
        ("role", "admin"),
    ])
    .unwrap();
    for (header, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let r = admin
            .client
            .post(admin.url("/staff/users"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(header, value)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{header}: {value}");
    }
    // The same request from the same origin works.
    let r = admin
        .client
        .post(admin.url("/staff/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &app.base)
        .header("sec-fetch-site", "same-origin")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn oversized_body_gets_413_page() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let token = admin.csrf().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let body =
        serde_urlencoded::to_string([("_csrf", token.as_str()), ("name", big.as_str())]).unwrap();
    let r = admin
        .client
        .post(admin.url("/staff/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().await.unwrap().contains("terlalu besar"));
}

#[tokio::test]
async fn wrong_content_type_gets_415_with_message() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let token = admin.csrf().await;
    let r = admin
        .client
        .post(admin.url("/staff/users"))
        .header("content-type", "application/json")
        .header("x-csrf-token", token)
        .body(r#"{"name":"X","email":"x@isp.id","role":"admin"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.text().await.unwrap().contains("Kirim sebagai formulir"));
}

#[tokio::test]
async fn malformed_fields_and_queries_are_4xx_not_500() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    // Wrong type for a numeric query parameter.
    let r = admin.get("/staff/users?page=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_contains("Parameter pencarian tidak valid");
    // A bad date filter is a message, not a crash.
    let r = admin.get("/staff/audit?from=31-31-2026").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Tanggal tidak valid");
    // Invalid percent-encoding in a form body.
    let token = admin.csrf().await;
    let r = admin
        .client
        .post(admin.url("/staff/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("_csrf={token}&name=%E0%A4%A&role=admin"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    // Unknown pages.
    let r = admin.get("/staff/nothing-here").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    r.assert_contains("Halaman tidak ditemukan");
    // Wrong method.
    let r = admin
        .client
        .delete(admin.url("/staff/users"))
        .header("x-csrf-token", admin.csrf().await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn error_pages_look_like_the_app_and_carry_a_request_id() {
    let app = spawn().await;
    let r = app.browser().get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    r.assert_contains("<link rel=\"stylesheet\" href=\"/static/app.")
        .assert_contains("Kode permintaan");
    let id = r
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    r.assert_contains(&id);
    assert_eq!(r.headers.get("x-frame-options").unwrap(), "DENY");
    assert!(r.headers.get("content-security-policy").is_some());
}

#[tokio::test]
async fn health_endpoints_answer_json() {
    let app = spawn().await;
    let r = app.browser().get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["status"],
        "ok"
    );
    let r = app.browser().get("/readyz").await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["database"],
        "ok"
    );
    app.db().close().await;
    let r = app.browser().get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["database"],
        "unreachable"
    );
    // Liveness does not depend on the database.
    assert_eq!(app.browser().get("/healthz").await.status, StatusCode::OK);
    // Anything unexpected is a 500 page with a request id and nothing internal.
    let r = app.browser().get("/signup").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    r.assert_contains("Terjadi kesalahan di server")
        .assert_contains("Kode permintaan");
    for leak in ["sqlx", "pool", "closed", "PoolClosed"] {
        assert!(!r.body.contains(leak), "500 page leaks {leak}");
    }
}
