//! The technician's side of visits over HTTP: the day list, isolation, the steps, the report
//! (stored once), "not fixed", and failing a visit.

use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn_with, testid_text, Browser, Resp, TestApp};
use crate::fixtures::{self, Catalog};
use crate::uploads::{multipart, png, post_multipart, Part};

/// An app whose sessions outlive the days these tests move the clock through.
pub(crate) async fn spawn() -> TestApp {
    spawn_with(|c| {
        c.session_idle_minutes = 60 * 24 * 60;
        c.session_absolute_hours = 24 * 60;
    })
    .await
}

async fn scalar(app: &TestApp, sql: &str, id: i64) -> i64 {
    app.db().scalar(sql, setia::args![id]).await.unwrap()
}

/// The test clock's WIB day plus `days`, as DD/MM/YYYY.
fn day(app: &TestApp, days: i64) -> String {
    (app.clock_now().with_timezone(&setia::types::wib()) + chrono::Duration::days(days))
        .format("%d/%m/%Y")
        .to_string()
}

pub(crate) async fn step(b: &Browser, visit: i64, to: &str) -> Resp {
    b.post(&format!("/staff/visits/{visit}/step"), &[("to", to)])
        .await
}

/// Posts the report form as the phone would (multipart, a photo optional).
pub(crate) async fn report(
    b: &Browser,
    visit: i64,
    fields: &[(&str, &str)],
    photo: Option<&[u8]>,
) -> Resp {
    let token = b.csrf().await;
    let mut parts = vec![Part::Text("_csrf", &token)];
    for (k, v) in fields {
        parts.push(Part::Text(k, v));
    }
    if let Some(bytes) = photo {
        parts.push(Part::File {
            field: "photos",
            name: "ont.png",
            declared: "image/png",
            bytes,
        });
    }
    post_multipart(
        b,
        &format!("/staff/visits/{visit}/report"),
        multipart(&parts),
    )
    .await
}

/// The one-time key in the report form of the visit page.
pub(crate) fn submission_key(html: &str) -> String {
    let marker = "name=\"submission\" value=\"";
    let start = html.find(marker).expect("a report form") + marker.len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_string()
}

/// A scheduled installation for a new technician tomorrow 09:00–10:00, with the clock moved to
/// that day (10:00 WIB) and the visit in progress. Returns admin, the technician's browser, the
/// registration and the visit.
async fn in_progress(app: &TestApp, c: &Catalog) -> (Browser, Browser, i64, i64) {
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) =
        fixtures::sign_up(app, c, "Rina Marlina", "081300000031", "rina@contoh.id").await;
    let (tech, _, visit) = fixtures::verify_and_schedule(app, &admin, reg).await;
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(
        step(&tech, visit, "on_the_way").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        step(&tech, visit, "in_progress").await.status,
        StatusCode::SEE_OTHER
    );
    (admin, tech, reg, visit)
}

#[tokio::test]
async fn the_day_lists_late_visits_first_then_today_in_time_order_then_upcoming() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (tech, tech_id) = fixtures::technician(&app).await;
    let late = fixtures::verified_visit(&app, &c, &admin, "Ani Late", "081300000041").await;
    let afternoon = fixtures::verified_visit(&app, &c, &admin, "Budi Sore", "081300000042").await;
    let noon = fixtures::verified_visit(&app, &c, &admin, "Citra Siang", "081300000043").await;
    let later = fixtures::verified_visit(&app, &c, &admin, "Dedi Lusa", "081300000044").await;
    // Booked from "today" (28/11, 10:00 WIB) for tomorrow and the day after.
    fixtures::book(&admin, late, tech_id, &day(&app, 1), "08:00", "09:00").await;
    fixtures::book(&admin, afternoon, tech_id, &day(&app, 1), "14:00", "15:00").await;
    fixtures::book(&admin, noon, tech_id, &day(&app, 1), "11:00", "12:00").await;
    fixtures::book(&admin, later, tech_id, &day(&app, 2), "09:00", "10:00").await;
    // Tomorrow at 10:00: the 08:00–09:00 visit is over and not started.
    app.clock.advance(chrono::Duration::days(1));

    let r = tech.get("/staff/visits").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.len() < 60_000, "the page stays small");
    let at = |needle: &str| {
        r.body
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} on the day page"))
    };
    let (s_late, s_today, s_up) = (
        at("data-testid=\"section-late\""),
        at("data-testid=\"section-today\""),
        at("data-testid=\"section-upcoming\""),
    );
    let (a, b, c2, d) = (
        at("Ani Late"),
        at("Budi Sore"),
        at("Citra Siang"),
        at("Dedi Lusa"),
    );
    assert!(s_late < a && a < s_today, "the late visit first");
    assert!(s_today < c2 && c2 < b && b < s_up, "today's in time order");
    assert!(s_up < d, "then upcoming");
    // Only the late card carries the mark.
    let late_card = &r.body[at(&format!("data-testid=\"visit-{late}\""))..s_today];
    assert!(late_card.contains("Terlambat"));
    assert_eq!(r.body.matches("data-testid=\"late\"").count(), 1);
    // What a technician needs to act: call, WhatsApp, the map, the package, the notes, the button.
    r.assert_contains("href=\"tel:+6281300000041\"")
        .assert_contains("href=\"https://wa.me/6281300000041\"")
        .assert_contains("href=\"https://www.google.com/maps/search/?api=1&#38;query=Jl.+Kolonel+Masturi+No.+12%2C")
        .assert_contains("Rumah 20")
        .assert_contains("Bawa tangga")
        .assert_contains(">Berangkat</button>");

    // Started, the visit offers the report and "failed"; finished, it folds away at the end.
    assert_eq!(
        step(&tech, noon, "on_the_way").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        step(&tech, noon, "in_progress").await.status,
        StatusCode::SEE_OTHER
    );
    let r = tech.get("/staff/visits").await;
    r.assert_contains(&format!("href=\"/staff/visits/{noon}#report\""))
        .assert_contains(&format!("href=\"/staff/visits/{noon}#fail\""));
    let r = tech
        .post(
            &format!("/staff/visits/{noon}/fail"),
            &[("reason", "customer_absent"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = tech.get("/staff/visits").await;
    let finished = r.body.find("data-testid=\"section-finished\"").unwrap();
    assert!(r.body.find("Citra Siang").unwrap() > finished);
}

#[tokio::test]
async fn a_technician_sees_only_their_own_visits() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = fixtures::sign_up(&app, &c, "Eka Putri", "081300000051", "").await;
    let (owner, _, visit) = fixtures::verify_and_schedule(&app, &admin, reg).await;
    let (other, _) = fixtures::technician(&app).await;

    let r = owner.get(&format!("/staff/visits/{visit}")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Eka Putri");
    let r = other.get(&format!("/staff/visits/{visit}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.body.contains("Eka Putri"));
    assert!(!other.get("/staff/visits").await.body.contains("Eka Putri"));
    app.clock.advance(chrono::Duration::days(1));
    for (path, fields) in [
        ("step", vec![("to", "on_the_way")]),
        ("fail", vec![("reason", "weather"), ("note", "")]),
        (
            "report",
            vec![("work_done", "x"), ("submission", "0123456789abcdef0123")],
        ),
    ] {
        let r = other
            .post(&format!("/staff/visits/{visit}/{path}"), &fields)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
    }
    let r = report(&other, visit, &[("work_done", "x")], None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        fixtures::status_of(&app, "visits", visit).await,
        "scheduled"
    );
    // No customer or ticket pages for a technician.
    let customer = scalar(&app, "SELECT customer_id FROM visits WHERE id = $1", visit).await;
    assert_eq!(
        owner
            .get(&format!("/staff/customers/{customer}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        owner.get("/staff/tickets/1").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn setting_out_before_the_planned_day_is_refused_and_a_retried_tap_is_harmless() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = fixtures::sign_up(&app, &c, "Fajar Nugraha", "081300000061", "").await;
    let (tech, _, visit) = fixtures::verify_and_schedule(&app, &admin, reg).await;
    let r = step(&tech, visit, "on_the_way").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("belum bisa berangkat");
    assert_eq!(
        fixtures::status_of(&app, "visits", visit).await,
        "scheduled"
    );

    app.clock.advance(chrono::Duration::days(1));
    let r = step(&tech, visit, "on_the_way").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location.as_deref(),
        Some(&*format!("/staff/visits/{visit}"))
    );
    assert_eq!(
        step(&tech, visit, "on_the_way").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        fixtures::status_of(&app, "visits", visit).await,
        "on_the_way"
    );
    let events = scalar(
        &app,
        "SELECT COUNT(*) FROM visit_events WHERE visit_id = $1 AND kind = 'on_the_way'",
        visit,
    )
    .await;
    assert_eq!(events, 1, "the retried tap changed nothing");
    // No report before work starts.
    let r = tech.get(&format!("/staff/visits/{visit}")).await;
    assert!(!r.body.contains("id=\"report\""));
    r.assert_contains(">Mulai kerja</button>");
}

#[tokio::test]
async fn a_failed_visit_needs_a_reason_and_returns_the_job_to_the_queue() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (_admin, tech, reg, visit) = in_progress(&app, &c).await;
    let path = format!("/staff/visits/{visit}/fail");
    let r = tech
        .post(&path, &[("reason", ""), ("note", "Hujan deras")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        testid_text(&r.body, "reason-error").as_deref(),
        Some("Pilih alasan kunjungan gagal.")
    );
    r.assert_contains("Hujan deras");
    let r = tech
        .post(&path, &[("reason", "other"), ("note", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Tulis keterangan untuk alasan Lainnya.");
    assert_eq!(
        fixtures::status_of(&app, "visits", visit).await,
        "in_progress"
    );

    let r = tech
        .post(&path, &[("reason", "other"), ("note", "Tiang belum ada")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(fixtures::status_of(&app, "visits", visit).await, "failed");
    // The next page says which visit failed and what happens to the job.
    let number: String = app
        .db()
        .scalar(
            "SELECT number FROM visits WHERE id = $1",
            setia::args![visit],
        )
        .await
        .unwrap();
    tech.get("/staff/visits").await.assert_contains(&format!(
        "{number} ditandai gagal dan dikembalikan ke antrean."
    ));
    let requeued = scalar(
        &app,
        "SELECT COUNT(*) FROM visits WHERE registration_id = $1 AND status = 'queued'",
        reg,
    )
    .await;
    assert_eq!(requeued, 1);
}

#[tokio::test]
async fn a_report_sent_twice_is_stored_once() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (_admin, tech, reg, visit) = in_progress(&app, &c).await;
    let page = tech.get(&format!("/staff/visits/{visit}")).await;
    page.assert_contains("id=\"report\"");
    let key = submission_key(&page.body);

    // Bad input: by the field, everything typed kept, the photo asked for again.
    let r = report(
        &tech,
        visit,
        &[
            ("submission", &key),
            ("work_done", ""),
            ("serials", "ZTE12345678"),
            ("signal_dbm", "-300"),
            ("customer_present", "yes"),
        ],
        Some(&png(40, 30)),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Wajib diisi.")
        .assert_contains("Isi angka yang wajar")
        .assert_contains("ZTE12345678")
        .assert_contains("value=\"-300\"")
        .assert_contains("data-testid=\"photos-again\"")
        .assert_contains(&key);

    let fields = [
        ("submission", key.as_str()),
        ("work_done", "Tarik kabel drop 80 m, pasang ONT."),
        ("serials", "zte12345678\nHWTC-9F01"),
        ("signal_dbm", "-19,5"),
        ("download_mbps", "21.3"),
        ("upload_mbps", ""),
        ("customer_present", "yes"),
    ];
    let photo = png(40, 30);
    for _ in 0..2 {
        let r = report(&tech, visit, &fields, Some(&photo)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/staff/visits"));
    }
    let count = |sql: &'static str| scalar(&app, sql, visit);
    assert_eq!(
        count("SELECT COUNT(*) FROM visit_reports WHERE visit_id = $1").await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM uploads WHERE context = 'visit.photo' AND context_id = $1")
            .await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM visit_events WHERE visit_id = $1 AND kind = 'done'").await,
        1
    );
    assert_eq!(fixtures::status_of(&app, "visits", visit).await, "done");
    assert_eq!(
        fixtures::status_of(&app, "registrations", reg).await,
        "installed"
    );
    let (serials, signal): (String, Option<f64>) = app
        .db()
        .fetch_one(
            "SELECT serials, signal_dbm FROM visit_reports WHERE visit_id = $1",
            setia::args![visit],
        )
        .await
        .unwrap();
    assert_eq!(serials, "ZTE12345678\nHWTC-9F01");
    assert_eq!(signal, Some(-19.5));
    // The visit page shows it done with its report; a new key for a done visit is refused.
    let r = tech.get(&format!("/staff/visits/{visit}")).await;
    assert_eq!(testid_text(&r.body, "status").as_deref(), Some("Selesai"));
    r.assert_contains("ZTE12345678, HWTC-9F01")
        .assert_contains("data-testid=\"photos\"");
    let mut other = fields;
    other[0].1 = "ffffffffffffffffffffffffffffffff";
    let r = report(&tech, visit, &other, None).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_repair_not_fixed_reopens_the_ticket_with_the_report() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = fixtures::sign_up(&app, &c, "Gita Sari", "081300000071", "").await;
    fixtures::install(&app, &admin, reg).await;
    let customer = scalar(
        &app,
        "SELECT customer_id FROM registrations WHERE id = $1",
        reg,
    )
    .await;
    let ticket = fixtures::phoned_in_complaint(&app, &admin, customer).await;
    let tid = ticket.to_string();
    let r = admin
        .post("/staff/visits/jobs", &[("ticket_id", tid.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let visit = scalar(&app, "SELECT id FROM visits WHERE ticket_id = $1", ticket).await;
    let (tech, tech_id) = fixtures::technician(&app).await;
    fixtures::schedule_visit(&app, &admin, visit, tech_id).await;
    app.clock.advance(chrono::Duration::days(1));
    // The card tells the technician what is wrong.
    let r = tech.get("/staff/visits").await;
    r.assert_contains("Internet mati sejak kemarin");
    step(&tech, visit, "on_the_way").await;
    step(&tech, visit, "in_progress").await;
    let page = tech.get(&format!("/staff/visits/{visit}")).await;
    page.assert_contains("name=\"fixed\"")
        .assert_contains("lampu LOS merah");
    let key = submission_key(&page.body);
    let r = report(
        &tech,
        visit,
        &[
            ("submission", &key),
            (
                "work_done",
                "Kabel putus di tiang, perlu penggantian dari ODP.",
            ),
            ("customer_present", "no"),
            ("fixed", "no"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(fixtures::status_of(&app, "visits", visit).await, "done");
    assert_eq!(fixtures::status_of(&app, "tickets", ticket).await, "open");
    let notes = scalar(
        &app,
        "SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = $1 AND internal = TRUE \
         AND body LIKE '%Kabel putus di tiang%'",
        ticket,
    )
    .await;
    assert_eq!(notes, 1, "the report is an internal note on the ticket");
    let (fixed,): (bool,) = app
        .db()
        .fetch_one(
            "SELECT fixed FROM visit_reports WHERE visit_id = $1",
            setia::args![visit],
        )
        .await
        .unwrap();
    assert!(!fixed);
}
