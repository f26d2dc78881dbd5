//! Irreversible or customer-visible actions ask first, without JavaScript: a post without the
//! confirmation changes nothing and shows a page naming the record and the consequence; the
//! confirmed post acts. (Removing the logo or hero image: `uploads.rs`.)

use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::spawn;
use crate::fixtures::{catalog, sign_up};
use crate::words::{asks_first, count, flash_on, installed};

#[tokio::test]
async fn rejecting_a_sign_up_asks_first() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = sign_up(&app, &c, "Dewi Lestari", "0812-3456-7890", "").await;
    let path = format!("/staff/registrations/{reg}/reject");
    let r = admin
        .post(&path, &[("reason", "Di luar jangkauan tiang")])
        .await;
    asks_first(
        &r,
        &[
            "Tolak pendaftaran REG-2026-000001 (Dewi Lestari)?",
            "name=\"reason\" value=\"Di luar jangkauan tiang\"",
            "Ya, tolak REG-2026-000001",
        ],
    );
    let status = "SELECT COUNT(*) FROM registrations WHERE id = $1 AND status = 'submitted'";
    assert_eq!(count(&app, status, setia::args![reg]).await, 1, "unchanged");
    let r = admin
        .post(
            &path,
            &[("reason", "Di luar jangkauan tiang"), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, status, setia::args![reg]).await, 0);
    assert_eq!(
        flash_on(&admin, &format!("/staff/registrations/{reg}")).await,
        "REG-2026-000001 ditolak. Pelanggan melihat alasannya di portal."
    );
}

#[tokio::test]
async fn suspending_and_terminating_ask_first() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (customer, sub, _) = installed(&app, &c, &admin, "Dewi Lestari", "0812-3456-7890").await;
    let app_ref = &app;
    let status = |s: &'static str| async move {
        count(
            app_ref,
            "SELECT COUNT(*) FROM subscriptions WHERE id = $1 AND status = $2",
            setia::args![sub, s],
        )
        .await
    };

    let suspend = format!("/staff/subscriptions/{sub}/suspend");
    let r = admin.post(&suspend, &[("reason", "arrears")]).await;
    asks_first(
        &r,
        &[
            "Isolir langganan Rumah 20 milik Dewi Lestari?",
            "Tunggakan",
            "name=\"reason\" value=\"arrears\"",
        ],
    );
    assert_eq!(status("active").await, 1, "not suspended yet");
    let r = admin
        .post(&suspend, &[("reason", "arrears"), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(status("suspended").await, 1);
    admin
        .post(&format!("/staff/subscriptions/{sub}/reactivate"), &[])
        .await;

    let terminate = format!("/staff/subscriptions/{sub}/terminate");
    let r = admin
        .post(
            &terminate,
            &[("reason", "relocation"), ("note", "Pindah ke Bandung")],
        )
        .await;
    asks_first(
        &r,
        &[
            "Hentikan langganan Rumah 20 milik Dewi Lestari?",
            "Pindah rumah",
            "Pindah ke Bandung",
            "name=\"note\" value=\"Pindah ke Bandung\"",
        ],
    );
    assert_eq!(status("active").await, 1, "not terminated yet");
    let r = admin
        .post(
            &terminate,
            &[
                ("reason", "relocation"),
                ("note", "Pindah ke Bandung"),
                ("confirm", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(status("terminated").await, 1);
    let said = flash_on(&admin, &format!("/staff/customers/{customer}")).await;
    assert!(
        said.starts_with("Langganan Rumah 20 milik Dewi Lestari dihentikan."),
        "{said}"
    );
}

#[tokio::test]
async fn deactivating_a_staff_account_asks_first() {
    let app = spawn().await;
    let (sysadmin, _) = app.logged_in(Role::SystemAdmin).await;
    let id = app.create_user(Role::Technician, "tono@isp.id").await;
    let path = format!("/staff/users/{id}/deactivate");
    let r = sysadmin.post(&path, &[]).await;
    asks_first(
        &r,
        &[
            "Nonaktifkan akun technician tono (Teknisi)?",
            "Ya, nonaktifkan",
        ],
    );
    let active = "SELECT COUNT(*) FROM users WHERE id = $1 AND active = TRUE";
    assert_eq!(count(&app, active, setia::args![id]).await, 1);
    let r = sysadmin.post(&path, &[("confirm", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&app, active, setia::args![id]).await, 0);
    let said = flash_on(&sysadmin, &format!("/staff/users/{id}")).await;
    assert!(
        said.starts_with("Akun technician tono dinonaktifkan"),
        "{said}"
    );
}

#[tokio::test]
async fn deleting_content_asks_first() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::Admin).await;

    // A news post.
    let r = admin
        .post(
            "/staff/posts",
            &[
                ("title", "Jaringan baru di Cimahi"),
                ("kind", "news"),
                ("summary", "Ringkas"),
                ("body_md", "Isi"),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let post: i64 = count(&app, "SELECT MAX(id) FROM posts", vec![]).await;
    let said = flash_on(&admin, &format!("/staff/posts/{post}")).await;
    assert_eq!(
        said,
        "Berita «Jaringan baru di Cimahi» disimpan. Sudah terbit di situs."
    );
    let path = format!("/staff/posts/{post}/delete");
    asks_first(
        &admin.post(&path, &[]).await,
        &["Hapus berita «Jaringan baru di Cimahi»?"],
    );
    let posts = "SELECT COUNT(*) FROM posts WHERE id = $1";
    assert_eq!(count(&app, posts, setia::args![post]).await, 1);
    assert_eq!(
        admin.post(&path, &[("confirm", "1")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(count(&app, posts, setia::args![post]).await, 0);
    assert_eq!(
        flash_on(&admin, "/staff/posts").await,
        "Berita «Jaringan baru di Cimahi» dihapus."
    );

    // A promo.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let mut tx = app.db().begin().await.unwrap();
    let promo = setia::catalog::store::create_promo(
        &mut tx,
        &setia::catalog::store::NewPromo {
            title: "Gratis pasang",
            title_en: "",
            body: "Hemat",
            body_en: "",
            starts_on: day,
            ends_on: day,
            published: true,
            packages: &[],
        },
        app.clock_now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let path = format!("/staff/promos/{promo}/delete");
    asks_first(
        &admin.post(&path, &[]).await,
        &["Hapus promo «Gratis pasang»?"],
    );
    let promos = "SELECT COUNT(*) FROM promos WHERE id = $1";
    assert_eq!(count(&app, promos, setia::args![promo]).await, 1);
    admin.post(&path, &[("confirm", "1")]).await;
    assert_eq!(count(&app, promos, setia::args![promo]).await, 0);

    // A saved reply.
    admin
        .post(
            "/staff/tickets/replies",
            &[
                ("title", "Cek lampu modem"),
                ("body", "Apakah lampu LOS merah?"),
            ],
        )
        .await;
    let reply: i64 = count(&app, "SELECT MAX(id) FROM saved_replies", vec![]).await;
    let path = format!("/staff/tickets/replies/{reply}/delete");
    asks_first(
        &admin.post(&path, &[]).await,
        &[
            "Hapus balasan cepat «Cek lampu modem»?",
            "Apakah lampu LOS merah?",
        ],
    );
    let replies = "SELECT COUNT(*) FROM saved_replies WHERE id = $1";
    assert_eq!(count(&app, replies, setia::args![reply]).await, 1);
    admin.post(&path, &[("confirm", "1")]).await;
    assert_eq!(count(&app, replies, setia::args![reply]).await, 0);

    // A competitor's offer (the director keeps them).
    let (director, _) = app.logged_in(Role::Director).await;
    director
        .post("/staff/competitors/create", &[("name", "NetKilat")])
        .await;
    let kid: i64 = count(&app, "SELECT MAX(id) FROM competitors", vec![]).await;
    director
        .post(
            &format!("/staff/competitors/{kid}/offers"),
            &[
                ("name", "Kilat 30"),
                ("download_mbps", "30"),
                ("price", "199000"),
            ],
        )
        .await;
    let offer: i64 = count(&app, "SELECT MAX(id) FROM competitor_offers", vec![]).await;
    let path = format!("/staff/competitors/{kid}/offers/{offer}/delete");
    asks_first(
        &director.post(&path, &[]).await,
        &["Hapus penawaran «Kilat 30» (30 Mbps) dari NetKilat?"],
    );
    let offers = "SELECT COUNT(*) FROM competitor_offers WHERE id = $1";
    assert_eq!(count(&app, offers, setia::args![offer]).await, 1);
    director.post(&path, &[("confirm", "1")]).await;
    assert_eq!(count(&app, offers, setia::args![offer]).await, 0);
}

#[tokio::test]
async fn closing_a_complaint_asks_first() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (customer, sub, _) = installed(&app, &c, &admin, "Dewi Lestari", "0812-3456-7890").await;
    let (customer, sub) = (customer.to_string(), sub.to_string());
    let r = admin
        .post(
            "/staff/tickets/new",
            &[
                ("customer", &customer),
                ("subscription", &sub),
                ("category", "slow"),
                ("channel", "phone"),
                ("body", "Internet lambat sejak pagi"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = count(&app, "SELECT MAX(id) FROM tickets", vec![]).await;
    let said = flash_on(&admin, &format!("/staff/tickets/{id}")).await;
    assert!(said.starts_with("Keluhan TKT-"), "{said}");
    admin
        .post(
            &format!("/staff/tickets/{id}/reply"),
            &[("body", "Sudah kami perbaiki"), ("then", "resolved")],
        )
        .await;
    let status = "SELECT status FROM tickets WHERE id = $1";
    let path = format!("/staff/tickets/{id}/status");
    let r = admin.post(&path, &[("to", "closed")]).await;
    asks_first(
        &r,
        &[
            "Tutup keluhan TKT-",
            "(Dewi Lestari)?",
            "name=\"to\" value=\"closed\"",
        ],
    );
    let now: String = app.db().scalar(status, setia::args![id]).await.unwrap();
    assert_eq!(now, "resolved");
    let r = admin
        .post(&path, &[("to", "closed"), ("confirm", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let now: String = app.db().scalar(status, setia::args![id]).await.unwrap();
    assert_eq!(now, "closed");
    let said = flash_on(&admin, &format!("/staff/tickets/{id}")).await;
    assert!(said.ends_with("sekarang: Ditutup."), "{said}");
}
