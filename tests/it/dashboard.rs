//! The director's dashboard, the terminations list, the admin's home, the monthly report and its
//! mail, on a small hand-built data set whose answers are worked out below.
//!
//! The test clock is 28 Nov 2026, so "last month" is October 2026 (1–31 Oct, WIB) and its
//! previous period is the 31 days before: 31 Aug – 30 Sep 2026.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use reqwest::StatusCode;
use setia::args;
use setia::auth::Role;

use crate::common::{spawn, testid_text, Resp, TestApp};
use crate::fixtures::{catalog, Catalog};
use crate::smtp::{app_with_smtp, run_jobs};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, 0, 0).unwrap()
}

async fn customer(app: &TestApp, c: &Catalog, n: i64) -> i64 {
    let now = app.clock_now();
    app.db()
        .insert_returning(
            "INSERT INTO customers (number, name, phone, address, area_id, status, referral_code, created_at, updated_at) \
             VALUES ($1, $2, $3, 'Jl. Melati 1', $4, 'active', $5, $6, $6) RETURNING id",
            args![
                format!("PLG-{n:06}"),
                format!("Pelanggan {n}"),
                format!("+62812000000{n:02}"),
                c.area,
                format!("REF{n}"),
                now
            ],
        )
        .await
        .unwrap()
}

#[allow(clippy::too_many_arguments)]
async fn subscription(
    app: &TestApp,
    c: &Catalog,
    customer: i64,
    package: i64,
    status: &str,
    started: NaiveDate,
    ended: Option<NaiveDate>,
    reason: Option<&str>,
    competitor: Option<i64>,
) {
    let now = app.clock_now();
    app.db()
        .execute(
            "INSERT INTO subscriptions (customer_id, package_id, address, area_id, status, started_on, ended_on, \
             termination_reason, competitor_id, created_at, updated_at) \
             VALUES ($1, $2, 'Jl. Melati 1', $3, $4, $5, $6, $7, $8, $9, $9)",
            args![customer, package, c.area, status, started, ended, reason, competitor, now],
        )
        .await
        .unwrap();
}

#[allow(clippy::too_many_arguments)]
async fn registration(
    app: &TestApp,
    c: &Catalog,
    n: i64,
    customer: i64,
    status: &str,
    channel: &str,
    referrer: Option<i64>,
    submitted: DateTime<Utc>,
    installed: Option<DateTime<Utc>>,
) -> i64 {
    app.db()
        .insert_returning(
            "INSERT INTO registrations (number, customer_id, package_id, area_id, address, status, referrer_id, channel, \
             submitted_at, installed_at, updated_at) VALUES ($1, $2, $3, $4, 'Jl. Melati 1', $5, $6, $7, $8, $9, $8) RETURNING id",
            args![format!("REG-2026-{n:06}"), customer, c.package, c.area, status, referrer, channel, submitted, installed],
        )
        .await
        .unwrap()
}

#[allow(clippy::too_many_arguments)]
async fn ticket(
    app: &TestApp,
    c: &Catalog,
    n: i64,
    customer: i64,
    category: &str,
    created: DateTime<Utc>,
    first_response_h: i64,
    resolved_at: Option<DateTime<Utc>>,
    breached: bool,
) -> i64 {
    let status = if resolved_at.is_some() {
        "resolved"
    } else {
        "open"
    };
    app.db()
        .insert_returning(
            "INSERT INTO tickets (number, customer_id, area_id, category, priority, status, channel, summary, created_at, \
             updated_at, first_response_at, resolved_at, first_response_breached) \
             VALUES ($1, $2, $3, $4, 'normal', $5, 'phone', 'Internet mati', $6, $6, $7, $8, $9) RETURNING id",
            args![
                format!("TKT-2026-{n:06}"),
                customer,
                c.area,
                category,
                status,
                created,
                created + Duration::hours(first_response_h),
                resolved_at,
                breached
            ],
        )
        .await
        .unwrap()
}

async fn rating(
    app: &TestApp,
    kind: &str,
    subject: i64,
    customer: i64,
    stars: i64,
    when: DateTime<Utc>,
) {
    app.db()
        .execute(
            "INSERT INTO ratings (subject_kind, subject_id, customer_id, stars, via, created_at) VALUES ($1, $2, $3, $4, 'link', $5)",
            args![kind, subject, customer, stars, when],
        )
        .await
        .unwrap();
}

async fn nps_answer(app: &TestApp, survey: i64, customer: i64, score: i64, when: DateTime<Utc>) {
    app.db()
        .execute(
            "INSERT INTO nps_requests (survey_id, customer_id, sent_at, score, answered_at) VALUES ($1, $2, $3, $4, $5)",
            args![survey, customer, when - Duration::days(1), score, when],
        )
        .await
        .unwrap();
}

/// The data set. Customers C1…C6; the `_` comments give what each row adds to October (Oct)
/// and to the previous period (Prev, 31 Aug – 30 Sep).
struct World {
    c: Catalog,
    customers: Vec<i64>,
    waiting_reg: i64,
}

async fn world(app: &TestApp) -> World {
    let c = catalog(app).await;
    let mut cs = Vec::new();
    for n in 1..=6 {
        cs.push(customer(app, &c, n).await);
    }
    let competitor: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO competitors (name, created_at) VALUES ('NetCepat', $1) RETURNING id",
            args![app.clock_now()],
        )
        .await
        .unwrap();
    // Subscriptions.
    // C1: active since 10 Jan, and a second one since 1 Jun (still one customer).
    subscription(
        app,
        &c,
        cs[0],
        c.package,
        "active",
        day(1, 10),
        None,
        None,
        None,
    )
    .await;
    subscription(
        app,
        &c,
        cs[0],
        c.other_package,
        "active",
        day(6, 1),
        None,
        None,
        None,
    )
    .await;
    // C2: active since 1 May.
    subscription(
        app,
        &c,
        cs[1],
        c.package,
        "active",
        day(5, 1),
        None,
        None,
        None,
    )
    .await;
    // C3: 1 Mar – 15 Oct, left for NetCepat over the price (Oct termination).
    subscription(
        app,
        &c,
        cs[2],
        c.package,
        "terminated",
        day(3, 1),
        Some(day(10, 15)),
        Some("price"),
        Some(competitor),
    )
    .await;
    // C4: 10 Sep – 20 Oct, quality (Oct termination).
    subscription(
        app,
        &c,
        cs[3],
        c.package,
        "terminated",
        day(9, 10),
        Some(day(10, 20)),
        Some("quality"),
        None,
    )
    .await;
    // C5: new, active since 5 Oct.
    subscription(
        app,
        &c,
        cs[4],
        c.package,
        "active",
        day(10, 5),
        None,
        None,
        None,
    )
    .await;
    // C6: 1 Feb – 15 Sep, relocation (Prev termination).
    subscription(
        app,
        &c,
        cs[5],
        c.package,
        "terminated",
        day(2, 1),
        Some(day(9, 15)),
        Some("relocation"),
        None,
    )
    .await;
    // Active at the start of 1 Oct: C1, C2, C3, C4 = 4; at the start of 1 Nov: C1, C2, C5 = 3.
    // Oct: terminations 2 (C3, C4), churn 2 ÷ 4 = 50,0%, net growth 3 − 4 = −1.
    // Prev: active at the start of 31 Aug: C1, C2, C3, C6 = 4; at the start of 1 Oct: 4;
    // terminations 1 (C6), churn 1 ÷ 4 = 25,0%, net growth 0. Change in churn: ▲ 25,0 pp.

    // Sign-ups. Oct: online (installed 5 Oct), walk-in (waiting), referral by C1 (installed
    // 25 Oct) = 3 sign-ups, 2 installations, 1 referral credited. Prev: 1 sign-up installed.
    registration(
        app,
        &c,
        1,
        cs[4],
        "installed",
        "online",
        None,
        at(10, 3, 3),
        Some(at(10, 5, 3)),
    )
    .await;
    let waiting_reg = registration(
        app,
        &c,
        2,
        cs[1],
        "submitted",
        "walk_in",
        None,
        at(10, 10, 3),
        None,
    )
    .await;
    registration(
        app,
        &c,
        3,
        cs[1],
        "installed",
        "online",
        Some(cs[0]),
        at(10, 12, 3),
        Some(at(10, 25, 3)),
    )
    .await;
    registration(
        app,
        &c,
        4,
        cs[3],
        "installed",
        "online",
        None,
        at(9, 20, 3),
        Some(at(9, 25, 3)),
    )
    .await;

    // Tickets. Oct opened: T1, T2, T3 → 3; first responses 1 h, 3 h, 2 h → median 2 h.
    // Resolved in Oct: T1 (10 h), T2 (30 h, first response breached), T4 (opened 10 Sep 01:00
    // UTC, resolved 1 Oct 01:00 UTC = 504 h) → median 30 h; SLA kept 2 of 3 = 66,7%.
    // Prev: opened T4 → 1, first response 4 h; nothing resolved → SLA "–".
    let t1 = ticket(
        app,
        &c,
        1,
        cs[0],
        "no_connection",
        at(10, 2, 1),
        1,
        Some(at(10, 2, 11)),
        false,
    )
    .await;
    let t2 = ticket(
        app,
        &c,
        2,
        cs[1],
        "slow",
        at(10, 5, 1),
        3,
        Some(at(10, 6, 7)),
        true,
    )
    .await;
    ticket(
        app,
        &c,
        3,
        cs[1],
        "no_connection",
        at(10, 7, 1),
        2,
        None,
        false,
    )
    .await;
    let t4 = ticket(
        app,
        &c,
        4,
        cs[0],
        "billing",
        at(9, 10, 1),
        4,
        Some(at(10, 1, 1)),
        false,
    )
    .await;

    // Ratings. Oct: 5, 2, 4 → CSAT 11 ÷ 3 = 3,7; 4–5 stars 2 of 3 = 66,7%.
    // Prev: one 3-star rating → 3,0 and 0,0%.
    rating(app, "ticket", t1, cs[0], 5, at(10, 3, 3)).await;
    rating(app, "ticket", t2, cs[1], 2, at(10, 7, 3)).await;
    rating(app, "ticket", t4, cs[0], 4, at(10, 2, 3)).await;
    rating(app, "installation", 999, cs[5], 3, at(9, 15, 3)).await;

    // NPS. Oct answers 10, 9, 9, 7, 3: promoters 3, detractors 1 of 5 → 60 − 20 = 40,0.
    // Prev: one 5 → −100,0.
    let survey: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO nps_surveys (segment, created_at) VALUES ('all', $1) RETURNING id",
            args![at(9, 1, 3)],
        )
        .await
        .unwrap();
    for (i, score) in [10, 9, 9, 7, 3].into_iter().enumerate() {
        nps_answer(app, survey, cs[i], score, at(10, 10 + i as u32, 3)).await;
    }
    nps_answer(app, survey, cs[5], 5, at(9, 20, 3)).await;
    World {
        c,
        customers: cs,
        waiting_reg,
    }
}

fn fig(r: &Resp, id: &str) -> String {
    testid_text(&r.body, &format!("fig-{id}")).unwrap_or_else(|| panic!("no fig-{id}:\n{}", r.body))
}
fn prev(r: &Resp, id: &str) -> String {
    testid_text(&r.body, &format!("prev-{id}")).unwrap_or_default()
}
fn chg(r: &Resp, id: &str) -> Option<String> {
    testid_text(&r.body, &format!("chg-{id}"))
}

/// The markup of the chart `id` (its `<figure>`).
fn chart<'a>(r: &'a Resp, id: &str) -> &'a str {
    let marker = format!("data-testid=\"chart-{id}\"");
    let at = r
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no chart {id}"));
    let end = r.body[at..].find("</figure>").unwrap() + at;
    &r.body[at..end]
}

#[tokio::test]
async fn every_figure_of_last_month_against_the_month_before() {
    let app = spawn().await;
    let w = world(&app).await;
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director.get("/staff/reports?period=last_month").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("01/10/2026 – 31/10/2026");

    assert_eq!(fig(&r, "active"), "3");
    assert_eq!(prev(&r, "active"), "4");
    assert_eq!(chg(&r, "active").as_deref(), Some("▼ 1"));
    assert_eq!(fig(&r, "terminations"), "2");
    assert_eq!(prev(&r, "terminations"), "1");
    assert_eq!(fig(&r, "churn"), "50,0%");
    assert_eq!(prev(&r, "churn"), "25,0%");
    assert_eq!(chg(&r, "churn").as_deref(), Some("▲ 25,0 poin persen"));
    // A rise in churn is bad news: said by the arrow and coloured as such.
    r.assert_contains("class=\"change bad\" data-testid=\"chg-churn\"");
    assert_eq!(fig(&r, "growth"), "-1");
    assert_eq!(prev(&r, "growth"), "0");
    assert_eq!(fig(&r, "signups"), "3");
    assert_eq!(prev(&r, "signups"), "1");
    assert_eq!(fig(&r, "installations"), "2");
    assert_eq!(fig(&r, "referrals"), "1");
    assert_eq!(prev(&r, "referrals"), "0");
    assert_eq!(fig(&r, "tickets"), "3");
    assert_eq!(prev(&r, "tickets"), "1");
    assert_eq!(fig(&r, "first-response"), "2 j 0 m");
    assert_eq!(prev(&r, "first-response"), "4 j 0 m");
    assert_eq!(fig(&r, "resolution"), "1 hr 6 j");
    assert_eq!(prev(&r, "resolution"), "–");
    assert_eq!(chg(&r, "resolution"), None);
    assert_eq!(fig(&r, "sla"), "66,7%");
    assert_eq!(prev(&r, "sla"), "–");
    assert_eq!(fig(&r, "csat"), "3,7");
    assert_eq!(prev(&r, "csat"), "3,0");
    assert_eq!(chg(&r, "csat").as_deref(), Some("▲ 0,7"));
    assert_eq!(fig(&r, "csat-happy"), "66,7%");
    assert_eq!(prev(&r, "csat-happy"), "0,0%");
    assert_eq!(fig(&r, "nps"), "40,0");
    assert_eq!(prev(&r, "nps"), "-100,0");
    assert_eq!(chg(&r, "nps").as_deref(), Some("▲ 140,0"));
    assert!(fig(&r, "oldest-signup").starts_with("REG-2026-000002"));

    // Each figure links to the list behind it.
    r.assert_contains(
        "href=\"/staff/reports/terminations?period=last_month\" data-testid=\"figure-churn\"",
    );
    r.assert_contains("href=\"/staff/tickets?sla=breached\" data-testid=\"figure-sla\"");
    r.assert_contains("href=\"/staff/ratings\" data-testid=\"figure-csat\"");
    r.assert_contains("href=\"/staff/surveys\" data-testid=\"figure-nps\"");
    r.assert_contains(&format!(
        "href=\"/staff/registrations/{}\" data-testid=\"figure-oldest-signup\"",
        w.waiting_reg
    ));

    // One point of each chart type: October's bar of active customers (3), its churn (50,0%),
    // CSAT (3,7), NPS (40,0) and SLA (66,7%) points; sign-ups by source and the reasons.
    let active = chart(&r, "active");
    assert!(
        active.contains("<title id=\"t-active\">") && active.contains("viewBox=\"0 0 320 180\"")
    );
    assert!(active.contains(">10/26</text>"), "{active}");
    assert!(active.contains(">3</text>"), "{active}");
    assert!(chart(&r, "churn").contains(">50,0%</text>"));
    assert!(
        chart(&r, "churn").contains(">25,0%</text>"),
        "September's point"
    );
    assert!(chart(&r, "csat").contains(">3,7</text>"));
    assert!(chart(&r, "nps").contains(">40,0</text>"));
    assert!(chart(&r, "sla").contains(">66,7%</text>"));
    let sources = chart(&r, "sources");
    assert!(
        sources.contains(">Referensi</text>") && sources.contains(">1</text>"),
        "{sources}"
    );
    let reasons = chart(&r, "reasons");
    assert!(reasons.contains(">2</text>") || reasons.contains(">1</text>"));
    assert!(chart(&r, "competitors").contains(">NetCepat</text>"));
    assert!(
        chart(&r, "categories").contains(">2</text>"),
        "two no-connection tickets"
    );

    // Scoped to another area: nothing there, every figure "–" or 0 and empty charts, no error.
    let r = director
        .get(&format!(
            "/staff/reports?period=last_month&area={}",
            w.c.uncovered_area
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(fig(&r, "churn"), "–");
    assert_eq!(fig(&r, "active"), "0");
    r.assert_contains("data-testid=\"chart-reasons-empty\"");
    assert!(r.body.len() < 40_000, "page is {} bytes", r.body.len());
    let _ = w.customers;
}

#[tokio::test]
async fn the_terminations_list_lists_exactly_the_terminated_of_the_period() {
    let app = spawn().await;
    world(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .get("/staff/reports/terminations?period=last_month")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = r.body.matches("data-testid=\"term-").count();
    assert_eq!(rows, 2);
    // C3: 1 Mar – 15 Oct = 7 months, price, NetCepat; C4: quality, 1 month.
    let c3 = &r.body[r.body.find("term-PLG-000003").unwrap()..];
    let c3 = &c3[..c3.find("</tr>").unwrap()];
    assert!(
        c3.contains("15/10/2026") && c3.contains("NetCepat") && c3.contains("7 bulan"),
        "{c3}"
    );
    assert!(r.body.contains("term-PLG-000004"));
    assert!(
        !r.body.contains("term-PLG-000006"),
        "September's is not October's"
    );
    // The previous period's list holds C6 only.
    let r = admin
        .get("/staff/reports/terminations?period=custom&from=31/08/2026&to=30/09/2026")
        .await;
    assert_eq!(r.body.matches("data-testid=\"term-").count(), 1);
    r.assert_contains("term-PLG-000006");
}

/// Five years of an ISP's terminations do not fit one page: the list pages by a hundred and the
/// CSV holds every one of the period, newest first, across its months.
#[tokio::test]
async fn the_terminations_page_by_a_hundred_and_the_csv_holds_them_all() {
    let app = spawn().await;
    let w = world(&app).await;
    // 150 more: 100 in September, 50 in August. With C3 and C4 (October) and C6 (September):
    // 153 from 1 August to 31 October.
    for n in 100..250 {
        let id = customer(&app, &w.c, n).await;
        let ended = if n < 200 {
            day(9, 1 + (n % 28) as u32)
        } else {
            day(8, 1 + (n % 28) as u32)
        };
        subscription(
            &app,
            &w.c,
            id,
            w.c.package,
            "terminated",
            day(1, 5),
            Some(ended),
            Some("relocation"),
            None,
        )
        .await;
    }
    // A name typed at sign-up as a spreadsheet formula.
    app.db()
        .execute(
            "UPDATE customers SET name = '=HYPERLINK(\"http://x\")' WHERE number = 'PLG-000240'",
            vec![],
        )
        .await
        .unwrap();
    let (director, _) = app.logged_in(Role::Director).await;
    let period = "period=custom&from=01/08/2026&to=31/10/2026";
    let r = director
        .get(&format!("/staff/reports/terminations?{period}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body.matches("data-testid=\"term-").count(), 100);
    assert_eq!(testid_text(&r.body, "total").as_deref(), Some("153 data"));
    let first_row = r.body.find("data-testid=\"term-").unwrap();
    assert!(
        r.body[first_row..].starts_with("data-testid=\"term-PLG-000004\""),
        "C4 left last (20 Oct), so it comes first"
    );
    r.assert_contains(&format!(
        "href=\"/staff/reports/terminations?{}&#38;page=2\" data-testid=\"next\"",
        period.replace('&', "&#38;")
    ));
    let r2 = director
        .get(&format!("/staff/reports/terminations?{period}&page=2"))
        .await;
    assert_eq!(r2.body.matches("data-testid=\"term-").count(), 53);
    r2.assert_contains("data-testid=\"prev\"");
    assert!(!r2.body.contains("data-testid=\"next\""));
    // A page past the end shows the last one; a page that is not a number the first.
    let past = director
        .get(&format!("/staff/reports/terminations?{period}&page=99"))
        .await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(past.body.matches("data-testid=\"term-").count(), 53);
    let junk = director
        .get(&format!("/staff/reports/terminations?{period}&page=abc"))
        .await;
    assert_eq!(junk.body.matches("data-testid=\"term-").count(), 100);

    let csv = director
        .get(&format!("/staff/reports/terminations.csv?{period}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers["content-disposition"],
        "attachment; filename=\"berhenti-20260801-20261031.csv\""
    );
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 1 + 153, "a header and every termination");
    assert!(
        lines[0].starts_with("Nomor pelanggan,Pelanggan,Paket,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("PLG-000004,Pelanggan 4,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(",20/10/2026,Kualitas layanan"),
        "{}",
        lines[1]
    );
    let ended: Vec<NaiveDate> = lines[1..]
        .iter()
        .map(|l| {
            let cell = l.split(',').nth(5).unwrap();
            NaiveDate::parse_from_str(cell, "%d/%m/%Y").unwrap()
        })
        .collect();
    assert!(ended.windows(2).all(|p| p[0] >= p[1]), "newest first");
    assert_eq!(ended.last(), Some(&day(8, 1)));
    assert!(
        csv.body
            .contains("PLG-000240,\"'=HYPERLINK(\"\"http://x\"\")\","),
        "the formula stays text"
    );
    // Page 2 goes on where the CSV's 101st row is; the page links the same download.
    let second = r2.body.find("data-testid=\"term-").unwrap();
    let number = lines[101].split(',').next().unwrap();
    assert!(
        r2.body[second..].starts_with(&format!("data-testid=\"term-{number}\"")),
        "{number}"
    );
    r.assert_contains(&format!(
        "href=\"/staff/reports/terminations.csv?{}\" data-testid=\"download-csv\"",
        period.replace('&', "&#38;")
    ));
    // The scope narrows the count, the page and the file alike.
    let in_area = director
        .get(&format!(
            "/staff/reports/terminations?{period}&area={}",
            w.c.area
        ))
        .await;
    assert_eq!(
        testid_text(&in_area.body, "total").as_deref(),
        Some("153 data")
    );
    let other = format!("{period}&package={}", w.c.other_package);
    let none = director
        .get(&format!("/staff/reports/terminations?{other}"))
        .await;
    assert_eq!(none.status, StatusCode::OK);
    none.assert_contains("data-testid=\"none\"");
    let none_csv = director
        .get(&format!("/staff/reports/terminations.csv?{other}"))
        .await;
    assert_eq!(
        none_csv.body.trim_start_matches('\u{feff}').lines().count(),
        1
    );
    // In English, the headers are English.
    director
        .post("/lang", &[("lang", "en"), ("back", "/staff")])
        .await;
    let en = director
        .get(&format!(
            "/staff/reports/terminations.csv?{period}&package={}",
            w.c.package
        ))
        .await;
    let en = en.body.trim_start_matches('\u{feff}');
    assert!(
        en.starts_with("Customer number,Customer,Package,Area,Started on,Ended on,Reason,Competitor,Tenure (months)\n"),
        "{}",
        &en[..200]
    );
    assert_eq!(en.lines().count(), 1 + 153);
    // Office only; a bad period gets the page with its message.
    let (tech, _) = app.logged_in(Role::Technician).await;
    let refused = tech
        .get(&format!("/staff/reports/terminations.csv?{period}"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = director
        .get("/staff/reports/terminations.csv?period=custom&from=31/02/2026&to=01/03/2026")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    bad.assert_contains("data-testid=\"period-error\"");
}

#[tokio::test]
async fn a_bad_period_is_a_400_with_the_message_and_the_typed_values() {
    let app = spawn().await;
    let (director, _) = app.logged_in(Role::Director).await;
    for path in ["/staff/reports", "/staff/reports/terminations", "/staff"] {
        let r = director
            .get(&format!(
                "{path}?period=custom&from=31/02/2026&to=01/03/2026"
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        r.assert_contains("value=\"31/02/2026\"");
        r.assert_contains("aria-invalid=\"true\" aria-describedby=\"e-p-from\"");
        r.assert_contains("data-testid=\"period-error\"");
    }
    let r = director
        .get("/staff/reports?period=custom&from=10/10/2026&to=01/10/2026")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_contains("Tanggal akhir tidak boleh sebelum tanggal awal.");
    let r = director.get("/staff/reports?period=forever&area=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_contains("Pilih periode yang tersedia.");
    let r = director.get("/staff/reports/monthly?month=2026-13").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_contains("data-testid=\"month-error\"");
    r.assert_contains("value=\"2026-13\"");
}

#[tokio::test]
async fn technicians_and_customers_are_refused_every_report() {
    let app = spawn().await;
    let (tech, _) = app.logged_in(Role::Technician).await;
    let (cust, _) = app.logged_in(Role::Customer).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    for path in [
        "/staff/reports",
        "/staff/reports/terminations",
        "/staff/reports/monthly",
    ] {
        assert_eq!(tech.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(cust.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
        let r = admin.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
    // An empty database: every figure "–" or 0, every chart an empty note, never an error.
    let r = admin.get("/staff/reports").await;
    assert_eq!(testid_text(&r.body, "fig-churn").as_deref(), Some("–"));
    assert_eq!(testid_text(&r.body, "fig-sla").as_deref(), Some("–"));
    r.assert_contains("data-testid=\"chart-active-empty\"");
}

#[tokio::test]
async fn the_director_lands_on_the_dashboard_and_the_admin_on_what_needs_action() {
    let app = spawn().await;
    let w = world(&app).await;
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director.get("/staff").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("data-testid=\"figures\"");
    r.assert_contains("action=\"/staff\"");
    // The nav has the reports; no tiles repeat it.
    r.assert_contains("href=\"/staff/reports\"");

    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin.get("/staff").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("data-testid=\"desk\"");
    let waiting = &r.body[r.body.find("data-testid=\"signups-waiting\"").unwrap()..];
    assert!(waiting.contains(&format!("/staff/registrations/{}", w.waiting_reg)));
    // Waiting since 10 Oct: past the office's limit.
    assert!(waiting[..waiting.find("</section>").unwrap()].contains("badge danger"));
    let low = &r.body[r.body.find("data-testid=\"low-ratings\"").unwrap()..];
    assert!(
        low[..low.find("</section>").unwrap()].contains("Pelanggan 2"),
        "the 2-star rating"
    );
    // The tiles that repeated the navigation are gone.
    assert!(!r.body.contains("class=\"card\" href=\"/staff/packages\""));
    // The technician's home is still their day.
    let (tech, _) = app.logged_in(Role::Technician).await;
    let r = tech.get("/staff").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("data-testid=\"figures\""));
}

#[tokio::test]
async fn the_monthly_report_shows_the_month_its_changes_and_top_reasons() {
    let app = spawn().await;
    world(&app).await;
    let (director, _) = app.logged_in(Role::Director).await;
    // Default: last month (October).
    let r = director.get("/staff/reports/monthly").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("Laporan bulanan 10/2026");
    assert_eq!(fig(&r, "churn"), "50,0%");
    // Compared with the 31 days before October.
    r.assert_contains("31/08/2026 – 30/09/2026");
    r.assert_contains("data-testid=\"top-reasons\"><li>");
    r.assert_contains("data-testid=\"top-categories\"><li>");
    r.assert_contains("class=\"print-section\"");
    let r = director.get("/staff/reports/monthly?month=2026-09").await;
    assert_eq!(fig(&r, "churn"), "25,0%");
}

#[tokio::test]
async fn on_the_first_of_the_month_each_director_is_mailed_once() {
    let (app, smtp) = app_with_smtp().await;
    let now = app.clock_now();
    let one = app.create_user(Role::Director, "dirut@blitz.test").await;
    app.create_user(Role::Director, "wadir@blitz.test").await;
    let gone = app.create_user(Role::Director, "mantan@blitz.test").await;
    app.db()
        .execute("UPDATE users SET active = FALSE WHERE id = $1", args![gone])
        .await
        .unwrap();
    app.create_user(Role::Admin, "admin@blitz.test").await;
    setia::worker::schedule_recurring(app.db(), now)
        .await
        .unwrap();
    // 28 Nov: not yet.
    run_jobs(&app).await;
    assert!(smtp.messages().is_empty());
    // 1 Dec 07:00 WIB = 1 Dec 00:00 UTC; the clock moves past it.
    app.clock.advance(Duration::days(3));
    run_jobs(&app).await;
    let got = smtp.messages();
    let mut to: Vec<String> = got.iter().flat_map(|m| m.rcpt.clone()).collect();
    to.sort();
    assert_eq!(to, ["dirut@blitz.test", "wadir@blitz.test"]);
    let m = &got[0];
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("Laporan bulanan 11/2026")
    );
    let body = m.body();
    assert!(
        body.contains("https://crm.blitz.test/staff/reports/monthly?month=2026-11"),
        "{body}"
    );
    assert!(
        body.contains("Pelanggan aktif: 0") && body.contains("NPS: –"),
        "{body}"
    );
    // The job moved on to 1 January 07:00 WIB.
    let run_at: DateTime<Utc> = app
        .db()
        .scalar(
            "SELECT run_at FROM jobs WHERE kind = 'reports.monthly'",
            args![],
        )
        .await
        .unwrap();
    assert_eq!(run_at, Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
    // Running it again for the same month (a crash before the job row moved on) mails no one.
    app.db()
        .execute(
            "UPDATE jobs SET run_at = $1 WHERE kind = 'reports.monthly'",
            args![app.clock_now()],
        )
        .await
        .unwrap();
    run_jobs(&app).await;
    let again = setia::reports::monthly::mail_directors(app.db(), "https://x", app.clock_now())
        .await
        .unwrap();
    assert_eq!(again, 0);
    run_jobs(&app).await;
    assert_eq!(smtp.messages().len(), 2);
    let rows: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM report_mails WHERE month = '2026-11' AND user_id = $1",
            args![one],
        )
        .await
        .unwrap();
    assert_eq!(rows, 1);
}
