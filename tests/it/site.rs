//! The public website and the staff pages that manage its content: packages, promos, news,
//! coverage areas with the waiting list, and the company profile.

use chrono::Duration;
use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn, Browser, Resp, TestApp};

/// The id at the end of a redirect such as `/staff/packages/7`.
fn id_from(r: &Resp) -> i64 {
    let loc = r
        .location
        .as_deref()
        .unwrap_or_else(|| panic!("expected a redirect ({}): {}", r.status, r.body));
    loc.rsplit('/').next().unwrap().parse().unwrap()
}

async fn create_package(admin: &Browser, name: &str, price: &str, published: bool) -> i64 {
    let mut fields = vec![
        ("name", name),
        ("download_mbps", "20"),
        ("upload_mbps", "10"),
        ("price", price),
        ("features", "Kuota tanpa batas\nModem gratis"),
        ("sort_order", "0"),
    ];
    if published {
        fields.push(("published", "1"));
    }
    let r = admin.post("/staff/packages", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    id_from(&r)
}

async fn create_post(admin: &Browser, title: &str, body: &str, published: bool) -> i64 {
    let mut fields = vec![
        ("title", title),
        ("slug", ""),
        ("kind", "news"),
        ("summary", "Ringkasan singkat"),
        ("body_md", body),
    ];
    if published {
        fields.push(("published", "1"));
    }
    let r = admin.post("/staff/posts", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    id_from(&r)
}

async fn slug_of(app: &TestApp, id: i64) -> String {
    app.db()
        .scalar("SELECT slug FROM posts WHERE id = $1", setia::args![id])
        .await
        .unwrap()
}

fn actions(audit: &[(String, Option<String>, String)]) -> Vec<&str> {
    audit.iter().map(|a| a.0.as_str()).collect()
}

#[tokio::test]
async fn admin_manages_packages_and_the_public_sees_only_active_ones() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let home = create_package(&admin, "Rumah 20", "250.000", true).await;
    let hidden = create_package(&admin, "Rahasia 100", "900000", false).await;

    let public = app.browser();
    let page = public.get("/packages").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Rumah 20")
        .assert_contains("Rp 250.000")
        .assert_contains("Modem gratis")
        .assert_contains("20 Mbps")
        .assert_contains(&format!("/signup?package={home}"))
        .assert_contains(
            "<meta name=\"description\" content=\"Paket internet bulanan mulai Rp 250.000",
        );
    assert!(!page.body.contains("Rahasia 100"), "a draft is not public");
    public
        .get("/")
        .await
        .assert_contains("Rumah 20")
        .assert_contains("Rp 250.000");

    // Edit: the new name and price show at once.
    let r = admin
        .post(
            &format!("/staff/packages/{home}"),
            &[
                ("name", "Rumah 30"),
                ("download_mbps", "30"),
                ("upload_mbps", "15"),
                ("price", "Rp 300.000"),
                ("features", "Kuota tanpa batas"),
                ("sort_order", "1"),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = public.get("/packages").await;
    page.assert_contains("Rumah 30")
        .assert_contains("Rp 300.000");
    assert!(!page.body.contains("Rp 250.000"));

    // Publish the draft, then retire the first: it leaves the site but stays in the staff list.
    admin
        .post(&format!("/staff/packages/{hidden}/publish"), &[])
        .await;
    admin
        .post(&format!("/staff/packages/{home}/unpublish"), &[])
        .await;
    let page = public.get("/packages").await;
    page.assert_contains("Rahasia 100")
        .assert_contains("Rp 900.000");
    assert!(
        !page.body.contains("Rumah 30"),
        "an inactive package is not public"
    );
    admin
        .get("/staff/packages")
        .await
        .assert_contains("Rumah 30")
        .assert_contains("Rahasia 100");

    let audit = app.audit_actions().await;
    let acts = actions(&audit);
    for a in [
        "package.create",
        "package.update",
        "package.publish",
        "package.unpublish",
    ] {
        assert!(acts.contains(&a), "{a} audited: {acts:?}");
    }
    assert_eq!(
        admin.get("/staff/packages/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn promos_are_public_only_inside_their_wib_window() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let package = create_package(&admin, "Rumah 20", "250000", true).await;
    // The mock clock starts on 28 Nov 2026, 10:00 WIB.
    let pkg = package.to_string();
    let r = admin
        .post(
            "/staff/promos",
            &[
                ("title", "Promo Desember Ceria"),
                ("body", "Gratis **pemasangan** selama promo."),
                ("starts_on", "2026-12-01"),
                ("ends_on", "2026-12-03"),
                ("package", &pkg),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let promo = id_from(&r);
    let draft = admin
        .post(
            "/staff/promos",
            &[
                ("title", "Promo Draf Rahasia"),
                ("starts_on", "2026-11-01"),
                ("ends_on", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER, "{}", draft.body);

    let public = app.browser();
    let before = public.get("/promos").await;
    assert!(
        !before.body.contains("Promo Desember Ceria"),
        "not started yet"
    );
    assert!(
        !before.body.contains("Promo Draf Rahasia"),
        "drafts are never public"
    );
    admin
        .get("/staff/promos")
        .await
        .assert_contains("Promo Desember Ceria")
        .assert_contains("Terjadwal");

    // 30 Nov 17:30 UTC is 1 Dec 00:30 WIB: the first day of the promo.
    app.clock
        .advance(Duration::hours(62) + Duration::minutes(30));
    let during = public.get("/promos").await;
    during
        .assert_contains("Promo Desember Ceria")
        .assert_contains("<strong>pemasangan</strong>")
        .assert_contains("01/12/2026")
        .assert_contains(&format!("/signup?package={package}"));
    assert!(!during.body.contains("Promo Draf Rahasia"));
    public
        .get("/")
        .await
        .assert_contains("Promo Desember Ceria");
    public
        .get("/packages")
        .await
        .assert_contains("Promo: Promo Desember Ceria");

    // 3 Dec 23:59 WIB is still inside; two minutes later it is over.
    app.clock
        .advance(Duration::hours(71) + Duration::minutes(29));
    public
        .get("/promos")
        .await
        .assert_contains("Promo Desember Ceria");
    app.clock.advance(Duration::minutes(2));
    let after = public.get("/promos").await;
    assert!(!after.body.contains("Promo Desember Ceria"), "ended");
    assert!(!public.get("/").await.body.contains("Promo Desember Ceria"));
    // Days later the session has ended; a fresh login still finds the promo, marked ended.
    let (admin, _) = app.logged_in(Role::Admin).await;
    admin
        .get(&format!("/staff/promos/{promo}"))
        .await
        .assert_contains("Promo Desember Ceria");
    admin.get("/staff/promos").await.assert_contains("Berakhir");
    let audit = app.audit_actions().await;
    assert!(actions(&audit).contains(&"promo.create"));
}

#[tokio::test]
async fn news_bodies_are_sanitised() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let body = "Layanan **normal** kembali.\n\n<script>alert(1)</script>\n\n\
                [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n\
                <a href=\"https://isp.id\" onclick=\"alert(1)\">info</a>";
    let id = create_post(&admin, "Gangguan Selesai", body, true).await;
    let slug = slug_of(&app, id).await;
    assert_eq!(slug, "gangguan-selesai");
    let page = app.browser().get(&format!("/news/{slug}")).await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("<h1>Gangguan Selesai</h1>")
        .assert_contains("<strong>normal</strong>")
        .assert_contains("href=\"https://isp.id\"");
    for bad in ["<script", "javascript:", "onerror", "onclick"] {
        assert!(!page.body.contains(bad), "{bad} survived:\n{}", page.body);
    }
    // The staff preview is sanitised too.
    let edit = admin.get(&format!("/staff/posts/{id}")).await;
    let preview = &edit.body[edit.body.find("Pratinjau").expect("preview shown")..];
    for bad in ["<script", "javascript:", "onerror", "onclick"] {
        assert!(!preview.contains(bad), "{bad} survived in the preview");
    }
}

#[tokio::test]
async fn news_is_paged_slugs_are_unique_and_drafts_are_404() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    for i in 1..=12 {
        create_post(&admin, &format!("Kabar K{i:02}"), "Isi berita.", true).await;
        app.clock.advance(Duration::minutes(1));
    }
    let public = app.browser();
    let first = public.get("/news").await;
    first
        .assert_contains("Kabar K12")
        .assert_contains("Kabar K03")
        .assert_contains("href=\"/news?page=2\"");
    assert!(!first.body.contains("Kabar K02"));
    let second = public.get("/news?page=2").await;
    second
        .assert_contains("Kabar K02")
        .assert_contains("Kabar K01");
    assert!(!second.body.contains("Kabar K12"));

    // Same title twice: the second slug gets a suffix.
    let a = create_post(&admin, "Gangguan Cimahi", "A", true).await;
    let b = create_post(&admin, "Gangguan Cimahi", "B", true).await;
    assert_eq!(slug_of(&app, a).await, "gangguan-cimahi");
    assert_eq!(slug_of(&app, b).await, "gangguan-cimahi-2");

    // A draft is 404 to the public and missing from the list.
    let draft = create_post(&admin, "Rencana Rahasia", "Belum boleh tayang", false).await;
    let draft_slug = slug_of(&app, draft).await;
    let r = public.get(&format!("/news/{draft_slug}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    r.assert_contains("Halaman tidak ditemukan");
    assert!(!public.get("/news").await.body.contains("Rencana Rahasia"));
    assert_eq!(
        public.get("/news/tidak-ada").await.status,
        StatusCode::NOT_FOUND
    );

    // The slug is editable; a taken one is a field error.
    let edit = |slug: &'static str| {
        [
            ("title", "Gangguan Cimahi"),
            ("slug", slug),
            ("kind", "announcement"),
            ("summary", ""),
            ("body_md", "B"),
            ("published", "1"),
        ]
    };
    let r = admin
        .post(&format!("/staff/posts/{b}"), &edit("gangguan-cimahi"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("sudah dipakai");
    let r = admin
        .post(&format!("/staff/posts/{b}"), &edit("Info Gangguan"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    public
        .get("/news/info-gangguan")
        .await
        .assert_contains("Pengumuman");
    assert_eq!(
        public.get("/news/gangguan-cimahi-2").await.status,
        StatusCode::NOT_FOUND
    );

    // Publishing the draft makes it public; deleting removes it.
    admin
        .post(&format!("/staff/posts/{draft}/publish"), &[])
        .await;
    assert_eq!(
        public.get(&format!("/news/{draft_slug}")).await.status,
        StatusCode::OK
    );
    admin
        .post(&format!("/staff/posts/{draft}/delete"), &[("confirm", "1")])
        .await;
    assert_eq!(
        public.get(&format!("/news/{draft_slug}")).await.status,
        StatusCode::NOT_FOUND
    );
    let audit = app.audit_actions().await;
    let acts = actions(&audit);
    for a in ["post.create", "post.update", "post.publish", "post.delete"] {
        assert!(acts.contains(&a), "{a} audited");
    }
}

#[tokio::test]
async fn coverage_check_and_waiting_list() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .post(
            "/staff/areas",
            &[
                ("name", "Cibeber"),
                ("city", "Cimahi"),
                ("covered", "1"),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = admin
        .post(
            "/staff/areas",
            &[
                ("name", "Cipatat"),
                ("city", "Bandung Barat"),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let uncovered: i64 = app
        .db()
        .scalar("SELECT id FROM areas WHERE name = 'Cipatat'", vec![])
        .await
        .unwrap();
    // The same name and city twice is a field error.
    let r = admin
        .post("/staff/areas", &[("name", "Cibeber"), ("city", "Cimahi")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let public = app.browser();
    let covered = public.get("/coverage?q=cibeber").await;
    covered.assert_contains("Cibeber, Cimahi sudah terjangkau");
    assert!(!covered.body.contains("action=\"/coverage/waiting-list\""));

    let not_covered = public.get("/coverage?q=Cipatat").await;
    not_covered
        .assert_contains("Cipatat, Bandung Barat belum terjangkau")
        .assert_contains("action=\"/coverage/waiting-list\"");
    let unknown = public.get("/coverage?q=Kampung+Antah").await;
    unknown
        .assert_contains("Kampung Antah")
        .assert_contains("action=\"/coverage/waiting-list\"");

    // Bad phone: 422, what was typed stays.
    let area_id = uncovered.to_string();
    let r = public
        .post(
            "/coverage/waiting-list",
            &[
                ("name", "Dewi Lestari"),
                ("phone", "12ab"),
                ("email", ""),
                ("area_id", &area_id),
                ("area_text", "Cipatat, Bandung Barat"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"Dewi Lestari\"")
        .assert_contains("value=\"12ab\"")
        .assert_contains("Nomor telepon tidak valid");

    let r = public
        .post(
            "/coverage/waiting-list",
            &[
                ("name", "Dewi Lestari"),
                ("phone", "0812-3456-7890"),
                ("email", "Dewi@Contoh.co.id"),
                ("area_id", &area_id),
                ("area_text", "Cipatat, Bandung Barat"),
                ("address", "Jl. Raya Cipatat 12"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location.as_deref(), Some("/coverage"));
    public
        .get("/coverage")
        .await
        .assert_contains("daftar tunggu");
    let stored: (String, String, Option<String>, Option<i64>) = app
        .db()
        .fetch_one(
            "SELECT name, phone, email, area_id FROM waiting_list",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        stored,
        (
            "Dewi Lestari".into(),
            "+6281234567890".into(),
            Some("dewi@contoh.co.id".into()),
            Some(uncovered)
        )
    );

    // Staff see the list: admins and the director, nobody else.
    admin
        .get("/staff/areas/waiting-list")
        .await
        .assert_contains("Dewi Lestari")
        .assert_contains("+6281234567890")
        .assert_contains("Cipatat, Bandung Barat")
        .assert_contains("https://wa.me/6281234567890");
    let (director, _) = app.logged_in(Role::Director).await;
    assert_eq!(
        director.get("/staff/areas/waiting-list").await.status,
        StatusCode::OK
    );
    let (tech, _) = app.logged_in(Role::Technician).await;
    assert_eq!(
        tech.get("/staff/areas/waiting-list").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn company_profile_shows_on_about_and_home_and_is_audited() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let fields = [
        ("name", "PT Blitzspot Network"),
        ("tagline", "Internet cepat untuk Cimahi"),
        ("about", "Kami penyedia internet **lokal** sejak 2015."),
        ("vision", "Menjadi ISP pilihan warga Cimahi."),
        ("mission", "Pelayanan cepat\nHarga jujur"),
        ("address", "Jl. Kolonel Masturi 10, Cimahi"),
        ("phone", "(022) 665 1234"),
        ("whatsapp", "0812-3456-7890"),
        ("email", "halo@blitzspot.id"),
        (
            "opening_hours",
            "Senin–Jumat 08.00–17.00\nSabtu 08.00–12.00",
        ),
        ("map_url", "https://maps.example.com/?q=Cimahi&z=15"),
    ];
    let r = admin.post("/staff/company", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let public = app.browser();
    let about = public.get("/about").await;
    about
        .assert_contains("Tentang PT Blitzspot Network")
        .assert_contains("<strong>lokal</strong>")
        .assert_contains("Menjadi ISP pilihan warga Cimahi.")
        .assert_contains("<li>Harga jujur</li>")
        .assert_contains("Jl. Kolonel Masturi 10, Cimahi")
        .assert_contains("href=\"https://maps.example.com/?q=Cimahi&#38;z=15\"")
        .assert_contains("https://wa.me/6281234567890");
    let home = public.get("/").await;
    home.assert_contains(">PT Blitzspot Network</h1>")
        .assert_contains("Internet cepat untuk Cimahi")
        .assert_contains("href=\"https://wa.me/6281234567890\"")
        .assert_contains("href=\"tel:+62226651234\"")
        .assert_contains("Sabtu 08.00–12.00")
        .assert_contains("href=\"/signup\"");
    admin
        .get("/staff/company")
        .await
        .assert_contains("value=\"PT Blitzspot Network\"");
    let audit = app.audit_actions().await;
    let entry = audit
        .iter()
        .find(|a| a.0 == "company.update")
        .expect("audited");
    assert!(
        entry.2.starts_with("admin"),
        "actor is the admin: {}",
        entry.2
    );

    // A map link must be a web address; the form keeps what was typed.
    let mut bad = fields;
    bad[10] = ("map_url", "javascript:alert(1)");
    bad[0] = ("name", "PT Salah Ketik");
    let r = admin.post("/staff/company", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"PT Salah Ketik\"")
        .assert_contains("https://");
    assert!(!public.get("/about").await.body.contains("PT Salah Ketik"));
}

#[tokio::test]
async fn content_pages_are_for_admins_only() {
    let app = spawn().await;
    let pages = [
        "/staff/packages",
        "/staff/packages/new",
        "/staff/promos",
        "/staff/promos/new",
        "/staff/posts",
        "/staff/posts/new",
        "/staff/areas",
        "/staff/areas/new",
    ];
    let anonymous = app.browser();
    for path in pages.iter().chain(["/staff/areas/waiting-list"].iter()) {
        let r = anonymous.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous {path}");
        assert!(
            r.location.unwrap().starts_with("/login"),
            "anonymous {path}"
        );
    }
    // Content is the admin's; the company profile (site settings) also the system admin's.
    for (role, allowed, company) in [
        (Role::Admin, true, true),
        (Role::SystemAdmin, false, true),
        (Role::Director, false, false),
        (Role::Technician, false, false),
        (Role::Customer, false, false),
    ] {
        let (b, _) = app.logged_in(role).await;
        let want = if company { 200 } else { 403 };
        assert_eq!(
            b.get("/staff/company").await.status.as_u16(),
            want,
            "{role} GET /staff/company"
        );
        for path in pages {
            let want = if allowed { 200 } else { 403 };
            assert_eq!(b.get(path).await.status.as_u16(), want, "{role} GET {path}");
        }
        let r = b
            .post(
                "/staff/packages",
                &[
                    ("name", "X"),
                    ("download_mbps", "1"),
                    ("upload_mbps", "1"),
                    ("price", "1"),
                ],
            )
            .await;
        let want = if allowed { 303 } else { 403 };
        assert_eq!(r.status.as_u16(), want, "{role} POST /staff/packages");
        let r = b.post("/staff/company", &[("name", "Direbut")]).await;
        let want = if company { 303 } else { 403 };
        assert_eq!(r.status.as_u16(), want, "{role} POST /staff/company");
    }
    // The public pages need no login.
    for path in ["/", "/packages", "/promos", "/news", "/about", "/coverage"] {
        assert_eq!(anonymous.get(path).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn bad_input_is_422_and_keeps_what_was_typed() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .post(
            "/staff/packages",
            &[
                ("name", ""),
                ("download_mbps", "cepat"),
                ("upload_mbps", "10"),
                ("price", "dua ratus ribu"),
                ("features", "Modem gratis"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"dua ratus ribu\"")
        .assert_contains("value=\"cepat\"")
        .assert_contains(">Modem gratis</textarea>")
        .assert_contains("Jumlah rupiah tidak valid")
        .assert_contains("Wajib diisi.")
        .assert_contains("bilangan bulat");

    let r = admin
        .post(
            "/staff/promos",
            &[
                ("title", "Promo Terbalik"),
                ("starts_on", "2026-12-10"),
                ("ends_on", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"Promo Terbalik\"")
        .assert_contains("value=\"2026-12-10\"")
        .assert_contains("value=\"2026-12-01\"")
        .assert_contains("Tanggal berakhir tidak boleh sebelum tanggal mulai");
    let r = admin
        .post(
            "/staff/promos",
            &[
                ("title", ""),
                ("starts_on", "besok"),
                ("ends_on", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Tanggal tidak valid")
        .assert_contains("value=\"besok\"");

    let r = admin
        .post("/staff/areas", &[("name", "  "), ("city", "Cimahi")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"Cimahi\"")
        .assert_contains("Wajib diisi.");

    let r = admin
        .post(
            "/staff/posts",
            &[
                ("title", ""),
                ("kind", "news"),
                ("body_md", "Isi <b>tebal</b>"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("Isi &#60;b&#62;tebal&#60;/b&#62;</textarea>");

    let r = admin
        .post(
            "/staff/company",
            &[("name", ""), ("whatsapp", "nomor saya")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"nomor saya\"");
    // Nothing was stored by any of these.
    let n: i64 = app
        .db()
        .scalar(
            "SELECT (SELECT COUNT(*) FROM packages) + (SELECT COUNT(*) FROM promos) + \
             (SELECT COUNT(*) FROM areas) + (SELECT COUNT(*) FROM posts)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(n, 0);
}
