//! Bilingual content: package features, promos, news and the company profile have an
//! Indonesian text and an optional English one; English readers see the English one where it
//! exists and the Indonesian one otherwise; Indonesian readers always see Indonesian.

use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn, Browser, Resp, TestApp};
use crate::fixtures;

fn id_from(r: &Resp) -> i64 {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location
        .as_deref()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// A browser that reads English.
async fn english(app: &TestApp) -> Browser {
    let b = app.browser();
    let r = b.post("/lang", &[("lang", "en"), ("back", "/")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    b
}

/// Content with English for some texts and none for others, entered through the staff forms.
struct Content {
    translated_package: i64,
    plain_package: i64,
    promo: i64,
    post: i64,
    plain_post: i64,
}

async fn content(app: &TestApp, admin: &Browser) -> Content {
    let package = |name: &'static str, features: &'static str, features_en: &'static str| {
        vec![
            ("name", name),
            ("download_mbps", "20"),
            ("upload_mbps", "10"),
            ("price", "250000"),
            ("features", features),
            ("features_en", features_en),
            ("sort_order", "0"),
            ("published", "1"),
        ]
    };
    let translated_package = id_from(
        &admin
            .post(
                "/staff/packages",
                &package("Rumah 20", "Kuota tanpa batas", "Unlimited quota"),
            )
            .await,
    );
    let plain_package = id_from(
        &admin
            .post(
                "/staff/packages",
                &package("Keluarga 30", "Prioritas gangguan", ""),
            )
            .await,
    );
    let today = setia::types::wib_date(app.clock_now());
    let starts = today.format("%d/%m/%Y").to_string();
    let ends = (today + chrono::Days::new(10))
        .format("%d/%m/%Y")
        .to_string();
    let promo = id_from(
        &admin
            .post(
                "/staff/promos",
                &[
                    ("title", "Gratis pasang"),
                    ("title_en", "Free installation"),
                    ("body", "Biaya pasang **kami tanggung**."),
                    ("body_en", "We pay the **installation fee**."),
                    ("starts_on", &starts),
                    ("ends_on", &ends),
                    ("published", "1"),
                    ("package", &translated_package.to_string()),
                ],
            )
            .await,
    );
    let post = |title: &'static str, title_en: &'static str, body_en: &'static str| {
        vec![
            ("title", title),
            ("title_en", title_en),
            ("slug", ""),
            ("kind", "news"),
            ("summary", "Ringkasan berita"),
            (
                "summary_en",
                if title_en.is_empty() {
                    ""
                } else {
                    "News summary"
                },
            ),
            ("body_md", "Isi berita dalam *bahasa Indonesia*."),
            ("body_md_en", body_en),
            ("published", "1"),
        ]
    };
    let post_id = id_from(
        &admin
            .post(
                "/staff/posts",
                &post(
                    "Jaringan baru di Baros",
                    "New network in Baros",
                    "The news in *English*.",
                ),
            )
            .await,
    );
    let plain_post = id_from(
        &admin
            .post("/staff/posts", &post("Libur kantor", "", ""))
            .await,
    );
    let r = admin
        .post(
            "/staff/company",
            &[
                ("name", "Blitz Net"),
                ("tagline", "Internet rumah dari Cimahi"),
                ("tagline_en", "Home internet from Cimahi"),
                ("about", "Kami ISP *lokal*."),
                ("about_en", "We are a *local* ISP."),
                ("vision", "Menjadi pilihan keluarga."),
                ("vision_en", ""),
                ("mission", "Cepat tanggap"),
                ("mission_en", "Quick to respond"),
                ("opening_hours", "Senin–Sabtu 08.00–17.00"),
                ("opening_hours_en", "Monday–Saturday 08:00–17:00"),
                ("whatsapp", "0812-2000-1234"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    Content {
        translated_package,
        plain_package,
        promo,
        post: post_id,
        plain_post,
    }
}

async fn slug(app: &TestApp, id: i64) -> String {
    app.db()
        .scalar("SELECT slug FROM posts WHERE id = $1", setia::args![id])
        .await
        .unwrap()
}

#[tokio::test]
async fn english_readers_see_english_where_it_exists_and_indonesian_otherwise() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let c = content(&app, &admin).await;
    let en = english(&app).await;
    let id = app.browser();

    // Package features: English for the translated package, Indonesian for the other.
    for path in ["/packages", "/"] {
        let page = en.get(path).await;
        page.assert_contains("<li>Unlimited quota</li>")
            .assert_contains("<li>Prioritas gangguan</li>");
        assert!(!page.body.contains("Kuota tanpa batas"), "{path}");
        let page = id.get(path).await;
        page.assert_contains("<li>Kuota tanpa batas</li>")
            .assert_contains("<li>Prioritas gangguan</li>");
        assert!(!page.body.contains("Unlimited quota"), "{path}");
    }

    // Promos: the title on the home page, the packages (as the promo's badge) and /promos.
    let page = en.get("/promos").await;
    page.assert_contains("Free installation")
        .assert_contains("We pay the <strong>installation fee</strong>.");
    assert!(!page.body.contains("Gratis pasang"));
    en.get("/").await.assert_contains("Free installation");
    let page = id.get("/promos").await;
    page.assert_contains("Gratis pasang")
        .assert_contains("<strong>kami tanggung</strong>");
    assert!(!page.body.contains("Free installation"));
    // The sign-up form names the chosen package's promo in the reader's language.
    let form = format!("/signup?package={}", c.translated_package);
    en.get(&form).await.assert_contains("Free installation");
    let page = id.get(&form).await;
    page.assert_contains("Gratis pasang");
    assert!(!page.body.contains("Free installation"));

    // News: list, article, home; the untranslated post stays Indonesian for both.
    let (s, plain) = (slug(&app, c.post).await, slug(&app, c.plain_post).await);
    let list = en.get("/news").await;
    list.assert_contains("New network in Baros")
        .assert_contains("News summary")
        .assert_contains("Libur kantor");
    assert!(!list.body.contains("Jaringan baru di Baros"));
    en.get(&format!("/news/{s}"))
        .await
        .assert_contains("<title>New network in Baros")
        .assert_contains("The news in <em>English</em>.");
    en.get(&format!("/news/{plain}"))
        .await
        .assert_contains("<h1>Libur kantor</h1>")
        .assert_contains("<em>bahasa Indonesia</em>");
    let article = id.get(&format!("/news/{s}")).await;
    article
        .assert_contains("<h1>Jaringan baru di Baros</h1>")
        .assert_contains("<em>bahasa Indonesia</em>");
    assert!(!article.body.contains("The news in"));

    // Company profile: tagline on the home page; about, mission and hours on /about; the
    // vision has no English and stays Indonesian.
    let home = en.get("/").await;
    home.assert_contains("<title>Home internet from Cimahi")
        .assert_contains("Monday–Saturday 08:00–17:00");
    let about = en.get("/about").await;
    about
        .assert_contains("We are a <em>local</em> ISP.")
        .assert_contains("<li>Quick to respond</li>")
        .assert_contains("Menjadi pilihan keluarga.")
        .assert_contains("Monday–Saturday 08:00–17:00");
    assert!(!about.body.contains("Kami ISP"));
    let about = id.get("/about").await;
    about
        .assert_contains("Kami ISP <em>lokal</em>.")
        .assert_contains("<li>Cepat tanggap</li>")
        .assert_contains("Senin–Sabtu 08.00–17.00");
    assert!(!about.body.contains("Quick to respond"));
    id.get("/")
        .await
        .assert_contains("<title>Internet rumah dari Cimahi");

    // The portal's promo and news lists, for a customer reading English.
    let cat = fixtures::catalog(&app).await;
    let (customer, _) = fixtures::sign_up(&app, &cat, "Sari Lestari", "0812-7000-1111", "").await;
    let portal = customer.get("/portal").await;
    portal
        .assert_contains("Gratis pasang")
        .assert_contains("Jaringan baru di Baros");
    customer
        .post("/lang", &[("lang", "en"), ("back", "/portal")])
        .await;
    let portal = customer.get("/portal").await;
    portal
        .assert_contains("Free installation")
        .assert_contains("We pay the <strong>installation fee</strong>.")
        .assert_contains("New network in Baros")
        .assert_contains("Libur kantor");
    assert!(!portal.body.contains("Gratis pasang"));
    let _ = (c.translated_package, c.plain_package, c.promo);
}

#[tokio::test]
async fn the_admin_forms_save_and_show_again_the_english_texts() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let c = content(&app, &admin).await;

    // What landed in the database.
    let features_en: String = app
        .db()
        .scalar(
            "SELECT features_en FROM packages WHERE id = $1",
            setia::args![c.translated_package],
        )
        .await
        .unwrap();
    assert_eq!(features_en, "Unlimited quota");
    let (title_en, body_en): (String, String) = app
        .db()
        .fetch_one(
            "SELECT title_en, body_en FROM promos WHERE id = $1",
            setia::args![c.promo],
        )
        .await
        .unwrap();
    assert_eq!(
        (title_en.as_str(), body_en.as_str()),
        ("Free installation", "We pay the **installation fee**.")
    );
    let post: (String, String, String) = app
        .db()
        .fetch_one(
            "SELECT title_en, summary_en, body_md_en FROM posts WHERE id = $1",
            setia::args![c.post],
        )
        .await
        .unwrap();
    assert_eq!(post.0, "New network in Baros");
    assert_eq!(post.2, "The news in *English*.");
    let company: (String, String, String, String, String) = app
        .db()
        .fetch_one(
            "SELECT tagline_en, about_en, vision_en, mission_en, opening_hours_en FROM company_settings",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        company,
        (
            "Home internet from Cimahi".into(),
            "We are a *local* ISP.".into(),
            String::new(),
            "Quick to respond".into(),
            "Monday–Saturday 08:00–17:00".into()
        )
    );

    // The forms show them again, each labelled as the optional English text.
    let form = admin
        .get(&format!("/staff/packages/{}", c.translated_package))
        .await;
    form.assert_contains("English (opsional)")
        .assert_contains("lang=\"en\">Unlimited quota</textarea>");
    let form = admin.get(&format!("/staff/promos/{}", c.promo)).await;
    form.assert_contains("name=\"title_en\" type=\"text\" lang=\"en\" value=\"Free installation\"")
        .assert_contains("lang=\"en\">We pay the **installation fee**.</textarea>");
    let form = admin.get(&format!("/staff/posts/{}", c.post)).await;
    form.assert_contains("value=\"New network in Baros\"")
        .assert_contains("value=\"News summary\"")
        .assert_contains(">The news in *English*.</textarea>");
    let form = admin.get("/staff/company").await;
    form.assert_contains("value=\"Home internet from Cimahi\"")
        .assert_contains(">We are a *local* ISP.</textarea>")
        .assert_contains(">Quick to respond</textarea>")
        .assert_contains(">Monday–Saturday 08:00–17:00</textarea>");

    // Clearing an English text falls back to Indonesian at once.
    let r = admin
        .post(
            &format!("/staff/packages/{}", c.translated_package),
            &[
                ("name", "Rumah 20"),
                ("download_mbps", "20"),
                ("upload_mbps", "10"),
                ("price", "250000"),
                ("features", "Kuota tanpa batas"),
                ("features_en", "  "),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    english(&app)
        .await
        .get("/packages")
        .await
        .assert_contains("<li>Kuota tanpa batas</li>");
}

#[tokio::test]
async fn an_english_text_is_validated_as_the_indonesian_one() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let long = "x".repeat(151);
    let r = admin
        .post(
            "/staff/promos",
            &[
                ("title", "Gratis pasang"),
                ("title_en", &long),
                ("body", ""),
                ("body_en", "Kept as typed"),
                ("starts_on", "01/12/2026"),
                ("ends_on", "31/12/2026"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-title_en\"")
        .assert_contains(&format!("value=\"{long}\""))
        .assert_contains(">Kept as typed</textarea>");
    let n: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM promos", vec![])
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing saved");

    let r = admin
        .post(
            "/staff/company",
            &[("name", "Blitz Net"), ("tagline_en", &"y".repeat(201))],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("id=\"e-tagline_en\"");
}
