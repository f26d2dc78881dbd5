//! NPS surveys: who a segment reaches (area, package, tenure), the 90-day rule, one mail per
//! customer with a working signed link, answering through the link and the portal (once),
//! bad input, the survey page's figures worked out by hand, the confirmation, and who may do it.

use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use setia::args;
use setia::auth::Role;
use setia::catalog::store as catalog_store;

use crate::common::{spawn, testid_text, Browser, Resp, TestApp};
use crate::fixtures::{catalog, sign_up, Catalog};

/// Today in WIB on the test clock.
fn today(app: &TestApp) -> NaiveDate {
    setia::types::wib_date(app.clock_now())
}

/// A customer with one subscription started on `started` (ended on `ended`), written directly so
/// that tenure can be built by hand. `email` empty: none. Returns the customer's id.
#[allow(clippy::too_many_arguments)]
async fn customer(
    app: &TestApp,
    n: u32,
    email: &str,
    area: i64,
    package: i64,
    started: Option<NaiveDate>,
    ended: Option<NaiveDate>,
) -> i64 {
    let now = app.clock_now();
    let email = (!email.is_empty()).then_some(email);
    let status = match (started, ended) {
        (None, _) => "prospect",
        (_, Some(_)) => "terminated",
        _ => "active",
    };
    let id: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO customers (number, name, phone, email, address, area_id, status, referral_code, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'Jl. Melati 1', $5, $6, $7, $8, $8) RETURNING id",
            args![format!("PLG-T-{n:04}"), format!("Pelanggan {n}"), format!("+62812000{n:05}"), email, area, status, format!("REF{n:05}"), now],
        )
        .await
        .unwrap();
    let sub_status = match (started, ended) {
        (None, _) => "pending",
        (_, Some(_)) => "terminated",
        _ => "active",
    };
    app.db()
        .execute(
            "INSERT INTO subscriptions (customer_id, package_id, address, area_id, status, started_on, ended_on, created_at, updated_at) \
             VALUES ($1, $2, 'Jl. Melati 1', $3, $4, $5, $6, $7, $7)",
            args![id, package, area, sub_status, started, ended, now],
        )
        .await
        .unwrap();
    id
}

fn months_ago(app: &TestApp, m: u32) -> Option<NaiveDate> {
    today(app).checked_sub_months(chrono::Months::new(m))
}

/// Previews then confirms a survey of the segment; the confirmed answer.
async fn start(admin: &Browser, fields: &[(&str, &str)]) -> Resp {
    let preview = admin.post("/staff/surveys", fields).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm", "1"));
    admin.post("/staff/surveys", &confirmed).await
}

/// The survey id a confirmed start redirected to.
fn survey_of(r: &Resp) -> i64 {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location
        .as_deref()
        .and_then(|l| l.strip_prefix("/staff/surveys/"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("to a survey: {:?}", r.location))
}

/// The customers asked by survey `id`, with the area and package copied onto each request.
async fn asked(app: &TestApp, survey: i64) -> Vec<(i64, Option<i64>, Option<i64>)> {
    app.db()
        .fetch_all(
            "SELECT customer_id, area_id, package_id FROM nps_requests WHERE survey_id = $1 ORDER BY customer_id",
            args![survey],
        )
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str, a: Vec<setia::db::Arg>) -> i64 {
    app.db().scalar(sql, a).await.unwrap()
}

/// The survey links mailed for survey `id`: (to, path of the link).
async fn mailed_links(app: &TestApp, survey: i64) -> Vec<(String, String)> {
    let rows: Vec<(String, String)> = app
        .db()
        .fetch_all("SELECT to_addr, body FROM mail_outbox ORDER BY id", vec![])
        .await
        .unwrap();
    let mut out = Vec::new();
    for (to, body) in rows {
        let Some(at) = body.find("/nps/") else {
            continue;
        };
        let path: String = body[at..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        let token = path.trim_start_matches("/nps/");
        let id = setia::nps::link::verify(&app.state.secret, token, app.clock_now()).unwrap();
        let of: i64 = count(
            app,
            "SELECT survey_id FROM nps_requests WHERE id = $1",
            args![id],
        )
        .await;
        if of == survey {
            out.push((to, path));
        }
    }
    out
}

struct World {
    c: Catalog,
    area2: i64,
    /// area 1, package 1, 24 months, email
    a1: i64,
    /// area 1, other package, 1 month, no email
    a2: i64,
    /// area 2, package 1, 13 months, email
    b1: i64,
    /// area 2, other package, 11 months, email
    b2: i64,
    /// area 2, other package, exactly 12 months, email
    b3: i64,
}

async fn world(app: &TestApp) -> World {
    let c = catalog(app).await;
    let area2 = catalog_store::create_area(app.db(), "Citeureup", "Cimahi", true, app.clock_now())
        .await
        .unwrap();
    let a1 = customer(
        app,
        1,
        "a1@test.id",
        c.area,
        c.package,
        months_ago(app, 24),
        None,
    )
    .await;
    let a2 = customer(
        app,
        2,
        "",
        c.area,
        c.other_package,
        months_ago(app, 1),
        None,
    )
    .await;
    let b1 = customer(
        app,
        3,
        "b1@test.id",
        area2,
        c.package,
        months_ago(app, 13),
        None,
    )
    .await;
    let b2 = customer(
        app,
        4,
        "b2@test.id",
        area2,
        c.other_package,
        months_ago(app, 11),
        None,
    )
    .await;
    let b3 = customer(
        app,
        5,
        "b3@test.id",
        area2,
        c.other_package,
        months_ago(app, 12),
        None,
    )
    .await;
    // Never asked: terminated 10 days ago, and a prospect whose line is not installed.
    customer(
        app,
        6,
        "t@test.id",
        area2,
        c.other_package,
        months_ago(app, 20),
        Some(today(app) - Duration::days(10)),
    )
    .await;
    customer(app, 7, "p@test.id", c.area, c.package, None, None).await;
    World {
        c,
        area2,
        a1,
        a2,
        b1,
        b2,
        b3,
    }
}

#[tokio::test]
async fn segments_pick_active_customers_by_area_package_and_tenure() {
    let app = spawn().await;
    let w = world(&app).await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let area = w.c.area.to_string();
    let package = w.c.package.to_string();

    // One area: a1 and a2 (the terminated and the prospect are not active customers).
    let preview = admin
        .post("/staff/surveys", &[("segment", "area"), ("area", &area)])
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    preview
        .assert_contains("Kirim survei NPS ke 2 pelanggan?")
        .assert_contains("Area Cibabat")
        .assert_contains("data-testid=\"confirm-yes\"");
    let s1 = survey_of(&start(&admin, &[("segment", "area"), ("area", &area)]).await);
    assert_eq!(
        asked(&app, s1).await,
        vec![
            (w.a1, Some(w.c.area), Some(w.c.package)),
            (w.a2, Some(w.c.area), Some(w.c.other_package)),
        ]
    );
    let (segment, area_id, created_by): (String, Option<i64>, Option<i64>) = app
        .db()
        .fetch_one(
            "SELECT segment, area_id, created_by FROM nps_surveys WHERE id = $1",
            args![s1],
        )
        .await
        .unwrap();
    assert_eq!(
        (segment.as_str(), area_id, created_by),
        ("area", Some(w.c.area), Some(admin_id))
    );
    // One mail for a1 (a2 has no email and sees the question in the portal).
    let links = mailed_links(&app, s1).await;
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].0, "a1@test.id");

    // One package: a1 and b1 are on it; a1 was asked today, so only b1.
    let preview = admin
        .post(
            "/staff/surveys",
            &[("segment", "package"), ("package", &package)],
        )
        .await;
    preview.assert_contains("Kirim survei NPS ke 1 pelanggan?");
    assert!(testid_text(&preview.body, "confirm").is_some());
    let s2 = survey_of(&start(&admin, &[("segment", "package"), ("package", &package)]).await);
    assert_eq!(
        asked(&app, s2).await,
        vec![(w.b1, Some(w.area2), Some(w.c.package))]
    );

    // At least 12 months: a1 (24) and b1 (13) asked already, b3 (exactly 12) is in, b2 (11) out.
    let s3 = survey_of(&start(&admin, &[("segment", "tenure"), ("months", "12")]).await);
    assert_eq!(
        asked(&app, s3).await,
        vec![(w.b3, Some(w.area2), Some(w.c.other_package))]
    );

    // Everyone active: only b2 is left.
    let s4 = survey_of(&start(&admin, &[("segment", "all")]).await);
    assert_eq!(
        asked(&app, s4).await,
        vec![(w.b2, Some(w.area2), Some(w.c.other_package))]
    );

    // Nobody left: refused with the reason, nothing written.
    let r = admin.post("/staff/surveys", &[("segment", "all")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Tidak ada pelanggan yang bisa ditanya");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM nps_surveys", vec![]).await,
        4
    );

    // Each start is audited; every mail has its delivery job.
    let starts = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|(a, ..)| a == "nps.start")
        .count();
    assert_eq!(starts, 4);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox", vec![]).await,
        4
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'mail.deliver'",
            vec![]
        )
        .await,
        4
    );

    // The list shows the four, with their segments in words.
    let list = admin.get("/staff/surveys").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains("Area Cibabat")
        .assert_contains("Paket Rumah 20")
        .assert_contains("Pelanggan ≥ 12 bulan")
        .assert_contains("Semua pelanggan aktif");
}

#[tokio::test]
async fn bad_segments_are_refused_with_the_values_kept() {
    let app = spawn().await;
    let _w = world(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    for (fields, message) in [
        (
            vec![("segment", "tenure"), ("months", "abc")],
            "Jumlah bulan harus bilangan bulat",
        ),
        (
            vec![("segment", "tenure"), ("months", "")],
            "Isi jumlah bulan",
        ),
        (vec![("segment", "area"), ("area", "")], "Pilih area."),
        (
            vec![("segment", "area"), ("area", "999")],
            "Area ini tidak ada.",
        ),
        (
            vec![("segment", "package"), ("package", "999")],
            "Paket ini tidak ada.",
        ),
        (vec![("segment", "nobody")], "Pilih segmen."),
    ] {
        let r = admin.post("/staff/surveys", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        r.assert_contains(message);
    }
    let r = admin
        .post(
            "/staff/surveys",
            &[("segment", "tenure"), ("months", "abc")],
        )
        .await;
    r.assert_contains("name=\"months\" type=\"text\" inputmode=\"numeric\" value=\"abc\"");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM nps_surveys", vec![]).await,
        0
    );
}

#[tokio::test]
async fn starting_needs_the_confirmation_and_admins() {
    let app = spawn().await;
    let _w = world(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    // Without the confirmation: the reach, and nothing changes.
    let r = admin.post("/staff/surveys", &[("segment", "all")]).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Kirim survei NPS ke 5 pelanggan?")
        .assert_contains("name=\"confirm\" value=\"1\"")
        .assert_contains("name=\"segment\" value=\"all\"");
    // 5 active, 4 with email, 1 only in the portal.
    assert!(
        r.body.contains("<dt>Lewat email</dt><dd>4</dd>"),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains("<dt>Hanya di portal (tanpa email)</dt><dd>1</dd>"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM nps_surveys", vec![]).await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM nps_requests", vec![]).await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox", vec![]).await,
        0
    );

    // The director sees the surveys but may not start one; technicians and customers see nothing.
    let (director, _) = app.logged_in(Role::Director).await;
    let list = director.get("/staff/surveys").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("data-testid=\"start-form\""));
    list.assert_contains("Survei NPS");
    let r = director
        .post("/staff/surveys", &[("segment", "all"), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (tech, _) = app.logged_in(Role::Technician).await;
    let (customer, _) = app.logged_in(Role::Customer).await;
    for b in [&tech, &customer] {
        assert_eq!(b.get("/staff/surveys").await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            b.get("/staff/surveys/1").await.status,
            StatusCode::FORBIDDEN
        );
        let r = b
            .post("/staff/surveys", &[("segment", "all"), ("confirm", "1")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM nps_surveys", vec![]).await,
        0
    );
    // The admin's menu has the item.
    admin
        .get("/staff")
        .await
        .assert_contains("href=\"/staff/surveys\"");
}

#[tokio::test]
async fn a_customer_is_asked_at_most_once_in_ninety_days() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let x = customer(
        &app,
        1,
        "x@test.id",
        c.area,
        c.package,
        months_ago(&app, 6),
        None,
    )
    .await;
    let first = survey_of(&start(&admin, &[("segment", "all")]).await);
    assert_eq!(asked(&app, first).await.len(), 1);

    // 89 days later x is skipped (not answering does not matter); y, new, is asked.
    app.clock.advance(Duration::days(89));
    // (Sessions do not last 89 days: log in again.)
    let (admin, _) = app.logged_in(Role::Admin).await;
    let y = customer(
        &app,
        2,
        "y@test.id",
        c.area,
        c.package,
        months_ago(&app, 1),
        None,
    )
    .await;
    let preview = admin.post("/staff/surveys", &[("segment", "all")]).await;
    preview.assert_contains("Kirim survei NPS ke 1 pelanggan?");
    assert!(preview.body.contains("<dd>2</dd>"), "{}", preview.body);
    let second = survey_of(&start(&admin, &[("segment", "all")]).await);
    assert_eq!(
        asked(&app, second).await,
        vec![(y, Some(c.area), Some(c.package))]
    );

    // 91 days after the first, x is asked again; y (2 days ago) is not.
    app.clock.advance(Duration::days(2));
    let (admin, _) = app.logged_in(Role::Admin).await;
    let third = survey_of(&start(&admin, &[("segment", "all")]).await);
    assert_eq!(
        asked(&app, third).await,
        vec![(x, Some(c.area), Some(c.package))]
    );
}

/// A started survey of everyone in the world, and the path of `to`'s mailed link.
async fn survey_with_link(app: &TestApp, admin: &Browser, to: &str) -> (i64, String) {
    let s = survey_of(&start(admin, &[("segment", "all")]).await);
    let links = mailed_links(app, s).await;
    let path = links
        .into_iter()
        .find(|(t, _)| t == to)
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("a link mailed to {to}"));
    (s, path)
}

#[tokio::test]
async fn the_mailed_link_takes_one_answer() {
    let app = spawn().await;
    let w = world(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (survey, path) = survey_with_link(&app, &admin, "b1@test.id").await;
    // Each customer with an email got exactly one mail.
    let mut to: Vec<String> = mailed_links(&app, survey)
        .await
        .into_iter()
        .map(|m| m.0)
        .collect();
    to.sort();
    assert_eq!(
        to,
        vec!["a1@test.id", "b1@test.id", "b2@test.id", "b3@test.id"]
    );
    let body: String = app
        .db()
        .scalar(
            "SELECT body FROM mail_outbox WHERE to_addr = 'b1@test.id'",
            vec![],
        )
        .await
        .unwrap();
    assert!(body.contains("Halo Pelanggan 3"), "{body}");
    assert!(body.contains("http"), "{body}");

    let visitor = app.browser();
    let r = visitor.get(&path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Seberapa besar kemungkinan Anda merekomendasikan kami kepada teman?")
        .assert_contains("Apa alasan utama Anda?")
        .assert_contains("name=\"score\" value=\"0\"")
        .assert_contains("name=\"score\" value=\"10\"");
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");

    // Bad input: the message, the reason kept, nothing stored.
    for (score, message) in [
        ("", "Pilih nilai dari 0 sampai 10."),
        ("11", "Nilai harus bilangan bulat 0 sampai 10."),
        ("sepuluh", "Nilai harus bilangan bulat 0 sampai 10."),
    ] {
        let r = visitor
            .post(&path, &[("score", score), ("reason", "Teknisinya ramah")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{score}");
        assert_eq!(
            testid_text(&r.body, "score-error").as_deref(),
            Some(message)
        );
        r.assert_contains(">Teknisinya ramah</textarea>");
    }
    let long = "a".repeat(1001);
    let r = visitor
        .post(&path, &[("score", "9"), ("reason", &long)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Alasan terlalu panjang");
    r.assert_contains("name=\"score\" value=\"9\" checked");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM nps_requests WHERE answered_at IS NOT NULL",
            vec![]
        )
        .await,
        0
    );

    let r = visitor
        .post(
            &path,
            &[("score", "9"), ("reason", "  Internetnya stabil  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(testid_text(&r.body, "nps-thanks").is_some());
    let (score, reason, answered_at): (Option<i64>, String, Option<chrono::DateTime<chrono::Utc>>) =
        app.db()
            .fetch_one(
                "SELECT score, reason, answered_at FROM nps_requests WHERE customer_id = $1",
                args![w.b1],
            )
            .await
            .unwrap();
    assert_eq!(
        (score, reason.as_str(), answered_at),
        (Some(9), "Internetnya stabil", Some(app.clock_now()))
    );

    // Second POST: 409, "already answered", nothing changes.
    let r = visitor
        .post(&path, &[("score", "2"), ("reason", "lagi")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("sudah dijawab, terima kasih");
    let r = visitor.get(&path).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("sudah dijawab, terima kasih");
    assert_eq!(
        testid_text(&r.body, "nps-given").as_deref(),
        Some("Nilai Anda: 9/10")
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM nps_requests WHERE answered_at IS NOT NULL",
            vec![]
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT score FROM nps_requests WHERE customer_id = $1",
            args![w.b1]
        )
        .await,
        9
    );

    // The customer's timeline and the audit log say it.
    let events: Vec<(String, String)> = app
        .db()
        .fetch_all(
            "SELECT kind, actor_name FROM customer_events WHERE customer_id = $1 AND kind = 'nps.answered'",
            args![w.b1],
        )
        .await
        .unwrap();
    assert_eq!(
        events,
        vec![("nps.answered".to_string(), "Pelanggan 3".to_string())]
    );
    let page = admin.get(&format!("/staff/customers/{}", w.b1)).await;
    page.assert_contains("Pelanggan 3 memberi nilai NPS 9")
        .assert_contains("Internetnya stabil");
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|(a, _, who)| a == "nps.answer" && who == "Pelanggan 3"));

    // A tampered link: not found.
    let mut tampered = path.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    let r = visitor.get(&tampered).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    r.assert_contains("Tautan survei ini tidak dikenal");
    let r = visitor.post(&tampered, &[("score", "5")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = visitor.get("/nps/nps.1.99999999999.00").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_link_older_than_thirty_days_is_refused_politely() {
    let app = spawn().await;
    let _w = world(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, path) = survey_with_link(&app, &admin, "a1@test.id").await;
    app.clock.advance(Duration::days(31));
    let visitor = app.browser();
    let r = visitor.get(&path).await;
    assert_eq!(r.status, StatusCode::GONE);
    r.assert_contains("sudah lewat 30 hari");
    let r = visitor.post(&path, &[("score", "8")]).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM nps_requests WHERE answered_at IS NOT NULL",
            vec![]
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_customer_without_email_answers_in_the_portal() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    // Two portal customers (signed up online), their lines made active by hand.
    let (sari, reg) = sign_up(&app, &c, "Sari", "081211110001", "").await;
    let (dewi, reg2) = sign_up(&app, &c, "Dewi", "081211110002", "").await;
    for r in [reg, reg2] {
        app.db()
            .execute(
                "INSERT INTO subscriptions (customer_id, package_id, address, area_id, status, started_on, created_at, updated_at) \
                 SELECT customer_id, $2, 'Jl. Melati 1', $3, 'active', $4, $5, $5 FROM registrations WHERE id = $1",
                args![r, c.package, c.area, months_ago(&app, 3), app.clock_now()],
            )
            .await
            .unwrap();
    }
    let sari_id: i64 = count(
        &app,
        "SELECT customer_id FROM registrations WHERE id = $1",
        args![reg],
    )
    .await;
    assert!(sari
        .get("/portal")
        .await
        .body
        .find("data-testid=\"nps-card\"")
        .is_none());
    let s = survey_of(&start(&admin, &[("segment", "all")]).await);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mail_outbox", vec![]).await,
        0
    );
    let request: i64 = count(
        &app,
        "SELECT id FROM nps_requests WHERE survey_id = $1 AND customer_id = $2",
        args![s, sari_id],
    )
    .await;

    // The card on the portal's home leads to the same question.
    let home = sari.get("/portal").await;
    home.assert_contains("data-testid=\"nps-card\"")
        .assert_contains(&format!("href=\"/portal/nps/{request}\""));
    let form = sari.get(&format!("/portal/nps/{request}")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Seberapa besar kemungkinan Anda merekomendasikan kami kepada teman?");

    // Another customer's request: not found, and cannot be answered.
    assert_eq!(
        dewi.get(&format!("/portal/nps/{request}")).await.status,
        StatusCode::NOT_FOUND
    );
    let r = dewi
        .post(&format!("/portal/nps/{request}"), &[("score", "0")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = sari
        .post(&format!("/portal/nps/{request}"), &[("score", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = sari
        .post(
            &format!("/portal/nps/{request}"),
            &[("score", "6"), ("reason", "Sering putus")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(testid_text(&r.body, "nps-thanks").is_some());
    let r = sari
        .post(&format!("/portal/nps/{request}"), &[("score", "10")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("sudah dijawab, terima kasih");
    assert_eq!(
        count(
            &app,
            "SELECT score FROM nps_requests WHERE id = $1",
            args![request]
        )
        .await,
        6
    );
    // Answered: the card is gone.
    assert!(sari
        .get("/portal")
        .await
        .body
        .find("data-testid=\"nps-card\"")
        .is_none());
    // The timeline names the customer (through their login).
    admin
        .get(&format!("/staff/customers/{sari_id}"))
        .await
        .assert_contains("memberi nilai NPS 6");
}

#[tokio::test]
async fn the_survey_page_counts_by_hand() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    // 12 customers asked, 10 answer: 5 promoters (10, 10, 9, 9, 9), 3 passives (8, 7, 7),
    // 2 detractors (6, 0). NPS = 50% − 20% = 30; response rate 10/12 = 83,3%.
    let mut ids = Vec::new();
    for n in 1..=12 {
        ids.push(customer(&app, n, "", c.area, c.package, months_ago(&app, 2), None).await);
    }
    let s = survey_of(&start(&admin, &[("segment", "all")]).await);
    let scores = [10, 10, 9, 9, 9, 8, 7, 7, 6, 0];
    let (customer_browser, _) = app.logged_in(Role::Customer).await;
    let _ = customer_browser;
    for (i, score) in scores.iter().enumerate() {
        let request: i64 = count(
            &app,
            "SELECT id FROM nps_requests WHERE customer_id = $1",
            args![ids[i]],
        )
        .await;
        let token = setia::nps::link::token(&app.state.secret, request, app.clock_now());
        let reason = if *score == 0 {
            "Mati tiga hari"
        } else if *score == 6 {
            "Lambat malam hari"
        } else {
            ""
        };
        app.clock.advance(Duration::minutes(1));
        let r = app
            .browser()
            .post(
                &format!("/nps/{token}"),
                &[("score", &score.to_string()), ("reason", reason)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let page = admin.get(&format!("/staff/surveys/{s}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(testid_text(&page.body, "nps-sent").as_deref(), Some("12"));
    assert_eq!(
        testid_text(&page.body, "nps-answered").as_deref(),
        Some("10")
    );
    assert_eq!(
        testid_text(&page.body, "nps-rate").as_deref(),
        Some("83,3%")
    );
    assert_eq!(
        testid_text(&page.body, "nps-score").as_deref(),
        Some("30,0")
    );
    page.assert_contains("Promotor (9–10) <strong>5</strong> (50,0%)")
        .assert_contains("Pasif (7–8) <strong>3</strong> (30,0%)")
        .assert_contains("Detraktor (0–6) <strong>2</strong> (20,0%)");
    // The spread: three 9s, one 0, no 5.
    for (score, n) in [(9, "3"), (0, "1"), (5, "0"), (10, "2")] {
        let row = page
            .body
            .split(&format!("data-testid=\"nps-dist-{score}\""))
            .nth(1)
            .unwrap();
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(&format!("<span>{n}</span>")), "{score}: {row}");
    }
    // Reasons, lowest first, each linking to the customer.
    let reasons = page
        .body
        .split("data-testid=\"nps-reasons\"")
        .nth(1)
        .unwrap();
    let low = reasons.find("Mati tiga hari").unwrap();
    let six = reasons.find("Lambat malam hari").unwrap();
    assert!(low < six);
    assert!(reasons.contains(&format!("href=\"/staff/customers/{}\"", ids[9])));
    // The list agrees; the director may read it.
    let (director, _) = app.logged_in(Role::Director).await;
    let list = director.get("/staff/surveys").await;
    list.assert_contains("83,3%")
        .assert_contains("30,0")
        .assert_contains("5 promotor · 3 pasif · 2 detraktor");
    let r = director.get(&format!("/staff/surveys/{s}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.len() < 12_000, "{} bytes", r.body.len());

    // The score the dashboard reads: all ten in the window, and nothing outside it.
    let now = app.clock_now();
    let all = setia::nps::store::score(
        app.db(),
        now - Duration::hours(1),
        now + Duration::hours(1),
        None,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (all.promoters, all.passives, all.detractors, all.answers),
        (5, 3, 2, 10)
    );
    assert_eq!(all.nps(), Some(30.0));
    let by_area = setia::nps::store::score(
        app.db(),
        now - Duration::hours(1),
        now + Duration::hours(1),
        Some(c.area),
        Some(c.package),
    )
    .await
    .unwrap();
    assert_eq!(by_area, all);
    let other = setia::nps::store::score(
        app.db(),
        now - Duration::hours(1),
        now + Duration::hours(1),
        Some(c.uncovered_area),
        None,
    )
    .await
    .unwrap();
    assert_eq!(other.answers, 0);
    // [from, to): the last answer at `now` is outside a window ending at `now`.
    let before = setia::nps::store::score(app.db(), now - Duration::hours(1), now, None, None)
        .await
        .unwrap();
    assert_eq!(before.answers, 9);
    assert_eq!(before.detractors, 1);
    assert_eq!(
        setia::nps::store::score(
            app.db(),
            now + Duration::seconds(1),
            now + Duration::hours(1),
            None,
            None
        )
        .await
        .unwrap()
        .answers,
        0
    );
}
