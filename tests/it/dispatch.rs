//! The dispatch board (day and week views, the queue) and the office's visit lists, over HTTP.

use chrono::Duration;
use reqwest::StatusCode;
use setia::audit::Actor;
use setia::auth::Role;
use setia::dispatch::service::{self, Origin, Report};
use setia::visits::model::{FailReason, VisitStatus};

use crate::common::{spawn, testid_text, Browser, TestApp};
use crate::fixtures::{
    self, catalog, post_owned, queued_visit, sign_up, signup_fields, technician,
    verify_and_schedule,
};

async fn name_of(app: &TestApp, user: i64) -> String {
    app.db()
        .scalar("SELECT name FROM users WHERE id = $1", setia::args![user])
        .await
        .unwrap()
}

async fn number_of(app: &TestApp, visit: i64) -> String {
    app.db()
        .scalar(
            "SELECT number FROM visits WHERE id = $1",
            setia::args![visit],
        )
        .await
        .unwrap()
}

/// The HTML from the element marked `data-testid="<id>"` to the end of its table row.
fn row<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("data-testid=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id} in:\n{html}"));
    let end = html[start..]
        .find("</tr>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// A technician's part of the board: from their row to the next technician's (or the table's end).
fn tech_rows<'a>(html: &'a str, name: &str) -> &'a str {
    let marker = format!("data-testid=\"tech-{name}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no row of {name} in:\n{html}"));
    let rest = &html[start + marker.len()..];
    let end = [rest.find("data-testid=\"tech-"), rest.find("</tbody>")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The texts of a row's cells.
fn cells(html: &str, id: &str) -> Vec<String> {
    let r = row(html, id);
    let mut out = Vec::new();
    let mut rest = r;
    while let Some(open) = rest.find(['<']) {
        let tag_end = rest[open..].find('>').unwrap() + open;
        let tag = &rest[open + 1..tag_end];
        rest = &rest[tag_end + 1..];
        if tag.starts_with("td") || tag.starts_with("th") {
            let close = rest.find("</t").unwrap();
            out.push(rest[..close].trim().to_string());
        }
    }
    out
}

fn queue_part(html: &str) -> &str {
    &html[html.find("id=\"queue\"").expect("the queue")..]
}

async fn verify(admin: &Browser, reg: i64) {
    let r = admin
        .post(&format!("/staff/registrations/{reg}/verify"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "verify: {}", r.body);
}

fn actor(id: i64) -> Actor<'static> {
    Actor {
        id: Some(id),
        name: "Teknisi",
        ip: "-",
    }
}

/// The technician sets out, starts and finishes visit `id` at the clock's time.
async fn carry_out(app: &TestApp, tech: i64, id: i64) {
    let (db, links, now) = (app.db(), app.state.links(), app.clock_now());
    for to in [VisitStatus::OnTheWay, VisitStatus::InProgress] {
        service::step(db, &links, actor(tech), Role::Technician, now, id, to)
            .await
            .unwrap();
    }
    let report = Report {
        submission: uuid::Uuid::new_v4().to_string(),
        work_done: "Selesai".into(),
        serials: vec!["ZTE12345".into()],
        signal_dbm: None,
        download_mbps: None,
        upload_mbps: None,
        customer_present: true,
        fixed: true,
        photos: Vec::new(),
    };
    service::finish(db, &links, actor(tech), Role::Technician, now, id, report)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_board_shows_a_visit_in_its_technicians_row_on_its_day_and_week() {
    let app = spawn().await; // Saturday 28/11/2026 10:00 WIB
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = sign_up(&app, &c, "Sari Wulandari", "081211110001", "sari@test.id").await;
    let (_, tech, visit) = verify_and_schedule(&app, &admin, reg).await; // 29/11 09:00–10:00
    let (_, other) = technician(&app).await;
    let (number, name, other_name) = (
        number_of(&app, visit).await,
        name_of(&app, tech).await,
        name_of(&app, other).await,
    );

    let r = admin.get("/staff/dispatch?date=29/11/2026").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Min, 29/11/2026");
    let mine = tech_rows(&r.body, &name);
    for seen in [
        number.as_str(),
        "Sari Wulandari",
        "Pemasangan",
        "Cibabat",
        "Terjadwal",
        "09:00–10:00",
        &format!("href=\"/staff/visits/{visit}\""),
    ] {
        assert!(mine.contains(seen), "{seen} in the row of {name}:\n{mine}");
    }
    assert!(!mine.contains("Terlambat"), "not overdue yet");
    let theirs = tech_rows(&r.body, &other_name);
    assert!(!theirs.contains(&number));
    assert!(theirs.contains("Tidak ada kunjungan."));
    // The block spans its hour: two half-hour columns after 08:00–09:00's two free ones.
    assert!(
        mine.contains("<td class=\"free\" colspan=\"2\"></td><td class=\"slot\" colspan=\"2\">")
    );

    // Not on another day, nor today (the default).
    for path in ["/staff/dispatch?date=30/11/2026", "/staff/dispatch"] {
        let r = admin.get(path).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains(&number), "{path}");
    }
    // Today's page leads to tomorrow.
    let r = admin.get("/staff/dispatch").await;
    r.assert_contains("href=\"/staff/dispatch?view=day&#38;date=29%2F11%2F2026\" rel=\"next\"");

    // The week view (Monday 23/11 to Sunday 29/11) shows it in its row, under Sunday.
    let r = admin.get("/staff/dispatch?view=week&date=25/11/2026").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("23/11/2026 – 29/11/2026");
    let mine = tech_rows(&r.body, &name);
    assert!(
        mine.contains(&number) && mine.contains("Min 29/11"),
        "{mine}"
    );
    assert!(!tech_rows(&r.body, &other_name).contains(&number));
    let r = admin.get("/staff/dispatch?view=week&date=30/11/2026").await;
    assert!(!r.body.contains(&number));

    // Two days later it has not happened: marked overdue.
    app.clock.advance(Duration::days(2));
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin.get("/staff/dispatch?date=29/11/2026").await;
    assert!(tech_rows(&r.body, &name).contains("Terlambat"));
}

#[tokio::test]
async fn the_queue_lists_jobs_oldest_first_with_their_wait_and_filters_by_area() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let now = app.clock_now();
    let cigugur = setia::catalog::store::create_area(app.db(), "Cigugur", "Cimahi", true, now)
        .await
        .unwrap();
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, a) = sign_up(&app, &c, "Ani Lestari", "081211110002", "ani@test.id").await;
    verify(&admin, a).await;
    app.clock.advance(Duration::hours(2));
    let mut fields = signup_fields(&c, "Budi Santoso", "081211110003", "budi@test.id");
    fields.retain(|(k, _)| *k != "area_id");
    fields.push(("area_id", cigugur.to_string()));
    let r = post_owned(&app.browser(), "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let b: i64 = r.location.unwrap()["/signup/done/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    verify(&admin, b).await;
    app.clock.advance(Duration::minutes(30));
    let (va, vb) = (queued_visit(&app, a).await, queued_visit(&app, b).await);
    let (na, nb) = (number_of(&app, va).await, number_of(&app, vb).await);

    let r = admin.get("/staff/dispatch").await;
    assert_eq!(r.status, StatusCode::OK);
    let q = queue_part(&r.body);
    let (pa, pb) = (q.find(&na).unwrap(), q.find(&nb).unwrap());
    assert!(pa < pb, "oldest first");
    assert_eq!(testid_text(q, &format!("waited-{na}")).unwrap(), "2 j 30 m");
    assert_eq!(testid_text(q, &format!("waited-{nb}")).unwrap(), "30 m");
    let row_a = row(q, &format!("queued-{na}"));
    for seen in ["Pemasangan", "Ani Lestari", "Cibabat", "REG-"] {
        assert!(row_a.contains(seen), "{seen}: {row_a}");
    }
    assert!(row_a.contains(&format!("href=\"/staff/registrations/{a}\"")));
    assert!(
        row_a.contains(&format!("href=\"/staff/visits/{va}#schedule\"")),
        "admins book"
    );

    let r = admin.get(&format!("/staff/dispatch?area={cigugur}")).await;
    let q = queue_part(&r.body);
    assert!(q.contains(&nb) && !q.contains(&na), "{q}");

    // A director reads the board and the queue, without booking links.
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director.get("/staff/dispatch").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(queue_part(&r.body).contains(&na));
    assert!(!r.body.contains("#schedule"));
    // Nobody else does.
    let (tech, _) = technician(&app).await;
    assert_eq!(
        tech.get("/staff/dispatch").await.status,
        StatusCode::FORBIDDEN
    );
    let (customer, _) = app.logged_in(Role::Customer).await;
    assert_eq!(
        customer.get("/staff/dispatch").await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.browser().get("/staff/dispatch").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location.as_deref(),
        Some("/login?next=%2Fstaff%2Fdispatch")
    );

    // A date that is not one is answered next to its field, keeping what was typed.
    let r = admin.get("/staff/dispatch?date=31/02/2026").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-date\"")
        .assert_contains("value=\"31/02/2026\"");
}

#[tokio::test]
async fn the_lists_count_outcomes_reasons_and_durations() {
    let app = spawn().await; // Saturday 28/11/2026 10:00 WIB: registrations verified now
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let mut regs = Vec::new();
    for (i, name) in ["Citra", "Dewi", "Eko", "Fajar"].iter().enumerate() {
        let (_, reg) = sign_up(
            &app,
            &c,
            &format!("{name} Pelanggan"),
            &format!("08121111002{i}"),
            &format!("{}@test.id", name.to_lowercase()),
        )
        .await;
        regs.push(reg);
    }
    let (_, t1, v1) = verify_and_schedule(&app, &admin, regs[0]).await; // 29/11 09:00–10:00
    let (_, t2) = technician(&app).await;
    let mut visits = vec![v1];
    for &reg in &regs[1..] {
        verify(&admin, reg).await;
        visits.push(queued_visit(&app, reg).await);
    }
    fixtures::book(&admin, visits[1], t1, "29/11/2026", "10:00", "11:00").await;
    fixtures::book(&admin, visits[2], t2, "29/11/2026", "09:00", "10:00").await;
    fixtures::book(&admin, visits[3], t1, "29/11/2026", "13:00", "14:00").await;
    let (db, links) = (app.db(), app.state.links());
    service::cancel(
        db,
        &links,
        actor(t1),
        app.clock_now(),
        visits[3],
        "Pelanggan minta batal",
        false,
    )
    .await
    .unwrap();

    // Sunday 29/11, 10:00 WIB: 24 hours after verification the first is installed, the third fails.
    app.clock.advance(Duration::hours(24));
    carry_out(&app, t1, visits[0]).await;
    let now = app.clock_now();
    service::step(
        db,
        &links,
        actor(t2),
        Role::Technician,
        now,
        visits[2],
        VisitStatus::OnTheWay,
    )
    .await
    .unwrap();
    service::fail(
        db,
        &links,
        actor(t2),
        Role::Technician,
        now,
        visits[2],
        FailReason::CustomerAbsent,
        "",
    )
    .await
    .unwrap();
    // 11:00: the second is installed (25 hours), and its customer reports a problem.
    app.clock.advance(Duration::hours(1));
    carry_out(&app, t1, visits[1]).await;
    let customer: i64 = db
        .scalar(
            "SELECT customer_id FROM registrations WHERE id = $1",
            setia::args![regs[1]],
        )
        .await
        .unwrap();
    let ticket = setia::tickets::filing::file(
        db,
        &links,
        actor(t1),
        app.clock_now(),
        setia::tickets::filing::NewTicketInput {
            caller: setia::tickets::filing::Caller::Customer(customer),
            subscription_id: None,
            category: setia::tickets::model::Category::Slow,
            priority: None,
            channel: setia::tickets::model::Channel::Phone,
            body: "Lambat sekali".into(),
            photos: Vec::new(),
            hourly_limit: None,
        },
    )
    .await
    .unwrap()
    .id;
    let repair = service::open_job(db, actor(t1), app.clock_now(), Origin::Ticket(ticket), "")
        .await
        .unwrap()
        .id;
    let (admin, _) = app.logged_in(Role::Admin).await; // a day later: a new session
    fixtures::book(&admin, repair, t1, "30/11/2026", "09:00", "10:00").await;
    // Monday 30/11 10:00 WIB: repaired 23 hours after the ticket was opened.
    app.clock.advance(Duration::hours(23));
    carry_out(&app, t1, repair).await;

    let (n1, n2) = (name_of(&app, t1).await, name_of(&app, t2).await);
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin.get("/staff/visits/summary").await; // the last four weeks
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let b = &r.body;
    let week = |name: &str, monday: &str| cells(b, &format!("week-{name}-{monday}"));
    assert_eq!(
        week(&n1, "2026-11-23"),
        [
            n1.as_str(),
            "Mg 48/2026 (23/11–29/11)",
            "2",
            "0",
            "1",
            "100%"
        ]
    );
    assert_eq!(
        week(&n1, "2026-11-30"),
        [
            n1.as_str(),
            "Mg 49/2026 (30/11–06/12)",
            "1",
            "0",
            "0",
            "100%"
        ]
    );
    assert_eq!(
        cells(b, &format!("total-{n1}"))[2..],
        ["3", "0", "1", "100%"]
    );
    assert_eq!(week(&n2, "2026-11-23")[2..], ["0", "1", "0", "0%"]);
    assert_eq!(cells(b, "grand-total")[2..], ["3", "1", "1", "75%"]);
    let reasons = &b[b.find("data-testid=\"fail-reasons\"").unwrap()..];
    assert!(reasons.contains("<td data-label=\"Alasan\">Pelanggan tidak ada di tempat</td><td data-label=\"Jumlah\">1</td>"));
    assert_eq!(testid_text(b, "reasons-total").unwrap(), "1");
    assert_eq!(cells(b, "span-install")[1..], ["2", "24,5 jam", "24,5 jam"]);
    assert_eq!(cells(b, "span-repair")[1..], ["1", "23,0 jam", "23,0 jam"]);

    // One day only: Monday's repair.
    let r = admin
        .get("/staff/visits/summary?from=30/11/2026&to=30/11/2026")
        .await;
    assert_eq!(cells(&r.body, "grand-total")[2..], ["1", "0", "0", "100%"]);
    assert_eq!(cells(&r.body, "span-install")[1..], ["0", "–", "–"]);
    assert_eq!(cells(&r.body, "span-repair")[1], "1");
    assert!(!r.body.contains(&format!("data-testid=\"total-{n2}\"")));

    // The director reads them too; in English the decimal mark is a point.
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director.get("/staff/visits/summary").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = director
        .post("/lang", &[("lang", "en"), ("back", "/staff")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = director.get("/staff/visits/summary").await;
    assert_eq!(cells(&r.body, "span-install")[2], "24.5 h");

    // Bad periods are answered next to their fields.
    let r = admin.get("/staff/visits/summary?from=kemarin").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-from\"")
        .assert_contains("value=\"kemarin\"");
    let r = admin
        .get("/staff/visits/summary?from=30/11/2026&to=01/11/2026")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Tanggal akhir tidak boleh sebelum tanggal awal.");
    let (tech, _) = technician(&app).await;
    assert_eq!(
        tech.get("/staff/visits/summary").await.status,
        StatusCode::FORBIDDEN
    );
}
