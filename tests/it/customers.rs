use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn, testid_text, TestApp};
use crate::fixtures::{catalog, install, post_owned, sign_up, Catalog};

/// A customer signed up and installed; returns (customer id, subscription id).
async fn installed_customer(
    app: &TestApp,
    c: &Catalog,
    admin: &crate::common::Browser,
    name: &str,
    phone: &str,
) -> (i64, i64) {
    let (_, reg) = sign_up(app, c, name, phone, "").await;
    install(app, admin, reg).await;
    app.db()
        .fetch_one(
            "SELECT customer_id, subscription_id FROM registrations WHERE id = $1",
            setia::args![reg],
        )
        .await
        .map(|(c, s): (i64, Option<i64>)| (c, s.unwrap()))
        .unwrap()
}

#[tokio::test]
async fn termination_requires_a_reason_and_which_competitor() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (customer, sub) = installed_customer(&app, &c, &admin, "Dewi", "0812-3456-7890").await;
    let path = format!("/staff/subscriptions/{sub}/terminate");

    let r = admin
        .post(&path, &[("reason", ""), ("note", "pindah")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Pilih alasan berhenti")
        .assert_contains("value=\"pindah\"");
    let r = admin.post(&path, &[("reason", "competitor")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Pilih kompetitornya");
    let status: String = app
        .db()
        .scalar(
            "SELECT status FROM subscriptions WHERE id = $1",
            setia::args![sub],
        )
        .await
        .unwrap();
    assert_eq!(status, "active", "nothing changed");

    // The director keeps the competitor list.
    let (director, _) = app.logged_in(Role::Director).await;
    let r = director
        .post(
            "/staff/competitors/create",
            &[("name", "NetKilat"), ("notes", "Agresif di Cimahi")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let kid: i64 = app
        .db()
        .scalar("SELECT id FROM competitors", vec![])
        .await
        .unwrap();
    let r = director
        .post(
            &format!("/staff/competitors/{kid}/offers"),
            &[
                ("name", "Kilat 30"),
                ("download_mbps", "30"),
                ("price", "Rp 199.000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Admins see competitors beside our packages but cannot change them.
    let page = admin.get("/staff/competitors").await;
    page.assert_contains("Kilat 30")
        .assert_contains("Rp 199.000")
        .assert_contains("Rumah 20")
        .assert_contains("Rp 250.000");
    assert_eq!(
        admin
            .post("/staff/competitors/create", &[("name", "X")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let kid_s = kid.to_string();
    let r = admin
        .post(
            &path,
            &[
                ("reason", "competitor"),
                ("competitor_id", &kid_s),
                ("note", "Lebih murah"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (status, reason, competitor): (String, Option<String>, Option<i64>) = app
        .db()
        .fetch_one(
            "SELECT status, termination_reason, competitor_id FROM subscriptions WHERE id = $1",
            setia::args![sub],
        )
        .await
        .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_deref(), competitor),
        ("terminated", Some("competitor"), Some(kid))
    );
    let page = admin.get(&format!("/staff/customers/{customer}")).await;
    page.assert_contains("Pindah ke kompetitor")
        .assert_contains("NetKilat")
        .assert_contains("Berhenti");
    director
        .get("/staff/competitors")
        .await
        .assert_contains("1 langganan pindah ke sini");
    assert_eq!(
        admin.post(&path, &[("reason", "price")]).await.status,
        StatusCode::CONFLICT,
        "already ended"
    );
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|a| a.0 == "subscription.terminated"));
}

#[tokio::test]
async fn package_change_is_recorded_and_suspend_reactivate_follow_the_rules() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (customer, sub) = installed_customer(&app, &c, &admin, "Dewi", "0812-3456-7890").await;
    let other = c.other_package.to_string();
    assert_eq!(
        admin
            .post(
                &format!("/staff/subscriptions/{sub}/package"),
                &[("package_id", &other)]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let history: Vec<(String,)> = app
        .db()
        .fetch_all(
            "SELECT kind FROM subscription_events WHERE subscription_id = $1 ORDER BY id",
            setia::args![sub],
        )
        .await
        .unwrap();
    assert_eq!(
        history,
        vec![("created".to_string(),), ("package_changed".to_string(),)]
    );
    // A retired package cannot be chosen.
    let retired = c.retired_package.to_string();
    assert_eq!(
        admin
            .post(
                &format!("/staff/subscriptions/{sub}/package"),
                &[("package_id", &retired)]
            )
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    assert_eq!(
        admin
            .post(&format!("/staff/subscriptions/{sub}/reactivate"), &[])
            .await
            .status,
        StatusCode::CONFLICT
    );
    // Isolir always names its reason.
    let r = admin
        .post(
            &format!("/staff/subscriptions/{sub}/suspend"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Pilih alasan isolir");
    assert_eq!(
        admin
            .post(
                &format!("/staff/subscriptions/{sub}/suspend"),
                &[("reason", "arrears"), ("confirm", "1")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let status: String = app
        .db()
        .scalar(
            "SELECT status FROM customers WHERE id = $1",
            setia::args![customer],
        )
        .await
        .unwrap();
    assert_eq!(status, "suspended");
    assert_eq!(
        admin
            .post(&format!("/staff/subscriptions/{sub}/reactivate"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = admin.get(&format!("/staff/customers/{customer}")).await;
    page.assert_contains("Keluarga 50")
        .assert_contains("mengubah paket Rumah 20 → Keluarga 50");
    // The director reads but cannot change.
    let (director, _) = app.logged_in(Role::Director).await;
    assert_eq!(
        director
            .get(&format!("/staff/customers/{customer}"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        director
            .post(
                &format!("/staff/subscriptions/{sub}/suspend"),
                &[("reason", "arrears"), ("confirm", "1")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        admin
            .post(
                "/staff/subscriptions/99999/suspend",
                &[("reason", "arrears")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn customer_list_searches_filters_and_pages_by_keyset() {
    // 55 sign-ups from one test address: above the default per-address sign-up limit.
    let app = crate::common::spawn_with(|c| {
        c.rate_limits.signup = setia::config::RateLimit {
            per_minute: 1000,
            burst: 1000,
        }
    })
    .await;
    let c = catalog(&app).await;
    for i in 0..55 {
        sign_up(
            &app,
            &c,
            &format!("Warga {i:02}"),
            &format!("0812-5555-{i:04}"),
            "",
        )
        .await;
    }
    let (admin, _) = app.logged_in(Role::Admin).await;
    let rows = |r: &crate::common::Resp| {
        r.body.matches("href=\"/staff/customers/").count()
            - r.body.matches("/staff/customers/new").count()
    };
    let next_cursor = |r: &crate::common::Resp| {
        let start = r.body.find("before=").expect("next page link") + "before=".len();
        r.body[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
    };
    let first = admin.get("/staff/customers").await;
    assert_eq!(rows(&first), 50);
    first.assert_contains("Warga 54");
    let second = admin
        .get(&format!("/staff/customers?before={}", next_cursor(&first)))
        .await;
    second.assert_contains("Warga 00");
    assert!(!second.body.contains("Warga 54"));

    admin
        .get("/staff/customers?q=warga%2007")
        .await
        .assert_contains("Warga 07");
    let by_phone = admin.get("/staff/customers?q=0812-5555-0031").await;
    by_phone.assert_contains("Warga 31");
    assert!(!by_phone.body.contains("Warga 30"));
    admin
        .get("/staff/customers?q=PLG-000003")
        .await
        .assert_contains("Warga 02");
    let none = admin.get("/staff/customers?status=active").await;
    none.assert_contains("Tidak ada data.");
    let area = c.area.to_string();
    admin
        .get(&format!(
            "/staff/customers?status=prospect&area={area}&package={}",
            c.package
        ))
        .await
        .assert_contains("Warga 10");
    // Bad filter values are ignored or refused, never a 500.
    assert_eq!(
        admin.get("/staff/customers?before=abc").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        admin.get("/staff/customers?area=x&status=zzz").await.status,
        StatusCode::OK
    );

    // A word or phone start all 55 share: the newest 50, then the other 5 on the next page
    // (the first page reads only the newest matches, the next one every match before the
    // cursor).
    for q in ["warga", "0812-5555"] {
        let page = admin.get(&format!("/staff/customers?q={q}")).await;
        assert_eq!(rows(&page), 50, "{q}");
        page.assert_contains("Warga 54").assert_contains("Warga 05");
        assert!(!page.body.contains("Warga 04"), "{q}");
        let rest = admin
            .get(&format!(
                "/staff/customers?q={q}&before={}",
                next_cursor(&page)
            ))
            .await;
        assert_eq!(rows(&rest), 5, "{q}");
        rest.assert_contains("Warga 04").assert_contains("Warga 00");
        assert!(!rest.body.contains("before="), "{q}: no third page");
    }
    // With a filter every match counts: the five newest are no longer prospects, so the 50
    // prospects are all on the first page.
    app.db()
        .execute(
            "UPDATE customers SET status = 'active' WHERE name >= 'Warga 50'",
            vec![],
        )
        .await
        .unwrap();
    let prospects = admin.get("/staff/customers?q=warga&status=prospect").await;
    assert_eq!(rows(&prospects), 50);
    prospects
        .assert_contains("Warga 49")
        .assert_contains("Warga 00");
    assert!(!prospects.body.contains("before="));
}

/// The customer search box reads a full-text index (no scan of every customer): each typed word
/// is the start of a word of the name, number, email, address or phone, and the index follows
/// edits.
#[tokio::test]
async fn customer_search_finds_words_and_phone_starts_and_follows_edits() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (_, budi) = sign_up(
        &app,
        &c,
        "Budiman Santoso",
        "0812-7000-1111",
        "budi@warnet.id",
    )
    .await;
    sign_up(&app, &c, "Siti Rahayu", "0857-7000-2222", "").await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let found = |body: &str, name: &str| body.contains(name);
    for (q, budi_found, siti_found) in [
        ("budi", true, false),
        ("Budiman santoso", true, false),
        ("SANTO", true, false),
        ("warnet", true, false),
        ("0812 7000", true, false),
        ("+62 857 7000", false, true),
        ("857", false, true),
        ("kolonel masturi", true, true),
        ("rahayu budiman", false, false),
        // The digits of a customer number, zeros included.
        ("000001", true, false),
        ("PLG-000002", false, true),
        ("zzqxw", false, false),
        ("-*- \"", false, false),
    ] {
        let page = admin
            .get(&format!("/staff/customers?q={}", urlencode(q)))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{q}");
        assert_eq!(found(&page.body, "Budiman Santoso"), budi_found, "{q}");
        assert_eq!(found(&page.body, "Siti Rahayu"), siti_found, "{q}");
        if !budi_found && !siti_found {
            page.assert_contains("Tidak ada data.");
        }
    }
    let id: i64 = app
        .db()
        .scalar(
            "SELECT customer_id FROM registrations WHERE id = $1",
            setia::args![budi],
        )
        .await
        .unwrap();
    let r = admin
        .post(
            &format!("/staff/customers/{id}/edit"),
            &[
                ("name", "Bambang Wijaya"),
                ("phone", "0812-7000-1111"),
                ("email", ""),
                ("address", "Jl. Sudirman 3"),
                ("area_id", &c.area.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    admin
        .get("/staff/customers?q=bambang")
        .await
        .assert_contains("Bambang Wijaya");
    for old in ["budiman", "warnet", "masturi"] {
        let page = admin.get(&format!("/staff/customers?q={old}")).await;
        assert!(!page.body.contains("Bambang Wijaya"), "{old}");
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn staff_create_walk_in_customers_and_edit_profiles_with_audit() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let fields: Vec<(&'static str, String)> = vec![
        ("name", "Pak Ujang".into()),
        ("phone", "0821-4444-5555".into()),
        ("email", "".into()),
        ("address", "Jl. Sriwijaya 5".into()),
        ("area_id", c.area.to_string()),
        ("package_id", c.package.to_string()),
        ("channel", "walk_in".into()),
    ];
    let r = post_owned(&admin, "/staff/customers/create", &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pw = testid_text(&r.body, "one-time-password").unwrap();
    let id: i64 = app
        .db()
        .scalar("SELECT id FROM customers", vec![])
        .await
        .unwrap();
    let channel: String = app
        .db()
        .scalar("SELECT channel FROM registrations", vec![])
        .await
        .unwrap();
    assert_eq!(channel, "walk_in");
    // Same validation as online: the same phone again is refused.
    let again = post_owned(&admin, "/staff/customers/create", &fields).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The customer logs in with the one-time password and must change it.
    let cust = app.browser();
    assert_eq!(
        cust.login("0821 4444 5555", &pw).await.location.as_deref(),
        Some("/account/password")
    );

    let r = admin
        .post(
            &format!("/staff/customers/{id}/edit"),
            &[
                ("name", "Ujang Suryana"),
                ("phone", "0821-4444-6666"),
                ("email", "ujang@mail.id"),
                ("address", "Jl. Sriwijaya 7"),
                ("area_id", &c.area.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(&format!("/staff/customers/{id}")).await;
    page.assert_contains("Ujang Suryana")
        .assert_contains("+6282144446666")
        .assert_contains("mengubah data pelanggan: nama: Pak Ujang → Ujang Suryana; telepon: +6282144445555 → +6282144446666");
    let detail: String = app
        .db()
        .scalar(
            "SELECT detail FROM audit_log WHERE action = 'customer.update'",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        detail.contains(r#"["phone","+6282144445555","+6282144446666"]"#),
        "{detail}"
    );
    // The login follows the new phone.
    assert_eq!(
        app.browser().login("0821-4444-6666", &pw).await.status,
        StatusCode::SEE_OTHER
    );
    let bad = admin
        .post(
            &format!("/staff/customers/{id}/edit"),
            &[
                ("name", ""),
                ("phone", "12"),
                ("address", "x"),
                ("area_id", "0"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        admin.get("/staff/customers/99999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn admins_reset_a_customers_forgotten_password() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (customer, _) = sign_up(&app, &c, "Dewi", "0812-3456-7890", "").await;
    let id: i64 = app
        .db()
        .scalar("SELECT id FROM customers", vec![])
        .await
        .unwrap();
    let (director, _) = app.logged_in(Role::Director).await;
    let path = format!("/staff/customers/{id}/reset-password");
    assert_eq!(
        director.post(&path, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin.post(&path, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let pw = testid_text(&r.body, "one-time-password").unwrap();
    assert_eq!(
        customer.get("/portal").await.status,
        StatusCode::SEE_OTHER,
        "old sessions end"
    );
    let b = app.browser();
    assert_eq!(
        b.login("0812-3456-7890", &pw).await.location.as_deref(),
        Some("/account/password")
    );
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|a| a.0 == "customer.reset_password"));
}
