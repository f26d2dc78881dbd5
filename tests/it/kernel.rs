//! The shared kernel as a client sees it: text with control characters refused at parsing,
//! the read-only pool, the row lock that keeps derived statuses right, hashed static assets.

use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::spawn;
use crate::fixtures::{catalog, install, post_owned, sign_up, signup_fields};

#[tokio::test]
async fn nul_bytes_and_control_characters_are_refused_naming_the_field() {
    let app = spawn().await;
    let c = catalog(&app).await;
    // Anonymous sign-up with a NUL byte in the name: 422 naming the field, nothing stored.
    let mut fields = signup_fields(&c, "Budi\0Santoso", "081234567890", "budi@contoh.id");
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("«name»");
    // Another control character in a multi-line field; newlines and tabs are fine there.
    fields[0].1 = "Budi Santoso".into();
    fields[3].1 = "Jl. Baru\u{1b}[31m".into();
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("«address»");
    let customers: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM customers", vec![])
        .await
        .unwrap();
    assert_eq!(customers, 0);
    fields[3].1 = "Jl. Baru No. 1\r\nRT 02\tRW 05".into();
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // In a query string, 422 naming the parameter; in a path, nothing is found.
    let r = app.browser().get("/coverage?q=Ci%00bab").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("«q»");
    assert_eq!(
        app.browser().get("/news/a%00b").await.status,
        StatusCode::NOT_FOUND
    );
    // Also for staff forms and in the field name itself.
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .post(
            "/staff/areas",
            &[("name", "Leuwi\u{7}gajah"), ("city", "Cimahi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("«name»");
    let r = admin
        .post(
            "/staff/areas",
            &[("na\0me", "Leuwigajah"), ("city", "Cimahi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_write_sent_to_the_read_pool_fails_on_both_databases() {
    let app = spawn().await;
    let wrong: Result<Vec<(i64,)>, _> = app
        .db()
        .fetch_all(
            "INSERT INTO counters (name, value) VALUES ('x', 1) RETURNING value",
            vec![],
        )
        .await;
    assert!(wrong.is_err(), "the read pool accepted a write");
    let n: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM counters", vec![])
        .await
        .unwrap();
    assert_eq!(n, 0);
}

/// Two admins suspend two different subscriptions of one customer at the same moment: the
/// customer ends up suspended, not "active" with every subscription suspended.
#[tokio::test]
async fn concurrent_suspensions_leave_the_customer_suspended() {
    let app = spawn().await;
    // On SQLite the single writer serialises these; the race this guards against is
    // PostgreSQL's (the suite runs there in CI).
    let c = catalog(&app).await;
    let (admin1, _) = app.logged_in(Role::Admin).await;
    let (admin2, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = sign_up(&app, &c, "Rina", "081311112222", "").await;
    install(&app, &admin1, reg).await;
    let (customer_id, first): (i64, i64) = app
        .db()
        .fetch_one(
            "SELECT customer_id, id FROM subscriptions ORDER BY id LIMIT 1",
            vec![],
        )
        .await
        .unwrap();
    let mut tx = app.db().begin().await.unwrap();
    let second = setia::customers::store::create_subscription(
        &mut tx,
        customer_id,
        c.other_package,
        "Jl. Ruko No. 2",
        Some(c.area),
        setia::customers::model::SubStatus::Active,
        None,
        app.clock_now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let status = || async {
        app.db()
            .scalar::<String>(
                "SELECT status FROM customers WHERE id = $1",
                vec![customer_id.into()],
            )
            .await
            .unwrap()
    };
    for round in 0..5 {
        let (p1, p2) = (
            format!("/staff/subscriptions/{first}/suspend"),
            format!("/staff/subscriptions/{second}/suspend"),
        );
        let (r1, r2) = tokio::join!(
            admin1.post(&p1, &[("reason", "arrears"), ("confirm", "1")]),
            admin2.post(&p2, &[("reason", "abuse"), ("confirm", "1")])
        );
        assert_eq!(r1.status, StatusCode::SEE_OTHER, "{}", r1.body);
        assert_eq!(r2.status, StatusCode::SEE_OTHER, "{}", r2.body);
        assert_eq!(status().await, "suspended", "round {round}");
        for sub in [first, second] {
            let r = admin1
                .post(&format!("/staff/subscriptions/{sub}/reactivate"), &[])
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER);
        }
        assert_eq!(status().await, "active");
    }
}

#[tokio::test]
async fn the_stylesheet_url_carries_its_hash_and_is_cached_for_a_year() {
    let app = spawn().await;
    let page = app.browser().get("/").await;
    let start = page.body.find("/static/app.").expect("stylesheet link");
    let end = page.body[start..].find('"').unwrap() + start;
    let url = &page.body[start..end];
    assert!(url.ends_with(".css") && url.len() > "/static/app..css".len());
    let r = app.browser().get(url).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(r.body.contains('{'));
    assert_eq!(
        app.browser().get("/static/app.css").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Reports group by the WIB calendar day: 20:00 UTC is already the next day in Jakarta.
#[tokio::test]
async fn wib_day_buckets_agree_on_both_databases() {
    let app = spawn().await;
    let db = app.db();
    let at = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 28, 20, 0, 0).unwrap();
    let sql = format!(
        "SELECT {}, {}",
        db.backend().wib_day("$1"),
        db.backend().wib_month("$1")
    );
    let (day, month): (String, String) = db.fetch_one(&sql, vec![at.into()]).await.unwrap();
    assert_eq!((day.as_str(), month.as_str()), ("2026-11-29", "2026-11"));
}

/// Case-insensitive search folds all of Unicode on both databases, not only ASCII.
#[tokio::test]
async fn lower_folds_unicode_on_both_databases() {
    let app = spawn().await;
    let folded: String = app
        .db()
        .scalar("SELECT lower($1)", vec!["ÉLAN Çiçek ÖZ".into()])
        .await
        .unwrap();
    assert_eq!(folded, "élan çiçek öz");
}

/// Every form route of the table refuses a NUL byte with 422 naming the field, whoever posts it
/// and whatever the handler reads, before anything is written.
#[tokio::test]
async fn every_form_route_refuses_control_characters() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let before = app.audit_actions().await.len();
    let mut checked = 0;
    for route in setia::app::route_table() {
        if route.method != reqwest::Method::POST {
            continue;
        }
        let path = route.path.replace("{id}", "1").replace("{token}", "x");
        for b in [&app.browser(), &admin] {
            let r = b.post(&path, &[("note", "a\0b")]).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "POST {path}: {}",
                r.body
            );
            r.assert_contains("«note»");
        }
        checked += 1;
    }
    assert!(checked > 30, "only {checked} form routes");
    assert_eq!(app.audit_actions().await.len(), before, "nothing was done");
}

/// The company form (which can carry files) refuses control characters too.
#[tokio::test]
async fn the_company_form_refuses_control_characters() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .post("/staff/company", &[("name", "Blitz"), ("about", "x\u{1}y")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}
