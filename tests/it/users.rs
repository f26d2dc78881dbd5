use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::{spawn, testid_text, Browser, PASSWORD};

#[tokio::test]
async fn system_admin_creates_staff_who_must_change_the_one_time_password() {
    let app = spawn().await;
    let (admin, admin_id) = app.logged_in(Role::SystemAdmin).await;
    let r = admin
        .post(
            "/staff/users",
            &[
                ("name", "Rina Teknisi"),
                ("email", "Rina@ISP.id"),
                ("phone", "0813 1111 2222"),
                ("role", "technician"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    let one_time = testid_text(&r.body, "one-time-password").expect("password shown once");

    let list = admin.get("/staff/users?q=rina").await;
    list.assert_contains("Rina Teknisi")
        .assert_contains("rina@isp.id")
        .assert_contains("+6281311112222");

    let tech = app.browser();
    let login = tech.login("0813-1111-2222", &one_time).await;
    assert_eq!(login.location.as_deref(), Some("/account/password"));
    // Everything else waits until the password is changed.
    assert_eq!(
        tech.get("/staff").await.location.as_deref(),
        Some("/account/password")
    );
    let r = tech
        .post(
            "/account/password",
            &[
                ("current", &one_time),
                ("new", "rina-punya-sandi-baru"),
                ("confirm", "rina-punya-sandi-baru"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(tech.get("/staff").await.status, StatusCode::OK);

    let audit = app.audit_actions().await;
    let create = audit
        .iter()
        .find(|a| a.0 == "user.create")
        .expect("audited");
    assert!(
        create.2.starts_with("system_admin"),
        "actor is the admin, not {}",
        create.2
    );
    let _ = admin_id;
}

#[tokio::test]
async fn invalid_staff_form_keeps_input_and_shows_field_errors() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let r = admin
        .post(
            "/staff/users",
            &[
                ("name", "Rina <b>"),
                ("email", "bukan-email"),
                ("phone", "12ab"),
                ("role", "customer"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("value=\"Rina &#60;b&#62;\"")
        .assert_contains("Format email tidak valid")
        .assert_contains("Nomor telepon tidak valid")
        .assert_contains("Pilih peran yang tersedia");
    // Duplicate email is a field error, not a 500.
    app.create_user(Role::Admin, "ada@isp.id").await;
    let r = admin
        .post(
            "/staff/users",
            &[("name", "Ada"), ("email", "ADA@isp.id"), ("role", "admin")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("sudah dipakai");
}

#[tokio::test]
async fn deactivation_ends_sessions_at_once_and_blocks_login_until_reactivated() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let id = app.create_user(Role::Admin, "sari@isp.id").await;
    let sari = app.browser();
    sari.login("sari@isp.id", PASSWORD).await;
    assert_eq!(sari.get("/staff").await.status, StatusCode::OK);

    let r = admin
        .post(
            &format!("/staff/users/{id}/deactivate"),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        sari.get("/staff").await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
    assert_eq!(
        app.browser().login("sari@isp.id", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );

    admin
        .post(&format!("/staff/users/{id}/reactivate"), &[])
        .await;
    assert_eq!(
        app.browser().login("sari@isp.id", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let actions: Vec<String> = app.audit_actions().await.into_iter().map(|a| a.0).collect();
    assert!(
        actions.contains(&"user.deactivate".into()) && actions.contains(&"user.reactivate".into())
    );
}

#[tokio::test]
async fn the_ticket_desk_lists_a_new_admin_at_once_and_drops_a_deactivated_one() {
    let app = spawn().await;
    let (sysadmin, _) = app.logged_in(Role::SystemAdmin).await;
    let (office, _) = app.logged_in(Role::Admin).await;
    let desk = office.get("/staff/tickets").await;
    // The desk's assignee filter has been shown (and kept by the instance) before the change.
    assert_eq!(desk.status, StatusCode::OK);
    assert!(!desk.body.contains("Dewi Loket"));
    let r = sysadmin
        .post(
            "/staff/users",
            &[
                ("name", "Dewi Loket"),
                ("email", "dewi@isp.id"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    office
        .get("/staff/tickets")
        .await
        .assert_contains(">Dewi Loket</option>");

    let id: i64 = app
        .db()
        .scalar("SELECT id FROM users WHERE email = 'dewi@isp.id'", vec![])
        .await
        .unwrap();
    let r = sysadmin
        .post(
            &format!("/staff/users/{id}/deactivate"),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let desk = office.get("/staff/tickets").await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(
        !desk.body.contains("Dewi Loket"),
        "a deactivated admin is still offered"
    );
}

#[tokio::test]
async fn edit_name_and_role_is_audited() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let id = app.create_user(Role::Admin, "sari@isp.id").await;
    let r = admin
        .post(
            &format!("/staff/users/{id}"),
            &[("name", "Sari Wulandari"), ("role", "director")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get(&format!("/staff/users/{id}")).await;
    page.assert_contains("Akun Sari Wulandari disimpan.");
    let entry: (String, String) = app
        .db()
        .fetch_one(
            "SELECT action, detail FROM audit_log WHERE action = 'user.update'",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        entry.1.contains(r#"["role","admin","director"]"#),
        "{}",
        entry.1
    );
    // The audit page shows it as a sentence, filtered by record.
    let audit = admin
        .get(&format!("/staff/audit?entity=user&entity_id={id}"))
        .await;
    audit.assert_contains(&format!(
        "mengubah akun staf <a href=\"/staff/users/{id}\">Sari Wulandari</a>: nama: admin sari → Sari Wulandari; peran: Admin → Direktur"
    ));
    let only_auth = admin.get("/staff/audit?action=auth.").await;
    assert!(!only_auth.body.contains(r#"data-action="user.update""#));
    assert!(only_auth.body.contains(r#"data-action="auth.login""#));
}

#[tokio::test]
async fn reset_password_shows_a_one_time_password_and_ends_sessions() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let id = app.create_user(Role::Technician, "tono@isp.id").await;
    let tono = app.browser();
    tono.login("tono@isp.id", PASSWORD).await;
    let r = admin
        .post(&format!("/staff/users/{id}/reset-password"), &[])
        .await;
    let pw = testid_text(&r.body, "one-time-password").unwrap();
    assert_eq!(tono.get("/staff").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.browser().login("tono@isp.id", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app.browser().login("tono@isp.id", &pw).await;
    assert_eq!(r.location.as_deref(), Some("/account/password"));
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|a| a.0 == "user.reset_password"));
}

#[tokio::test]
async fn the_last_active_system_admin_cannot_be_removed() {
    let app = spawn().await;
    let (admin, me) = app.logged_in(Role::SystemAdmin).await;
    let r = admin
        .post(&format!("/staff/users/{me}/deactivate"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    r.assert_contains("menonaktifkan akun Anda sendiri");
    let r = admin
        .post(
            &format!("/staff/users/{me}"),
            &[("name", "Me"), ("role", "admin")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_contains("satu-satunya admin sistem");
    assert_eq!(
        admin.get("/staff/users").await.status,
        StatusCode::OK,
        "still a system admin"
    );

    // Nobody deactivates themselves, even with a second system admin; the second one can.
    app.create_user(Role::SystemAdmin, "second@isp.id").await;
    let r = admin
        .post(&format!("/staff/users/{me}/deactivate"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let second = Browser::new(&app.base);
    second.login("second@isp.id", PASSWORD).await;
    let r = second
        .post(
            &format!("/staff/users/{me}/deactivate"),
            &[("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        admin.get("/staff/users").await.status,
        StatusCode::SEE_OTHER
    );
    let r = second.get("/staff/users").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(admin.get("/staff").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn staff_list_searches_filters_and_pages() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    for i in 0..30 {
        app.create_user(Role::Technician, &format!("tech{i:02}@isp.id"))
            .await;
    }
    app.create_user(Role::Customer, "pelanggan@isp.id").await;
    let p1 = admin.get("/staff/users?role=technician").await;
    assert!(p1.body.contains("30 data"), "{}", p1.body);
    assert!(p1.body.contains("1 / 2"));
    let p2 = admin.get("/staff/users?role=technician&page=2").await;
    assert_eq!(
        p2.body.matches("/staff/users/").count() - p2.body.matches("/staff/users/new").count(),
        5
    );
    let all = admin.get("/staff/users?q=pelanggan").await;
    assert!(all.body.contains("0 data"), "customers are not staff");
    let q = admin.get("/staff/users?q=tech07").await;
    assert!(q.body.contains("1 data") && q.body.contains("tech07@isp.id"));
    // Wildcards are literal.
    assert!(admin
        .get("/staff/users?q=%25")
        .await
        .body
        .contains("0 data"));
}

#[tokio::test]
async fn unknown_and_customer_ids_are_not_found() {
    let app = spawn().await;
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let customer = app.create_user(Role::Customer, "c@isp.id").await;
    assert_eq!(
        admin.get("/staff/users/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/staff/users/abc").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get(&format!("/staff/users/{customer}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin
            .post("/staff/users/999999/deactivate", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn two_system_admins_removing_each_other_at_once_leave_one() {
    let app = spawn().await;
    for _ in 0..5 {
        let (a, a_id) = app.logged_in(Role::SystemAdmin).await;
        let (b, b_id) = app.logged_in(Role::SystemAdmin).await;
        // Everyone else steps aside so a and b are the only active system admins.
        app.db()
            .execute(
                "UPDATE users SET active = FALSE WHERE role = 'system_admin' AND id NOT IN ($1, $2)",
                setia::args![a_id, b_id],
            )
            .await
            .unwrap();
        let (path_a, path_b) = (
            format!("/staff/users/{b_id}/deactivate"),
            format!("/staff/users/{a_id}/deactivate"),
        );
        let yes = [("confirm", "1")];
        let (ra, rb) = tokio::join!(a.post(&path_a, &yes), b.post(&path_b, &yes));
        // The loser either hits the rule (409) or has already been logged out (sent to /login).
        let done = |r: &crate::common::Resp| {
            r.location
                .as_deref()
                .is_some_and(|l| l.starts_with("/staff/users/"))
        };
        assert_eq!(
            done(&ra) as u8 + done(&rb) as u8,
            1,
            "{:?} / {:?}",
            ra.location,
            rb.location
        );
        let left: i64 = app
            .db()
            .scalar(
                "SELECT COUNT(*) FROM users WHERE role = 'system_admin' AND active = TRUE",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(left, 1);
    }
}
