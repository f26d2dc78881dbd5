//! Catalog data the sign-up and customer tests need.

use setia::auth::Role;
use setia::catalog::store::{self as catalog, NewPackage};

use crate::common::{Browser, TestApp, PASSWORD};

pub struct Catalog {
    pub package: i64,
    pub other_package: i64,
    pub retired_package: i64,
    pub area: i64,
    pub uncovered_area: i64,
}

pub async fn catalog(app: &TestApp) -> Catalog {
    let now = app.clock_now();
    let pkg = |name: &'static str, mbps: i64, price: i64, published: bool| NewPackage {
        name,
        download_mbps: mbps,
        upload_mbps: mbps / 2,
        price: setia::types::Rupiah(price),
        features: "Unlimited\nRouter gratis",
        features_en: "",
        published,
        sort_order: 0,
    };
    let db = app.db();
    Catalog {
        package: catalog::create_package(db, &pkg("Rumah 20", 20, 250_000, true), now)
            .await
            .unwrap(),
        other_package: catalog::create_package(db, &pkg("Keluarga 50", 50, 400_000, true), now)
            .await
            .unwrap(),
        retired_package: catalog::create_package(db, &pkg("Lama 5", 5, 100_000, false), now)
            .await
            .unwrap(),
        area: catalog::create_area(db, "Cibabat", "Cimahi", true, now)
            .await
            .unwrap(),
        uncovered_area: catalog::create_area(db, "Lembang", "Bandung Barat", false, now)
            .await
            .unwrap(),
    }
}

pub fn signup_fields<'a>(
    c: &Catalog,
    name: &'a str,
    phone: &'a str,
    email: &'a str,
) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_string()),
        ("phone", phone.to_string()),
        ("email", email.to_string()),
        (
            "address",
            "Jl. Kolonel Masturi No. 12, RT 02/RW 05".to_string(),
        ),
        ("area_id", c.area.to_string()),
        ("package_id", c.package.to_string()),
        ("referral_code", String::new()),
        ("password", PASSWORD.to_string()),
        ("consent", "yes".to_string()),
    ]
}

pub async fn post_owned(
    b: &Browser,
    path: &str,
    fields: &[(&'static str, String)],
) -> crate::common::Resp {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &borrowed).await
}

/// Signs up a new customer through the public form; returns their browser and registration id.
pub async fn sign_up(
    app: &TestApp,
    c: &Catalog,
    name: &str,
    phone: &str,
    email: &str,
) -> (Browser, i64) {
    let b = app.browser();
    let r = post_owned(&b, "/signup", &signup_fields(c, name, phone, email)).await;
    assert_eq!(
        r.status,
        reqwest::StatusCode::SEE_OTHER,
        "sign-up failed: {}",
        r.body
    );
    let loc = r.location.unwrap();
    let id = loc
        .trim_start_matches("/signup/done/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    (b, id)
}

pub async fn technician(app: &TestApp) -> (Browser, i64) {
    app.logged_in(Role::Technician).await
}

/// Tomorrow (test clock), as a date field wants it.
pub fn tomorrow(app: &TestApp) -> String {
    (app.clock_now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string()
}

/// Verifies registration `reg` and schedules it with a new technician, as `admin`.
pub async fn verify_and_schedule(app: &TestApp, admin: &Browser, reg: i64) {
    let (_, tech) = technician(app).await;
    let (tid, day) = (tech.to_string(), tomorrow(app));
    let r = admin
        .post(&format!("/staff/registrations/{reg}/verify"), &[])
        .await;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER, "verify");
    let window = [
        ("technician_id", tid.as_str()),
        ("date", &day),
        ("window_start", "09:00"),
        ("window_end", "10:00"),
    ];
    let r = admin
        .post(&format!("/staff/registrations/{reg}/schedule"), &window)
        .await;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER, "schedule");
}

/// Takes registration `reg` all the way to installed.
pub async fn install(app: &TestApp, admin: &Browser, reg: i64) {
    verify_and_schedule(app, admin, reg).await;
    let r = admin
        .post(&format!("/staff/registrations/{reg}/install"), &[])
        .await;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER, "install");
}
