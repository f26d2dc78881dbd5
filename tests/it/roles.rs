//! What each role is shown. What each role may reach is walked route by route in `routes.rs`.

use setia::auth::Role;

use crate::common::spawn;

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
