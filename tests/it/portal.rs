use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::spawn;
use crate::fixtures::{catalog, sign_up};

#[tokio::test]
async fn a_customer_only_ever_sees_their_own_records() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (dewi, dewi_reg) = sign_up(&app, &c, "Dewi", "0812-3456-7890", "").await;
    let (asep, asep_reg) = sign_up(&app, &c, "Asep", "0813-2222-3333", "").await;
    assert_eq!(
        dewi.get(&format!("/portal/registrations/{dewi_reg}"))
            .await
            .status,
        StatusCode::OK
    );
    for path in [
        format!("/portal/registrations/{asep_reg}"),
        format!("/signup/done/{asep_reg}"),
        "/portal/subscriptions/1".to_string(),
        "/portal/registrations/abc".to_string(),
    ] {
        let r = dewi.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("Asep"));
    }
    // Customers have no business in the staff area.
    assert_eq!(
        asep.get("/staff/customers").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        asep.get("/staff/registrations").await.status,
        StatusCode::FORBIDDEN
    );
    // Staff do not get the portal.
    let (admin, _) = app.logged_in(Role::Admin).await;
    assert_eq!(admin.get("/portal").await.status, StatusCode::FORBIDDEN);
    // Anonymous visitors are sent to log in.
    assert_eq!(
        app.browser().get("/portal").await.location.as_deref(),
        Some("/login?next=%2Fportal")
    );
}

#[tokio::test]
async fn customers_edit_name_and_email_but_not_phone() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (dewi, _) = sign_up(&app, &c, "Dewi", "0812-3456-7890", "").await;
    let r = dewi
        .post(
            "/portal/profile",
            &[
                ("name", "Dewi Lestari"),
                ("email", "dewi@mail.id"),
                ("phone", "0899-9999-9999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (name, email, phone): (String, Option<String>, String) = app
        .db()
        .fetch_one("SELECT name, email, phone FROM customers", vec![])
        .await
        .unwrap();
    assert_eq!(
        (name.as_str(), email.as_deref(), phone.as_str()),
        ("Dewi Lestari", Some("dewi@mail.id"), "+6281234567890")
    );
    // The login email follows.
    assert_eq!(
        app.browser()
            .login("dewi@mail.id", crate::common::PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let bad = dewi
        .post("/portal/profile", &[("name", ""), ("email", "nope")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("Wajib diisi")
        .assert_contains("value=\"nope\"");
    // Someone else's email is refused.
    sign_up(&app, &c, "Asep", "0813-2222-3333", "asep@mail.id").await;
    let r = dewi
        .post(
            "/portal/profile",
            &[("name", "Dewi"), ("email", "asep@mail.id")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A customer whose email is also a staff login's (say, an employee who is a subscriber too) can
/// still edit their profile: the customer record keeps the email, their login goes without it,
/// and nothing tells them a staff account exists.
#[tokio::test]
async fn a_staff_email_on_a_customer_profile_is_kept_off_the_login() {
    let app = spawn().await;
    let c = catalog(&app).await;
    app.create_user(setia::auth::Role::Technician, "dodi@blitz.id")
        .await;
    let (dodi, _) = sign_up(&app, &c, "Dodi", "0812-7777-1111", "").await;
    let r = dodi
        .post(
            "/portal/profile",
            &[("name", "Dodi F."), ("email", "dodi@blitz.id")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let emails: Vec<(Option<String>,)> = app
        .db()
        .fetch_all(
            "SELECT email FROM users WHERE role = 'customer' UNION ALL SELECT email FROM customers",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(emails, vec![(None,), (Some("dodi@blitz.id".to_string()),)]);
}

#[tokio::test]
async fn the_portal_offers_the_office_and_a_way_back_after_the_end() {
    let app = spawn().await;
    let c = catalog(&app).await;
    setia::site::store::save_company(
        app.db(),
        &setia::site::store::Company {
            name: "Blitz Net".into(),
            whatsapp: "0811-2222-333".into(),
            phone: "022-6654321".into(),
            ..Default::default()
        },
        app.clock_now(),
    )
    .await
    .unwrap();
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (dewi, reg) = sign_up(&app, &c, "Dewi", "0812-3456-7890", "").await;
    crate::fixtures::install(&app, &admin, reg).await;
    let page = dewi.get("/portal").await;
    page.assert_contains("/portal/tickets/new")
        .assert_contains("https://wa.me/628112222333")
        .assert_contains("tel:022-6654321");
    assert!(!page.body.contains("data-testid=\"subscribe-again\""));
    let (sub,): (i64,) = app
        .db()
        .fetch_one("SELECT id FROM subscriptions", vec![])
        .await
        .unwrap();
    let r = admin
        .post(
            &format!("/staff/subscriptions/{sub}/terminate"),
            &[("reason", "price"), ("note", ""), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = dewi.get("/portal").await;
    page.assert_contains("data-testid=\"subscribe-again\"")
        .assert_contains("berhenti")
        .assert_contains("ingin+berlangganan+lagi");
}
