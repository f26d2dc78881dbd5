//! Complaints over HTTP: a customer files with a photo, staff reply, note, resolve; status
//! moves, SLA clocks, warnings and auto-close on the mock clock; search; access; bad input.

use chrono::Duration;
use reqwest::StatusCode;
use setia::auth::Role;
use setia::db::{Backend, Db};
use setia::tickets::list::{self, Filter, Sort, StatusFilter};
use setia::tickets::store;

use crate::common::{fresh_database, spawn, spawn_with, testid_text, Browser, Resp, TestApp};
use crate::fixtures::{self, Catalog};
use crate::smtp::{app_with_smtp_and, run_jobs};
use crate::uploads::{multipart, png, post_multipart, Part};

/// An installed customer: their browser, customer id and subscription id.
async fn customer(app: &TestApp, c: &Catalog, admin: &Browser, phone: &str) -> (Browser, i64, i64) {
    let email = format!("{}@pelanggan.test", phone.trim_start_matches('0'));
    let (b, reg) = fixtures::sign_up(app, c, "Sari Wulandari", phone, &email).await;
    fixtures::install(app, admin, reg).await;
    let (customer_id, sub_id): (i64, i64) = app
        .db()
        .fetch_one(
            "SELECT s.customer_id, s.id FROM subscriptions s JOIN registrations r ON r.customer_id = s.customer_id WHERE r.id = $1",
            setia::args![reg],
        )
        .await
        .unwrap();
    (b, customer_id, sub_id)
}

/// An app with a mail server whose sessions outlive the days these tests move the clock by.
async fn app_with_mail() -> (TestApp, crate::smtp::SmtpServer) {
    app_with_smtp_and(|c| {
        c.session_idle_minutes = 60 * 24 * 60;
        c.session_absolute_hours = 24 * 60;
    })
    .await
}

/// Files a complaint from the portal (multipart, optional photos); returns the response.
async fn file(b: &Browser, sub: i64, category: &str, body: &str, photos: &[Vec<u8>]) -> Resp {
    let token = b.csrf().await;
    let sub = sub.to_string();
    let mut parts = vec![
        Part::Text("_csrf", &token),
        Part::Text("subscription", &sub),
        Part::Text("category", category),
        Part::Text("body", body),
    ];
    for p in photos {
        parts.push(Part::File {
            field: "photos",
            name: "modem.png",
            declared: "image/png",
            bytes: p,
        });
    }
    post_multipart(b, "/portal/tickets/new", multipart(&parts)).await
}

fn id_from(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

/// The staff list's row of the ticket numbered `number`.
fn list_row<'a>(html: &'a str, number: &str) -> &'a str {
    let at = html
        .find(&format!("data-testid=\"row-{number}\""))
        .unwrap_or_else(|| panic!("no row {number}"));
    &html[at..at + html[at..].find("</tr>").unwrap()]
}

async fn status_of(app: &TestApp, id: i64) -> String {
    let (s,): (String,) = app
        .db()
        .fetch_one("SELECT status FROM tickets WHERE id = $1", setia::args![id])
        .await
        .unwrap();
    s
}

#[tokio::test]
async fn the_life_of_a_complaint_from_filing_with_a_photo_to_closing() {
    let (app, smtp) = app_with_mail().await;
    let c = fixtures::catalog(&app).await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567001").await;
    run_jobs(&app).await;
    let before = smtp.messages().len();

    // The portal leads with "report a problem"; the form preselects the subscription.
    cust.get("/portal")
        .await
        .assert_contains("/portal/tickets/new");
    let form = cust.get("/portal/tickets/new").await;
    form.assert_contains(&format!("value=\"{sub}\" selected"));

    let r = file(
        &cust,
        sub,
        "no_connection",
        "Internet mati sejak jam 9 malam, lampu LOS merah.",
        &[png(64, 48)],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_from(r.location.as_deref().unwrap());
    let page = cust.get(&format!("/portal/tickets/{id}")).await;
    page.assert_contains("TKT-2026-000001")
        .assert_contains("Internet mati sejak jam 9 malam");
    assert_eq!(testid_text(&page.body, "status").as_deref(), Some("Baru"));
    assert!(testid_text(&page.body, "next")
        .unwrap()
        .contains("paling lambat"));
    // The photo is there and the customer may open it; another customer may not.
    let (photo,): (i64,) = app
        .db()
        .fetch_one(
            "SELECT id FROM uploads WHERE context = 'ticket.photo'",
            vec![],
        )
        .await
        .unwrap();
    page.assert_contains(&format!("/files/{photo}/thumb"));
    assert_eq!(
        cust.get(&format!("/files/{photo}")).await.status,
        StatusCode::OK
    );
    let (other, _, _) = customer(&app, &c, &admin, "081234567002").await;
    assert_eq!(
        other.get(&format!("/files/{photo}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get(&format!("/portal/tickets/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.browser().get(&format!("/files/{photo}")).await.status,
        StatusCode::NOT_FOUND
    );
    let (tech, _) = app.logged_in(Role::Technician).await;
    assert_eq!(
        tech.get(&format!("/files/{photo}")).await.status,
        StatusCode::NOT_FOUND
    );
    let (director, _) = app.logged_in(Role::Director).await;
    assert_eq!(
        director.get(&format!("/files/{photo}")).await.status,
        StatusCode::OK
    );

    // No connection starts high: first response within 2 hours. Staff see it as new and
    // unassigned; the customer's timeline says it in words.
    let (prio, due): (String, chrono::DateTime<chrono::Utc>) = app
        .db()
        .fetch_one(
            "SELECT priority, first_response_due_at FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!(prio, "high");
    assert_eq!(due, app.clock_now() + Duration::hours(2));
    let list = admin.get("/staff/tickets?view=unassigned").await;
    assert!(list_row(&list.body, "TKT-2026-000001").contains(">Baru<"));
    let staff_page = admin.get(&format!("/staff/tickets/{id}")).await;
    staff_page
        .assert_contains("Sari Wulandari")
        .assert_contains("tel:+6281234567001");
    assert_eq!(
        testid_text(&staff_page.body, "subscription-status").as_deref(),
        Some("Aktif")
    );

    // An internal note, then a public reply that waits on the customer.
    app.clock.advance(Duration::minutes(30));
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[("body", "RAHASIA: cek OLT port 7"), ("kind", "note")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[
                (
                    "body",
                    "Mohon cabut dan pasang lagi adaptor modem, lalu kabari kami.",
                ),
                ("kind", "public"),
                ("then", "waiting"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status_of(&app, id).await, "waiting");
    // The desk's list shows it at once: the rows it read before are not served again.
    let list = admin.get("/staff/tickets?view=unassigned").await;
    assert!(list_row(&list.body, "TKT-2026-000001").contains(">Menunggu pelanggan<"));
    let (first, paused, assignee): (
        Option<chrono::DateTime<chrono::Utc>>,
        Option<chrono::DateTime<chrono::Utc>>,
        Option<i64>,
    ) = app
        .db()
        .fetch_one(
            "SELECT first_response_at, sla_paused_at, assignee_id FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!(first, Some(app.clock_now()));
    assert_eq!(paused, Some(app.clock_now()));
    assert_eq!(assignee, None);
    admin
        .get(&format!("/staff/tickets/{id}"))
        .await
        .assert_contains("RAHASIA")
        .assert_contains("SLA berhenti");

    // The customer sees the reply, never the note.
    let page = cust.get(&format!("/portal/tickets/{id}")).await;
    page.assert_contains("cabut dan pasang lagi adaptor");
    assert!(!page.body.contains("RAHASIA"));
    assert_eq!(
        testid_text(&page.body, "status").as_deref(),
        Some("Menunggu pelanggan")
    );

    // The customer answers: back to open, the clock runs again.
    app.clock.advance(Duration::hours(3));
    let token = cust.csrf().await;
    let r = post_multipart(
        &cust,
        &format!("/portal/tickets/{id}/reply"),
        multipart(&[
            Part::Text("_csrf", &token),
            Part::Text("body", "Sudah, tetap mati."),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/portal/tickets/{id}").as_str())
    );
    assert_eq!(status_of(&app, id).await, "open");

    // Take it and resolve it.
    assert_eq!(
        admin
            .post(&format!("/staff/tickets/{id}/take"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[
                (
                    "body",
                    "Kabel optik sudah diganti teknisi.\nSilakan dicoba.",
                ),
                ("kind", "public"),
                ("then", "resolved"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, "resolved");
    let (who,): (Option<i64>,) = app
        .db()
        .fetch_one(
            "SELECT assignee_id FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!(who, Some(admin_id));

    // Mails: received, replied/waiting, resolved — none carries the internal note.
    run_jobs(&app).await;
    let mails = smtp.messages();
    let to_customer: Vec<_> = mails[before..]
        .iter()
        .filter(|m| {
            m.header("To")
                .unwrap_or_default()
                .contains("81234567001@pelanggan.test")
        })
        .collect();
    let subjects: Vec<String> = to_customer
        .iter()
        .map(|m| m.header("Subject").unwrap())
        .collect();
    assert!(
        subjects.iter().any(|s| s.contains("sudah kami terima")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("menunggu jawaban")),
        "{subjects:?}"
    );
    assert!(
        subjects.iter().any(|s| s.contains("sudah selesai")),
        "{subjects:?}"
    );
    assert!(mails.iter().all(|m| !m.body().contains("RAHASIA")));
    let resolved = to_customer
        .iter()
        .find(|m| m.header("Subject").unwrap().contains("selesai"))
        .unwrap();
    let body = resolved.body();
    let at = body
        .find("https://crm.blitz.test/rate/")
        .expect("a rating link in the mail");
    let link = body[at + "https://crm.blitz.test".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    // The link works without logging in, once; a low score lands on the call-back list.
    let anon = app.browser();
    anon.get(&link)
        .await
        .assert_contains("Seberapa puas")
        .assert_contains("TKT-2026-000001");
    let r = anon
        .post(
            &link,
            &[("stars", "2"), ("comment", "Lama sekali baru beres")],
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);
    let r = anon.post(&link, &[("stars", "5"), ("comment", "")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let page = cust.get(&format!("/portal/tickets/{id}")).await;
    assert!(testid_text(&page.body, "rated")
        .unwrap()
        .contains("nilai 2 dari 5"));
    assert!(!page.body.contains("data-testid=\"rate\""));
    admin
        .get("/staff/ratings")
        .await
        .assert_contains("Lama sekali baru beres");
    let (stars, category, staff): (i64, Option<String>, Option<i64>) = app
        .db()
        .fetch_one(
            "SELECT stars, category, staff_id FROM ratings WHERE subject_id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!(
        (stars, category.as_deref(), staff),
        (2, Some("no_connection"), Some(admin_id))
    );

    // The bell's notifications never carry the note either.
    let notes: Vec<(String,)> = app
        .db()
        .fetch_all("SELECT vars FROM notifications", vec![])
        .await
        .unwrap();
    assert!(!notes.is_empty());
    assert!(notes.iter().all(|n| !n.0.contains("RAHASIA")));

    // Not fixed: reopened; resolved again; closed after 7 quiet days by the job.
    let token = cust.csrf().await;
    let r = post_multipart(
        &cust,
        &format!("/portal/tickets/{id}/reply"),
        multipart(&[
            Part::Text("_csrf", &token),
            Part::Text("body", ""),
            Part::Text("not_fixed", "1"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status_of(&app, id).await, "open");
    cust.get(&format!("/portal/tickets/{id}"))
        .await
        .assert_contains("Masalahnya belum beres.");
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/status"),
            &[("to", "resolved")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    setia::worker::schedule_recurring(app.db(), app.clock_now())
        .await
        .unwrap();
    app.clock.advance(Duration::days(6));
    run_jobs(&app).await;
    assert_eq!(status_of(&app, id).await, "resolved");
    app.clock.advance(Duration::days(1) + Duration::minutes(10));
    run_jobs(&app).await;
    assert_eq!(status_of(&app, id).await, "closed");
    let (reopens,): (i64,) = app
        .db()
        .fetch_one(
            "SELECT reopen_count FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!(reopens, 1);

    // A closed ticket takes no more replies, and the timeline tells the story in words.
    let token = cust.csrf().await;
    let r = post_multipart(
        &cust,
        &format!("/portal/tickets/{id}/reply"),
        multipart(&[Part::Text("_csrf", &token), Part::Text("body", "halo?")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (customer_id,): (i64,) = app
        .db()
        .fetch_one(
            "SELECT customer_id FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    let page = admin.get(&format!("/staff/customers/{customer_id}")).await;
    page.assert_contains("melaporkan keluhan <a")
        .assert_contains("menyelesaikan keluhan <a")
        .assert_contains("Setia menutup keluhan <a");
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|a| a.0).collect();
    for a in [
        "ticket.file",
        "ticket.note",
        "ticket.reply",
        "ticket.customer_reply",
        "ticket.assign",
        "ticket.status",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} not audited: {actions:?}"
        );
    }
}

/// Staff log a complaint for `customer` naming subscription `sub`, which is not theirs: a 422
/// with the message under the field and the text kept; still `filed` tickets in all.
async fn refused_subscription(
    app: &TestApp,
    admin: &Browser,
    customer: i64,
    sub: i64,
    body: &str,
    filed: i64,
) {
    let r = admin
        .post(
            "/staff/tickets/new",
            &[
                ("customer", customer.to_string().as_str()),
                ("subscription", &sub.to_string()),
                ("category", "slow"),
                ("channel", "phone"),
                ("body", body),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_contains("Pilih langganan dari daftar")
        .assert_contains(body);
    let (n,): (i64,) = app
        .db()
        .fetch_one("SELECT COUNT(*) FROM tickets", vec![])
        .await
        .unwrap();
    assert_eq!(n, filed);
}

#[tokio::test]
async fn staff_log_a_complaint_for_a_known_caller_and_for_a_new_one() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let (_, customer_id, sub) = customer(&app, &c, &admin, "081234567010").await;

    // Found by phone in any form.
    let page = admin.get("/staff/tickets/new?phone=0812-3456-7010").await;
    assert!(testid_text(&page.body, "caller").is_none() || page.body.contains("Sari Wulandari"));
    page.assert_contains("Sari Wulandari")
        .assert_contains(&format!("value=\"{sub}\" selected"));
    let cid = customer_id.to_string();
    let sub_s = sub.to_string();
    let r = admin
        .post(
            "/staff/tickets/new",
            &[
                ("customer", &cid),
                ("subscription", &sub_s),
                ("category", "slow"),
                ("priority", "urgent"),
                ("channel", "phone"),
                ("body", "Penelepon: internet lambat sekali sejak sore."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_from(r.location.as_deref().unwrap());
    let (channel, priority, created_by): (String, String, Option<i64>) = app
        .db()
        .fetch_one(
            "SELECT channel, priority, created_by FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!((channel.as_str(), priority.as_str()), ("phone", "urgent"));
    assert!(created_by.is_some());

    // Another customer's subscription is refused, keeping what was typed, and files nothing.
    let (_, _, other_sub) = customer(&app, &c, &admin, "081234567011").await;
    refused_subscription(
        &app,
        &admin,
        customer_id,
        other_sub,
        "Milik pelanggan lain.",
        1,
    )
    .await;

    // Nobody has this number: a new caller is recorded with the complaint.
    let page = admin.get("/staff/tickets/new?phone=085711112222").await;
    assert!(testid_text(&page.body, "new-caller").is_some());
    let r = admin
        .post(
            "/staff/tickets/new",
            &[
                ("phone", "085711112222"),
                ("name", "Budi Santoso"),
                ("address", "Jl. Baros 3"),
                ("area", &c.area.to_string()),
                ("category", "installation"),
                ("channel", "walk_in"),
                ("body", "Ingin tahu kapan bisa dipasang."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (prospect, name, status, user): (i64, String, String, Option<i64>) = app
        .db()
        .fetch_one(
            "SELECT id, name, status, user_id FROM customers WHERE phone = '+6285711112222'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        (name.as_str(), status.as_str(), user),
        ("Budi Santoso", "prospect", None)
    );
    // Filed by staff for a new caller, the complaint still reaches the admins' bells (the
    // caller has neither a login nor an email address: nothing is sent to them).
    let ticket = id_from(r.location.as_deref().unwrap());
    let bells: Vec<(i64, String)> = app
        .db()
        .fetch_all(
            "SELECT user_id, message_key FROM notifications WHERE link IN ($1, $2)",
            setia::args![
                format!("/staff/tickets/{ticket}"),
                format!("/portal/tickets/{ticket}")
            ],
        )
        .await
        .unwrap();
    assert!(
        bells.contains(&(admin_id, "notice.new".to_string())),
        "{bells:?}"
    );
    assert!(bells.iter().all(|b| b.1 == "notice.new"), "{bells:?}");
    // Nor may a caller without subscriptions be given someone's: the message shows all the same.
    refused_subscription(&app, &admin, prospect, sub, "Bukan langganannya.", 2).await;

    // Missing fields keep what was typed.
    let r = admin
        .post(
            "/staff/tickets/new",
            &[
                ("phone", "085799990000"),
                ("name", ""),
                ("category", ""),
                ("channel", "phone"),
                ("body", "tetap ada"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("tetap ada")
        .assert_contains("085799990000");
}

#[tokio::test]
async fn only_the_allowed_status_moves_happen() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567020").await;
    let r = file(&cust, sub, "slow", "Lambat", &[]).await;
    let id = id_from(r.location.as_deref().unwrap());
    let path = format!("/staff/tickets/{id}/status");
    let refused = |from: &'static str, to: &'static str| (from, to);
    // From new: only open.
    for (from, to) in [
        refused("new", "waiting"),
        refused("new", "resolved"),
        refused("new", "closed"),
        refused("new", "new"),
    ] {
        let r = admin.post(&path, &[("to", to)]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{from} -> {to}");
        r.assert_contains("tidak bisa diubah");
        assert_eq!(status_of(&app, id).await, from);
    }
    assert_eq!(
        admin.post(&path, &[("to", "open")]).await.status,
        StatusCode::SEE_OTHER
    );
    for to in ["open", "closed", "new"] {
        assert_eq!(
            admin.post(&path, &[("to", to)]).await.status,
            StatusCode::CONFLICT,
            "open -> {to}"
        );
        assert_eq!(status_of(&app, id).await, "open");
    }
    assert_eq!(
        admin.post(&path, &[("to", "waiting")]).await.status,
        StatusCode::SEE_OTHER
    );
    for to in ["resolved", "closed", "new", "waiting"] {
        assert_eq!(
            admin.post(&path, &[("to", to)]).await.status,
            StatusCode::CONFLICT,
            "waiting -> {to}"
        );
        assert_eq!(status_of(&app, id).await, "waiting");
    }
    assert_eq!(
        admin.post(&path, &[("to", "open")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        admin.post(&path, &[("to", "resolved")]).await.status,
        StatusCode::SEE_OTHER
    );
    for to in ["waiting", "new", "resolved"] {
        assert_eq!(
            admin.post(&path, &[("to", to)]).await.status,
            StatusCode::CONFLICT,
            "resolved -> {to}"
        );
    }
    assert_eq!(
        admin
            .post(&path, &[("to", "closed"), ("confirm", "1")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    for to in ["open", "waiting", "resolved", "new", "closed"] {
        assert_eq!(
            admin.post(&path, &[("to", to)]).await.status,
            StatusCode::CONFLICT,
            "closed -> {to}"
        );
        assert_eq!(status_of(&app, id).await, "closed");
    }
    // Nonsense is a 400, an unknown ticket a 404, and a director may read but not act.
    assert_eq!(
        admin.post(&path, &[("to", "deleted")]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        admin
            .post("/staff/tickets/999999/status", &[("to", "open")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/staff/tickets/999999").await.status,
        StatusCode::NOT_FOUND
    );
    let (director, _) = app.logged_in(Role::Director).await;
    assert_eq!(
        director.get(&format!("/staff/tickets/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        director.post(&path, &[("to", "open")]).await.status,
        StatusCode::FORBIDDEN
    );
    let (tech, _) = app.logged_in(Role::Technician).await;
    assert_eq!(
        tech.get(&format!("/staff/tickets/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_sla_clock_pauses_while_waiting_and_warns_an_hour_before_a_breach() {
    let (app, smtp) = app_with_mail().await;
    let c = fixtures::catalog(&app).await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567030").await;
    let r = file(&cust, sub, "slow", "Lambat sekali", &[]).await;
    let id = id_from(r.location.as_deref().unwrap());
    let filed = app.clock_now();
    // Normal priority: first response 4 h, resolution 72 h.
    admin
        .post(
            &format!("/staff/tickets/{id}/assign"),
            &[("assignee", &admin_id.to_string())],
        )
        .await;
    app.clock.advance(Duration::hours(1));
    admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[("body", "Kami cek."), ("then", "waiting")],
        )
        .await;
    // 10 hours waiting on the customer do not count.
    app.clock.advance(Duration::hours(10));
    let token = cust.csrf().await;
    post_multipart(
        &cust,
        &format!("/portal/tickets/{id}/reply"),
        multipart(&[
            Part::Text("_csrf", &token),
            Part::Text("body", "Masih lambat"),
        ]),
    )
    .await;
    let (due,): (chrono::DateTime<chrono::Utc>,) = app
        .db()
        .fetch_one(
            "SELECT resolution_due_at FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!(due, filed + Duration::hours(72 + 10));

    // The warning job: nothing yet; 30 minutes before the deadline, the assignee and admins
    // are told once; after the deadline the ticket shows as breached.
    setia::worker::schedule_recurring(app.db(), app.clock_now())
        .await
        .unwrap();
    run_jobs(&app).await;
    let count = |key: &'static str| {
        let db = app.db().clone();
        async move {
            let (n,): (i64,) = db
                .fetch_one(
                    "SELECT COUNT(*) FROM notifications WHERE message_key = $1",
                    setia::args![key],
                )
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(count("notice.due_soon").await, 0);
    app.clock
        .advance(due - Duration::minutes(30) - app.clock_now());
    run_jobs(&app).await;
    assert_eq!(count("notice.due_soon").await, 1);
    app.clock.advance(Duration::minutes(10));
    run_jobs(&app).await;
    assert_eq!(
        count("notice.due_soon").await,
        1,
        "warned once per deadline"
    );
    run_jobs(&app).await;
    assert!(smtp.messages().iter().any(|m| m
        .header("Subject")
        .unwrap_or_default()
        .contains("SLA hampir lewat")));
    admin.get("/staff").await;
    app.clock
        .advance(due + Duration::minutes(5) - app.clock_now());
    let list = admin.get("/staff/tickets?sla=breached").await;
    list.assert_contains("TKT-2026-000001")
        .assert_contains("terlambat");
    let home = admin.get("/staff").await;
    assert_eq!(
        testid_text(&home.body, "desk-breached").as_deref(),
        Some("1")
    );
    assert_eq!(
        testid_text(&home.body, "desk-unassigned").as_deref(),
        Some("0")
    );
}

#[tokio::test]
async fn a_customer_files_at_most_the_configured_number_per_hour() {
    let app = spawn_with(|c| c.tickets_per_hour = 2).await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567040").await;
    for i in 0..2 {
        assert_eq!(
            file(&cust, sub, "slow", &format!("laporan {i}"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
    let r = file(&cust, sub, "slow", "laporan ketiga jangan hilang", &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(testid_text(&r.body, "limit")
        .unwrap()
        .contains("satu jam terakhir"));
    r.assert_contains("laporan ketiga jangan hilang");
    app.clock.advance(Duration::minutes(61));
    assert_eq!(
        file(&cust, sub, "slow", "laporan ketiga", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    // Staff filing for the same customer is not limited.
    let (n,): (i64,) = app
        .db()
        .fetch_one("SELECT COUNT(*) FROM tickets", vec![])
        .await
        .unwrap();
    assert_eq!(n, 3);
}

#[tokio::test]
async fn search_finds_a_ticket_by_a_word_of_its_messages_its_number_or_the_phone() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567050").await;
    let a = id_from(
        file(
            &cust,
            sub,
            "intermittent",
            "Koneksi putus-putus tiap hujan deras",
            &[],
        )
        .await
        .location
        .as_deref()
        .unwrap(),
    );
    let b = id_from(
        file(
            &cust,
            sub,
            "billing",
            "Pertanyaan tentang tagihan bulan ini",
            &[],
        )
        .await
        .location
        .as_deref()
        .unwrap(),
    );
    admin
        .post(
            &format!("/staff/tickets/{b}/reply"),
            &[
                ("body", "Catatan: pelanggan minta dihubungi via WhatsApp"),
                ("kind", "note"),
            ],
        )
        .await;
    admin
        .get(&format!("/staff/tickets/{b}"))
        .await
        .assert_contains("Catatan internal disimpan di TKT-2026-000002");
    let find = |q: &'static str| {
        let admin = &admin;
        async move {
            admin
                .get(&format!("/staff/tickets?status=any&q={}", urlencoding(q)))
                .await
        }
    };
    let r = find("hujan").await;
    r.assert_contains("TKT-2026-000001");
    assert!(!r.body.contains("TKT-2026-000002"));
    // The default list (active tickets, by deadline) narrowed by the search.
    let r = admin.get("/staff/tickets?q=hujan").await;
    r.assert_contains("TKT-2026-000001");
    assert!(!r.body.contains("TKT-2026-000002"));
    let r = find("huj").await; // a prefix of a word
    r.assert_contains("TKT-2026-000001");
    let r = find("whatsapp").await; // a word of an internal note, for staff
    r.assert_contains("TKT-2026-000002");
    assert!(!r.body.contains("TKT-2026-000001"));
    find("tkt-2026-000002")
        .await
        .assert_contains(&format!("/staff/tickets/{b}\""));
    let r = find("0812 3456 7050").await;
    r.assert_contains("TKT-2026-000001")
        .assert_contains("TKT-2026-000002");
    let r = find("Wulandari").await; // the customer's name
    r.assert_contains("TKT-2026-000001");
    let r = find("tidakadakatainidimanapun").await;
    assert!(!r.body.contains("TKT-2026"));
    // Query syntax typed into the box is only words.
    assert_eq!(find("\"hujan* OR ( NEAR").await.status, StatusCode::OK);
    let _ = a;
}

/// Among all tickets, a word in at least a thousand messages is searched as typed, not as the
/// start of longer words, and the newest messages that have it are read inside the page's
/// statement, after the filters' own placeholders. Among the active tickets (their own index)
/// it is still the start of longer words.
#[tokio::test]
async fn a_common_word_is_searched_as_typed_among_its_newest_messages() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567060").await;
    // A thousand older messages with the word, of no ticket (keys 1..=1000 are ticket 0's).
    let (insert, doc) = app.db().backend().full_text_insert(store::EVERY_SEARCH, 1);
    app.db()
        .execute(
            &format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
                 {insert} SELECT i, {doc} FROM n"
            ),
            setia::args!["modem"],
        )
        .await
        .unwrap();
    file(&cust, sub, "other", "Modemnya rusak, lampu mati", &[]).await;
    file(
        &cust,
        sub,
        "no_connection",
        "Modem tidak menyala sejak pagi",
        &[],
    )
    .await;
    let r = admin.get("/staff/tickets?status=any&q=modem").await;
    r.assert_contains("TKT-2026-000002");
    assert!(
        !r.body.contains("TKT-2026-000001"),
        "only the word as typed"
    );
    admin
        .get("/staff/tickets?status=any&q=modemnya")
        .await
        .assert_contains("TKT-2026-000001");
    admin
        .get("/staff/tickets?q=modem")
        .await
        .assert_contains("TKT-2026-000001")
        .assert_contains("TKT-2026-000002");
    // With a filter bound before the words.
    let r = admin
        .get("/staff/tickets?status=any&category=no_connection&q=modem")
        .await;
    r.assert_contains("TKT-2026-000002");
    let r = admin
        .get("/staff/tickets?status=any&category=other&q=modem")
        .await;
    assert!(
        !r.body.contains("TKT-2026"),
        "the other category has only modemnya"
    );
}

/// The active tickets' own full-text index follows the ticket: a resolved ticket leaves the
/// default list's search (and stays found among all), and opened again it is found by every
/// message, those written while it was resolved and its customer's name included.
#[tokio::test]
async fn the_active_tickets_search_follows_the_status() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567070").await;
    let id = id_from(
        file(&cust, sub, "slow", "Streaming patah-patah tiap sore", &[])
            .await
            .location
            .as_deref()
            .unwrap(),
    );
    let active = |q: &'static str| {
        let admin = &admin;
        async move {
            let r = admin.get(&format!("/staff/tickets?q={q}")).await;
            r.body.contains("data-testid=\"row-TKT-2026-000001\"")
        }
    };
    let indexed = || async {
        app.db()
            .scalar::<i64>("SELECT COUNT(*) FROM active_ticket_search", setia::args![])
            .await
            .unwrap()
    };
    assert!(active("streaming").await);
    assert!(active("strea").await, "the start of a word");
    assert!(active("wulandari").await, "the customer's name");
    let status = format!("/staff/tickets/{id}/status");
    let reply = format!("/staff/tickets/{id}/reply");
    admin.post(&status, &[("to", "open")]).await;
    admin.post(&status, &[("to", "resolved")]).await;
    assert_eq!(status_of(&app, id).await, "resolved");
    assert!(!active("streaming").await);
    assert_eq!(indexed().await, 0);
    admin
        .get("/staff/tickets?status=any&q=streaming")
        .await
        .assert_contains("TKT-2026-000001");
    // A note written while resolved, then opened again.
    admin
        .post(
            &reply,
            &[("body", "Cek ulang kabel dropcore"), ("kind", "note")],
        )
        .await;
    assert!(!active("dropcore").await);
    admin.post(&status, &[("to", "open")]).await;
    assert_eq!(status_of(&app, id).await, "open");
    assert!(active("streaming").await);
    assert!(active("dropcore").await);
    assert!(active("wulandari").await);
    assert_eq!(indexed().await, 2);
    // A stray row under the next message's key: the reply's document replaces it, so its
    // words no longer find the ticket.
    let db = app.db();
    let (insert, doc) = db.backend().full_text_insert(store::ACTIVE_SEARCH, 2);
    db.execute(
        &format!("{insert} VALUES ($1, {doc})"),
        setia::args![store::search_key(id, 3), "tertinggal"],
    )
    .await
    .unwrap();
    let r = admin
        .post(&reply, &[("body", "ONT sudah diganti"), ("kind", "public")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(active("ont").await);
    assert!(!active("tertinggal").await);
    assert_eq!(indexed().await, 3);
}

/// Messages indexed before migration 0018 (one full-text row per message, keyed by the
/// message) are found after it, each ticket once, and a message added afterwards is found too;
/// migration 0019 indexes the active tickets' messages among their own.
#[tokio::test]
async fn messages_indexed_before_the_search_keys_changed_are_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(dir.path(), true).await;
    let db = Db::connect(&url).await.unwrap();
    db.migrate_through(17).await.unwrap();
    let now = chrono::Utc::now();
    let customer: i64 = db
        .insert_returning(
            "INSERT INTO customers (number, name, phone, address, status, referral_code, created_at, updated_at) \
             VALUES ('PLG-1', 'Sari Wulandari', '+6281234567001', 'Jl. Melati 1', 'active', 'REF1', $1, $1) RETURNING id",
            setia::args![now],
        )
        .await
        .unwrap();
    let mut tickets = Vec::new();
    for (number, texts) in [
        (
            "TKT-2026-000001",
            ["Internet mati sejak pagi", "Modem sudah dinyalakan ulang"],
        ),
        (
            "TKT-2026-000002",
            ["Koneksi lambat malam hari", "Masih lambat, modem panas"],
        ),
    ] {
        let ticket: i64 = db
            .insert_returning(
                "INSERT INTO tickets (number, customer_id, category, priority, status, channel, summary, created_at, updated_at) \
                 VALUES ($1, $2, 'slow', 'normal', 'open', 'web', $3, $4, $4) RETURNING id",
                setia::args![number, customer, texts[0], now],
            )
            .await
            .unwrap();
        for text in texts {
            let message: i64 = db
                .insert_returning(
                    "INSERT INTO ticket_messages (ticket_id, author_name, author_kind, body, created_at) \
                     VALUES ($1, 'Sari Wulandari', 'customer', $2, $3) RETURNING id",
                    setia::args![ticket, text, now],
                )
                .await
                .unwrap();
            let old_row = match db.backend() {
                Backend::Sqlite => "INSERT INTO ticket_search (rowid, doc, ticket_id) VALUES ($1, $2, $3)",
                Backend::Postgres => "INSERT INTO ticket_search (id, doc, ticket_id) VALUES ($1, to_tsvector('simple', $2), $3)",
            };
            db.execute(old_row, setia::args![message, text, ticket])
                .await
                .unwrap();
        }
        tickets.push(ticket);
    }
    db.migrate().await.unwrap();

    let found = |q: &'static str| {
        let db = db.clone();
        async move {
            let f = Filter {
                status: StatusFilter::Any,
                q: q.into(),
                ..Filter::default()
            };
            let (rows, _) = list::page(&db, &f, Sort::Newest, None, 25, now)
                .await
                .unwrap();
            rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("modem").await, [tickets[1], tickets[0]]);
    assert_eq!(found("lambat").await, [tickets[1]]);
    assert_eq!(found("pagi").await, [tickets[0]]);
    // Migration 0019 put the open tickets' messages in the active tickets' own index, the
    // opening ones with their ticket's number and customer.
    let active = |q: &'static str| {
        let db = db.clone();
        async move {
            let f = Filter {
                q: q.into(),
                ..Filter::default()
            };
            let (rows, _) = list::page(&db, &f, Sort::Newest, None, 25, now)
                .await
                .unwrap();
            rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(active("lamb").await, [tickets[1]]);
    assert_eq!(active("wulandari").await, [tickets[1], tickets[0]]);
    assert_eq!(active("TKT-2026-000001").await, [tickets[0]]);
    assert_eq!(active("panas").await, [tickets[1]]);
    // The first ticket's third message, added by this release.
    let mut tx = db.begin().await.unwrap();
    store::add_message(
        &mut tx,
        &store::NewMessage {
            ticket_id: tickets[0],
            author_id: None,
            author_name: "Admin",
            author_kind: "staff",
            internal: false,
            body: "Teknisi mengganti kabel yang putus",
        },
        "",
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(found("kabel").await, [tickets[0]]);
    assert_eq!(active("kabel").await, [tickets[0]]);
    assert_eq!(found("modem").await, [tickets[1], tickets[0]]);
    // Each message its own key: its ticket's, and its place in the thread.
    let key = match db.backend() {
        Backend::Sqlite => "rowid",
        Backend::Postgres => "id",
    };
    let keys: Vec<(i64,)> = db
        .fetch_all(
            &format!("SELECT {key} FROM ticket_search ORDER BY 1"),
            setia::args![],
        )
        .await
        .unwrap();
    let (a, b) = (
        tickets[0] * store::SEARCH_KEY_SPAN,
        tickets[1] * store::SEARCH_KEY_SPAN,
    );
    assert_eq!(
        keys.into_iter().map(|k| k.0).collect::<Vec<_>>(),
        [a + 1, a + 2, a + 3, b + 1, b + 2]
    );
    crate::common::drop_database(pg).await;
}

fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)])
        .unwrap()
        .trim_start_matches("q=")
        .to_string()
}

#[tokio::test]
async fn bad_input_gets_a_clear_answer_and_changes_nothing() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567060").await;
    // Empty, too long, no category, a disguised file: 422 keeping the text.
    let r = file(&cust, sub, "slow", "   ", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Tulis pesannya");
    let long = "a".repeat(50_000);
    let r = file(&cust, sub, "slow", &long, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("terlalu panjang");
    let r = file(&cust, sub, "", "tanpa kategori", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("tanpa kategori");
    let r = file(
        &cust,
        sub,
        "slow",
        "foto palsu",
        &[b"<?php echo 1; ?>".to_vec()],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("foto palsu");
    let r = file(&cust, 999_999, "slow", "langganan orang lain", &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (n,): (i64,) = app
        .db()
        .fetch_one("SELECT COUNT(*) FROM tickets", vec![])
        .await
        .unwrap();
    assert_eq!(n, 0);

    // HTML and script are shown as text, links are clickable.
    let r = file(
        &cust,
        sub,
        "other",
        "<script>alert('x')</script> lihat https://speedtest.net/result/1",
        &[],
    )
    .await;
    let id = id_from(r.location.as_deref().unwrap());
    for b in [&cust] {
        let page = b.get(&format!("/portal/tickets/{id}")).await;
        assert!(!page.body.contains("<script>alert"));
        page.assert_contains("&lt;script&gt;")
            .assert_contains("<a href=\"https://speedtest.net/result/1\"");
    }
    let page = admin.get(&format!("/staff/tickets/{id}")).await;
    assert!(!page.body.contains("<script>alert"));
    // Staff: empty reply 422 with nothing stored; an unknown assignee is refused.
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[("body", ""), ("kind", "public")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/assign"),
            &[("assignee", "424242")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (customer_user,): (i64,) = app
        .db()
        .fetch_one(
            "SELECT user_id FROM customers WHERE phone = '+6281234567060'",
            vec![],
        )
        .await
        .unwrap();
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/assign"),
            &[("assignee", &customer_user.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (msgs,): (i64,) = app
        .db()
        .fetch_one("SELECT COUNT(*) FROM ticket_messages", vec![])
        .await
        .unwrap();
    assert_eq!(msgs, 1);
    // Ids that are not numbers are 404s, not 500s.
    assert_eq!(
        cust.get("/portal/tickets/abc").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        cust.get("/portal/tickets/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn saved_replies_are_kept_by_admins_and_fill_the_reply_box() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567070").await;
    let id = id_from(
        file(&cust, sub, "slow", "Lambat", &[])
            .await
            .location
            .as_deref()
            .unwrap(),
    );
    // The ticket page has been shown (its saved replies kept by the instance) before any change.
    let page = admin.get(&format!("/staff/tickets/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("data-testid=\"saved-replies\""));
    let r = admin
        .post(
            "/staff/tickets/replies",
            &[
                ("title", "Restart modem"),
                ("body", "Mohon matikan modem 30 detik lalu nyalakan lagi."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post("/staff/tickets/replies", &[("title", ""), ("body", "x")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (rid,): (i64,) = app
        .db()
        .fetch_one("SELECT id FROM saved_replies", vec![])
        .await
        .unwrap();
    let page = admin.get(&format!("/staff/tickets/{id}")).await;
    page.assert_contains(&format!("name=\"insert\" value=\"{rid}\""));
    // Inserting keeps what was typed and sends nothing.
    let rid_s = rid.to_string();
    let page = admin
        .post(
            &format!("/staff/tickets/{id}/compose"),
            &[("body", "Halo Bu Sari,"), ("insert", &rid_s)],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(
        ">Halo Bu Sari,\n\nMohon matikan modem 30 detik lalu nyalakan lagi.</textarea>",
    );
    let (n,): (i64,) = app
        .db()
        .fetch_one("SELECT COUNT(*) FROM ticket_messages", vec![])
        .await
        .unwrap();
    assert_eq!(n, 1);
    let r = admin
        .post(
            &format!("/staff/tickets/replies/{rid}/edit"),
            &[("title", "Restart"), ("body", "Matikan modem.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    admin
        .get("/staff/tickets/replies")
        .await
        .assert_contains("Matikan modem.");
    admin
        .get(&format!("/staff/tickets/{id}"))
        .await
        .assert_contains(&format!(
            "value=\"{rid}\" formaction=\"/staff/tickets/{id}/compose\">Restart</button>"
        ));
    assert_eq!(
        admin
            .post(
                &format!("/staff/tickets/replies/{rid}/delete"),
                &[("confirm", "1")],
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = admin.get(&format!("/staff/tickets/{id}")).await;
    assert!(
        !page.body.contains("data-testid=\"saved-replies\""),
        "a deleted saved reply is still offered"
    );
    assert_eq!(
        admin
            .post(
                &format!("/staff/tickets/replies/{rid}/delete"),
                &[("confirm", "1")],
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let (director, _) = app.logged_in(Role::Director).await;
    assert_eq!(
        director.get("/staff/tickets/replies").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_clocks_count_business_hours_and_pause_while_waiting() {
    use chrono::TimeZone;
    let (app, _smtp) = app_with_mail().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567080").await;
    // 08:00–20:00 WIB, Monday to Saturday.
    let mut hours = vec![("enabled", "1"), ("start", "08:00"), ("end", "20:00")];
    for d in ["1", "2", "3", "4", "5", "6"] {
        hours.push(("day", d));
    }
    let r = admin.post("/staff/settings/sla/hours", &hours).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A time in WIB.
    let at = |month: u32, day: u32, h: u32, m: u32| {
        setia::types::wib()
            .with_ymd_and_hms(2026, month, day, h, m, 0)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let goto = |t: chrono::DateTime<chrono::Utc>| app.clock.advance(t - app.clock_now());

    // Saturday 28/11 19:30: a slow connection (normal: 4 h to answer, 72 h to resolve). Half an
    // hour counts on Saturday, Sunday not at all, the rest from Monday 08:00.
    goto(at(11, 28, 19, 30));
    let r = file(&cust, sub, "slow", "Lambat sejak sore", &[]).await;
    let id = id_from(r.location.as_deref().unwrap());
    let due = |col: &'static str| {
        let db = app.db().clone();
        async move {
            let (v,): (Option<chrono::DateTime<chrono::Utc>>,) = db
                .fetch_one(
                    &format!("SELECT {col} FROM tickets WHERE id = $1"),
                    setia::args![id],
                )
                .await
                .unwrap();
            v
        }
    };
    assert_eq!(due("first_response_due_at").await, Some(at(11, 30, 11, 30)));
    // 72 h: 0.5 on Saturday, 12 h on Monday to Friday (60), 11.5 h on the next Saturday.
    assert_eq!(due("resolution_due_at").await, Some(at(12, 5, 19, 30)));

    // Monday 30/11 10:00 the office asks the customer something: the clock stops with
    // 69.5 counted hours left; the customer answers Tuesday 09:00 and it runs again.
    goto(at(11, 30, 10, 0));
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[("body", "Pakai WiFi atau kabel?"), ("then", "waiting")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(due("due_at").await, None);
    let (left,): (Option<i64>,) = app
        .db()
        .fetch_one(
            "SELECT resolution_left_secs FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!(left, Some(69 * 3600 + 1800));
    admin
        .get(&format!("/staff/tickets/{id}"))
        .await
        .assert_contains("SLA berhenti");
    goto(at(12, 1, 9, 0));
    let token = cust.csrf().await;
    let r = post_multipart(
        &cust,
        &format!("/portal/tickets/{id}/reply"),
        multipart(&[
            Part::Text("_csrf", &token),
            Part::Text("body", "Pakai WiFi"),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Tuesday 11 h, Wednesday to Saturday 48 h, Monday 10.5 h: Monday 7/12 18:30.
    assert_eq!(due("resolution_due_at").await, Some(at(12, 7, 18, 30)));
    assert_eq!(due("due_at").await, Some(at(12, 7, 18, 30)));
}

#[tokio::test]
async fn review_fixes_priority_keeps_paused_time_and_lists_reach_every_ticket() {
    let (app, _smtp) = app_with_mail().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567090").await;
    let id = id_from(
        file(&cust, sub, "slow", "Lambat", &[])
            .await
            .location
            .as_deref()
            .unwrap(),
    );
    let filed = app.clock_now();
    // Waiting for five days, then back: the resolution deadline moved by those five days.
    app.clock.advance(Duration::hours(1));
    admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[("body", "Kapan lambatnya?"), ("then", "waiting")],
        )
        .await;
    app.clock.advance(Duration::days(5));
    let token = cust.csrf().await;
    post_multipart(
        &cust,
        &format!("/portal/tickets/{id}/reply"),
        multipart(&[
            Part::Text("_csrf", &token),
            Part::Text("body", "Malam hari"),
        ]),
    )
    .await;
    // Raising normal (72 h) to high (24 h) takes 48 h off that deadline, and keeps the pause.
    let r = admin
        .post(
            &format!("/staff/tickets/{id}/priority"),
            &[("priority", "high")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (due,): (chrono::DateTime<chrono::Utc>,) = app
        .db()
        .fetch_one(
            "SELECT resolution_due_at FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert_eq!(due, filed + Duration::days(5) + Duration::hours(24));
    assert!(!admin
        .get(&format!("/staff/tickets/{id}"))
        .await
        .body
        .contains("data-testid=\"breached\""));

    // A waiting ticket past its deadline stays breached.
    app.clock.advance(Duration::days(2));
    admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[("body", "Masih?"), ("then", "waiting")],
        )
        .await;
    let (breached,): (bool,) = app
        .db()
        .fetch_one(
            "SELECT resolution_breached FROM tickets WHERE id = $1",
            setia::args![id],
        )
        .await
        .unwrap();
    assert!(breached);

    // 50 running clocks fill the first page; the waiting ticket is on the next one.
    for i in 0..50 {
        let cid = {
            let (c,): (i64,) = app
                .db()
                .fetch_one(
                    "SELECT customer_id FROM tickets WHERE id = $1",
                    setia::args![id],
                )
                .await
                .unwrap();
            c.to_string()
        };
        let body = format!("telepon {i}");
        let r = admin
            .post(
                "/staff/tickets/new",
                &[
                    ("customer", &cid),
                    ("category", "other"),
                    ("channel", "phone"),
                    ("body", &body),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    let first = admin.get("/staff/tickets").await;
    assert!(!first.body.contains("TKT-2026-000001<"));
    let next = first
        .body
        .split("href=\"")
        .find(|h| h.contains("after="))
        .expect("a next link");
    let next = next.split('"').next().unwrap().replace("&#38;", "&");
    let page2 = admin.get(&next).await;
    assert!(
        page2.body.contains("TKT-2026-000001"),
        "{next}: {}",
        page2.body.split("<tbody>").nth(1).unwrap_or("")
    );
    // Its clock stopped, but the deadline it missed still marks its row.
    page2.assert_contains(r#"<tr data-testid="row-TKT-2026-000001" class="breached">"#);

    // A crafted area for a new caller is a field error, not a 500.
    let r = admin
        .post(
            "/staff/tickets/new",
            &[
                ("phone", "085700000001"),
                ("name", "Baru"),
                ("area", "999999"),
                ("category", "other"),
                ("channel", "phone"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Pilih area dari daftar");

    // A reply to a ticket someone else just closed keeps what was typed.
    let (other, _) = app.logged_in(Role::Admin).await;
    let t2 = id_from(
        file(&cust, sub, "other", "Pertanyaan", &[])
            .await
            .location
            .as_deref()
            .unwrap(),
    );
    other
        .post(
            &format!("/staff/tickets/{t2}/reply"),
            &[("body", "Sudah dijawab"), ("then", "resolved")],
        )
        .await;
    other
        .post(
            &format!("/staff/tickets/{t2}/status"),
            &[("to", "closed"), ("confirm", "1")],
        )
        .await;
    let r = admin
        .post(
            &format!("/staff/tickets/{t2}/reply"),
            &[("body", "Balasan panjang yang tidak boleh hilang")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Balasan panjang yang tidak boleh hilang");
}

#[tokio::test]
async fn a_new_complaint_tells_every_admin_once_by_bell_and_mail() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, first) = app.logged_in(Role::Admin).await;
    let (_, second) = app.logged_in(Role::Admin).await;
    let (cust, _, sub) = customer(&app, &c, &admin, "081234567051").await;
    file(&cust, sub, "no_connection", "Internet mati sejak pagi", &[]).await;
    let bells: Vec<(i64,)> = app
        .db()
        .fetch_all(
            "SELECT user_id FROM notifications WHERE message_key = 'notice.new' ORDER BY user_id",
            vec![],
        )
        .await
        .unwrap();
    let mut admins = vec![first, second];
    admins.sort();
    assert_eq!(bells.into_iter().map(|b| b.0).collect::<Vec<_>>(), admins);
    // One mail per admin and one to the customer, each with exactly one delivery job.
    let (mails, delivered): (i64, i64) = app
        .db()
        .fetch_one(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN (SELECT COUNT(*) FROM jobs j \
             WHERE j.kind = 'mail.deliver' AND j.payload = '{\"outbox_id\":' || o.id || '}') = 1 \
             THEN 1 ELSE 0 END), 0) FROM mail_outbox o WHERE o.subject LIKE '%TKT-2026-000001%'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!((mails, delivered), (3, 3));
}
