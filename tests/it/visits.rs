//! Technician visits over HTTP: scheduling without double booking (also under concurrent
//! admins), the override, jobs from tickets and terminations, the migration of the old
//! appointments. The technician's side is in tests/it/field.rs.

use reqwest::StatusCode;
use setia::auth::Role;
use setia::db::Db;

use crate::common::{fresh_database, spawn, testid_text};
use crate::field::{report, step, submission_key};
use crate::fixtures;

fn booking<'a>(tech: &'a str, day: &'a str, from: &'a str, to: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("technician_id", tech),
        ("date", day),
        ("window_start", from),
        ("window_end", to),
    ]
}

#[tokio::test]
async fn an_overlapping_booking_is_refused_naming_the_clash() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, tech) = fixtures::technician(&app).await;
    let tid = tech.to_string();
    let day = fixtures::tomorrow(&app);
    let first = fixtures::verified_visit(&app, &c, &admin, "Budi Santoso", "081300000001").await;
    let second = fixtures::verified_visit(&app, &c, &admin, "Citra Dewi", "081300000002").await;

    let r = admin
        .post(
            &format!("/staff/visits/{first}/schedule"),
            &booking(&tid, &day, "10:00", "12:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let first_number = testid_text(
        &admin.get(&format!("/staff/visits/{first}")).await.body,
        "visit-status",
    );
    assert_eq!(first_number.as_deref(), Some("Terjadwal"));

    // 11:00–13:00 overlaps 10:00–12:00: refused, naming the booked visit, the form kept.
    let r = admin
        .post(
            &format!("/staff/visits/{second}/schedule"),
            &booking(&tid, &day, "11:00", "13:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let clash = testid_text(&r.body, "clash").expect("the clash is named");
    assert!(
        clash.contains("KJG-2026-000001") && clash.contains("Budi Santoso"),
        "{clash}"
    );
    r.assert_contains("value=\"11:00\"")
        .assert_contains("value=\"13:00\"");
    assert_eq!(fixtures::status_of(&app, "visits", second).await, "queued");

    // Back to back is fine; so is the same window for another technician.
    let r = admin
        .post(
            &format!("/staff/visits/{second}/schedule"),
            &booking(&tid, &day, "12:00", "14:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Rescheduling the first onto the second's window is refused too; onto its own, fine.
    let r = admin
        .post(
            &format!("/staff/visits/{first}/schedule"),
            &booking(&tid, &day, "13:00", "15:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post(
            &format!("/staff/visits/{first}/schedule"),
            &booking(&tid, &day, "09:00", "11:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The history keeps both appointments.
    let page = admin.get(&format!("/staff/visits/{first}")).await;
    page.assert_contains("Jadwal kunjungan diubah")
        .assert_contains("10:00–12:00 · ")
        .assert_contains("→ ")
        .assert_contains("09:00–11:00");

    // A deactivated technician cannot be booked.
    let third = fixtures::verified_visit(&app, &c, &admin, "Dedi Kurnia", "081300000003").await;
    app.db()
        .execute(
            "UPDATE users SET active = FALSE WHERE id = $1",
            setia::args![tech],
        )
        .await
        .unwrap();
    let r = admin
        .post(
            &format!("/staff/visits/{third}/schedule"),
            &booking(&tid, &day, "15:00", "16:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Pilih teknisi yang aktif");
}

#[tokio::test]
async fn two_admins_booking_one_slot_at_the_same_moment_one_succeeds() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin1, _) = app.logged_in(Role::Admin).await;
    let (admin2, _) = app.logged_in(Role::Admin).await;
    let (_, tech) = fixtures::technician(&app).await;
    let tid = tech.to_string();
    let day = fixtures::tomorrow(&app);
    for round in 0..5 {
        let a = fixtures::verified_visit(
            &app,
            &c,
            &admin1,
            "Eka Putri",
            &format!("08131000{round:02}1"),
        )
        .await;
        let b = fixtures::verified_visit(
            &app,
            &c,
            &admin1,
            "Fajar Nugroho",
            &format!("08131000{round:02}2"),
        )
        .await;
        let from = format!("{:02}:00", 8 + round);
        let to = format!("{:02}:30", 8 + round);
        let (pa, pb) = (
            format!("/staff/visits/{a}/schedule"),
            format!("/staff/visits/{b}/schedule"),
        );
        let fa = booking(&tid, &day, &from, &to);
        let fb = booking(&tid, &day, &from, &to);
        let (ra, rb) = tokio::join!(admin1.post(&pa, &fa), admin2.post(&pb, &fb));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::UNPROCESSABLE_ENTITY],
            "round {round}"
        );
        let booked: i64 = app
            .db()
            .scalar(
                "SELECT COUNT(*) FROM visits WHERE technician_id = $1 AND window_start = $2 AND status = 'scheduled'",
                setia::args![tech, from.as_str()],
            )
            .await
            .unwrap();
        assert_eq!(booked, 1, "round {round}: exactly one booking");
    }
}

#[tokio::test]
async fn two_admins_booking_the_same_visit_at_once_do_not_overwrite_each_other() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin1, _) = app.logged_in(Role::Admin).await;
    let (admin2, _) = app.logged_in(Role::Admin).await;
    let (_, t1) = fixtures::technician(&app).await;
    let (_, t2) = fixtures::technician(&app).await;
    let (t1, t2) = (t1.to_string(), t2.to_string());
    let day = fixtures::tomorrow(&app);
    let visit = fixtures::verified_visit(&app, &c, &admin1, "Lina Marlina", "081300000061").await;
    let path = format!("/staff/visits/{visit}/schedule");
    // Both filled in the form while the visit was still queued.
    let a = [
        ("seen", "queued"),
        ("technician_id", t1.as_str()),
        ("date", day.as_str()),
        ("window_start", "10:00"),
        ("window_end", "12:00"),
    ];
    let b = [
        ("seen", "queued"),
        ("technician_id", t2.as_str()),
        ("date", day.as_str()),
        ("window_start", "13:00"),
        ("window_end", "15:00"),
    ];
    let (ra, rb) = tokio::join!(admin1.post(&path, &a), admin2.post(&path, &b));
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    let events: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM visit_events WHERE visit_id = $1 AND kind IN ('scheduled', 'rescheduled')",
            setia::args![visit],
        )
        .await
        .unwrap();
    assert_eq!(events, 1, "booked once");
}

#[tokio::test]
async fn the_override_installs_with_a_reason_and_is_audited_as_such() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = fixtures::sign_up(&app, &c, "Gita Lestari", "081300000011", "").await;
    let (_, _, visit) = fixtures::verify_and_schedule(&app, &admin, reg).await;
    let path = format!("/staff/registrations/{reg}/install");
    // Without a reason, or before the confirmation: nothing happens.
    let r = admin
        .post(&path, &[("override_reason", ""), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .post(&path, &[("override_reason", "Dipasang mitra")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("Ya, tandai terpasang");
    assert_eq!(
        fixtures::status_of(&app, "registrations", reg).await,
        "scheduled"
    );
    // A director may not.
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director
        .post(&path, &[("override_reason", "x"), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .post(
            &path,
            &[
                ("override_reason", "Dipasang teknisi mitra"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        fixtures::status_of(&app, "registrations", reg).await,
        "installed"
    );
    // The booked visit is called off, so the technician does not go.
    assert_eq!(
        fixtures::status_of(&app, "visits", visit).await,
        "cancelled"
    );
    let (detail,): (String,) = app
        .db()
        .fetch_one(
            "SELECT detail FROM audit_log WHERE action = 'registration.install_override'",
            vec![],
        )
        .await
        .expect("audited as an override");
    assert!(detail.contains("Dipasang teknisi mitra"), "{detail}");
}

#[tokio::test]
async fn a_ticket_gets_a_repair_visit_and_a_termination_a_dismantling() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = fixtures::sign_up(&app, &c, "Hadi Wijaya", "081300000021", "").await;
    fixtures::install(&app, &admin, reg).await;
    let (customer_id, sub): (i64, i64) = app
        .db()
        .fetch_one(
            "SELECT customer_id, id FROM subscriptions ORDER BY id DESC LIMIT 1",
            vec![],
        )
        .await
        .unwrap();
    let ticket = fixtures::phoned_in_complaint(&app, &admin, customer_id).await;
    let tid = ticket.to_string();
    let r = admin
        .post(
            "/staff/visits/jobs",
            &[("ticket_id", tid.as_str()), ("notes", "Cek ODP")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A second job for the same ticket is refused while the first is open.
    let r = admin
        .post("/staff/visits/jobs", &[("ticket_id", tid.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let (visit, kind): (i64, String) = app
        .db()
        .fetch_one(
            "SELECT id, kind FROM visits WHERE ticket_id = $1",
            setia::args![ticket],
        )
        .await
        .unwrap();
    assert_eq!(kind, "repair");
    // Scheduled: the ticket says a visit is scheduled, the customer sees the window.
    let (_, tech) = fixtures::technician(&app).await;
    fixtures::schedule_visit(&app, &admin, visit, tech).await;
    assert_eq!(
        fixtures::status_of(&app, "tickets", ticket).await,
        "visit_scheduled"
    );
    // Resolved by the office before the visit: the visit is called off.
    let r = admin
        .post(
            &format!("/staff/tickets/{ticket}/status"),
            &[("to", "resolved")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        fixtures::status_of(&app, "visits", visit).await,
        "cancelled"
    );

    // Terminating the subscription queues a dismantling visit for it.
    let r = admin
        .post(
            &format!("/staff/subscriptions/{sub}/terminate"),
            &[("reason", "price"), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dismantling: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM visits WHERE subscription_id = $1 AND kind = 'dismantling' AND status = 'queued'",
            setia::args![sub],
        )
        .await
        .unwrap();
    assert_eq!(dismantling, 1);
}

#[tokio::test]
async fn a_cancelled_visit_returns_its_job_to_the_queue_or_drops_it() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = fixtures::sign_up(&app, &c, "Indah Sari", "081300000031", "").await;
    let (_, _, visit) = fixtures::verify_and_schedule(&app, &admin, reg).await;
    assert_eq!(
        fixtures::status_of(&app, "registrations", reg).await,
        "scheduled"
    );
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/cancel"),
            &[("cancel_reason", "")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/cancel"),
            &[
                ("cancel_reason", "Pelanggan minta diundur"),
                ("requeue", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        fixtures::status_of(&app, "visits", visit).await,
        "cancelled"
    );
    // The registration waits for a new appointment; the job is queued again, keeping its wait.
    assert_eq!(
        fixtures::status_of(&app, "registrations", reg).await,
        "verified"
    );
    let (again, previous, same_wait): (i64, Option<i64>, bool) = app
        .db()
        .fetch_one(
            "SELECT v.id, v.previous_id, v.queued_at = p.queued_at FROM visits v JOIN visits p ON p.id = v.previous_id \
             WHERE v.registration_id = $1 AND v.status = 'queued'",
            setia::args![reg],
        )
        .await
        .unwrap();
    assert_eq!(previous, Some(visit));
    assert!(same_wait);
    assert_ne!(again, visit);
    // Cancelling twice: refused, nothing changes.
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/cancel"),
            &[("cancel_reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

/// Appointments stored before visits existed (the `installations` table of migration 0002)
/// become installation visits: the latest per registration with its status, the earlier ones
/// as its history; verified registrations without one wait in the queue.
#[tokio::test]
async fn existing_appointments_become_installation_visits() {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(dir.path(), true).await;
    let db = Db::connect(&url).await.unwrap();
    db.migrate_through(8).await.unwrap();
    let now = chrono::Utc::now();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let user = |name: &str, role: &str| {
        let (name, role) = (name.to_string(), role.to_string());
        let db = db.clone();
        async move {
            db.insert_returning::<i64>(
                "INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ($1, $2, 'x', $3, $3) RETURNING id",
                setia::args![name, role, now],
            )
            .await
            .unwrap()
        }
    };
    let tech = user("Joko Teknisi", "technician").await;
    let area: i64 = db
        .insert_returning(
            "INSERT INTO areas (name, created_at) VALUES ('Cimahi', $1) RETURNING id",
            setia::args![now],
        )
        .await
        .unwrap();
    let package: i64 = db
        .insert_returning(
            "INSERT INTO packages (name, download_mbps, upload_mbps, price, created_at, updated_at) \
             VALUES ('Rumah 20', 20, 10, 250000, $1, $1) RETURNING id",
            setia::args![now],
        )
        .await
        .unwrap();
    let mut regs = Vec::new();
    for (i, status) in ["scheduled", "installed", "verified"].iter().enumerate() {
        let customer: i64 = db
            .insert_returning(
                "INSERT INTO customers (number, name, phone, address, area_id, status, referral_code, created_at, updated_at) \
                 VALUES ($1, $2, $3, 'Jl. Melati 1', $4, 'prospect', $5, $6, $6) RETURNING id",
                setia::args![format!("PLG-{i}"), format!("Pelanggan {i}"), format!("+62813000000{i}"), area, format!("REF{i}"), now],
            )
            .await
            .unwrap();
        let reg: i64 = db
            .insert_returning(
                "INSERT INTO registrations (number, customer_id, package_id, area_id, address, status, submitted_at, verified_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 'Jl. Melati 1', $5, $6, $6, $6) RETURNING id",
                setia::args![format!("REG-2026-00000{i}"), customer, package, area, *status, now],
            )
            .await
            .unwrap();
        regs.push(reg);
    }
    // The scheduled one was rescheduled once; the installed one had one appointment.
    for (reg, start) in [(regs[0], "09:00"), (regs[0], "13:00"), (regs[1], "10:00")] {
        db.execute(
            "INSERT INTO installations (registration_id, technician_id, planned_date, window_start, window_end, notes, created_at) \
             VALUES ($1, $2, $3, $4, '15:00', 'Bawa tangga', $5)",
            setia::args![reg, tech, day, start, now],
        )
        .await
        .unwrap();
    }
    db.migrate().await.unwrap();

    #[derive(sqlx::FromRow, setia::db::LiteRow)]
    struct V {
        id: i64,
        number: String,
        kind: String,
        status: String,
        technician_id: Option<i64>,
        window_start: Option<String>,
        notes: String,
    }
    let of = |reg: i64| {
        let db = db.clone();
        async move {
            db.fetch_all::<V>(
                "SELECT id, number, kind, status, technician_id, window_start, notes FROM visits WHERE registration_id = $1 ORDER BY id",
                setia::args![reg],
            )
            .await
            .unwrap()
        }
    };
    let scheduled = of(regs[0]).await;
    assert_eq!(scheduled.len(), 1, "one visit per registration");
    let v = &scheduled[0];
    assert_eq!(
        (v.kind.as_str(), v.status.as_str()),
        ("installation", "scheduled")
    );
    assert_eq!(
        (v.technician_id, v.window_start.as_deref()),
        (Some(tech), Some("13:00"))
    );
    assert_eq!(v.notes, "Bawa tangga");
    assert!(v.number.starts_with("KJG-"), "{}", v.number);
    let history: Vec<(String, String)> = db
        .fetch_all(
            "SELECT kind, detail FROM visit_events WHERE visit_id = $1 ORDER BY id",
            setia::args![v.id],
        )
        .await
        .unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0].0, "scheduled");
    assert!(
        history[0].1.contains("30/11/2026 09:00–15:00"),
        "{history:?}"
    );
    assert_eq!(history[1].0, "rescheduled");
    let installed = of(regs[1]).await;
    assert_eq!(installed[0].status, "done");
    let waiting = of(regs[2]).await;
    assert_eq!(
        (waiting[0].status.as_str(), waiting[0].technician_id),
        ("queued", None)
    );
    // New visits are numbered after the migrated ones.
    let next: i64 = db
        .scalar("SELECT value FROM counters WHERE name = 'visit'", vec![])
        .await
        .unwrap();
    assert!(next >= waiting[0].id);
    let old: i64 = db
        .scalar(
            "SELECT COUNT(*) FROM visits WHERE number LIKE 'KJG-new-%'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(old, 0);
    db.close().await;
    crate::common::drop_database(pg).await;
}

#[tokio::test]
async fn an_installation_from_sign_up_to_active_with_a_rating_request() {
    let app = crate::field::spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (customer, reg) =
        fixtures::sign_up(&app, &c, "Joko Susilo", "081300000041", "joko@contoh.id").await;
    let (tech, _, visit) = fixtures::verify_and_schedule(&app, &admin, reg).await;
    // The customer sees the planned window.
    customer
        .get("/portal")
        .await
        .assert_contains("09:00")
        .assert_contains("10:00");
    // Not before the day; then on the way (the customer is told), at work, done with a report.
    assert_eq!(
        step(&tech, visit, "on_the_way").await.status,
        StatusCode::CONFLICT
    );
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(
        step(&tech, visit, "on_the_way").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        step(&tech, visit, "in_progress").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        fixtures::status_of(&app, "registrations", reg).await,
        "scheduled"
    );
    let key = submission_key(&tech.get(&format!("/staff/visits/{visit}")).await.body);
    let r = report(
        &tech,
        visit,
        &[
            ("submission", key.as_str()),
            (
                "work_done",
                "Tarik kabel drop 60 m, pasang ONT, tes 20 Mbps.",
            ),
            ("serials", "ZTEG12345678"),
            ("customer_present", "yes"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        fixtures::status_of(&app, "registrations", reg).await,
        "installed"
    );
    let (sub, cust): (String, String) = app
        .db()
        .fetch_one(
            "SELECT s.status, c.status FROM registrations r JOIN subscriptions s ON s.id = r.subscription_id \
             JOIN customers c ON c.id = r.customer_id WHERE r.id = $1",
            setia::args![reg],
        )
        .await
        .unwrap();
    assert_eq!((sub.as_str(), cust.as_str()), ("active", "active"));
    // The rating request is queued (outbox) with a signed link for this installation.
    let (body,): (String,) = app
        .db()
        .fetch_one(
            "SELECT body FROM mail_outbox WHERE to_addr = 'joko@contoh.id' AND body LIKE '%/rate/%' ORDER BY id DESC LIMIT 1",
            vec![],
        )
        .await
        .expect("a rating mail");
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/rate/"))
        .unwrap();
    let path = &link[link.find("/rate/").unwrap()..];
    let page = app.browser().get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("KJG-2026-");
    // The mails of the way: scheduled and on the way, in the customer's language.
    let told: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE to_addr = 'joko@contoh.id' AND (subject LIKE 'Jadwal kunjungan%' OR subject LIKE 'Teknisi dalam perjalanan%')",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(told, 2);
    // The timeline says it in words.
    let page = admin
        .get(&format!(
            "/staff/customers/{}",
            app.db()
                .scalar::<i64>(
                    "SELECT customer_id FROM registrations WHERE id = $1",
                    setia::args![reg]
                )
                .await
                .unwrap()
        ))
        .await;
    page.assert_contains("berangkat untuk kunjungan")
        .assert_contains("menyelesaikan kunjungan Pemasangan")
        .assert_contains("pada 29/11/2026 09:00–10:00 WIB");
}

#[tokio::test]
async fn a_repair_visit_done_resolves_its_ticket() {
    let app = crate::field::spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (customer, reg) =
        fixtures::sign_up(&app, &c, "Kiki Amelia", "081300000051", "kiki@contoh.id").await;
    fixtures::install(&app, &admin, reg).await;
    let customer_id: i64 = app
        .db()
        .scalar(
            "SELECT customer_id FROM registrations WHERE id = $1",
            setia::args![reg],
        )
        .await
        .unwrap();
    let ticket = fixtures::phoned_in_complaint(&app, &admin, customer_id).await;
    let page = admin.get(&format!("/staff/tickets/{ticket}")).await;
    page.assert_contains("data-testid=\"need-visit\"");
    let tid = ticket.to_string();
    let r = admin
        .post("/staff/visits/jobs", &[("ticket_id", tid.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let visit: i64 = app
        .db()
        .scalar(
            "SELECT id FROM visits WHERE ticket_id = $1",
            setia::args![ticket],
        )
        .await
        .unwrap();
    let (tech, tech_id) = fixtures::technician(&app).await;
    fixtures::schedule_visit(&app, &admin, visit, tech_id).await;
    assert_eq!(
        fixtures::status_of(&app, "tickets", ticket).await,
        "visit_scheduled"
    );
    customer
        .get("/portal")
        .await
        .assert_contains("data-testid=\"visit\"");
    app.clock.advance(chrono::Duration::days(1));
    step(&tech, visit, "on_the_way").await;
    step(&tech, visit, "in_progress").await;
    let key = submission_key(&tech.get(&format!("/staff/visits/{visit}")).await.body);
    let r = report(
        &tech,
        visit,
        &[
            ("submission", key.as_str()),
            ("work_done", "Konektor di ODP diganti, sinyal normal."),
            ("customer_present", "yes"),
            ("fixed", "yes"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        fixtures::status_of(&app, "tickets", ticket).await,
        "resolved"
    );
    // The customer reads the technician's report in the thread.
    customer
        .get(&format!("/portal/tickets/{ticket}"))
        .await
        .assert_contains("Konektor di ODP diganti");
}
