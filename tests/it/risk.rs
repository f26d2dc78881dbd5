//! At-risk customers and retention contacts: a hand-built set whose scores are worked out by hand
//! below, the ranked list with its reasons, weights from the configuration, recording a contact
//! (audit, timeline, flash; bad input is 422 like every form here, `web::invalid`), the
//! contacted/stayed figures with the mock clock, and who may see it.
//!
//! The clock starts at 28/11/2026 10:00 WIB (03:00 UTC). Default weights: ticket_30d 10,
//! ticket_90d 4, unresolved 8, breached 10, low_rating 15, detractor 20, failed_visit 8, isolir 15,
//! new_customer 5, cheaper_offer 10, min_score 20. KompetitorX offers 20 Mbps for Rp 199.000,
//! below "Rumah 20" (20 Mbps, Rp 250.000); nobody undercuts "Keluarga 50".
//!
//! - Ani (Rumah 20, since 01/01/2025): tickets 2, 5 and 10 days ago (one still open) and 60 days
//!   ago; a 1★ rating 16 days ago (12/11/2026).
//!   3×10 (30 days) + 4×4 (90 days) + 1×8 (unresolved) + 15 (rating) + 10 (offer) = **79**.
//! - Budi (Keluarga 50, since 01/09/2026, isolated now): a breached ticket 40 days ago, NPS 3
//!   answered 20 days ago (08/11/2026), a visit failed 10 days ago.
//!   1×4 + 1×10 (breached) + 20 (detractor) + 8 (visit) + 15 (isolir) + 5 (new) = **62**.
//! - Citra (Rumah 20, since 01/03/2024, another area): suspended 150 days ago (01/07/2026), now
//!   active again; a ticket 100 days ago and a 2★ rating 120 days ago (both too old); NPS 2
//!   200 days ago (too old) and NPS 9 ten days ago (the latest decides: not a detractor).
//!   15 (suspended) + 10 (offer) = **25**.
//! - Dewi (Keluarga 50, since 2023): one ticket 20 days ago: 10 + 4 = 14, below 20: not listed.
//! - Eko (Rumah 20, terminated 01/11/2026) with three recent tickets: not a customer, not listed.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use reqwest::StatusCode;
use setia::args;
use setia::auth::Role;
use setia::catalog::store::{self as catalog, NewPromo};
use setia::retention::store::{self as retention, ContactOutcomes};

use crate::common::{spawn, spawn_with, TestApp};
use crate::fixtures::{catalog as catalog_fixture, Catalog};
use crate::words::flash_on;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A customer with one subscription, written straight to the store; returns (customer, sub).
#[allow(clippy::too_many_arguments)]
async fn customer(
    app: &TestApp,
    name: &str,
    phone: &str,
    package: i64,
    area: i64,
    status: &str,
    started: NaiveDate,
    ended: Option<NaiveDate>,
) -> (i64, i64) {
    let now = app.clock_now();
    let customer_status = if status == "terminated" {
        "terminated"
    } else {
        "active"
    };
    let c: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO customers (number, name, phone, address, area_id, status, referral_code, created_at, updated_at) \
             VALUES ($1, $2, $3, 'Jl. Melati 1', $4, $5, $6, $7, $7) RETURNING id",
            args![format!("PLG-{phone}"), name, phone, area, customer_status, format!("R{phone}"), now],
        )
        .await
        .unwrap();
    let s: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO subscriptions (customer_id, package_id, address, area_id, status, started_on, ended_on, created_at, updated_at) \
             VALUES ($1, $2, 'Jl. Melati 1', $3, $4, $5, $6, $7, $7) RETURNING id",
            args![c, package, area, status, started, ended, now],
        )
        .await
        .unwrap();
    (c, s)
}

fn ago(app: &TestApp, days: i64) -> DateTime<Utc> {
    app.clock_now() - Duration::days(days)
}

/// A ticket opened `days` ago; returns its id.
async fn ticket(app: &TestApp, customer: i64, days: i64, status: &str, breached: bool) -> i64 {
    let at = ago(app, days);
    let n: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM tickets", args![])
        .await
        .unwrap();
    app.db()
        .insert_returning(
            "INSERT INTO tickets (number, customer_id, category, priority, status, channel, summary, created_at, updated_at, resolution_breached) \
             VALUES ($1, $2, 'slow', 'normal', $3, 'phone', 'Lambat', $4, $4, $5) RETURNING id",
            args![format!("TKT-T-{n}"), customer, status, at, breached],
        )
        .await
        .unwrap()
}

async fn rating(app: &TestApp, customer: i64, stars: i64, days: i64) {
    let t = ticket(app, customer, days + 1, "closed", false).await;
    app.db()
        .execute(
            "INSERT INTO ratings (subject_kind, subject_id, customer_id, stars, via, created_at) \
             VALUES ('ticket', $1, $2, $3, 'link', $4)",
            args![t, customer, stars, ago(app, days)],
        )
        .await
        .unwrap();
}

async fn nps(app: &TestApp, customer: i64, score: i64, days: i64) {
    let at = ago(app, days);
    let survey: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO nps_surveys (segment, created_at) VALUES ('all', $1) RETURNING id",
            args![at],
        )
        .await
        .unwrap();
    app.db()
        .execute(
            "INSERT INTO nps_requests (survey_id, customer_id, sent_at, score, answered_at) VALUES ($1, $2, $3, $4, $3)",
            args![survey, customer, at, score],
        )
        .await
        .unwrap();
}

async fn failed_visit(app: &TestApp, customer: i64, days: i64) {
    let at = ago(app, days);
    app.db()
        .execute(
            "INSERT INTO visits (number, kind, status, customer_id, address, fail_reason, queued_at, finished_at, created_at, updated_at) \
             VALUES ($1, 'repair', 'failed', $2, 'Jl. Melati 1', 'customer_absent', $3, $3, $3, $3)",
            args![format!("KJG-T-{customer}-{days}"), customer, at],
        )
        .await
        .unwrap();
}

async fn suspension(app: &TestApp, sub: i64, days: i64) {
    app.db()
        .execute(
            "INSERT INTO subscription_events (subscription_id, kind, note, at) VALUES ($1, 'suspended', '', $2)",
            args![sub, ago(app, days)],
        )
        .await
        .unwrap();
}

struct World {
    c: Catalog,
    other_area: i64,
    ani: (i64, i64),
    budi: (i64, i64),
    citra: (i64, i64),
    dewi: i64,
    eko: i64,
    promo: i64,
    /// KompetitorX.
    kx: i64,
}

/// The hand-built set described at the top of this file.
async fn world(app: &TestApp) -> World {
    let c = catalog_fixture(app).await;
    let now = app.clock_now();
    let other_area = catalog::create_area(app.db(), "Leuwigajah", "Cimahi", true, now)
        .await
        .unwrap();
    let kx = retention::create(app.db(), "KompetitorX", "", now)
        .await
        .unwrap();
    retention::add_offer(
        app.db(),
        kx,
        "Hemat 20",
        20,
        setia::types::Rupiah(199_000),
        "",
    )
    .await
    .unwrap();
    // Not cheaper, and another speed: neither counts.
    retention::add_offer(
        app.db(),
        kx,
        "Cepat 20",
        20,
        setia::types::Rupiah(260_000),
        "",
    )
    .await
    .unwrap();
    retention::add_offer(
        app.db(),
        kx,
        "Kilat 50",
        100,
        setia::types::Rupiah(100_000),
        "",
    )
    .await
    .unwrap();

    let ani = customer(
        app,
        "Ani Lestari",
        "+6281200000011",
        c.package,
        c.area,
        "active",
        day(2025, 1, 1),
        None,
    )
    .await;
    for d in [2, 5] {
        ticket(app, ani.0, d, "closed", false).await;
    }
    ticket(app, ani.0, 10, "open", false).await;
    ticket(app, ani.0, 60, "closed", false).await;
    // Her 1★ rating (16 days ago) is of the 60-day-old ticket.
    app.db()
        .execute(
            "INSERT INTO ratings (subject_kind, subject_id, customer_id, stars, via, created_at) \
             SELECT 'ticket', id, customer_id, 1, 'link', $2 FROM tickets WHERE customer_id = $1 AND created_at < $3",
            args![ani.0, ago(app, 16), ago(app, 30)],
        )
        .await
        .unwrap();

    let budi = customer(
        app,
        "Budi Santoso",
        "+6281200000012",
        c.other_package,
        c.area,
        "suspended",
        day(2026, 9, 1),
        None,
    )
    .await;
    ticket(app, budi.0, 40, "closed", true).await;
    nps(app, budi.0, 3, 20).await;
    failed_visit(app, budi.0, 10).await;

    let citra = customer(
        app,
        "Citra Dewi",
        "+6281200000013",
        c.package,
        other_area,
        "active",
        day(2024, 3, 1),
        None,
    )
    .await;
    suspension(app, citra.1, 150).await;
    // Too old to count: a ticket 100 days ago, a 2★ rating 120 days ago (its ticket 121 days).
    ticket(app, citra.0, 100, "closed", false).await;
    rating(app, citra.0, 2, 120).await;
    nps(app, citra.0, 2, 200).await;
    nps(app, citra.0, 9, 10).await;

    let dewi = customer(
        app,
        "Dewi Kartika",
        "+6281200000014",
        c.other_package,
        c.area,
        "active",
        day(2023, 5, 1),
        None,
    )
    .await;
    ticket(app, dewi.0, 20, "closed", false).await;

    let eko = customer(
        app,
        "Eko Prasetyo",
        "+6281200000015",
        c.package,
        c.area,
        "terminated",
        day(2024, 1, 1),
        Some(day(2026, 11, 1)),
    )
    .await;
    for d in [1, 2, 3] {
        ticket(app, eko.0, d, "open", true).await;
    }

    let mut tx = app.db().begin().await.unwrap();
    let promo = catalog::create_promo(
        &mut tx,
        &NewPromo {
            title: "Gratis sebulan",
            title_en: "",
            body: "Untuk pelanggan setia",
            body_en: "",
            starts_on: day(2026, 11, 1),
            ends_on: day(2026, 12, 31),
            published: true,
            packages: &[(c.package, None)],
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // Written to the store directly: empty the cache as the routes would.
    app.state.cache.clear();

    World {
        c,
        other_area,
        ani,
        budi,
        citra,
        dewi: dewi.0,
        eko: eko.0,
        promo,
        kx,
    }
}

fn position(body: &str, customer: i64) -> Option<usize> {
    body.find(&format!("data-testid=\"risk-{customer}\""))
}

#[tokio::test]
async fn the_list_ranks_by_the_hand_worked_scores_and_says_why() {
    let app = spawn().await;
    let w = world(&app).await;
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director.get("/staff/at-risk").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = &r.body;
    let (a, b, c) = (
        position(body, w.ani.0).expect("Ani listed"),
        position(body, w.budi.0).expect("Budi listed"),
        position(body, w.citra.0).expect("Citra listed"),
    );
    assert!(a < b && b < c, "ranked Ani (79), Budi (62), Citra (25)");
    assert_eq!(position(body, w.dewi), None, "Dewi (14) is below 20");
    assert_eq!(position(body, w.eko), None, "Eko has left");
    assert!(!body.contains("Eko Prasetyo") && !body.contains("Dewi Kartika"));
    for score in [">79<", ">62<", ">25<"] {
        r.assert_contains(score);
    }
    // Ani's reasons, largest first.
    r.assert_contains("3 keluhan dalam 30 hari (+30)")
        .assert_contains("4 keluhan dalam 90 hari (+16)")
        .assert_contains("1 keluhan belum selesai (+8)")
        .assert_contains("Nilai 1★ pada 12/11/2026 (+15)")
        .assert_contains(
            "Paket Rumah 20 Rp 250.000; KompetitorX menawarkan 20 Mbps Rp 199.000 (+10)",
        );
    // Budi's.
    r.assert_contains("Jawaban NPS 3 pada 08/11/2026 (+20)")
        .assert_contains("Sedang diisolir (+15)")
        .assert_contains("1 keluhan melewati batas SLA dalam 90 hari (+10)")
        .assert_contains("1 kunjungan teknisi gagal dalam 90 hari (+8)")
        .assert_contains("Pelanggan baru sejak 01/09/2026 (kurang dari 6 bulan) (+5)")
        .assert_contains("1 keluhan dalam 90 hari (+4)");
    // Citra's: the old suspension, the offer; nothing too old, the latest NPS is a 9.
    r.assert_contains("Diisolir pada 01/07/2026 (+15)");
    assert!(!body.contains("Nilai 2★") && !body.contains("Jawaban NPS 2"));
    // Tap to call and WhatsApp, the contact action, the offers' missing area said.
    r.assert_contains("href=\"tel:+6281200000011\"")
        .assert_contains("href=\"https://wa.me/6281200000011\"")
        .assert_contains(&format!("href=\"/staff/at-risk/{}/contact\"", w.ani.0))
        .assert_contains("Penawaran kompetitor belum punya area")
        .assert_contains("Belum pernah dihubungi");
    assert!(body.len() < 12_000, "page is {} bytes", body.len());

    // Filters: the other area has Citra only; Keluarga 50 has Budi only (Dewi is below).
    let r = director
        .get(&format!("/staff/at-risk?area={}", w.other_area))
        .await;
    assert!(position(&r.body, w.citra.0).is_some());
    assert!(position(&r.body, w.ani.0).is_none() && position(&r.body, w.budi.0).is_none());
    let r = director
        .get(&format!("/staff/at-risk?package={}", w.c.other_package))
        .await;
    assert!(position(&r.body, w.budi.0).is_some());
    assert!(position(&r.body, w.ani.0).is_none() && position(&r.body, w.citra.0).is_none());

    // The customer's page shows the score and its reasons; a terminated customer has none.
    let r = director.get(&format!("/staff/customers/{}", w.ani.0)).await;
    r.assert_contains("Skor risiko saat ini: 79")
        .assert_contains("3 keluhan dalam 30 hari (+30)");
    let r = director.get(&format!("/staff/customers/{}", w.eko)).await;
    r.assert_contains("tidak punya langganan aktif");

    // The page compares prices with the offers as this instance keeps them; an offer added
    // through the competitors' page counts on the next view: Budi's Keluarga 50 is undercut now.
    let budi = format!("/staff/customers/{}", w.budi.0);
    director
        .get(&budi)
        .await
        .assert_contains("Skor risiko saat ini: 62");
    let r = director
        .post(
            &format!("/staff/competitors/{}/offers", w.kx),
            &[
                ("name", "Hemat 50"),
                ("download_mbps", "50"),
                ("price", "350000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    director
        .get(&budi)
        .await
        .assert_contains("Skor risiko saat ini: 72")
        .assert_contains(
            "Paket Keluarga 50 Rp 400.000; KompetitorX menawarkan 50 Mbps Rp 350.000 (+10)",
        );
    // Withdrawn: gone from the score at once.
    let offer: i64 = app
        .db()
        .scalar("SELECT MAX(id) FROM competitor_offers", vec![])
        .await
        .unwrap();
    let r = director
        .post(
            &format!("/staff/competitors/{}/offers/{offer}/delete", w.kx),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    director
        .get(&budi)
        .await
        .assert_contains("Skor risiko saat ini: 62");
}

#[tokio::test]
async fn weights_from_the_configuration_change_the_order_and_the_threshold() {
    // Detractor 60: Budi 62 − 20 + 60 = 102 passes Ani (79); threshold 30 drops Citra (25).
    let app = spawn_with(|c| {
        c.risk.detractor = 60;
        c.risk.min_score = 30;
    })
    .await;
    let w = world(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin.get("/staff/at-risk").await;
    assert_eq!(r.status, StatusCode::OK);
    let (a, b) = (
        position(&r.body, w.ani.0).unwrap(),
        position(&r.body, w.budi.0).unwrap(),
    );
    assert!(b < a, "Budi (102) before Ani (79)");
    r.assert_contains(">102<")
        .assert_contains("Jawaban NPS 3 pada 08/11/2026 (+60)");
    assert_eq!(position(&r.body, w.citra.0), None, "Citra (25) is below 30");
}

async fn contact_count(app: &TestApp, customer: i64) -> i64 {
    app.db()
        .scalar(
            "SELECT COUNT(*) FROM retention_contacts WHERE customer_id = $1",
            args![customer],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn recording_a_contact_keeps_score_audit_and_timeline_and_refuses_bad_input() {
    let app = spawn().await;
    let w = world(&app).await;
    let (admin, admin_id) = app.logged_in(Role::Admin).await;
    let form = format!("/staff/at-risk/{}/contact", w.ani.0);
    let r = admin.get(&form).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Skor risiko saat ini: 79")
        .assert_contains(&format!("value=\"promo:{}\"", w.promo))
        .assert_contains("Gratis sebulan");

    // An outcome not in the list: 400, the message, the typed note kept; nothing stored.
    let r = admin
        .post(
            &form,
            &[
                ("outcome", "maybe"),
                ("offer", ""),
                ("note", "Coba lagi besok"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Pilih hasil kontak.")
        .assert_contains("Coba lagi besok");
    // An offer made without naming it.
    let r = admin
        .post(
            &form,
            &[("outcome", "offer_made"), ("offer", ""), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Sebutkan tawarannya untuk hasil ini.")
        .assert_contains("<option value=\"offer_made\" selected>");
    // A promo that does not exist, a made-up offer kind.
    for offer in ["promo:999", "gift:1"] {
        let r = admin
            .post(
                &form,
                &[("outcome", "called"), ("offer", offer), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{offer}");
    }
    assert_eq!(contact_count(&app, w.ani.0).await, 0);

    // An offer made: back to the list, the flash names Ani.
    let promo = format!("promo:{}", w.promo);
    let r = admin
        .post(
            &form,
            &[
                ("outcome", "offer_made"),
                ("offer", &promo),
                ("note", "Minta waktu berpikir"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/staff/at-risk"));
    assert_eq!(
        flash_on(&admin, "/staff/at-risk").await,
        "Kontak retensi dengan Ani Lestari dicatat: Diberi tawaran."
    );
    let (outcome, promo_id, score, staff, note): (String, Option<i64>, i64, Option<i64>, String) =
        app.db()
            .fetch_one(
                "SELECT outcome, promo_id, risk_score, staff_id, note FROM retention_contacts WHERE customer_id = $1",
                args![w.ani.0],
            )
            .await
            .unwrap();
    assert_eq!(
        (outcome.as_str(), promo_id, score, staff, note.as_str()),
        (
            "offer_made",
            Some(w.promo),
            79,
            Some(admin_id),
            "Minta waktu berpikir"
        )
    );
    let audit = app.audit_actions().await;
    assert!(audit
        .iter()
        .any(|(a, e, _)| a == "retention.contact" && e.as_deref() == Some(&*w.ani.0.to_string())));
    let (kind,): (String,) = app
        .db()
        .fetch_one(
            "SELECT kind FROM customer_events WHERE customer_id = $1 ORDER BY id DESC LIMIT 1",
            args![w.ani.0],
        )
        .await
        .unwrap();
    assert_eq!(kind, "retention.contacted");
    // The list shows the last contact; the customer's page the contact and the timeline line.
    let r = admin.get("/staff/at-risk").await;
    r.assert_contains("Kontak terakhir: 28/11/2026 · admin");
    r.assert_contains("· Diberi tawaran");
    let page = admin.get(&format!("/staff/customers/{}", w.ani.0)).await;
    page.assert_contains("Gratis sebulan")
        .assert_contains("Minta waktu berpikir")
        .assert_contains(
            "menghubungi pelanggan untuk retensi (skor risiko 79): Diberi tawaran; tawaran: Gratis sebulan",
        );

    // Accepted a package change: to the customer's change-package form; nothing changed yet.
    let package = format!("package:{}", w.c.other_package);
    let r = admin
        .post(
            &form,
            &[("outcome", "accepted"), ("offer", &package), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = format!("/staff/customers/{}#pkg-{}", w.ani.0, w.ani.1);
    assert_eq!(r.location.as_deref(), Some(to.as_str()));
    let flash = flash_on(&admin, &format!("/staff/customers/{}", w.ani.0)).await;
    assert_eq!(
        flash,
        "Ani Lestari menerima paket Keluarga 50. Ubah paketnya di formulir langganan di bawah."
    );
    let package_now: i64 = app
        .db()
        .scalar(
            "SELECT package_id FROM subscriptions WHERE id = $1",
            args![w.ani.1],
        )
        .await
        .unwrap();
    assert_eq!(
        package_now, w.c.package,
        "the package is changed only by the form"
    );
    assert_eq!(contact_count(&app, w.ani.0).await, 2);

    // The director records contacts too.
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director
        .post(
            &format!("/staff/at-risk/{}/contact", w.budi.0),
            &[("outcome", "declined"), ("offer", ""), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(contact_count(&app, w.budi.0).await, 1);
}

#[tokio::test]
async fn contacted_customers_and_who_stayed_90_days_later() {
    let app = spawn().await;
    let w = world(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let t0 = app.clock_now();
    for id in [w.ani.0, w.citra.0] {
        let r = admin
            .post(
                &format!("/staff/at-risk/{id}/contact"),
                &[("outcome", "called"), ("offer", ""), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // A second call to Ani counts her once.
    admin
        .post(
            &format!("/staff/at-risk/{}/contact", w.ani.0),
            &[("outcome", "called"), ("offer", ""), ("note", "")],
        )
        .await;
    // Citra leaves on 10/01/2027, within 90 days of her call; Ani stays.
    app.db()
        .execute(
            "UPDATE subscriptions SET status = 'terminated', ended_on = $2 WHERE id = $1",
            args![w.citra.1, day(2027, 1, 10)],
        )
        .await
        .unwrap();
    // Just after the calls nobody was contacted 90 days before the end of the period.
    let early =
        retention::contact_outcomes(app.db(), t0 - Duration::days(1), t0 + Duration::days(30))
            .await
            .unwrap();
    assert_eq!(
        early,
        ContactOutcomes {
            contacted: 2,
            contacted_90d_ago: 0,
            still_customers_after_90d: 0
        }
    );
    // 93 days later (01/03/2027) Budi is called; the three months before count Ani and Citra.
    app.clock.advance(Duration::days(93));
    // (The first session has expired meanwhile.)
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .post(
            &format!("/staff/at-risk/{}/contact", w.budi.0),
            &[("outcome", "called"), ("offer", ""), ("note", "")],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/staff/at-risk"));
    let now = app.clock_now();
    let from = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let all = retention::contact_outcomes(app.db(), from, now + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(
        all,
        ContactOutcomes {
            contacted: 3,
            contacted_90d_ago: 2,
            still_customers_after_90d: 1
        }
    );
    // A period after the first calls holds only Budi.
    let later =
        retention::contact_outcomes(app.db(), t0 + Duration::days(1), now + Duration::seconds(1))
            .await
            .unwrap();
    assert_eq!(later.contacted, 1);
    // The list's line says the same for the last 12 months.
    let r = admin.get("/staff/at-risk").await;
    r.assert_contains(
        "12 bulan terakhir: 3 pelanggan berisiko dihubungi; dari 2 yang dihubungi setidaknya 90 hari lalu, 1 masih berlangganan 90 hari kemudian.",
    );
}

#[tokio::test]
async fn technicians_and_customers_are_refused() {
    let app = spawn().await;
    let w = world(&app).await;
    let form = format!("/staff/at-risk/{}/contact", w.ani.0);
    for role in [Role::Technician, Role::Customer, Role::SystemAdmin] {
        let (b, _) = app.logged_in(role).await;
        assert_eq!(
            b.get("/staff/at-risk").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(b.get(&form).await.status, StatusCode::FORBIDDEN, "{role}");
        let r = b
            .post(&form, &[("outcome", "called"), ("offer", ""), ("note", "")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(contact_count(&app, w.ani.0).await, 0);
    // The nav shows the list to the office.
    let (admin, _) = app.logged_in(Role::Admin).await;
    admin
        .get("/staff")
        .await
        .assert_contains("href=\"/staff/at-risk\"");
    // An unknown customer is 404.
    assert_eq!(
        admin.get("/staff/at-risk/999999/contact").await.status,
        StatusCode::NOT_FOUND
    );
}
