//! The public site as a shop window: the coverage check in the hero, the package comparison
//! with promo prices against the normal ones, the floating WhatsApp button on public pages
//! only, and the contact block first on "Tentang kami".

use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn, Browser, TestApp};
use crate::fixtures;

/// The part of `html` from `start` to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found in:\n{html}"));
    let to = html[from..].find(end).map_or(html.len(), |i| from + i);
    &html[from..to]
}

async fn company(admin: &Browser, whatsapp: &str) {
    let r = admin
        .post(
            "/staff/company",
            &[
                ("name", "Blitz Net"),
                ("about", "Profil perusahaan kami."),
                ("address", "Jl. Kolonel Masturi 10, Cimahi"),
                ("phone", "(022) 665 1234"),
                ("whatsapp", whatsapp),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// A running promo that lowers `package`'s price to `price`.
async fn promo(app: &TestApp, admin: &Browser, package: i64, price: &str) -> StatusCode {
    let today = setia::types::wib_date(app.clock_now());
    let starts = today.format("%d/%m/%Y").to_string();
    let ends = (today + chrono::Days::new(10))
        .format("%d/%m/%Y")
        .to_string();
    let price_field = format!("price_{package}");
    let package = package.to_string();
    let r = admin
        .post(
            "/staff/promos",
            &[
                ("title", "Harga spesial"),
                ("starts_on", &starts),
                ("ends_on", &ends),
                ("published", "1"),
                ("package", &package),
                (&price_field, price),
            ],
        )
        .await;
    r.status
}

#[tokio::test]
async fn the_hero_holds_the_coverage_check_which_works_without_javascript() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let public = app.browser();
    let home = public.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let hero = between(&home.body, "<section class=\"hero", "</section>");
    assert!(
        hero.contains("<form method=\"get\" action=\"/coverage\"")
            && hero.contains("data-testid=\"hero-coverage\"")
            && hero.contains("name=\"q\" type=\"search\"")
            && hero.contains("<option value=\"Cibabat, Cimahi\">"),
        "the hero holds the coverage form with the areas suggested:\n{hero}"
    );
    // The form's request, as a browser sends it, answers the question.
    let r = public.get("/coverage?q=Cibabat%2C+Cimahi").await;
    assert_eq!(r.status, StatusCode::OK);
    r.assert_contains("data-testid=\"coverage-result\"")
        .assert_contains("Cibabat, Cimahi sudah terjangkau")
        .assert_contains(&format!("/signup?area={}", c.area));
}

#[tokio::test]
async fn the_comparison_shows_the_promo_price_against_the_struck_normal_price() {
    let app = spawn().await;
    let c = fixtures::catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;

    // A promo price must be below the normal one; the form keeps what was typed.
    assert_eq!(
        promo(&app, &admin, c.package, "260.000").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = admin
        .post(
            "/staff/promos",
            &[
                ("title", "Harga spesial"),
                ("starts_on", "01/12/2026"),
                ("ends_on", "31/12/2026"),
                ("package", &c.package.to_string()),
                (&format!("price_{}", c.package), "dua ratus"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"dua ratus\"")
        .assert_contains("aria-invalid=\"true\"");

    assert_eq!(
        promo(&app, &admin, c.package, "Rp 199.000").await,
        StatusCode::SEE_OTHER
    );
    let stored: Option<i64> = app
        .db()
        .scalar(
            "SELECT promo_price FROM promo_packages WHERE package_id = $1",
            setia::args![c.package],
        )
        .await
        .unwrap();
    assert_eq!(stored, Some(199_000));

    let public = app.browser();
    let home = public.get("/").await;
    let compare = between(&home.body, "data-testid=\"compare\"", "</table>");
    let row = between(compare, "Rumah 20", "</tr>");
    assert!(
        row.contains("<s class=\"was\"><span class=\"sr\">Harga normal </span>Rp 250.000</s>")
            && row.contains("<span class=\"sr\">Harga promo </span>Rp 199.000"),
        "promo price against the struck normal price:\n{row}"
    );
    let other = between(compare, "Keluarga 50", "</tr>");
    assert!(
        other.contains("Rp 400.000") && !other.contains("<s class"),
        "a package without a promo shows its price alone:\n{other}"
    );
    assert!(
        !compare.contains("Lama 5"),
        "a retired package is not offered"
    );
    // The packages page and the promos page say the same.
    public
        .get("/packages")
        .await
        .assert_contains("<s class=\"was\"><span class=\"sr\">Harga normal </span>Rp 250.000</s>");
    public
        .get("/promos")
        .await
        .assert_contains("Rp 250.000</s>")
        .assert_contains("</span>Rp 199.000</strong>");
    // The staff form shows the promo price again.
    let id: i64 = app
        .db()
        .scalar("SELECT id FROM promos", vec![])
        .await
        .unwrap();
    admin
        .get(&format!("/staff/promos/{id}"))
        .await
        .assert_contains("value=\"Rp 199.000\"");
}

#[tokio::test]
async fn the_whatsapp_button_floats_on_public_pages_only() {
    let app = spawn().await;
    let public = app.browser();
    assert!(
        !public
            .get("/")
            .await
            .body
            .contains("data-testid=\"wa-float\""),
        "no number, no button"
    );
    let (admin, _) = app.logged_in(Role::Admin).await;
    company(&admin, "0812-2000-1234").await;

    for path in [
        "/",
        "/packages",
        "/promos",
        "/news",
        "/coverage",
        "/about",
        "/signup",
        "/login",
    ] {
        let page = public.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let button = between(&page.body, "<a class=\"wa-float\"", "</a>");
        assert!(
            button.contains("href=\"https://wa.me/6281220001234\"")
                && button.contains("<span class=\"sr\">Chat WhatsApp</span>"),
            "{path}: the button links to wa.me with a label for screen readers:\n{button}"
        );
    }
    // The footer after it leaves room so it never covers the last line.
    assert!(public
        .get("/")
        .await
        .body
        .contains("</a>\n<footer class=\"footer\">"));

    for path in [
        "/staff",
        "/staff/company",
        "/staff/packages",
        "/account/password",
    ] {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(
            !page.body.contains("wa-float"),
            "{path}: no floating button on staff pages"
        );
    }
    let c = fixtures::catalog(&app).await;
    let (customer, _) = fixtures::sign_up(&app, &c, "Sari", "0812-7000-2222", "").await;
    let portal = customer.get("/portal").await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(!portal.body.contains("wa-float"), "none in the portal");
}

#[tokio::test]
async fn the_about_page_starts_with_the_contact_block() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    company(&admin, "0812-2000-1234").await;
    let about = app.browser().get("/about").await;
    let body = &about.body;
    let contact = body
        .find("data-testid=\"contact-block\"")
        .expect("contact block");
    let address = body
        .find("Jl. Kolonel Masturi 10, Cimahi")
        .expect("address");
    let profile = body.find("data-testid=\"profile\"").expect("profile");
    let text = body.find("Profil perusahaan kami.").expect("profile text");
    assert!(
        contact < address && address < profile && profile < text,
        "the contact block comes before the profile"
    );
    let block = between(body, "data-testid=\"contact-block\"", "</section>");
    assert!(
        block.contains("href=\"tel:+62226651234\"")
            && block.contains("https://wa.me/6281220001234")
    );
}
