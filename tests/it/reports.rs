//! The four reports (complaints, satisfaction, technicians, retention) and their CSV and XLSX
//! downloads, over small hand-built data sets whose answers are worked out by hand below.
//! The clock stands at 28/11/2026 10:00 WIB.

use std::io::Read;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use reqwest::StatusCode;
use setia::args;
use setia::auth::Role;

use crate::common::{spawn, Browser, TestApp};
use crate::fixtures::{catalog, Catalog};

const NOV: &str = "period=custom&from=01/11/2026&to=30/11/2026";
const OCT_NOV: &str = "period=custom&from=01/10/2026&to=30/11/2026";

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A browser logged in as the director, reading English.
async fn director(app: &TestApp) -> Browser {
    let (b, _) = app.logged_in(Role::Director).await;
    let r = b.post("/lang", &[("lang", "en"), ("back", "/staff")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    b
}

async fn customer(app: &TestApp, n: i64, area: Option<i64>) -> i64 {
    app.db()
        .insert_returning(
            "INSERT INTO customers (number, name, phone, address, area_id, status, referral_code, created_at, updated_at) \
             VALUES ($1, $2, $3, 'Jl. Test', $4, 'active', $5, $6, $6) RETURNING id",
            args![
                format!("PLG-{n:06}"),
                format!("Pelanggan {n}"),
                format!("+628120000{n:04}"),
                area,
                format!("RC{n:04}"),
                app.clock_now()
            ],
        )
        .await
        .unwrap()
}

#[allow(clippy::too_many_arguments)]
async fn subscription(
    app: &TestApp,
    customer: i64,
    package: i64,
    area: Option<i64>,
    started: NaiveDate,
    ended: Option<NaiveDate>,
    reason: Option<&str>,
    competitor: Option<i64>,
) -> i64 {
    let status = if ended.is_some() {
        "terminated"
    } else {
        "active"
    };
    app.db()
        .insert_returning(
            "INSERT INTO subscriptions (customer_id, package_id, address, area_id, status, started_on, ended_on, \
             termination_reason, competitor_id, created_at, updated_at) \
             VALUES ($1, $2, 'Jl. Test', $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
            args![customer, package, area, status, started, ended, reason, competitor, app.clock_now()],
        )
        .await
        .unwrap()
}

struct T<'a> {
    category: &'a str,
    area: Option<i64>,
    channel: &'a str,
    priority: &'a str,
    status: &'a str,
    created: DateTime<Utc>,
    first_response_h: Option<i64>,
    resolved_h: Option<i64>,
    reopens: i64,
}

async fn ticket(app: &TestApp, n: i64, customer: i64, sub: Option<i64>, t: T<'_>) -> i64 {
    let h = |x: Option<i64>| x.map(|x| t.created + Duration::hours(x));
    app.db()
        .insert_returning(
            "INSERT INTO tickets (number, customer_id, subscription_id, area_id, category, priority, status, channel, \
             summary, created_at, updated_at, first_response_at, resolved_at, reopen_count) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'Internet mati', $9, $9, $10, $11, $12) RETURNING id",
            args![
                format!("TKT-2026-{n:06}"),
                customer,
                sub,
                t.area,
                t.category,
                t.priority,
                t.status,
                t.channel,
                t.created,
                h(t.first_response_h),
                h(t.resolved_h),
                t.reopens
            ],
        )
        .await
        .unwrap()
}

#[allow(clippy::too_many_arguments)]
async fn rating(
    app: &TestApp,
    kind: &str,
    subject: i64,
    customer: i64,
    stars: i64,
    comment: &str,
    category: Option<&str>,
    staff: Option<i64>,
    area: Option<i64>,
    at: DateTime<Utc>,
) {
    app.db()
        .execute(
            "INSERT INTO ratings (subject_kind, subject_id, customer_id, stars, comment, category, staff_id, area_id, via, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'link', $9)",
            args![kind, subject, customer, stars, comment, category, staff, area, at],
        )
        .await
        .unwrap();
}

#[allow(clippy::too_many_arguments)]
async fn visit(
    app: &TestApp,
    n: i64,
    customer: i64,
    tech: i64,
    status: &str,
    fail_reason: Option<&str>,
    planned: NaiveDate,
    window: (&str, &str),
    started: Option<DateTime<Utc>>,
    finished: DateTime<Utc>,
) -> i64 {
    app.db()
        .insert_returning(
            "INSERT INTO visits (number, kind, status, customer_id, address, technician_id, planned_date, window_start, \
             window_end, fail_reason, queued_at, started_at, finished_at, created_at, updated_at) \
             VALUES ($1, 'installation', $2, $3, 'Jl. Test', $4, $5, $6, $7, $8, $9, $10, $11, $9, $9) RETURNING id",
            args![
                format!("KJG-2026-{n:06}"),
                status,
                customer,
                tech,
                planned,
                window.0,
                window.1,
                fail_reason,
                utc(2026, 10, 1, 0, 0),
                started,
                finished
            ],
        )
        .await
        .unwrap()
}

/// The rows of the table marked `data-testid="id"`: each row's cell texts.
fn table(html: &str, id: &str) -> Vec<Vec<String>> {
    let marker = format!("data-testid=\"{id}\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = html[start..].find("</table>").unwrap() + start;
    let body = &html[start..end];
    let body = &body[body.find("<tbody>").unwrap()..];
    body.split("<tr")
        .skip(1)
        .filter(|r| !r.contains("colspan"))
        .map(|r| {
            r.split("<td")
                .skip(1)
                .map(|c| {
                    let mut text = String::new();
                    let mut in_tag = true; // starts inside the `<td …>` tag
                    for ch in c.chars() {
                        match ch {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            _ if !in_tag => text.push(ch),
                            _ => {}
                        }
                    }
                    text.replace("&amp;", "&")
                        .replace("&#39;", "'")
                        .replace("&quot;", "\"")
                        .trim()
                        .to_string()
                })
                .collect()
        })
        .collect()
}

fn row<'a>(rows: &'a [Vec<String>], first: &str) -> &'a [String] {
    rows.iter()
        .find(|r| r[0] == first)
        .unwrap_or_else(|| panic!("no row {first} in {rows:?}"))
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The CSV as sections: (title, rows after the header row).
fn csv_sections(bytes: &[u8]) -> Vec<(String, Vec<String>, Vec<Vec<String>>)> {
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM first");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&bytes[3..]);
    let mut out: Vec<(String, Vec<String>, Vec<Vec<String>>)> = Vec::new();
    let mut fresh = true;
    for rec in r.records() {
        let rec: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if rec.len() == 1 && rec[0].is_empty() {
            fresh = true;
        } else if fresh {
            out.push((rec[0].clone(), Vec::new(), Vec::new()));
            fresh = false;
        } else if out.last().unwrap().1.is_empty() {
            out.last_mut().unwrap().1 = rec;
        } else {
            out.last_mut().unwrap().2.push(rec);
        }
    }
    out
}

/// A screen cell as the CSV writes it: `40.0%` → `40.0`, `Rp 250.000` → `250000`, `–` → empty.
fn plain(screen: &str) -> String {
    if let Some(m) = screen.strip_prefix("Rp ") {
        return m.replace('.', "");
    }
    if screen == "–" {
        return String::new();
    }
    screen.trim_end_matches('%').to_string()
}

/// Every table on the page equals its section of the CSV, cell by cell.
fn assert_csv_equals_screen(html: &str, csv: &[u8], ids_titles: &[(&str, &str)]) {
    let sections = csv_sections(csv);
    assert_eq!(sections.len(), ids_titles.len(), "{sections:?}");
    for ((id, title), (csv_title, _headers, rows)) in ids_titles.iter().zip(&sections) {
        assert_eq!(csv_title, title);
        let screen: Vec<Vec<String>> = table(html, id)
            .iter()
            .map(|r| r.iter().map(|c| plain(c)).collect())
            .collect();
        assert_eq!(&screen, rows, "table {id}");
    }
}

async fn get_bytes(b: &Browser, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let res = b.client.get(b.url(path)).send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

fn xlsx_file(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut f = zip.by_name(name).expect(name);
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// Five complaints opened in November (WIB) and one opened in October but resolved in November.
async fn complaints_data(app: &TestApp, c: &Catalog) {
    let cust = customer(app, 1, Some(c.area)).await;
    let sub = subscription(
        app,
        cust,
        c.package,
        Some(c.area),
        day(2026, 1, 1),
        None,
        None,
        None,
    )
    .await;
    let lembang = Some(c.uncovered_area);
    let cib = Some(c.area);
    let t = |category, area, channel, priority, status, created, fr, res, reopens| T {
        category,
        area,
        channel,
        priority,
        status,
        created,
        first_response_h: fr,
        resolved_h: res,
        reopens,
    };
    // T1–T3 in Cibabat, answered after 1, 2, 3 h, resolved after 10, 20, 30 h; T2 reopened once
    // (and resolved again, now closed).
    ticket(
        app,
        1,
        cust,
        Some(sub),
        t(
            "no_connection",
            cib,
            "web",
            "high",
            "resolved",
            utc(2026, 11, 2, 1, 0),
            Some(1),
            Some(10),
            0,
        ),
    )
    .await;
    ticket(
        app,
        2,
        cust,
        Some(sub),
        t(
            "no_connection",
            cib,
            "phone",
            "high",
            "closed",
            utc(2026, 11, 3, 1, 0),
            Some(2),
            Some(20),
            1,
        ),
    )
    .await;
    ticket(
        app,
        3,
        cust,
        Some(sub),
        t(
            "slow",
            cib,
            "whatsapp",
            "normal",
            "resolved",
            utc(2026, 11, 4, 1, 0),
            Some(3),
            Some(30),
            0,
        ),
    )
    .await;
    // T4 in Lembang: answered after 4 h, resolved, then reopened and open now.
    ticket(
        app,
        4,
        cust,
        None,
        t(
            "slow",
            lembang,
            "phone",
            "normal",
            "open",
            utc(2026, 11, 5, 1, 0),
            Some(4),
            None,
            1,
        ),
    )
    .await;
    // T5: 31/10 18:00 UTC is 01/11 01:00 WIB — November. Never answered.
    ticket(
        app,
        5,
        cust,
        None,
        t(
            "other",
            None,
            "web",
            "low",
            "new",
            utc(2026, 10, 31, 18, 0),
            None,
            None,
            0,
        ),
    )
    .await;
    // T6: opened 20/10, resolved 400 h later (05/11 17:00 UTC): only its resolution counts.
    ticket(
        app,
        6,
        cust,
        None,
        t(
            "installation",
            lembang,
            "email",
            "low",
            "resolved",
            utc(2026, 10, 20, 1, 0),
            Some(5),
            Some(400),
            0,
        ),
    )
    .await;
    // Opened 30/11 17:00 UTC = 01/12 WIB: outside.
    ticket(
        app,
        7,
        cust,
        None,
        t(
            "slow",
            cib,
            "web",
            "low",
            "new",
            utc(2026, 11, 30, 17, 0),
            None,
            None,
            0,
        ),
    )
    .await;
}

#[tokio::test]
async fn complaints_by_category_area_channel_priority_times_and_reopens() {
    let app = spawn().await;
    let c = catalog(&app).await;
    complaints_data(&app, &c).await;
    let b = director(&app).await;

    let page = b.get(&format!("/staff/reports/complaints?{NOV}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // Opened in November: T1–T5. No connection 2 of 5 = 40.0%, slow 2 = 40.0%, other 1 = 20.0%.
    let rows = table(&page.body, "complaints-category");
    assert_eq!(
        strs(row(&rows, "No connection")),
        ["No connection", "2", "40.0%"]
    );
    assert_eq!(strs(row(&rows, "Slow")), ["Slow", "2", "40.0%"]);
    assert_eq!(strs(row(&rows, "Other")), ["Other", "1", "20.0%"]);
    assert_eq!(strs(row(&rows, "Total")), ["Total", "5", "100.0%"]);
    // Areas: Cibabat T1–T3 = 60.0%, Lembang T4 = 20.0%, none T5 = 20.0%.
    let rows = table(&page.body, "complaints-area");
    assert_eq!(strs(row(&rows, "Cibabat")), ["Cibabat", "3", "60.0%"]);
    assert_eq!(strs(row(&rows, "Lembang")), ["Lembang", "1", "20.0%"]);
    assert_eq!(strs(row(&rows, "No area")), ["No area", "1", "20.0%"]);
    let rows = table(&page.body, "complaints-channel");
    assert_eq!(strs(row(&rows, "Web")), ["Web", "2", "40.0%"]);
    assert_eq!(strs(row(&rows, "Phone")), ["Phone", "2", "40.0%"]);
    assert_eq!(strs(row(&rows, "WhatsApp")), ["WhatsApp", "1", "20.0%"]);
    let rows = table(&page.body, "complaints-priority");
    assert_eq!(strs(row(&rows, "High")), ["High", "2", "40.0%"]);
    assert_eq!(strs(row(&rows, "Low")), ["Low", "1", "20.0%"]);
    // First response (opened in Nov, answered): 1, 2, 3, 4 h → median (2+3)/2 = 2.5, p90 =
    // rank ⌈3.6⌉ = 4 → 4.0. Resolution (resolved in Nov): 10, 20, 30, 400 h → median 25.0,
    // p90 rank 4 → 400.0.
    let rows = table(&page.body, "complaints-times");
    assert_eq!(
        strs(row(&rows, "First response")),
        ["First response", "4", "2.5", "4.0"]
    );
    assert_eq!(
        strs(row(&rows, "Resolution")),
        ["Resolution", "4", "25.0", "400.0"]
    );
    // Reopen rate: of T1–T5, resolved at least once T1–T4 (T4 reopened since), reopened T2 and
    // T4 → 2 ÷ 4 = 50.0%.
    assert_eq!(
        table(&page.body, "complaints-reopen"),
        [["5", "4", "2", "50.0%"]]
    );

    // Cibabat only (odd counts): first response 1, 2, 3 → median 2.0, p90 rank ⌈2.7⌉ = 3 → 3.0;
    // resolution 10, 20, 30 → median 20.0, p90 30.0.
    let page = b
        .get(&format!("/staff/reports/complaints?{NOV}&area={}", c.area))
        .await;
    let rows = table(&page.body, "complaints-times");
    assert_eq!(
        strs(row(&rows, "First response")),
        ["First response", "3", "2.0", "3.0"]
    );
    assert_eq!(
        strs(row(&rows, "Resolution")),
        ["Resolution", "3", "20.0", "30.0"]
    );
    // Package scope follows the ticket's subscription: T1–T3 only.
    let page = b
        .get(&format!(
            "/staff/reports/complaints?{NOV}&package={}",
            c.package
        ))
        .await;
    assert_eq!(
        strs(row(&table(&page.body, "complaints-category"), "Total")),
        ["Total", "3", "100.0%"]
    );
    // In Indonesian the decimal mark is a comma.
    let (bi, _) = app.logged_in(Role::Admin).await;
    let page = bi.get(&format!("/staff/reports/complaints?{NOV}")).await;
    assert_eq!(
        strs(row(&table(&page.body, "complaints-category"), "Lainnya")),
        ["Lainnya", "1", "20,0%"]
    );
}

#[tokio::test]
async fn complaints_csv_equals_the_screen_and_xlsx_is_a_workbook() {
    let app = spawn().await;
    let c = catalog(&app).await;
    complaints_data(&app, &c).await;
    let b = director(&app).await;
    let page = b.get(&format!("/staff/reports/complaints?{NOV}")).await;
    page.assert_contains("href=\"/staff/reports/complaints.csv?period=custom");

    let (status, headers, csv) =
        get_bytes(&b, &format!("/staff/reports/complaints.csv?{NOV}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"laporan-keluhan-2026-11.csv\""
    );
    assert_csv_equals_screen(
        &page.body,
        &csv,
        &[
            ("complaints-category", "By category"),
            ("complaints-area", "By area"),
            ("complaints-channel", "By channel"),
            ("complaints-priority", "By priority"),
            ("complaints-times", "Response and resolution times"),
            ("complaints-reopen", "Reopen rate"),
        ],
    );
    let sections = csv_sections(&csv);
    assert_eq!(sections[0].1, ["Category", "Count", "Share (%)"]);

    let (status, headers, xlsx) =
        get_bytes(&b, &format!("/staff/reports/complaints.xlsx?{NOV}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"laporan-keluhan-2026-11.xlsx\""
    );
    let book = xlsx_file(&xlsx, "xl/workbook.xml");
    for name in [
        "By category",
        "By area",
        "By channel",
        "By priority",
        "Response and resolution times",
        "Reopen rate",
    ] {
        assert!(
            book.contains(&format!("name=\"{name}\"")),
            "sheet {name} in {book}"
        );
    }
    // The first sheet holds the counts as numbers (5 opened) and the labels as text.
    let sheet = xlsx_file(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<v>5</v>"), "{sheet}");
    assert!(sheet.contains("<v>40</v>"), "{sheet}");
    assert!(xlsx_file(&xlsx, "xl/sharedStrings.xml").contains("No connection"));
}

#[tokio::test]
async fn satisfaction_csat_and_nps_by_month_staff_area_and_comments() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (cib, lem) = (Some(c.area), Some(c.uncovered_area));
    let cust = customer(&app, 1, cib).await;
    let admin = app.create_user(Role::Admin, "ani@test.id").await;
    let budi = app.create_user(Role::Technician, "budi@test.id").await;
    let t = |n| T {
        category: "slow",
        area: cib,
        channel: "web",
        priority: "normal",
        status: "resolved",
        created: utc(2026, 10, n, 1, 0),
        first_response_h: Some(1),
        resolved_h: Some(2),
        reopens: 0,
    };
    let t1 = ticket(&app, 1, cust, None, t(1)).await;
    let t2 = ticket(&app, 2, cust, None, t(2)).await;
    let t3 = ticket(&app, 3, cust, None, t(3)).await;
    let t5 = ticket(&app, 5, cust, None, t(5)).await;
    let v1 = visit(
        &app,
        1,
        cust,
        budi,
        "done",
        None,
        day(2026, 11, 10),
        ("09:00", "11:00"),
        None,
        utc(2026, 11, 10, 4, 0),
    )
    .await;
    // November: 5, 2, 4 stars for Ani's tickets (Cibabat), 3 for Budi's installation (Lembang);
    // October: 1 star, nobody named (Lembang).
    rating(
        &app,
        "ticket",
        t1,
        cust,
        5,
        "Cepat sekali",
        Some("no_connection"),
        Some(admin),
        cib,
        utc(2026, 11, 3, 2, 0),
    )
    .await;
    rating(
        &app,
        "ticket",
        t2,
        cust,
        2,
        "Lambat",
        Some("no_connection"),
        Some(admin),
        cib,
        utc(2026, 11, 4, 2, 0),
    )
    .await;
    rating(
        &app,
        "ticket",
        t3,
        cust,
        4,
        "",
        Some("slow"),
        Some(admin),
        cib,
        utc(2026, 11, 10, 2, 0),
    )
    .await;
    rating(
        &app,
        "installation",
        v1,
        cust,
        3,
        "Lumayan",
        Some("installation"),
        Some(budi),
        lem,
        utc(2026, 11, 12, 2, 0),
    )
    .await;
    rating(
        &app,
        "ticket",
        t5,
        cust,
        1,
        "Buruk",
        Some("slow"),
        None,
        lem,
        utc(2026, 10, 15, 2, 0),
    )
    .await;
    // NPS: November 10, 9 (Cibabat), 8, 5 (Lembang); October 10 (Cibabat); one unanswered, one
    // answered in September (outside).
    let survey: i64 = app
        .db()
        .insert_returning(
            "INSERT INTO nps_surveys (segment, created_at) VALUES ('all', $1) RETURNING id",
            args![utc(2026, 9, 1, 0, 0)],
        )
        .await
        .unwrap();
    for (n, score, area, at) in [
        (11, Some(10), cib, Some(utc(2026, 11, 5, 0, 0))),
        (12, Some(9), cib, Some(utc(2026, 11, 6, 0, 0))),
        (13, Some(8), lem, Some(utc(2026, 11, 7, 0, 0))),
        (14, Some(5), lem, Some(utc(2026, 11, 8, 0, 0))),
        (15, Some(10), cib, Some(utc(2026, 10, 8, 0, 0))),
        (16, None, cib, None),
        (17, Some(0), cib, Some(utc(2026, 9, 8, 0, 0))),
    ] {
        let who = customer(&app, n, area).await;
        app.db()
            .execute(
                "INSERT INTO nps_requests (survey_id, customer_id, area_id, sent_at, score, answered_at) VALUES ($1, $2, $3, $4, $5, $6)",
                args![survey, who, area, utc(2026, 9, 1, 0, 0), score, at],
            )
            .await
            .unwrap();
    }
    let b = director(&app).await;
    let page = b
        .get(&format!("/staff/reports/satisfaction?{OCT_NOV}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // By month — October: 1 rating, 1.00, 0.0%; NPS 1 answer, promoter → 100.0.
    // November: 4 ratings, (5+2+4+3)/4 = 3.50, 2 of 4 with 4–5 → 50.0%; NPS 4 answers, 2
    // promoters, 1 detractor → (2−1)/4 = 25.0. Total: 5 ratings, 15/5 = 3.00, 40.0%; NPS 5
    // answers, 3 promoters, 1 detractor → 40.0.
    let rows = table(&page.body, "satisfaction-month");
    assert_eq!(
        strs(row(&rows, "10/2026")),
        ["10/2026", "1", "1.00", "0.0%", "1", "100.0"]
    );
    assert_eq!(
        strs(row(&rows, "11/2026")),
        ["11/2026", "4", "3.50", "50.0%", "4", "25.0"]
    );
    assert_eq!(
        strs(row(&rows, "Total")),
        ["Total", "5", "3.00", "40.0%", "5", "40.0"]
    );
    // By staff member: Ani 5, 2, 4 → 3.67, 66.7%; Budi 3 → 3.00, 0.0%; nobody 1 → 1.00.
    let rows = table(&page.body, "satisfaction-staff");
    assert_eq!(
        strs(row(&rows, "admin ani")),
        ["admin ani", "3", "3.67", "66.7%"]
    );
    assert_eq!(
        strs(row(&rows, "technician budi")),
        ["technician budi", "1", "3.00", "0.0%"]
    );
    assert_eq!(
        strs(row(&rows, "Nobody named")),
        ["Nobody named", "1", "1.00", "0.0%"]
    );
    let rows = table(&page.body, "satisfaction-category");
    assert_eq!(
        strs(row(&rows, "No connection")),
        ["No connection", "2", "3.50", "50.0%"]
    );
    assert_eq!(strs(row(&rows, "Slow")), ["Slow", "2", "2.50", "50.0%"]);
    // By area — Cibabat: 3 ratings 3.67, 66.7%; NPS 10, 9, 10 → 100.0. Lembang: 3 and 1 → 2.00,
    // 0.0%; NPS 8 (passive), 5 (detractor) → −50.0.
    let rows = table(&page.body, "satisfaction-area");
    assert_eq!(
        strs(row(&rows, "Cibabat")),
        ["Cibabat", "3", "3.67", "66.7%", "3", "100.0"]
    );
    assert_eq!(
        strs(row(&rows, "Lembang")),
        ["Lembang", "2", "2.00", "0.0%", "2", "-50.0"]
    );
    // Comments: lowest stars first; the 4-star rating without a comment is left out.
    let rows = table(&page.body, "satisfaction-comments");
    let stars: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(stars, ["1", "2", "3", "5"]);
    assert_eq!(
        strs(&rows[0]),
        ["Pelanggan 1", "TKT-2026-000005", "1", "Buruk", "15/10/2026"]
    );
    assert_eq!(rows[2][1], "KJG-2026-000001");
    assert!(page.body.contains(&format!("href=\"/staff/visits/{v1}\"")));
    assert!(page.body.contains(&format!("href=\"/staff/tickets/{t5}\"")));

    // The CSV holds the same numbers (dates as DD/MM/YYYY).
    let (status, _, csv) =
        get_bytes(&b, &format!("/staff/reports/satisfaction.csv?{OCT_NOV}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_csv_equals_screen(
        &page.body,
        &csv,
        &[
            ("satisfaction-month", "CSAT and NPS by month"),
            ("satisfaction-category", "CSAT by category"),
            ("satisfaction-staff", "CSAT by staff member"),
            ("satisfaction-area", "CSAT and NPS by area"),
            ("satisfaction-comments", "Latest comments, low scores first"),
        ],
    );
    let (_, headers, xlsx) =
        get_bytes(&b, &format!("/staff/reports/satisfaction.xlsx?{OCT_NOV}")).await;
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"laporan-kepuasan-20261001-20261130.xlsx\""
    );
    assert!(
        xlsx_file(&xlsx, "xl/workbook.xml").contains("name=\"Latest comments, low scores fir\"")
    );
}

#[tokio::test]
async fn technicians_outcomes_on_time_failures_and_ratings() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let cust = customer(&app, 1, Some(c.area)).await;
    let budi = app.create_user(Role::Technician, "budi@test.id").await;
    let sari = app.create_user(Role::Technician, "sari@test.id").await;
    let d = |n| day(2026, 11, n);
    // Budi: done on time (window ends 11:00 WIB = 04:00 UTC, started 03:30 UTC); done late
    // (window ends 15:00 WIB = 08:00 UTC, started 08:30 UTC); failed, customer absent; done in
    // October (outside).
    let v1 = visit(
        &app,
        1,
        cust,
        budi,
        "done",
        None,
        d(10),
        ("09:00", "11:00"),
        Some(utc(2026, 11, 10, 3, 30)),
        utc(2026, 11, 10, 4, 30),
    )
    .await;
    visit(
        &app,
        2,
        cust,
        budi,
        "done",
        None,
        d(11),
        ("13:00", "15:00"),
        Some(utc(2026, 11, 11, 8, 30)),
        utc(2026, 11, 11, 9, 0),
    )
    .await;
    visit(
        &app,
        3,
        cust,
        budi,
        "failed",
        Some("customer_absent"),
        d(12),
        ("09:00", "11:00"),
        None,
        utc(2026, 11, 12, 3, 0),
    )
    .await;
    visit(
        &app,
        4,
        cust,
        budi,
        "done",
        None,
        day(2026, 10, 12),
        ("09:00", "11:00"),
        Some(utc(2026, 10, 12, 2, 0)),
        utc(2026, 10, 12, 3, 0),
    )
    .await;
    // Sari: done, started exactly at the window's end (10:00 WIB = 03:00 UTC) — on time; failed
    // twice for weather, once for no access; one cancelled.
    visit(
        &app,
        5,
        cust,
        sari,
        "done",
        None,
        d(12),
        ("08:00", "10:00"),
        Some(utc(2026, 11, 12, 3, 0)),
        utc(2026, 11, 12, 4, 0),
    )
    .await;
    visit(
        &app,
        6,
        cust,
        sari,
        "failed",
        Some("weather"),
        d(13),
        ("08:00", "10:00"),
        None,
        utc(2026, 11, 13, 3, 0),
    )
    .await;
    visit(
        &app,
        7,
        cust,
        sari,
        "failed",
        Some("weather"),
        d(14),
        ("08:00", "10:00"),
        None,
        utc(2026, 11, 14, 3, 0),
    )
    .await;
    visit(
        &app,
        8,
        cust,
        sari,
        "failed",
        Some("no_access"),
        d(15),
        ("08:00", "10:00"),
        None,
        utc(2026, 11, 15, 3, 0),
    )
    .await;
    visit(
        &app,
        9,
        cust,
        sari,
        "cancelled",
        None,
        d(16),
        ("08:00", "10:00"),
        None,
        utc(2026, 11, 16, 3, 0),
    )
    .await;
    // Budi's installation rated 4 and (another installation) 3 in November; an admin's ticket
    // rating does not count for technicians.
    rating(
        &app,
        "installation",
        v1,
        cust,
        4,
        "",
        Some("installation"),
        Some(budi),
        None,
        utc(2026, 11, 13, 0, 0),
    )
    .await;
    rating(
        &app,
        "installation",
        999,
        cust,
        3,
        "",
        Some("installation"),
        Some(budi),
        None,
        utc(2026, 11, 14, 0, 0),
    )
    .await;
    let admin = app.create_user(Role::Admin, "ani@test.id").await;
    rating(
        &app,
        "ticket",
        1,
        cust,
        1,
        "",
        Some("slow"),
        Some(admin),
        None,
        utc(2026, 11, 14, 0, 0),
    )
    .await;

    let b = director(&app).await;
    let page = b.get(&format!("/staff/reports/technicians?{NOV}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let rows = table(&page.body, "technicians");
    // Budi: done 2, failed 1, on time 1 of 2 = 50.0%, ratings 4 and 3 → 3.50.
    assert_eq!(
        strs(row(&rows, "technician budi")),
        ["technician budi", "2", "1", "0", "1", "50.0%", "2", "3.50"]
    );
    // Sari: done 1 (on time) = 100.0%, failed 3, cancelled 1, no ratings.
    assert_eq!(
        strs(row(&rows, "technician sari")),
        ["technician sari", "1", "3", "1", "1", "100.0%", "0", "–"]
    );
    // Total: done 3, on time 2 → 66.7%.
    assert_eq!(
        strs(row(&rows, "Total")),
        ["Total", "3", "4", "1", "2", "66.7%", "2", "3.50"]
    );
    let rows = table(&page.body, "technicians-failures");
    assert_eq!(
        rows,
        [
            vec!["technician budi", "Customer not there", "1"],
            vec!["technician sari", "No access to the site", "1"],
            vec!["technician sari", "Weather", "2"],
            vec!["Total", "", "4"],
        ]
    );
    let (status, _, csv) = get_bytes(&b, &format!("/staff/reports/technicians.csv?{NOV}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_csv_equals_screen(
        &page.body,
        &csv,
        &[
            ("technicians", "Per technician"),
            ("technicians-failures", "Failed visits by reason"),
        ],
    );
}

#[tokio::test]
async fn retention_churn_reasons_tenure_and_price_tiers() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let area = Some(c.area);
    let kabel: i64 = setia::retention::store::create(app.db(), "KabelKu", "", app.clock_now())
        .await
        .unwrap();
    let cepat: i64 = setia::retention::store::create(app.db(), "NetCepat", "", app.clock_now())
        .await
        .unwrap();
    let r = setia::types::Rupiah;
    setia::retention::store::add_offer(app.db(), kabel, "Hemat 20", 20, r(199_000), "")
        .await
        .unwrap();
    setia::retention::store::add_offer(app.db(), cepat, "Super 50", 50, r(450_000), "")
        .await
        .unwrap();
    setia::retention::store::add_offer(app.db(), kabel, "Turbo 100", 100, r(600_000), "")
        .await
        .unwrap();

    let p = c.package;
    let mut n = 0;
    let mut cust = || {
        n += 1;
        n
    };
    // C1 active since January, with a second subscription (counted once).
    let c1 = customer(&app, cust(), area).await;
    subscription(&app, c1, p, area, day(2026, 1, 10), None, None, None).await;
    subscription(
        &app,
        c1,
        c.other_package,
        area,
        day(2026, 2, 1),
        None,
        None,
        None,
    )
    .await;
    // C2: 01/05/2026 – 15/10/2026 for price: under 6 months.
    let c2 = customer(&app, cust(), area).await;
    subscription(
        &app,
        c2,
        p,
        area,
        day(2026, 5, 1),
        Some(day(2026, 10, 15)),
        Some("price"),
        None,
    )
    .await;
    // C3: 20/11/2025 – 10/11/2026 to KabelKu: 6–12 months.
    let c3 = customer(&app, cust(), area).await;
    subscription(
        &app,
        c3,
        p,
        area,
        day(2025, 11, 20),
        Some(day(2026, 11, 10)),
        Some("competitor"),
        Some(kabel),
    )
    .await;
    // C4: 05/01/2024 – 20/11/2026 to KabelKu: over 2 years.
    let c4 = customer(&app, cust(), area).await;
    subscription(
        &app,
        c4,
        p,
        area,
        day(2024, 1, 5),
        Some(day(2026, 11, 20)),
        Some("competitor"),
        Some(kabel),
    )
    .await;
    // C5: 01/06/2025 – 01/11/2026 for quality: 1–2 years.
    let c5 = customer(&app, cust(), area).await;
    subscription(
        &app,
        c5,
        p,
        area,
        day(2025, 6, 1),
        Some(day(2026, 11, 1)),
        Some("quality"),
        None,
    )
    .await;
    // C6 started 05/10/2026; C7 left 30/09/2026 (before the period).
    let c6 = customer(&app, cust(), area).await;
    subscription(&app, c6, p, area, day(2026, 10, 5), None, None, None).await;
    let c7 = customer(&app, cust(), area).await;
    subscription(
        &app,
        c7,
        p,
        area,
        day(2025, 1, 1),
        Some(day(2026, 9, 30)),
        Some("price"),
        None,
    )
    .await;
    // C8 in another area left in November: only outside the area scope.
    let c8 = customer(&app, cust(), Some(c.uncovered_area)).await;
    subscription(
        &app,
        c8,
        p,
        Some(c.uncovered_area),
        day(2026, 1, 1),
        Some(day(2026, 11, 2)),
        Some("other"),
        None,
    )
    .await;

    let b = director(&app).await;
    let page = b
        .get(&format!(
            "/staff/reports/retention?{OCT_NOV}&area={}",
            c.area
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // Active at 01/10 start: C1–C5 = 5 (C6 not yet, C7 gone). October: C2 left → 1/5 = 20.0%.
    // Active at 01/11: C1, C3, C4, C5 (ends on 01/11, so active at its start), C6 = 5; November:
    // C3, C4, C5 → 3/5 = 60.0%. Whole period: 4 of the 5 active at 01/10 → 80.0%.
    let rows = table(&page.body, "retention-churn");
    assert_eq!(
        rows,
        [
            vec!["10/2026", "5", "1", "20.0%"],
            vec!["11/2026", "5", "3", "60.0%"],
            vec!["Whole period", "5", "4", "80.0%"],
        ]
    );
    let rows = table(&page.body, "retention-reasons");
    assert_eq!(
        strs(row(&rows, "Moved to a competitor")),
        ["Moved to a competitor", "2", "50.0%"]
    );
    assert_eq!(strs(row(&rows, "Price")), ["Price", "1", "25.0%"]);
    assert_eq!(
        strs(row(&rows, "Service quality")),
        ["Service quality", "1", "25.0%"]
    );
    let rows = table(&page.body, "retention-competitors");
    assert_eq!(strs(row(&rows, "KabelKu")), ["KabelKu", "2", "100.0%"]);
    let rows = table(&page.body, "retention-tenure");
    assert_eq!(
        rows,
        [
            vec!["Under 6 months", "1", "25.0%"],
            vec!["6–12 months", "1", "25.0%"],
            vec!["1–2 years", "1", "25.0%"],
            vec!["Over 2 years", "1", "25.0%"],
        ]
    );
    // Tiers: 20 Mbps ours Rp 250.000 vs KabelKu Rp 199.000 (theirs cheaper by Rp 51.000);
    // 50 Mbps ours Rp 400.000 vs Rp 450.000; 100 Mbps only theirs. The retired 5 Mbps package
    // is not offered.
    let rows = table(&page.body, "retention-tiers");
    assert_eq!(
        rows,
        [
            vec![
                "20 Mbps",
                "Rp 250.000",
                "Rp 199.000",
                "Rp 51.000",
                "Theirs is cheaper"
            ],
            vec![
                "50 Mbps",
                "Rp 400.000",
                "Rp 450.000",
                "Rp -50.000",
                "Ours is cheaper"
            ],
            vec!["100 Mbps", "", "Rp 600.000", "", ""],
        ]
    );
    // Price per Mbps: 199.000/20 = 9.950, 250.000/20 = 12.500, 400.000/50 = 8.000,
    // 450.000/50 = 9.000, 600.000/100 = 6.000; the cheapest of each tier marked.
    let rows = table(&page.body, "retention-offers");
    assert_eq!(
        rows,
        [
            vec![
                "20 Mbps",
                "KabelKu",
                "Hemat 20",
                "Rp 199.000",
                "Rp 9.950",
                "Cheapest"
            ],
            vec!["20 Mbps", "Us", "Rumah 20", "Rp 250.000", "Rp 12.500", ""],
            vec![
                "50 Mbps",
                "Us",
                "Keluarga 50",
                "Rp 400.000",
                "Rp 8.000",
                "Cheapest"
            ],
            vec![
                "50 Mbps",
                "NetCepat",
                "Super 50",
                "Rp 450.000",
                "Rp 9.000",
                ""
            ],
            vec![
                "100 Mbps",
                "KabelKu",
                "Turbo 100",
                "Rp 600.000",
                "Rp 6.000",
                "Cheapest"
            ],
        ]
    );
    // Without the area scope C8 counts too: November 4 of 6 active.
    let page = b.get(&format!("/staff/reports/retention?{OCT_NOV}")).await;
    assert_eq!(
        strs(&table(&page.body, "retention-churn")[1]),
        ["11/2026", "6", "4", "66.7%"]
    );

    let (status, _, csv) = get_bytes(&b, &format!("/staff/reports/retention.csv?{OCT_NOV}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_csv_equals_screen(
        &page.body,
        &csv,
        &[
            ("retention-churn", "Churn by month"),
            ("retention-reasons", "Termination reasons"),
            ("retention-competitors", "Competitors customers moved to"),
            ("retention-tenure", "How long leavers stayed"),
            ("retention-tiers", "Prices by speed at a glance"),
            (
                "retention-offers",
                "Our packages and competitors' offers by speed",
            ),
        ],
    );
    let (status, _, xlsx) =
        get_bytes(&b, &format!("/staff/reports/retention.xlsx?{OCT_NOV}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        xlsx_file(&xlsx, "xl/workbook.xml")
            .matches("<sheet ")
            .count(),
        6
    );
}

const PATHS: [&str; 12] = [
    "/staff/reports/complaints",
    "/staff/reports/complaints.csv",
    "/staff/reports/complaints.xlsx",
    "/staff/reports/satisfaction",
    "/staff/reports/satisfaction.csv",
    "/staff/reports/satisfaction.xlsx",
    "/staff/reports/technicians",
    "/staff/reports/technicians.csv",
    "/staff/reports/technicians.xlsx",
    "/staff/reports/retention",
    "/staff/reports/retention.csv",
    "/staff/reports/retention.xlsx",
];

#[tokio::test]
async fn a_bad_period_is_a_400_with_the_message_and_the_typed_values() {
    let app = spawn().await;
    catalog(&app).await;
    let b = director(&app).await;
    for path in PATHS {
        let r = b
            .get(&format!(
                "{path}?period=custom&from=31/02/2026&to=01/03/2026"
            ))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        r.assert_contains("Not a valid date.")
            .assert_contains("value=\"31/02/2026\"");
        let r = b.get(&format!("{path}?period=forever")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        r.assert_contains("Choose one of the periods offered.");
    }
    let r = b
        .get("/staff/reports/retention?period=custom&from=10/11/2026&to=01/11/2026")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_contains("The end date cannot be before the start date.");
    let r = b.get("/staff/reports/complaints?area=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_contains("Choose an area or package from the list.");
    // No period asked: this month, with the tabs to the other reports.
    let r = b.get("/staff/reports/technicians").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("01/11/2026 – 28/11/2026")
        .assert_contains("href=\"/staff/reports/retention?period=this_month\"");
    assert!(r.body.len() < 12 * 1024, "{} bytes", r.body.len());
}

#[tokio::test]
async fn technicians_and_customers_are_refused_every_page_and_export() {
    let app = spawn().await;
    let (tech, _) = app.logged_in(Role::Technician).await;
    let (cust, _) = app.logged_in(Role::Customer).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    for path in PATHS {
        assert_eq!(tech.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(cust.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(admin.get(path).await.status, StatusCode::OK, "{path}");
    }
}
