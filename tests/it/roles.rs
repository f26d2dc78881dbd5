//! The role matrix: for each role and each protected page, allow / 403 / redirect to login.

use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::spawn;

const OK: u16 = 200;
const NO: u16 = 403;

/// (path, [system admin, director, admin, technician, customer])
const MATRIX: &[(&str, [u16; 5])] = &[
    ("/staff", [OK, OK, OK, OK, NO]),
    ("/staff/users", [OK, NO, NO, NO, NO]),
    ("/staff/users/new", [OK, NO, NO, NO, NO]),
    ("/staff/audit", [OK, NO, NO, NO, NO]),
    ("/staff/jobs", [OK, NO, NO, NO, NO]),
    ("/account/password", [OK, OK, OK, OK, OK]),
];

#[tokio::test]
async fn each_role_sees_exactly_its_pages() {
    let app = spawn().await;
    let anonymous = app.browser();
    for (path, _) in MATRIX {
        let r = anonymous.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "anonymous {path}");
        assert!(
            r.location.unwrap().starts_with("/login"),
            "anonymous {path}"
        );
    }
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let (b, _) = app.logged_in(role).await;
        for (path, expected) in MATRIX {
            let r = b.get(path).await;
            assert_eq!(r.status.as_u16(), expected[i], "{role} GET {path}");
            if expected[i] == NO {
                r.assert_contains("Anda tidak punya akses");
            }
        }
        // State-changing endpoints are guarded too, not just the pages.
        let r = b
            .post(
                "/staff/users",
                &[("name", "X"), ("email", "x@isp.id"), ("role", "admin")],
            )
            .await;
        let want = if role == Role::SystemAdmin { 200 } else { 403 };
        assert_eq!(r.status.as_u16(), want, "{role} POST /staff/users");
    }
}

#[tokio::test]
async fn navigation_matches_the_role() {
    let app = spawn().await;
    let expectations: &[(Role, &[&str], &[&str])] = &[
        (
            Role::SystemAdmin,
            &["/staff/users", "/staff/audit", "/staff/jobs"],
            &["/staff/customers"],
        ),
        (
            Role::Director,
            &["/staff/customers", "/staff/competitors"],
            &["/staff/users", "/staff/audit"],
        ),
        (
            Role::Admin,
            &["/staff/customers", "/staff/packages"],
            &["/staff/users", "/staff/audit"],
        ),
        (
            Role::Technician,
            &["/staff"],
            &["/staff/users", "/staff/customers"],
        ),
    ];
    for (role, shown, hidden) in expectations {
        let (b, _) = app.logged_in(*role).await;
        let page = b.get("/staff").await;
        let nav = &page.body[page.body.find("<nav").unwrap()..page.body.find("</nav>").unwrap()];
        for href in *shown {
            assert!(
                nav.contains(&format!("href=\"{href}\"")),
                "{role} should see {href}"
            );
        }
        for href in *hidden {
            assert!(
                !nav.contains(&format!("href=\"{href}\"")),
                "{role} should not see {href}"
            );
        }
    }
}
