//! In-app notifications: pushed inside a transaction, counted on the bell, listed in the
//! reader's language, opened (read, then off to their link), marked all read, swept.

use chrono::Duration;
use reqwest::StatusCode;
use setia::auth::Role;
use setia::notify::inbox;

use crate::common::{spawn, testid_text, Browser, TestApp};
use crate::fixtures::{catalog, sign_up};
use crate::smtp::run_jobs;

/// Pushes one notification for `user` in its own transaction; returns its id.
async fn push(app: &TestApp, user: i64, key: &str, vars: &[(&str, &str)], link: &str) -> i64 {
    let mut tx = app.db().begin().await.unwrap();
    inbox::push(&mut tx, &[user], key, vars, link, app.clock_now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.db()
        .scalar("SELECT MAX(id) FROM notifications", vec![])
        .await
        .unwrap()
}

async fn ticket_news(app: &TestApp, user: i64, number: &str, link: &str) -> i64 {
    push(
        app,
        user,
        "inbox.message.ticket_update",
        &[("number", number)],
        link,
    )
    .await
}

/// The bell's number on `path` (`None`: no number shown) and its accessible name.
async fn bell(b: &Browser, path: &str) -> (Option<String>, String) {
    let r = b.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    let at = r.body.find("data-testid=\"bell\"").expect("the bell");
    let tag_start = r.body[..at].rfind("<a ").unwrap();
    let tag = &r.body[tag_start..at];
    let label = tag
        .split("aria-label=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    (testid_text(&r.body, "bell-count"), label)
}

async fn read_at(app: &TestApp, id: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    app.db()
        .scalar(
            "SELECT read_at FROM notifications WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap()
}

/// A customer with a portal (signed up), their browser and user id.
async fn customer(app: &TestApp) -> (Browser, i64) {
    let c = catalog(app).await;
    let (b, _) = sign_up(app, &c, "Dewi Lestari", "0812-3456-7890", "dewi@mail.id").await;
    let user: i64 = app
        .db()
        .scalar(
            "SELECT user_id FROM customers WHERE name = 'Dewi Lestari'",
            vec![],
        )
        .await
        .unwrap();
    (b, user)
}

#[tokio::test]
async fn a_customer_sees_the_count_reads_in_their_language_and_opens_one() {
    let app = spawn().await;
    let (dewi, user) = customer(&app).await;
    assert_eq!(
        bell(&dewi, "/portal").await,
        (None, "Notifikasi, tidak ada yang belum dibaca".into())
    );
    let first = ticket_news(&app, user, "TKT-2026-000001", "/portal/tickets/1").await;
    app.clock.advance(Duration::minutes(5));
    let second = push(
        &app,
        user,
        "inbox.message.ticket_status",
        &[("number", "TKT-2026-000002"), ("status_key", "inbox.new")],
        "/portal/tickets/2?tab=thread",
    )
    .await;

    // The bell, on the portal and on the public site alike, leads to the portal's list.
    assert_eq!(
        bell(&dewi, "/portal").await,
        (Some("2".into()), "2 notifikasi belum dibaca".into())
    );
    assert_eq!(bell(&dewi, "/packages").await.0.as_deref(), Some("2"));
    dewi.get("/portal")
        .await
        .assert_contains("href=\"/portal/notifications\"");

    // The list: newest first, unread ones marked in words, times relative.
    let r = dewi.get("/portal/notifications").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        testid_text(&r.body, &format!("notification-{first}")).as_deref(),
        Some("Ada kabar baru untuk tiket TKT-2026-000001.")
    );
    assert_eq!(
        testid_text(&r.body, &format!("notification-{second}")).as_deref(),
        Some("Tiket TKT-2026-000002 kini: baru.")
    );
    assert_eq!(
        testid_text(&r.body, &format!("new-{first}")).as_deref(),
        Some("baru")
    );
    assert!(
        r.body.find(&format!("notification-{second}"))
            < r.body.find(&format!("notification-{first}"))
    );
    r.assert_contains("5 menit lalu")
        .assert_contains("baru saja");

    // The same notifications in English once the reader switches.
    let r = dewi
        .post(
            "/lang",
            &[("lang", "en"), ("back", "/portal/notifications")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = dewi.get("/portal/notifications").await;
    assert_eq!(
        testid_text(&r.body, &format!("notification-{first}")).as_deref(),
        Some("There is news on ticket TKT-2026-000001.")
    );
    assert_eq!(
        testid_text(&r.body, &format!("notification-{second}")).as_deref(),
        Some("Ticket TKT-2026-000002 is now: new.")
    );
    assert_eq!(
        bell(&dewi, "/portal").await,
        (Some("2".into()), "Unread notifications: 2".into())
    );

    // Opening one marks it read (once: the first reading time stays) and goes to its link.
    let opened_at = app.clock_now();
    let r = dewi.get(&format!("/portal/notifications/{second}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/portal/tickets/2?tab=thread"));
    assert_eq!(read_at(&app, second).await, Some(opened_at));
    assert_eq!(read_at(&app, first).await, None);
    app.clock.advance(Duration::minutes(1));
    let r = dewi.get(&format!("/portal/notifications/{second}")).await;
    assert_eq!(r.location.as_deref(), Some("/portal/tickets/2?tab=thread"));
    assert_eq!(read_at(&app, second).await, Some(opened_at));
    assert_eq!(bell(&dewi, "/portal").await.0.as_deref(), Some("1"));
    let r = dewi.get("/portal/notifications").await;
    assert!(testid_text(&r.body, &format!("new-{second}")).is_none());
    assert_eq!(
        testid_text(&r.body, &format!("new-{first}")).as_deref(),
        Some("new")
    );
}

#[tokio::test]
async fn staff_have_their_own_bell_and_nobody_opens_anothers_notification() {
    let app = spawn().await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let (tech, _) = app.logged_in(Role::Technician).await;
    let (dewi, dewi_id) = customer(&app).await;
    let mine = ticket_news(&app, admin_id, "TKT-2026-000007", "/staff/tickets/7").await;
    let dewis = ticket_news(&app, dewi_id, "TKT-2026-000008", "/portal/tickets/8").await;

    let (count, label) = bell(&admin, "/staff").await;
    assert_eq!(
        (count.as_deref(), label.as_str()),
        (Some("1"), "1 notifikasi belum dibaca")
    );
    admin
        .get("/staff")
        .await
        .assert_contains("href=\"/staff/notifications\"");
    assert_eq!(bell(&tech, "/staff").await.0, None);
    admin
        .get("/staff/notifications")
        .await
        .assert_contains("Ada kabar baru untuk tiket TKT-2026-000007.");
    let r = tech.get("/staff/notifications").await;
    r.assert_contains("Belum ada notifikasi.");
    assert!(!r.body.contains("TKT-2026-000007"));

    // Someone else's id, a missing one, a malformed one: not found, and nothing is marked.
    for (b, path) in [
        (&tech, format!("/staff/notifications/{mine}")),
        (&admin, format!("/staff/notifications/{dewis}")),
        (&dewi, format!("/portal/notifications/{mine}")),
        (&admin, "/staff/notifications/999999".to_string()),
        (&admin, "/staff/notifications/abc".to_string()),
    ] {
        let r = b.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("TKT-2026"), "{path}");
    }
    assert_eq!(read_at(&app, mine).await, None);
    assert_eq!(read_at(&app, dewis).await, None);
    // Each area keeps its people.
    assert_eq!(
        dewi.get("/staff/notifications").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin.get("/portal/notifications").await.status,
        StatusCode::FORBIDDEN
    );

    let r = admin.get(&format!("/staff/notifications/{mine}")).await;
    assert_eq!(r.location.as_deref(), Some("/staff/tickets/7"));
}

#[tokio::test]
async fn a_notification_never_redirects_off_the_site() {
    let app = spawn().await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    // `push` refuses anything but a local path, and an untranslated key; the caller's
    // transaction is what fails.
    for link in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "",
    ] {
        let mut tx = app.db().begin().await.unwrap();
        let r = inbox::push(
            &mut tx,
            &[admin_id],
            "inbox.message.ticket_update",
            &[("number", "x")],
            link,
            app.clock_now(),
        )
        .await;
        assert!(r.is_err(), "{link:?} accepted");
    }
    let mut tx = app.db().begin().await.unwrap();
    let r = inbox::push(
        &mut tx,
        &[admin_id],
        "no.such.key",
        &[],
        "/staff",
        app.clock_now(),
    )
    .await;
    assert!(r.is_err(), "an unknown key is accepted");
    drop(tx);
    let stored: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM notifications", vec![])
        .await
        .unwrap();
    assert_eq!(stored, 0);

    // A row written around `push` (by hand, by an old version) is opened back to the list.
    for link in ["//evil.example/x", "https://evil.example/"] {
        app.db()
            .execute(
                "INSERT INTO notifications (user_id, message_key, vars, link, created_at) \
                 VALUES ($1, 'inbox.message.gone', '{}', $2, $3)",
                setia::args![admin_id, link, app.clock_now()],
            )
            .await
            .unwrap();
        let id: i64 = app
            .db()
            .scalar("SELECT MAX(id) FROM notifications", vec![])
            .await
            .unwrap();
        let r = admin.get(&format!("/staff/notifications/{id}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            r.location.as_deref(),
            Some("/staff/notifications"),
            "{link}"
        );
        assert!(read_at(&app, id).await.is_some());
    }
    // A key that no longer exists reads as a generic sentence, never as a key.
    let r = admin.get("/staff/notifications").await;
    r.assert_contains("Ada pemberitahuan baru.");
    assert!(!r.body.contains("inbox.message.gone"));
}

#[tokio::test]
async fn read_all_zeroes_the_count_but_spares_what_came_after_the_page() {
    let app = spawn().await;
    let (dewi, user) = customer(&app).await;
    for n in 1..=3 {
        ticket_news(&app, user, &format!("TKT-2026-00000{n}"), "/portal").await;
    }
    let newest: i64 = app
        .db()
        .scalar("SELECT MAX(id) FROM notifications", vec![])
        .await
        .unwrap();
    let r = dewi.get("/portal/notifications").await;
    r.assert_contains(&format!("name=\"upto\" value=\"{newest}\""));
    assert!(testid_text(&r.body, "read-all").is_some());
    // One more arrives while the page is open.
    let late = ticket_news(&app, user, "TKT-2026-000004", "/portal").await;
    let upto = newest.to_string();
    let r = dewi
        .post("/portal/notifications/read-all", &[("upto", upto.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/portal/notifications"));
    let r = dewi.get("/portal/notifications").await;
    r.assert_contains("Semua notifikasi ditandai sudah dibaca.");
    assert_eq!(
        testid_text(&r.body, &format!("new-{late}")).as_deref(),
        Some("baru")
    );
    assert_eq!(bell(&dewi, "/portal").await.0.as_deref(), Some("1"));
    // Without a bound (an older form), everything.
    let r = dewi.post("/portal/notifications/read-all", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        bell(&dewi, "/portal").await,
        (None, "Notifikasi, tidak ada yang belum dibaca".into())
    );
    let r = dewi.get("/portal/notifications").await;
    assert!(testid_text(&r.body, "read-all").is_none());
    let unread: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM notifications WHERE read_at IS NULL",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unread, 0);
    // A malformed bound is refused, not a server error.
    let r = dewi
        .post("/portal/notifications/read-all", &[("upto", "x")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_count_is_capped_and_older_pages_follow_by_keyset() {
    let app = spawn().await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let mut tx = app.db().begin().await.unwrap();
    for n in 1..=120 {
        inbox::push(
            &mut tx,
            &[admin_id],
            "inbox.message.ticket_update",
            &[("number", &format!("TKT-2026-{n:06}"))],
            "/staff",
            app.clock_now(),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    assert_eq!(
        bell(&admin, "/staff").await,
        (Some("99+".into()), "99+ notifikasi belum dibaca".into())
    );

    let mut seen = Vec::new();
    let mut path = "/staff/notifications".to_string();
    let mut pages = 0;
    loop {
        let r = admin.get(&path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        pages += 1;
        let on_page = r.body.matches("data-testid=\"notification-").count();
        seen.extend(
            r.body
                .split("data-testid=\"notification-")
                .skip(1)
                .map(|s| s.split('"').next().unwrap().parse::<i64>().unwrap()),
        );
        match testid_text(&r.body, "older") {
            Some(_) => {
                assert_eq!(on_page, 50, "{path}");
                let at = r.body.find("data-testid=\"older\"").unwrap();
                let href_at = r.body[..at].rfind("href=\"").unwrap() + 6;
                path = r.body[href_at..].split('"').next().unwrap().to_string();
                assert!(path.starts_with("/staff/notifications?before="), "{path}");
            }
            None => {
                assert_eq!(on_page, 20);
                r.assert_contains("href=\"/staff/notifications\"");
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "newest first, each once");
    assert_eq!(seen.len(), 120);
    // A malformed cursor is a 400, not a 500.
    assert_eq!(
        admin.get("/staff/notifications?before=x").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_hourly_sweep_deletes_old_read_notifications_and_keeps_unread_ones() {
    let app = spawn().await;
    let user = app.create_user(Role::Admin, "sari@test.id").await;
    setia::worker::schedule_recurring(app.db(), app.clock_now())
        .await
        .unwrap();
    let old_read = ticket_news(&app, user, "TKT-2026-000001", "/staff").await;
    let old_unread = ticket_news(&app, user, "TKT-2026-000002", "/staff").await;
    inbox::open(app.db(), user, old_read, app.clock_now())
        .await
        .unwrap();
    app.clock.advance(Duration::days(60));
    let newer_read = ticket_news(&app, user, "TKT-2026-000003", "/staff").await;
    inbox::open(app.db(), user, newer_read, app.clock_now())
        .await
        .unwrap();
    app.clock.advance(Duration::days(31));
    assert!(run_jobs(&app).await >= 1);
    let left: Vec<(i64,)> = app
        .db()
        .fetch_all("SELECT id FROM notifications ORDER BY id", vec![])
        .await
        .unwrap();
    assert_eq!(left, vec![(old_unread,), (newer_read,)]);
    // Directly, and idempotent.
    assert_eq!(inbox::sweep(app.db(), app.clock_now()).await.unwrap(), 0);
    // The newer one goes when it is 90 days old; the unread one stays.
    app.clock.advance(Duration::days(60));
    assert_eq!(inbox::sweep(app.db(), app.clock_now()).await.unwrap(), 1);
}
