use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn, testid_text};
use crate::fixtures::{
    catalog, install, post_owned, sign_up, signup_fields, technician, tomorrow, verify_and_schedule,
};

#[tokio::test]
async fn full_path_from_sign_up_to_installed() {
    let app = spawn().await;
    let c = catalog(&app).await;

    // The form preselects the package from the packages page link.
    let form = app
        .browser()
        .get(&format!("/signup?package={}", c.package))
        .await;
    form.assert_contains(&format!("<option value=\"{}\" selected>", c.package));

    let (customer, reg_id) = sign_up(
        &app,
        &c,
        "Dewi Lestari",
        "0812-3456-7890",
        "Dewi@Example.co.id",
    )
    .await;
    let done = customer.get(&format!("/signup/done/{reg_id}")).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(
        testid_text(&done.body, "registration-number").unwrap(),
        "REG-2026-000001"
    );
    done.assert_contains("Langkah berikutnya");

    // One customer (prospect), one customer login, one confirmation mail queued.
    let (status, phone, email): (String, String, Option<String>) = app
        .db()
        .fetch_one("SELECT status, phone, email FROM customers", vec![])
        .await
        .unwrap();
    assert_eq!(
        (status.as_str(), phone.as_str(), email.as_deref()),
        ("prospect", "+6281234567890", Some("dewi@example.co.id"))
    );
    let (to, subject): (String, String) = app
        .db()
        .fetch_one("SELECT to_addr, subject FROM mail_outbox", vec![])
        .await
        .unwrap();
    assert_eq!(to, "dewi@example.co.id");
    assert!(subject.contains("REG-2026-000001"));

    let portal = customer.get("/portal").await;
    assert_eq!(portal.status, StatusCode::OK);
    // The first step says what it waits for.
    portal.assert_contains("aria-current=\"step\">Menunggu verifikasi");

    // Staff work the pipeline.
    let (admin, _) = app.logged_in(Role::Admin).await;
    let queue = admin.get("/staff/registrations?status=submitted").await;
    queue
        .assert_contains("REG-2026-000001")
        .assert_contains("Dewi Lestari");
    assert_eq!(
        admin
            .post(&format!("/staff/registrations/{reg_id}/verify"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    customer
        .get("/portal")
        .await
        .assert_contains("aria-current=\"step\">Menunggu jadwal pemasangan");

    let (_, tech_id) = technician(&app).await;
    let day = tomorrow(&app);
    let tid = tech_id.to_string();
    let visit = crate::fixtures::queued_visit(&app, reg_id).await;
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/schedule"),
            &[
                ("technician_id", &tid),
                ("date", &day),
                ("window_start", "09:00"),
                ("window_end", "12:00"),
                ("notes", "Bawa tangga"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let portal = customer.get("/portal").await;
    portal
        .assert_contains("aria-current=\"step\">Pemasangan dijadwalkan")
        .assert_contains("09:00–12:00");

    // Installed here by the admin's override; the technician's path is in tests/it/visits.rs.
    assert_eq!(
        admin
            .post(
                &format!("/staff/registrations/{reg_id}/install"),
                &[
                    ("override_reason", "Dipasang teknisi mitra"),
                    ("confirm", "1")
                ],
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let (sub_status, cust_status): (String, String) = app
        .db()
        .fetch_one("SELECT s.status, c.status FROM subscriptions s JOIN customers c ON c.id = s.customer_id", vec![])
        .await
        .unwrap();
    assert_eq!(
        (sub_status.as_str(), cust_status.as_str()),
        ("active", "active")
    );
    let portal = customer.get("/portal").await;
    portal
        .assert_contains("Rumah 20")
        .assert_contains("Rp 250.000")
        .assert_contains("Aktif");

    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|a| a.0).collect();
    for a in [
        "signup.submitted",
        "registration.verified",
        "visit.scheduled",
        "registration.install_override",
    ] {
        assert!(actions.contains(&a.to_string()), "{a} audited");
    }
    // Each step is timestamped.
    let stamped: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM registrations WHERE verified_at IS NOT NULL AND scheduled_at IS NOT NULL \
             AND installed_at IS NOT NULL AND submitted_at <= verified_at AND verified_at <= installed_at",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(stamped, 1);
}

#[tokio::test]
async fn every_invalid_transition_is_refused() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (customer, reg) = sign_up(&app, &c, "Asep", "0813-0000-1111", "").await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, tech) = technician(&app).await;
    let tid = tech.to_string();
    let day = tomorrow(&app);
    let schedule = [
        ("technician_id", tid.as_str()),
        ("date", day.as_str()),
        ("window_start", "13:00"),
        ("window_end", "15:00"),
    ];
    let path = |a: &str| format!("/staff/registrations/{reg}/{a}");
    let installed = [("override_reason", "x"), ("confirm", "1")];

    // From submitted: no skipping ahead, and nothing to schedule yet.
    assert_eq!(
        admin.post(&path("install"), &installed).await.status,
        StatusCode::CONFLICT
    );
    let visits: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM visits", vec![])
        .await
        .unwrap();
    assert_eq!(visits, 0, "no visit before verification");
    admin.post(&path("verify"), &[]).await;
    // From verified: verified once; the override needs its reason and confirmation.
    assert_eq!(
        admin.post(&path("verify"), &[]).await.status,
        StatusCode::CONFLICT
    );
    let r = admin
        .post(&path("install"), &[("override_reason", "x")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "asked first");
    r.assert_contains("terpasang");
    let r = admin
        .post(
            &path("install"),
            &[("override_reason", " "), ("confirm", "1")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    // Reject needs a reason.
    let r = admin.post(&path("reject"), &[("reason", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Scheduling its visit needs a technician, a valid future date and a proper window.
    let visit = crate::fixtures::queued_visit(&app, reg).await;
    let book = format!("/staff/visits/{visit}/schedule");
    let bad = admin
        .post(
            &book,
            &[
                ("technician_id", ""),
                ("date", "31/02/2026"),
                ("window_start", "25:00"),
                ("window_end", "13:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("Pilih teknisi yang aktif")
        .assert_contains("Tanggal tidak valid")
        .assert_contains("Jam tidak valid")
        .assert_contains("value=\"31/02/2026\"");
    for (date, from, to, tech_id, says) in [
        ("01/01/2020", "13:00", "15:00", tid.as_str(), "masa lalu"),
        (
            day.as_str(),
            "15:00",
            "13:00",
            tid.as_str(),
            "harus setelah jam mulai",
        ),
        (day.as_str(), "06:00", "08:00", tid.as_str(), "jam kerja"),
        (
            day.as_str(),
            "13:00",
            "15:00",
            "999",
            "Pilih teknisi yang aktif",
        ),
    ] {
        let fields = [
            ("technician_id", tech_id),
            ("date", date),
            ("window_start", from),
            ("window_end", to),
        ];
        let r = admin.post(&book, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        r.assert_contains(says);
    }
    let r = admin
        .post(
            &path("reject"),
            &[
                ("reason", "Alamat di luar jangkauan tiang"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Nothing after the end; its visit was called off with it.
    for a in ["verify", "install", "reject"] {
        assert_eq!(
            admin
                .post(
                    &path(a),
                    &[("reason", "x"), ("override_reason", "x"), ("confirm", "1")]
                )
                .await
                .status,
            StatusCode::CONFLICT,
            "{a} after rejected"
        );
    }
    assert_eq!(
        admin.post(&book, &schedule).await.status,
        StatusCode::CONFLICT
    );
    // The customer sees the reason.
    customer
        .get("/portal")
        .await
        .assert_contains("Ditolak: Alamat di luar jangkauan tiang");
    // Unknown registrations.
    assert_eq!(
        admin
            .post("/staff/registrations/9999/verify", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // The director reads the queue but does not act; technicians and customers get 403.
    let (director, _) = app.logged_in(Role::Director).await;
    assert_eq!(
        director
            .get(&format!("/staff/registrations/{reg}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        director.post(&path("verify"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        customer.post(&path("verify"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn installed_cannot_be_rejected() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (_, reg) = sign_up(&app, &c, "Asep", "0813-0000-1111", "").await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, _, visit) = verify_and_schedule(&app, &admin, reg).await;
    let (tid, day) = (technician(&app).await.1.to_string(), tomorrow(&app));
    // Rescheduling is allowed and keeps the latest appointment.
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/schedule"),
            &[
                ("technician_id", &tid),
                ("date", &day),
                ("window_start", "14:00"),
                ("window_end", "16:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    admin
        .get(&format!("/staff/registrations/{reg}"))
        .await
        .assert_contains("14:00–16:00");
    let installed = [("override_reason", "Dipasang mitra"), ("confirm", "1")];
    admin
        .post(&format!("/staff/registrations/{reg}/install"), &installed)
        .await;
    assert_eq!(
        admin
            .post(
                &format!("/staff/registrations/{reg}/reject"),
                &[("reason", "x")]
            )
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        admin
            .post(&format!("/staff/registrations/{reg}/install"), &installed)
            .await
            .status,
        StatusCode::CONFLICT
    );
    let subs: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM subscriptions", vec![])
        .await
        .unwrap();
    assert_eq!(subs, 1, "installed once");
}

#[tokio::test]
async fn duplicate_phone_or_email_gets_a_helpful_message_not_a_second_customer() {
    let app = spawn().await;
    let c = catalog(&app).await;
    sign_up(&app, &c, "Dewi", "0812-3456-7890", "dewi@example.co.id").await;
    let b = app.browser();
    let r = post_owned(
        &b,
        "/signup",
        &signup_fields(&c, "Dewi Lagi", "+62 812 3456 7890", "lain@example.co.id"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("sudah terdaftar")
        .assert_contains("href=\"/login\"")
        .assert_contains("href=\"/password/forgot\"")
        .assert_contains("value=\"Dewi Lagi\"");
    let r = post_owned(
        &b,
        "/signup",
        &signup_fields(&c, "Dewi Lagi", "0857-1111-2222", "DEWI@example.co.id"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // One notice for both cases: it names neither the field nor anything of the account.
    r.assert_contains("Nomor HP atau email ini sudah terdaftar")
        .assert_contains("href=\"/password/forgot\"");
    assert!(!r.body.contains("dewi@example.co.id"));
    let n: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM customers", vec![])
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn phone_numbers_are_stored_in_e164_whatever_the_form() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let forms = [
        ("0812-1000-0001", "+6281210000001"),
        ("+62 812 1000 0002", "+6281210000002"),
        ("6281210000003", "+6281210000003"),
        ("0812.1000.0004", "+6281210000004"),
        ("+62 (0)812 1000 0005", "+6281210000005"),
        ("812 1000 0006", "+6281210000006"),
        ("(022) 665 0007", "+62226650007"),
        ("+62-857-1000-0008", "+6285710000008"),
    ];
    for (i, (input, _)) in forms.iter().enumerate() {
        sign_up(&app, &c, &format!("Pelanggan {i}"), input, "").await;
    }
    let stored: Vec<(String,)> = app
        .db()
        .fetch_all("SELECT phone FROM customers ORDER BY id", vec![])
        .await
        .unwrap();
    let want: Vec<(String,)> = forms.iter().map(|(_, e)| (e.to_string(),)).collect();
    assert_eq!(stored, want);
    // And a number that is not one is refused with a message.
    let r = post_owned(
        &app.browser(),
        "/signup",
        &signup_fields(&c, "X", "0812-ab", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Nomor telepon tidak valid");
}

#[tokio::test]
async fn bad_input_keeps_what_was_typed_but_never_the_password() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let mut fields = signup_fields(&c, "Budi <Santoso>", "0812", "budi@");
    fields.retain(|(k, _)| *k != "consent" && *k != "password");
    fields.push(("password", "rahasia-sekali-99".into()));
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"Budi &#60;Santoso&#62;\"")
        .assert_contains("Jl. Kolonel Masturi")
        .assert_contains("Format email tidak valid")
        .assert_contains("Centang persetujuan");
    assert!(!r.body.contains("kopi-susu-cimahi-42") && !r.body.contains("rahasia-sekali-99"));
    // A retired package or an unknown area cannot be chosen.
    let mut fields = signup_fields(&c, "Budi", "0812-2222-3333", "");
    fields.retain(|(k, _)| *k != "package_id" && *k != "area_id");
    fields.push(("package_id", c.retired_package.to_string()));
    fields.push(("area_id", "abc".into()));
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    r.assert_contains("Pilih paket dari daftar")
        .assert_contains("Pilih area dari daftar");
    let n: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM customers", vec![])
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn an_uncovered_area_goes_to_the_waiting_list() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let mut fields = signup_fields(&c, "Rudi", "0812-7777-8888", "");
    fields.retain(|(k, _)| *k != "area_id");
    fields.push(("area_id", c.uncovered_area.to_string()));
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("belum terjangkau")
        .assert_contains("Lembang");
    let waiting: (String, String) = app
        .db()
        .fetch_one("SELECT name, phone FROM waiting_list", vec![])
        .await
        .unwrap();
    assert_eq!(waiting, ("Rudi".into(), "+6281277778888".into()));
    let n: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM customers", vec![])
        .await
        .unwrap();
    assert_eq!(n, 0);
    // Someone already registered is told so, not put on the waiting list.
    sign_up(&app, &c, "Dewi", "0812-3456-7890", "").await;
    let mut fields = signup_fields(&c, "Dewi", "0812-3456-7890", "");
    fields.retain(|(k, _)| *k != "area_id");
    fields.push(("area_id", c.uncovered_area.to_string()));
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("sudah terdaftar");
    let waiting: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM waiting_list", vec![])
        .await
        .unwrap();
    assert_eq!(waiting, 1);
}

#[tokio::test]
async fn referrals_are_credited_once_installed_and_unknown_codes_do_not_block() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (referrer, _) = sign_up(&app, &c, "Rina", "0812-1111-0000", "").await;
    let code = testid_text(&referrer.get("/portal").await.body, "referral-code").unwrap();
    assert_eq!(code.len(), 6);

    let mut fields = signup_fields(&c, "Teman Rina", "0812-1111-0001", "");
    fields.retain(|(k, _)| *k != "referral_code");
    fields.push(("referral_code", code.to_lowercase()));
    let b = app.browser();
    let r = post_owned(&b, "/signup", &fields).await;
    let reg: i64 = r
        .location
        .unwrap()
        .trim_start_matches("/signup/done/")
        .parse()
        .unwrap();
    referrer
        .get("/portal")
        .await
        .assert_contains("0 pendaftar terpasang, 1 masih diproses");

    let mut fields = signup_fields(&c, "Orang Lain", "0812-1111-0002", "");
    fields.retain(|(k, _)| *k != "referral_code");
    fields.push(("referral_code", "NOPE99".into()));
    let b2 = app.browser();
    let r = post_owned(&b2, "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let done = b2.get(r.location.as_deref().unwrap()).await;
    done.assert_contains("tidak ditemukan");

    let (admin, _) = app.logged_in(Role::Admin).await;
    install(&app, &admin, reg).await;
    referrer
        .get("/portal")
        .await
        .assert_contains("1 pendaftar terpasang, 0 masih diproses");
    let top = admin.get("/staff/referrals").await;
    top.assert_contains("Rina").assert_contains(&code);
}

#[tokio::test]
async fn a_logged_in_user_cannot_sign_up_again() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (b, _) = sign_up(&app, &c, "Dewi", "0812-3456-7890", "").await;
    let r = post_owned(
        &b,
        "/signup",
        &signup_fields(&c, "Dewi 2", "0812-3456-0000", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_queue_finds_a_registration_by_number_phone_or_name_longest_waiting_first() {
    let app = spawn().await;
    let c = crate::fixtures::catalog(&app).await;
    let (_, first) =
        crate::fixtures::sign_up(&app, &c, "Dewi Lestari", "081234500001", "dewi@x.test").await;
    app.clock.advance(chrono::Duration::hours(30));
    let (_, second) =
        crate::fixtures::sign_up(&app, &c, "Asep Sunandar", "081234500002", "asep@x.test").await;
    app.clock.advance(chrono::Duration::hours(2));
    // (Logged in now: a session does not last the 32 hours the clock moved.)
    let (admin, _) = app.logged_in(Role::Admin).await;
    let numbers: Vec<(String, String)> = app
        .db()
        .fetch_all(
            "SELECT r.number, c.number FROM registrations r JOIN customers c ON c.id = r.customer_id ORDER BY r.id",
            vec![],
        )
        .await
        .unwrap();
    let (reg2, plg2) = numbers[1].clone();

    // Longest waiting first, with how long and whether it is overdue (a day to verify).
    let page = admin.get("/staff/registrations").await;
    let (a, b) = (
        page.body.find(&numbers[0].0).unwrap(),
        page.body.find(&reg2).unwrap(),
    );
    assert!(a < b, "the oldest waiting comes first");
    let waited = testid_text(&page.body, &format!("waited-{}", numbers[0].0)).unwrap();
    assert!(waited.starts_with("1 hr 8 j"), "{waited}");
    assert!(page.body.contains("terlambat"));
    let waited = testid_text(&page.body, &format!("waited-{reg2}")).unwrap();
    assert_eq!(waited, "2 j 0 m");
    page.assert_contains("tel:+6281234500001")
        .assert_contains("https://wa.me/6281234500001");

    // Found by REG number, PLG number, the phone in three forms, and part of the name.
    for q in [
        reg2.to_lowercase(),
        plg2.clone(),
        "081234500002".into(),
        "+6281234500002".into(),
        "62 812-3450-0002".into(),
        "sunan".into(),
    ] {
        let page = admin
            .get(&format!(
                "/staff/registrations?q={}",
                q.replace('+', "%2B").replace(' ', "+")
            ))
            .await;
        assert!(page.body.contains(&reg2), "{q}");
        assert!(!page.body.contains(&numbers[0].0), "{q}");
    }
    // Finished ones leave the default list; "all" shows them newest first.
    crate::fixtures::install(&app, &admin, first).await;
    admin.get("/staff").await; // shows the flash naming it
    let page = admin.get("/staff/registrations").await;
    assert!(!page.body.contains(&numbers[0].0));
    let page = admin.get("/staff/registrations?status=any").await;
    let (a, b) = (
        page.body.find(&numbers[0].0).unwrap(),
        page.body.find(&reg2).unwrap(),
    );
    assert!(b < a, "newest first");
    let _ = second;

    // The customer search finds by address and by REG number too.
    let page = admin.get(&format!("/staff/customers?q={reg2}")).await;
    page.assert_contains("Asep Sunandar");
    assert!(!page.body.contains("Dewi Lestari"));
    let page = admin.get("/staff/customers?q=kolonel+masturi").await;
    page.assert_contains("Asep Sunandar")
        .assert_contains("Dewi Lestari");
}

#[tokio::test]
async fn the_reschedule_form_starts_from_the_current_appointment() {
    let app = spawn().await;
    let c = crate::fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) =
        crate::fixtures::sign_up(&app, &c, "Dewi Lestari", "081234500011", "d@x.test").await;
    let (_, tech, visit) = crate::fixtures::verify_and_schedule(&app, &admin, reg).await;
    let page = admin.get(&format!("/staff/visits/{visit}")).await;
    page.assert_contains(&format!("value=\"{tech}\" selected"))
        .assert_contains(&format!(
            "value=\"{}\"",
            (app.clock_now() + chrono::Duration::days(1)).format("%d/%m/%Y")
        ))
        .assert_contains("value=\"09:00\"")
        .assert_contains("value=\"10:00\"");
}

#[tokio::test]
async fn the_form_says_the_phone_is_the_login_and_shows_the_promo_of_the_chosen_package() {
    let app = spawn().await;
    let c = crate::fixtures::catalog(&app).await;
    let now = app.clock_now();
    let mut tx = app.db().begin().await.unwrap();
    setia::catalog::store::create_promo(
        &mut tx,
        &setia::catalog::store::NewPromo {
            title: "Gratis pasang Desember",
            title_en: "",
            body: "Bulan ini saja",
            body_en: "",
            starts_on: now.date_naive(),
            ends_on: now.date_naive() + chrono::Duration::days(30),
            published: true,
            packages: &[(c.package, None)],
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let b = app.browser();
    let page = b.get(&format!("/signup?package={}", c.package)).await;
    assert!(testid_text(&page.body, "login-hint")
        .unwrap()
        .contains("masuk ke portal"));
    assert_eq!(
        testid_text(&page.body, "chosen-promo").as_deref(),
        Some("Promo: Gratis pasang Desember")
    );
    let page = b.get(&format!("/signup?package={}", c.other_package)).await;
    assert!(testid_text(&page.body, "chosen-promo").is_none());
    page.assert_contains("Promo: Gratis pasang Desember"); // beside its package in the list
}

#[tokio::test]
async fn staff_type_dates_day_first_whatever_the_browser() {
    let app = spawn().await;
    let c = crate::fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, tech) = crate::fixtures::technician(&app).await;
    let (_, reg) =
        crate::fixtures::sign_up(&app, &c, "Dewi Lestari", "081234500021", "d@x.test").await;
    admin
        .post(&format!("/staff/registrations/{reg}/verify"), &[])
        .await;
    // The test clock is 28/11/2026: 03/12/2026 is the third of December, not the twelfth of March.
    let visit = crate::fixtures::queued_visit(&app, reg).await;
    let page = admin.get(&format!("/staff/visits/{visit}")).await;
    assert!(!page.body.contains("type=\"date\""));
    page.assert_contains("HH/BB/TTTT");
    let tid = tech.to_string();
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/schedule"),
            &[
                ("technician_id", tid.as_str()),
                ("date", "03/12/2026"),
                ("window_start", "09:00"),
                ("window_end", "11:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (day,): (chrono::NaiveDate,) = app
        .db()
        .fetch_one(
            "SELECT planned_date FROM visits WHERE id = $1",
            setia::args![visit],
        )
        .await
        .unwrap();
    assert_eq!(day, chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    // A day that does not exist is refused with a message.
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/schedule"),
            &[
                ("technician_id", tid.as_str()),
                ("date", "31/02/2027"),
                ("window_start", "09:00"),
                ("window_end", "11:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The queue's date filter reads day first too.
    let page = admin
        .get("/staff/registrations?status=any&from=28%2F11%2F2026&to=28%2F11%2F2026")
        .await;
    page.assert_contains("Dewi Lestari");
    let page = admin
        .get("/staff/registrations?status=any&from=29%2F11%2F2026")
        .await;
    assert!(!page.body.contains("Dewi Lestari"));
}
