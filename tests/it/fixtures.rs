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
    // Written to the store directly: the instance cache is emptied as a change through the
    // catalogue's pages does.
    let catalog = Catalog {
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
    };
    app.state.cache.clear();
    catalog
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

/// Tomorrow (test clock, WIB), as staff type a date: DD/MM/YYYY.
pub fn tomorrow(app: &TestApp) -> String {
    (app.clock_now().with_timezone(&setia::types::wib()) + chrono::Duration::days(1))
        .format("%d/%m/%Y")
        .to_string()
}

/// The queued visit (waiting to be scheduled) serving registration `reg`.
pub async fn queued_visit(app: &TestApp, reg: i64) -> i64 {
    app.db()
        .scalar(
            "SELECT id FROM visits WHERE registration_id = $1 AND status = 'queued'",
            setia::args![reg],
        )
        .await
        .expect("a queued installation visit")
}

/// Books `visit` for `tech` on `day` (DD/MM/YYYY) from `from` to `to`, as `admin`, with a note
/// for the technician; checks that it landed on the visit's page.
pub async fn book(admin: &Browser, visit: i64, tech: i64, day: &str, from: &str, to: &str) {
    let tid = tech.to_string();
    let r = admin
        .post(
            &format!("/staff/visits/{visit}/schedule"),
            &[
                ("technician_id", tid.as_str()),
                ("date", day),
                ("window_start", from),
                ("window_end", to),
                ("notes", "Bawa tangga"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        reqwest::StatusCode::SEE_OTHER,
        "schedule: {}",
        r.body
    );
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/staff/visits/{visit}").as_str())
    );
}

/// Books visit `visit` for technician `tech` tomorrow 09:00–10:00, as `admin`.
pub async fn schedule_visit(app: &TestApp, admin: &Browser, visit: i64, tech: i64) {
    book(admin, visit, tech, &tomorrow(app), "09:00", "10:00").await;
}

/// A new sign-up, verified: its installation visit waits in the queue. Returns the visit.
pub async fn verified_visit(
    app: &TestApp,
    c: &Catalog,
    admin: &Browser,
    name: &str,
    phone: &str,
) -> i64 {
    let (_, reg) = sign_up(app, c, name, phone, "").await;
    let r = admin
        .post(&format!("/staff/registrations/{reg}/verify"), &[])
        .await;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER);
    queued_visit(app, reg).await
}

/// The status column of row `id` of `table`.
pub async fn status_of(app: &TestApp, table: &str, id: i64) -> String {
    let (s,): (String,) = app
        .db()
        .fetch_one(
            &format!("SELECT status FROM {table} WHERE id = $1"),
            setia::args![id],
        )
        .await
        .unwrap();
    s
}

/// A scheduled installation: registration `reg` verified and its visit booked for a new
/// technician tomorrow 09:00–10:00. Returns the technician's browser and id, and the visit id.
pub async fn verify_and_schedule(app: &TestApp, admin: &Browser, reg: i64) -> (Browser, i64, i64) {
    let (tech_browser, tech) = technician(app).await;
    let r = admin
        .post(&format!("/staff/registrations/{reg}/verify"), &[])
        .await;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER, "verify");
    let visit = queued_visit(app, reg).await;
    schedule_visit(app, admin, visit, tech).await;
    (tech_browser, tech, visit)
}

/// Takes registration `reg` to installed the short way: verified, then marked installed by the
/// admin's override (the visit path is tested in tests/it/visits.rs).
pub async fn install(_app: &TestApp, admin: &Browser, reg: i64) {
    let r = admin
        .post(&format!("/staff/registrations/{reg}/verify"), &[])
        .await;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER, "verify");
    let r = admin
        .post(
            &format!("/staff/registrations/{reg}/install"),
            &[
                ("override_reason", "Dipasang sebelum Setia"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        reqwest::StatusCode::SEE_OTHER,
        "install: {}",
        r.body
    );
}

/// A "no connection" complaint logged by `admin` for customer `customer_id` (a phone call);
/// returns the ticket id.
pub async fn phoned_in_complaint(app: &TestApp, admin: &Browser, customer_id: i64) -> i64 {
    let cid = customer_id.to_string();
    let r = admin
        .post(
            "/staff/tickets/new",
            &[
                ("customer", cid.as_str()),
                ("category", "no_connection"),
                ("channel", "phone"),
                ("body", "Internet mati sejak kemarin, lampu LOS merah."),
            ],
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::SEE_OTHER, "{}", r.body);
    app.db()
        .scalar(
            "SELECT id FROM tickets WHERE customer_id = $1 ORDER BY id DESC LIMIT 1",
            setia::args![customer_id],
        )
        .await
        .unwrap()
}
