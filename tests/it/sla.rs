//! SLA settings over HTTP: admins change targets, business hours and holidays; the office
//! reads them; bad input is refused with a message and changes nothing; `Policy::load` then
//! gives the deadlines those settings mean.

use chrono::{DateTime, TimeZone, Utc};
use reqwest::StatusCode;
use setia::auth::Role;
use setia::i18n::Lang;
use setia::tickets::model::Priority;
use setia::tickets::sla::Policy;
use setia::types::wib;

use crate::common::{spawn, testid_text, Browser, Resp, TestApp};

const PAGE: &str = "/staff/settings/sla";

fn wib_at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
    wib()
        .with_ymd_and_hms(y, m, d, hh, mm, 0)
        .single()
        .unwrap()
        .to_utc()
}

/// The targets form with every field, urgent first.
fn targets(values: [(&'static str, &'static str); 4]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (p, (first, resolution)) in ["urgent", "high", "normal", "low"].iter().zip(values) {
        out.push((format!("first_{p}"), first.to_string()));
        out.push((format!("resolution_{p}"), resolution.to_string()));
    }
    out
}

async fn post_owned(b: &Browser, path: &str, fields: &[(String, String)]) -> Resp {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(path, &fields).await
}

fn saved(r: &Resp) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some(PAGE));
}

/// Everything the settings consist of, to show that a refused post changed nothing.
async fn snapshot(app: &TestApp) -> String {
    let t: Vec<(String, i64, i64)> = app
        .db()
        .fetch_all(
            "SELECT priority, first_response_minutes, resolution_minutes FROM sla_targets ORDER BY priority",
            vec![],
        )
        .await
        .unwrap();
    let s: Vec<(bool, i64, i64, String)> = app
        .db()
        .fetch_all(
            "SELECT business_hours, day_start_minute, day_end_minute, work_days FROM sla_settings",
            vec![],
        )
        .await
        .unwrap();
    let h: Vec<(chrono::NaiveDate, String)> = app
        .db()
        .fetch_all(
            "SELECT holiday_date, name FROM sla_holidays ORDER BY holiday_date",
            vec![],
        )
        .await
        .unwrap();
    format!("{t:?} {s:?} {h:?}")
}

fn sla_actions(audit: &[(String, Option<String>, String)]) -> Vec<&str> {
    audit
        .iter()
        .map(|a| a.0.as_str())
        .filter(|a| a.starts_with("sla."))
        .collect()
}

#[tokio::test]
async fn admin_changes_targets_hours_and_holidays_and_the_policy_follows() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;

    // Defaults, counted around the clock.
    let page = admin.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("name=\"first_urgent\" type=\"text\" inputmode=\"decimal\" value=\"1\"")
        .assert_contains(
            "name=\"resolution_low\" type=\"text\" inputmode=\"decimal\" value=\"120\"",
        )
        .assert_contains("tiket yang dibuat mulai sekarang");
    assert_eq!(
        testid_text(&page.body, "hours-state").as_deref(),
        Some("Nonaktif")
    );
    let policy = Policy::load(app.db()).await.unwrap();
    let at = wib_at(2026, 11, 28, 19, 45); // a Saturday
    assert_eq!(
        policy.deadlines(Priority::Urgent, at),
        (
            at + chrono::Duration::hours(1),
            at + chrono::Duration::hours(8)
        )
    );

    // Urgent: half an hour to answer, six to fix (typed the Indonesian way).
    let r = post_owned(
        &admin,
        "/staff/settings/sla/targets",
        &targets([("0,5", "6"), ("2", "24"), ("4", "72"), ("8", "120")]),
    )
    .await;
    saved(&r);
    let page = admin.get(PAGE).await;
    page.assert_contains("Target SLA disimpan.")
        .assert_contains("name=\"first_urgent\" type=\"text\" inputmode=\"decimal\" value=\"0,5\"");
    let urgent: (i64, i64) = app
        .db()
        .fetch_one(
            "SELECT first_response_minutes, resolution_minutes FROM sla_targets WHERE priority = 'urgent'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(urgent, (30, 360));

    // 08:00–20:00, Monday to Saturday.
    let mut hours = vec![("enabled", "1"), ("start", "08:00"), ("end", "20.00")];
    for d in ["1", "2", "3", "4", "5", "6"] {
        hours.push(("day", d));
    }
    saved(&admin.post("/staff/settings/sla/hours", &hours).await);
    let page = admin.get(PAGE).await;
    page.assert_contains("Jam kerja SLA disimpan.")
        .assert_contains("value=\"20:00\"")
        .assert_contains("name=\"day\" value=\"6\" checked")
        .assert_contains("name=\"day\" value=\"7\">");
    assert_eq!(
        testid_text(&page.body, "hours-state").as_deref(),
        Some("Aktif")
    );

    // Monday 30 November off.
    let r = admin
        .post(
            "/staff/settings/sla/holidays",
            &[("date", "30/11/2026"), ("name", "Cuti bersama")],
        )
        .await;
    saved(&r);
    let page = admin.get(PAGE).await;
    page.assert_contains("Hari libur 30/11/2026 ditambahkan");
    assert!(
        testid_text(&page.body, "holiday-2026-11-30").is_some(),
        "{}",
        page.body
    );
    page.assert_contains("Senin, 30/11/2026")
        .assert_contains("Cuti bersama");

    // Saturday 19:45: a quarter of an hour on Saturday, Sunday and the holiday Monday do not
    // count, the rest from Tuesday 08:00.
    let policy = Policy::load(app.db()).await.unwrap();
    assert_eq!(
        policy.deadlines(Priority::Urgent, at),
        (wib_at(2026, 12, 1, 8, 15), wib_at(2026, 12, 1, 13, 45))
    );
    // Inside a transaction too, as the ticket core calls it.
    let mut tx = app.db().begin().await.unwrap();
    assert_eq!(Policy::load(&mut tx).await.unwrap(), policy);
    drop(tx);

    // Removing the holiday brings Monday back.
    saved(
        &admin
            .post("/staff/settings/sla/holidays/2026-11-30/remove", &[])
            .await,
    );
    let page = admin.get(PAGE).await;
    page.assert_contains("Hari libur 30/11/2026 dihapus")
        .assert_contains("Belum ada hari libur.");
    let policy = Policy::load(app.db()).await.unwrap();
    assert_eq!(
        policy.deadlines(Priority::Urgent, at),
        (wib_at(2026, 11, 30, 8, 15), wib_at(2026, 11, 30, 13, 45))
    );
    assert_eq!(
        policy.deadlines(Priority::Low, at).0,
        wib_at(2026, 11, 30, 15, 45)
    );

    // Switching business hours off counts around the clock again but keeps the hours.
    saved(&admin.post("/staff/settings/sla/hours", &[]).await);
    let page = admin.get(PAGE).await;
    assert_eq!(
        testid_text(&page.body, "hours-state").as_deref(),
        Some("Nonaktif")
    );
    page.assert_contains("value=\"20:00\"");
    let policy = Policy::load(app.db()).await.unwrap();
    assert!(policy.calendar.hours().is_none());
    assert_eq!(
        policy.deadlines(Priority::Urgent, at),
        (
            at + chrono::Duration::minutes(30),
            at + chrono::Duration::hours(6)
        )
    );

    assert_eq!(
        sla_actions(&app.audit_actions().await),
        [
            "sla.targets",
            "sla.hours",
            "sla.holiday_add",
            "sla.holiday_remove",
            "sla.hours"
        ]
    );
    let detail: String = app
        .db()
        .scalar(
            "SELECT detail FROM audit_log WHERE action = 'sla.targets'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(detail, r#"{"changes":[["urgent","60/480","30/360"]]}"#);
}

#[tokio::test]
async fn the_office_reads_and_only_admins_change() {
    let app = spawn().await;
    let before = snapshot(&app).await;

    let (director, _) = app.logged_in(Role::Director).await;
    let page = director.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("hanya admin yang dapat mengubahnya")
        .assert_contains("value=\"1\" aria-label=\"Mendesak: Respons pertama (jam)\" disabled>");
    assert!(!page.body.contains("Simpan target"), "{}", page.body);
    for (path, fields) in [
        ("/staff/settings/sla/targets", targets([("1", "2"); 4])),
        ("/staff/settings/sla/hours", vec![]),
        (
            "/staff/settings/sla/holidays",
            vec![("date".to_string(), "25/12/2026".to_string())],
        ),
    ] {
        let r = post_owned(&director, path, &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "director {path}");
    }

    for role in [Role::Technician, Role::Customer, Role::SystemAdmin] {
        let (b, _) = app.logged_in(role).await;
        assert_eq!(b.get(PAGE).await.status, StatusCode::FORBIDDEN, "{role}");
        let r = b.post("/staff/settings/sla/hours", &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}");
    }
    let anonymous = app.browser().get(PAGE).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location.unwrap().starts_with("/login?next="));

    assert_eq!(snapshot(&app).await, before);
    assert!(sla_actions(&app.audit_actions().await).is_empty());
}

#[tokio::test]
async fn bad_input_is_refused_with_a_message_and_changes_nothing() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    saved(
        &admin
            .post(
                "/staff/settings/sla/holidays",
                &[("date", "25/12/2026"), ("name", "Natal")],
            )
            .await,
    );
    let before = snapshot(&app).await;
    let audited = app.audit_actions().await.len();

    let refused = |r: &Resp, message: &str| {
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        r.assert_contains(message);
    };

    // Targets.
    let r = post_owned(
        &admin,
        "/staff/settings/sla/targets",
        &targets([("-1", "8"), ("2", "24"), ("4", "72"), ("8", "120")]),
    )
    .await;
    refused(&r, "Isi jumlah jam lebih dari nol.");
    r.assert_contains("value=\"-1\""); // what was typed stays
    for (first, resolution, message) in [
        ("0", "8", "Isi jumlah jam lebih dari nol."),
        (
            "9",
            "8",
            "Respons pertama tidak boleh lebih lama dari penyelesaian.",
        ),
        ("satu", "8", "Isi angka jam, misalnya 4 atau 0,5."),
        ("", "8", "Wajib diisi."),
        ("1", "1001", "Paling lama 1000 jam."),
    ] {
        let mut fields = targets([("1", "8"), ("2", "24"), ("4", "72"), ("8", "120")]);
        fields[0].1 = first.into();
        fields[1].1 = resolution.into();
        let r = post_owned(&admin, "/staff/settings/sla/targets", &fields).await;
        refused(&r, message);
    }

    // Business hours.
    let all_days: Vec<(&str, &str)> = ["1", "2", "3", "4", "5", "6", "7"]
        .iter()
        .map(|d| ("day", *d))
        .collect();
    let with = |start: &'static str, end: &'static str, days: &[(&'static str, &'static str)]| {
        let mut f = vec![("enabled", "1"), ("start", start), ("end", end)];
        f.extend_from_slice(days);
        f
    };
    let r = admin
        .post("/staff/settings/sla/hours", &with("08:00", "20:00", &[]))
        .await;
    refused(&r, "Pilih setidaknya satu hari kerja.");
    let r = admin
        .post(
            "/staff/settings/sla/hours",
            &with("20:00", "08:00", &all_days),
        )
        .await;
    refused(&r, "Jam selesai harus setelah jam mulai.");
    r.assert_contains("value=\"20:00\"")
        .assert_contains("value=\"08:00\"");
    // The badge tells what is stored, not what was typed.
    assert_eq!(
        testid_text(&r.body, "hours-state").as_deref(),
        Some("Nonaktif")
    );
    let r = admin
        .post(
            "/staff/settings/sla/hours",
            &with("08:00", "08:00", &all_days),
        )
        .await;
    refused(&r, "Jam selesai harus setelah jam mulai.");
    let r = admin
        .post(
            "/staff/settings/sla/hours",
            &with("25:00", "jam 8", &all_days),
        )
        .await;
    refused(&r, "Tulis jam sebagai JJ:MM, misalnya 08:00.");

    // Holidays.
    for (date, message) in [
        ("31/02/2026", "Tanggal tidak valid."),
        ("besok", "Tanggal tidak valid."),
        ("", "Wajib diisi."),
        ("25/12/2026", "Tanggal ini sudah ada di daftar hari libur."),
        ("2026-12-25", "Tanggal ini sudah ada di daftar hari libur."),
        ("01/01/1990", "Tanggal harus antara tahun 2000 dan 2100."),
    ] {
        let r = admin
            .post(
                "/staff/settings/sla/holidays",
                &[("date", date), ("name", "Libur")],
            )
            .await;
        refused(&r, message);
    }
    let long = "x".repeat(50_000);
    let r = admin
        .post(
            "/staff/settings/sla/holidays",
            &[("date", "01/01/2027"), ("name", &long)],
        )
        .await;
    refused(&r, "Terlalu panjang.");
    // HTML typed into a refused form comes back as text.
    let r = admin
        .post(
            "/staff/settings/sla/holidays",
            &[("date", "99/99/2027"), ("name", "<b>Tahun</b> \"baru\"")],
        )
        .await;
    refused(&r, "Tanggal tidak valid.");
    r.assert_contains("value=\"&#60;b&#62;Tahun&#60;/b&#62; &#34;baru&#34;\"");
    assert!(!r.body.contains("<b>Tahun"));

    // Removing a day that is no holiday, or no day at all.
    for path in [
        "/staff/settings/sla/holidays/2026-12-26/remove",
        "/staff/settings/sla/holidays/26-12-2026/remove",
        "/staff/settings/sla/holidays/2026-02-31/remove",
    ] {
        assert_eq!(
            admin.post(path, &[]).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    assert_eq!(snapshot(&app).await, before);
    assert_eq!(app.audit_actions().await.len(), audited);
}

#[tokio::test]
async fn html_in_a_holiday_name_is_shown_as_text() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    saved(
        &admin
            .post(
                "/staff/settings/sla/holidays",
                &[
                    ("date", "1/1/2027"),
                    ("name", "<script>alert(1)</script> Tahun Baru"),
                ],
            )
            .await,
    );
    let page = admin.get(PAGE).await;
    page.assert_contains("&#60;script&#62;alert(1)&#60;/script&#62; Tahun Baru")
        .assert_contains("Jumat, 01/01/2027");
    assert!(!page.body.contains("<script>alert"));
    let (director, _) = app.logged_in(Role::Director).await;
    let page = director.get(PAGE).await;
    page.assert_contains("&#60;script&#62;alert(1)&#60;/script&#62; Tahun Baru");
    assert!(!page.body.contains("/holidays/2027-01-01/remove"));
}

/// Every `sla.` key the area's code and template use exists in both languages (the kernel's
/// locale test only sees keys written literally in templates).
#[test]
fn every_sla_key_is_translated() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut text = String::new();
    for f in ["calendar.rs", "mod.rs", "service.rs", "store.rs", "web.rs"] {
        text += &std::fs::read_to_string(format!("{root}/src/tickets/sla/{f}")).unwrap();
    }
    text += &std::fs::read_to_string(format!("{root}/templates/tickets/sla.html")).unwrap();
    let mut found = 0;
    for (i, _) in text.match_indices("\"sla.") {
        let rest = &text[i + 1..];
        let key = &rest[..rest.find('"').unwrap()];
        let audit_action = [
            "sla.targets",
            "sla.hours",
            "sla.holiday_add",
            "sla.holiday_remove",
        ]
        .contains(&key);
        if audit_action || key.ends_with('.') || key.contains(['{', ' ']) {
            continue;
        }
        found += 1;
        for lang in Lang::ALL {
            assert!(lang.has(key), "{lang:?} lacks {key}");
        }
    }
    assert!(found > 30, "found only {found} keys");
    for lang in Lang::ALL {
        for d in 1..=7 {
            assert!(lang.has(&format!("sla.day.{d}")));
        }
        for p in Priority::ALL {
            assert!(lang.has(p.label_key()), "{lang:?} lacks {}", p.label_key());
        }
    }
}
