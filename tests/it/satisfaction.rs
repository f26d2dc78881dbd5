//! Satisfaction ratings: the signed link (valid, reused, expired, forged), the portal form, bad
//! input, the low-ratings list with its follow-up, and the link's rate limit.

use chrono::Duration;
use reqwest::StatusCode;
use setia::args;
use setia::auth::Role;
use setia::config::RateLimit;
use setia::satisfaction::link;
use setia::satisfaction::model::SubjectKind;

use crate::common::{spawn, spawn_with, testid_text, Browser, Resp, TestApp};
use crate::fixtures::{catalog, sign_up, Catalog};

/// A customer with a ticket in `status`, handled by a staff member: the customer's browser
/// (logged in), the customer's id, the ticket's id and the assignee's id.
///
/// Tickets are filed through their own flow elsewhere; here the row is written directly so the
/// rating tests need nothing else. Swap it for the real flow when that exists.
struct Fixture {
    customer: Browser,
    customer_id: i64,
    ticket_id: i64,
    number: String,
    assignee_id: i64,
}

async fn ticket(app: &TestApp, c: &Catalog, n: u32, status: &str) -> Fixture {
    let phone = format!("0812{:08}", 10_000_000 + n);
    let (customer, reg) = sign_up(app, c, &format!("Pelanggan {n}"), &phone, "").await;
    let customer_id: i64 = app
        .db()
        .scalar(
            "SELECT customer_id FROM registrations WHERE id = $1",
            args![reg],
        )
        .await
        .unwrap();
    let assignee_id = app
        .create_user(Role::Admin, &format!("sari{n}@test.id"))
        .await;
    let now = app.clock_now();
    let number = format!("TKT-2026-{:06}", 100 + n);
    let resolved_at = (status == "resolved" || status == "closed").then_some(now);
    let ticket_id: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO tickets (number, customer_id, area_id, category, priority, status, channel, summary, \
             assignee_id, created_at, updated_at, resolved_at) \
             VALUES ($1, $2, $3, 'slow', 'normal', $4, 'web', 'Internet lambat sejak kemarin', $5, $6, $6, $7) RETURNING id",
            args![&number, customer_id, c.area, status, assignee_id, now - Duration::days(1), resolved_at],
        )
        .await
        .unwrap();
    Fixture {
        customer,
        customer_id,
        ticket_id,
        number,
        assignee_id,
    }
}

/// The path of a fresh rating link for ticket `id` (valid 14 days from the test clock).
fn rate_path(app: &TestApp, id: i64) -> String {
    let url = link::rating_url(&app.state.links(), SubjectKind::Ticket, id, app.clock_now());
    let at = url.find("/rate/").expect("a /rate/ link");
    url[at..].to_string()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().scalar(sql, vec![]).await.unwrap()
}

async fn ratings(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM ratings").await
}

#[derive(Debug, sqlx::FromRow, setia::db::LiteRow)]
struct Stored {
    stars: i64,
    comment: String,
    customer_id: i64,
    category: Option<String>,
    staff_id: Option<i64>,
    area_id: Option<i64>,
    via: String,
    created_at: chrono::DateTime<chrono::Utc>,
}

async fn stored(app: &TestApp, ticket_id: i64) -> Stored {
    app.db()
        .fetch_one(
            "SELECT stars, comment, customer_id, category, staff_id, area_id, via, created_at FROM ratings \
             WHERE subject_kind = 'ticket' AND subject_id = $1",
            args![ticket_id],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_rating_link_stores_one_rating_with_the_ticket_facts_and_refuses_a_second() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "resolved").await;
    let path = rate_path(&app, t.ticket_id);
    let visitor = app.browser();

    let r = visitor.get(&path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Seberapa puas Anda?")
        .assert_contains("name=\"stars\" value=\"5\"");
    assert_eq!(
        testid_text(&r.body, "rating-number").as_deref(),
        Some(t.number.as_str())
    );
    assert_eq!(
        r.headers.get("cache-control").unwrap(),
        "no-store",
        "the page names a ticket"
    );

    let r = visitor
        .post(&path, &[("stars", "4"), ("comment", "Teknisi ramah")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(testid_text(&r.body, "rating-thanks")
        .unwrap()
        .contains(&t.number));
    r.assert_contains("★★★★☆ 4/5");
    let s = stored(&app, t.ticket_id).await;
    assert_eq!(s.stars, 4);
    assert_eq!(s.comment, "Teknisi ramah");
    assert_eq!(s.customer_id, t.customer_id);
    assert_eq!(s.category.as_deref(), Some("slow"));
    assert_eq!(s.staff_id, Some(t.assignee_id));
    assert_eq!(s.area_id, Some(c.area));
    assert_eq!(s.via, "link");
    assert_eq!(s.created_at, app.clock_now());
    let audit = app.audit_actions().await;
    let (_, _, actor) = audit
        .iter()
        .find(|(a, _, _)| a == "rating.create")
        .expect("audited");
    assert_eq!(actor, "Pelanggan 1", "a link rating is the customer's");
    let (admin, _) = app.logged_in(Role::Admin).await;
    let page = admin
        .get(&format!("/staff/customers/{}", t.customer_id))
        .await;
    page.assert_contains(&format!(
        "Pelanggan 1 memberi nilai 4/5 untuk <a href=\"/staff/tickets/{}\">{}</a>",
        t.ticket_id, t.number
    ));

    // The same link again: a polite page, and a second post changes nothing.
    let r = visitor.get(&path).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        testid_text(&r.body, "rating-already").is_some(),
        "{}",
        r.body
    );
    assert!(!r.body.contains("name=\"stars\""), "no form any more");
    let again = rate_path(&app, t.ticket_id);
    let r = app
        .browser()
        .post(&again, &[("stars", "1"), ("comment", "ganti")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("Tiket ini sudah dinilai");
    assert_eq!(ratings(&app).await, 1);
    assert_eq!(stored(&app, t.ticket_id).await.stars, 4);
    let creates = app
        .audit_actions()
        .await
        .iter()
        .filter(|(a, _, _)| a == "rating.create")
        .count();
    assert_eq!(creates, 1);
}

#[tokio::test]
async fn the_rating_page_speaks_the_visitors_language() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "resolved").await;
    let path = rate_path(&app, t.ticket_id);
    let b = app.browser();
    let r = b.post("/lang", &[("lang", "en"), ("back", &path)]).await;
    assert_eq!(r.location.as_deref(), Some(path.as_str()));
    let r = b.get(&path).await;
    r.assert_contains("How satisfied are you?")
        .assert_contains("Very satisfied");
    let r = b.post(&path, &[("stars", "2")]).await;
    r.assert_contains("Thank you!")
        .assert_contains("Our staff will contact you");
}

#[tokio::test]
async fn expired_and_forged_links_get_a_clear_4xx_and_change_nothing() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "resolved").await;
    let other = ticket(&app, &c, 2, "resolved").await;
    let path = rate_path(&app, t.ticket_id);
    let b = app.browser();

    // Forged: one character of the signature changed, another ticket's id, garbage, and a
    // properly signed link to a ticket that does not exist.
    let last = path.chars().last().unwrap();
    let tampered = format!(
        "{}{}",
        &path[..path.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let wrong_id = path.replacen(
        &format!("/rate/ticket.{}.", t.ticket_id),
        &format!("/rate/ticket.{}.", other.ticket_id),
        1,
    );
    assert_ne!(wrong_id, path);
    let forged = [
        tampered,
        wrong_id,
        "/rate/garbage".to_string(),
        "/rate/ticket.1.1.00".to_string(),
        rate_path(&app, 999_999),
    ];
    for p in &forged {
        let r = b.get(p).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "GET {p}");
        r.assert_contains("Tautan penilaian ini tidak valid");
        let r = b.post(p, &[("stars", "5")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "POST {p}");
    }

    // Expired after 14 days.
    app.clock.advance(Duration::days(15));
    let r = b.get(&path).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(testid_text(&r.body, "rating-expired")
        .unwrap()
        .contains("kedaluwarsa"));
    r.assert_contains("href=\"/portal/tickets\"");
    let r = b.post(&path, &[("stars", "5")]).await;
    assert_eq!(r.status, StatusCode::GONE);

    assert_eq!(ratings(&app).await, 0);
    assert!(!app
        .audit_actions()
        .await
        .iter()
        .any(|(a, _, _)| a.starts_with("rating.")));
}

#[tokio::test]
async fn a_ticket_that_is_not_resolved_cannot_be_rated() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "open").await;
    let path = rate_path(&app, t.ticket_id);
    let b = app.browser();
    let r = b.get(&path).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(testid_text(&r.body, "rating-not-rateable").is_some());
    let r = b.post(&path, &[("stars", "5")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = t
        .customer
        .post(
            &format!("/portal/tickets/{}/rate", t.ticket_id),
            &[("stars", "5")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("belum bisa dinilai");
    assert_eq!(ratings(&app).await, 0);

    // A closed ticket may still be rated.
    let closed = ticket(&app, &c, 2, "closed").await;
    let r = b
        .post(&rate_path(&app, closed.ticket_id), &[("stars", "3")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(ratings(&app).await, 1);
}

#[tokio::test]
async fn the_owner_rates_in_the_portal_and_nobody_else_can() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "resolved").await;
    let other = ticket(&app, &c, 2, "resolved").await;
    let path = format!("/portal/tickets/{}/rate", t.ticket_id);

    // Another customer: 404, whatever they send.
    for fields in [&[("stars", "1")][..], &[("stars", "x")][..]] {
        let r = other.customer.post(&path, fields).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(!r.body.contains(&t.number));
    }
    let r = other
        .customer
        .post("/portal/tickets/999999/rate", &[("stars", "1")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Staff have no portal.
    let (admin, _) = app.logged_in(Role::Admin).await;
    assert_eq!(
        admin.post(&path, &[("stars", "1")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(ratings(&app).await, 0);

    let r = t
        .customer
        .post(&path, &[("stars", "5"), ("comment", "Cepat sekali")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = format!("/portal/tickets/{}", t.ticket_id);
    assert_eq!(r.location.as_deref(), Some(back.as_str()));
    assert!(flash(&r).contains("flash.rating_thanks"));
    let s = stored(&app, t.ticket_id).await;
    assert_eq!((s.stars, s.via.as_str()), (5, "portal"));
    assert_eq!(s.comment, "Cepat sekali");

    // A second time: refused politely, nothing changes.
    let r = t.customer.post(&path, &[("stars", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(flash(&r).contains("flash.rating_already"));
    assert_eq!(ratings(&app).await, 1);
    assert_eq!(stored(&app, t.ticket_id).await.stars, 5);
    // And the link says so too.
    let r = app.browser().get(&rate_path(&app, t.ticket_id)).await;
    assert!(testid_text(&r.body, "rating-already").is_some());
}

fn flash(r: &Resp) -> String {
    r.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn stars_out_of_range_get_422_keeping_the_comment() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "resolved").await;
    let path = rate_path(&app, t.ticket_id);
    let b = app.browser();
    for stars in ["0", "6", "x", "", "3.5", "-1"] {
        let r = b
            .post(&path, &[("stars", stars), ("comment", "Masih lambat <b>")])
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "stars {stars:?}"
        );
        r.assert_contains("Masih lambat &#60;b&#62;</textarea>");
        assert!(testid_text(&r.body, "stars-error").is_some(), "{stars:?}");
    }
    let r = b.post(&path, &[("comment", "tanpa bintang")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Pilih jumlah bintang");
    let long = "a".repeat(1001);
    let r = b.post(&path, &[("stars", "3"), ("comment", &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Komentar terlalu panjang");
    // The same rules in the portal.
    let r = t
        .customer
        .post(
            &format!("/portal/tickets/{}/rate", t.ticket_id),
            &[("stars", "9"), ("comment", "dari portal")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("dari portal</textarea>")
        .assert_contains("Nilai harus 1 sampai 5 bintang");
    assert_eq!(ratings(&app).await, 0);
}

#[tokio::test]
async fn html_in_a_comment_is_stored_as_typed_and_shown_escaped() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "resolved").await;
    let evil = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let r = app
        .browser()
        .post(
            &rate_path(&app, t.ticket_id),
            &[("stars", "1"), ("comment", evil)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(stored(&app, t.ticket_id).await.comment, evil);
    let (admin, _) = app.logged_in(Role::Admin).await;
    let page = admin.get("/staff/ratings").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("&#60;script&#62;alert(");
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("<img src=x"));
}

#[tokio::test]
async fn low_ratings_are_listed_to_call_back_and_the_follow_up_is_audited() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let mut tickets = Vec::new();
    for (n, stars) in [(1, "1"), (2, "2"), (3, "4")] {
        let t = ticket(&app, &c, n, "resolved").await;
        let r = app
            .browser()
            .post(
                &rate_path(&app, t.ticket_id),
                &[("stars", stars), ("comment", &format!("komentar {n}"))],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        tickets.push(t);
    }
    let db = app.db();
    let id_of = |t: &Fixture| {
        let t = t.ticket_id;
        async move {
            db.scalar::<i64>("SELECT id FROM ratings WHERE subject_id = $1", args![t])
                .await
                .unwrap()
        }
    };
    let (one, two, four) = (
        id_of(&tickets[0]).await,
        id_of(&tickets[1]).await,
        id_of(&tickets[2]).await,
    );

    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let page = admin.get("/staff/ratings").await;
    assert_eq!(page.status, StatusCode::OK);
    for t in &tickets[..2] {
        page.assert_contains(&format!(
            "href=\"/staff/tickets/{}\">{}</a>",
            t.ticket_id, t.number
        ));
    }
    assert!(
        !page.body.contains(&tickets[2].number),
        "4 stars is not low"
    );
    page.assert_contains("href=\"tel:+62812")
        .assert_contains("komentar 1")
        .assert_contains("admin sari1")
        .assert_contains(&format!("action=\"/staff/ratings/{one}/follow-up\""));
    // The director reads the list but does not mark calls.
    let (director, _) = app.logged_in(Role::Director).await;
    let page = director.get("/staff/ratings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&tickets[0].number));
    assert!(!page.body.contains("/follow-up\""));
    assert_eq!(
        director
            .post(&format!("/staff/ratings/{one}/follow-up"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let r = admin
        .post(
            &format!("/staff/ratings/{one}/follow-up"),
            &[("note", "Sudah ditelepon, router diganti")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(flash(&r).contains("flash.rating_followed_up"));
    let (by, note): (Option<i64>, String) = app
        .db()
        .fetch_one(
            "SELECT followed_up_by, follow_up_note FROM ratings WHERE id = $1",
            args![one],
        )
        .await
        .unwrap();
    assert_eq!(by, Some(admin_id));
    assert_eq!(note, "Sudah ditelepon, router diganti");
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|(a, id, _)| a == "rating.follow_up" && id.as_deref() == Some(&one.to_string())));

    // The message names the complaint; then it is off the call-back list, on the "done" one.
    let said = admin.get("/staff/ratings").await;
    let shown = said.body.split("class=\"flash\"").nth(1).unwrap_or("");
    assert!(
        shown.contains(&format!(
            "untuk {} ditandai sudah dihubungi.",
            tickets[0].number
        )),
        "{shown}"
    );
    let todo = admin.get("/staff/ratings").await;
    assert!(!todo.body.contains(&tickets[0].number));
    assert!(todo.body.contains(&tickets[1].number));
    let done = admin.get("/staff/ratings?show=done").await;
    assert!(done.body.contains(&tickets[0].number));
    assert!(!done.body.contains(&tickets[1].number));
    done.assert_contains("Sudah ditelepon, router diganti");
    let all = admin.get("/staff/ratings?show=all").await;
    assert!(all.body.contains(&tickets[0].number) && all.body.contains(&tickets[1].number));

    // Twice, or on a rating that is not low, or unknown: nothing more happens.
    let r = admin
        .post(
            &format!("/staff/ratings/{one}/follow-up"),
            &[("note", "lagi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(flash(&r).contains("flash.rating_already_followed_up"));
    for id in [four, 999_999] {
        let r = admin
            .post(&format!("/staff/ratings/{id}/follow-up"), &[])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "rating {id}");
    }
    let long = "a".repeat(1001);
    let r = admin
        .post(
            &format!("/staff/ratings/{two}/follow-up"),
            &[("note", &long)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let follow_ups = app
        .audit_actions()
        .await
        .iter()
        .filter(|(a, _, _)| a == "rating.follow_up")
        .count();
    assert_eq!(follow_ups, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM ratings WHERE followed_up_at IS NOT NULL"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_low_ratings_list_pages_by_keyset() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "resolved").await;
    let now = app.clock_now();
    // 55 low ratings (of made-up subjects), two of them at the same moment.
    for i in 0..55i64 {
        let at = now - Duration::minutes(if i == 54 { 53 } else { i });
        app.db()
            .execute(
                "INSERT INTO ratings (subject_kind, subject_id, customer_id, stars, comment, via, created_at) \
                 VALUES ('ticket', $1, $2, 1, $3, 'link', $4)",
                args![100_000 + i, t.customer_id, format!("catatan-{i:02}."), at],
            )
            .await
            .unwrap();
    }
    let (admin, _) = app.logged_in(Role::Admin).await;
    let first = admin.get("/staff/ratings").await;
    let seen = |body: &str| -> Vec<i64> {
        (0..55)
            .filter(|i| body.contains(&format!("catatan-{i:02}.")))
            .collect()
    };
    let page1 = seen(&first.body);
    assert_eq!(page1.len(), 50);
    assert!(page1.contains(&0), "newest first");
    let marker = "before=";
    let at = first.body.find(marker).expect("a next link") + marker.len();
    let cursor: String = first.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let second = admin.get(&format!("/staff/ratings?before={cursor}")).await;
    assert_eq!(second.status, StatusCode::OK);
    let page2 = seen(&second.body);
    assert_eq!(page2.len(), 5, "{page2:?}");
    assert!(page1.iter().all(|i| !page2.contains(i)), "no overlap");
    assert!(!second.body.contains(marker), "the last page");
}

#[tokio::test]
async fn rating_link_posts_are_rate_limited_per_address() {
    let app = spawn_with(|c| {
        c.rate_limits.rating = RateLimit {
            per_minute: 1,
            burst: 3,
        };
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let c = catalog(&app).await;
    let t = ticket(&app, &c, 1, "resolved").await;
    let path = rate_path(&app, t.ticket_id);
    let b = app.browser();
    let post_from = |ip: &'static str, stars: &'static str| {
        let (b, path) = (&b, &path);
        async move {
            let token = b.csrf().await;
            Browser::read(
                b.client
                    .post(b.url(path))
                    .header("x-forwarded-for", ip)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(
                        serde_urlencoded::to_string([("_csrf", token.as_str()), ("stars", stars)])
                            .unwrap(),
                    )
                    .send()
                    .await
                    .unwrap(),
            )
            .await
        }
    };
    for _ in 0..3 {
        assert_eq!(
            post_from("203.0.113.9", "9").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let r = post_from("203.0.113.9", "5").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get("retry-after").is_some());
    r.assert_contains("Terlalu banyak permintaan dari alamat Anda");
    assert_eq!(ratings(&app).await, 0, "refused before the handler");
    // Page views are not limited; other addresses have their own budget.
    assert_eq!(b.get(&path).await.status, StatusCode::OK);
    assert_eq!(post_from("203.0.113.10", "5").await.status, StatusCode::OK);
    assert_eq!(ratings(&app).await, 1);
}
