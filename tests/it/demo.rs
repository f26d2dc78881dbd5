use reqwest::StatusCode;

use crate::common::spawn;

async fn count(db: &setia::db::Db, sql: &str) -> i64 {
    db.scalar(sql, vec![]).await.unwrap()
}

#[tokio::test]
async fn demo_fills_every_status_and_refuses_a_second_run() {
    let app = spawn().await;
    let logins = setia::demo::load(app.db(), (*app.state.config).clone(), false)
        .await
        .unwrap();
    let roles: Vec<&str> = logins.iter().map(|l| l.role).collect();
    for role in [
        "system-admin",
        "director",
        "admin",
        "technician",
        "customer",
    ] {
        assert!(roles.contains(&role), "a {role} login is printed");
    }
    assert!(count(app.db(), "SELECT COUNT(*) FROM customers").await >= 190);
    for status in [
        "submitted",
        "verified",
        "scheduled",
        "installed",
        "rejected",
    ] {
        let n: i64 = app
            .db()
            .scalar(
                "SELECT COUNT(*) FROM registrations WHERE status = $1",
                setia::args![status],
            )
            .await
            .unwrap();
        assert!(n > 0, "registrations {status}");
    }
    // Visits of every kind and status, with reports and photos.
    for (column, value) in [
        ("kind", "installation"),
        ("kind", "repair"),
        ("kind", "relocation"),
        ("kind", "dismantling"),
        ("status", "queued"),
        ("status", "scheduled"),
        ("status", "on_the_way"),
        ("status", "in_progress"),
        ("status", "done"),
        ("status", "failed"),
        ("status", "cancelled"),
    ] {
        let n: i64 = app
            .db()
            .scalar(
                &format!("SELECT COUNT(*) FROM visits WHERE {column} = $1"),
                setia::args![value],
            )
            .await
            .unwrap();
        assert!(n > 0, "visits with {column} {value}");
    }
    assert!(count(app.db(), "SELECT COUNT(*) FROM visit_reports").await > 0);
    assert!(
        count(
            app.db(),
            "SELECT COUNT(*) FROM uploads WHERE context = 'visit.photo'"
        )
        .await
            > 0
    );
    for status in ["active", "suspended", "terminated"] {
        let n: i64 = app
            .db()
            .scalar(
                "SELECT COUNT(*) FROM subscriptions WHERE status = $1",
                setia::args![status],
            )
            .await
            .unwrap();
        assert!(n > 0, "subscriptions {status}");
    }
    assert!(count(app.db(), "SELECT COUNT(*) FROM subscriptions WHERE status = 'terminated' AND termination_reason IS NULL").await == 0);
    assert!(
        count(
            app.db(),
            "SELECT COUNT(*) FROM subscriptions WHERE competitor_id IS NOT NULL"
        )
        .await
            > 0
    );
    assert!(
        count(
            app.db(),
            "SELECT COUNT(*) FROM registrations WHERE referrer_id IS NOT NULL"
        )
        .await
            > 0
    );
    assert!(count(app.db(), "SELECT COUNT(*) FROM packages").await >= 4);
    assert_eq!(count(app.db(), "SELECT COUNT(*) FROM promos").await, 2);
    assert_eq!(count(app.db(), "SELECT COUNT(*) FROM areas").await, 8);
    assert_eq!(
        count(
            app.db(),
            "SELECT COUNT(*) FROM posts WHERE published = TRUE"
        )
        .await,
        5
    );

    let err = setia::demo::load(app.db(), (*app.state.config).clone(), false)
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("--force"));

    // The printed logins work.
    let admin = logins.iter().find(|l| l.role == "admin").unwrap();
    let b = app.browser();
    assert_eq!(
        b.login(&admin.email, &admin.password).await.status,
        StatusCode::SEE_OTHER
    );
    b.get("/staff/customers")
        .await
        .assert_contains("PLG-000200");
    let customer = logins.iter().find(|l| l.role == "customer").unwrap();
    let c = app.browser();
    assert_eq!(
        c.login(&customer.email, &customer.password).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(c.get("/portal").await.status, StatusCode::OK);

    // English for some content but not all, so English readers see both.
    for (table, column) in [
        ("packages", "features_en"),
        ("posts", "title_en"),
        ("promos", "title_en"),
    ] {
        let with: i64 = count(
            app.db(),
            &format!("SELECT COUNT(*) FROM {table} WHERE {column} <> ''"),
        )
        .await;
        let all = count(app.db(), &format!("SELECT COUNT(*) FROM {table}")).await;
        assert!(
            with > 0 && with < all,
            "{table}: {with} of {all} in English"
        );
    }
    // A promo lowers a price; the logo and the hero picture are there, the hero as WebP.
    assert!(
        count(
            app.db(),
            "SELECT COUNT(*) FROM promo_packages WHERE promo_price IS NOT NULL"
        )
        .await
            > 0
    );
    let mime: String = app
        .db()
        .scalar(
            "SELECT u.mime FROM uploads u JOIN company_settings c ON c.hero_upload_id = u.id",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(mime, "image/webp");
    let home = app.browser().get("/").await;
    home.assert_contains("data-testid=\"brand-logo\"")
        .assert_contains("data-testid=\"hero-image\"")
        .assert_contains("<s class=\"was\">");
}

/// `setia demo --customers N --tickets M` on a small scale: the rows arrive with threads and
/// their search index, generated customers log in, and the app numbers new records after them.
#[tokio::test]
async fn the_generator_adds_an_isp_sized_set_the_app_keeps_working_on() {
    let app = spawn().await;
    setia::demo::load(app.db(), (*app.state.config).clone(), false)
        .await
        .unwrap();
    let before = count(app.db(), "SELECT COUNT(*) FROM customers").await;
    let tickets_before = count(app.db(), "SELECT COUNT(*) FROM tickets").await;
    let sizes = setia::demo::Sizes {
        customers: 300,
        tickets: 3000,
    };
    setia::demo::generate(app.db(), sizes, app.clock_now(), false)
        .await
        .unwrap();
    assert_eq!(
        count(app.db(), "SELECT COUNT(*) FROM customers").await,
        before + 300
    );
    assert_eq!(
        count(app.db(), "SELECT COUNT(*) FROM tickets").await,
        tickets_before + 3000
    );
    // Every ticket has its thread, every message its search entry.
    assert_eq!(
        count(
            app.db(),
            "SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS \
             (SELECT 1 FROM ticket_messages m WHERE m.ticket_id = t.id)"
        )
        .await,
        0
    );
    assert_eq!(
        count(app.db(), "SELECT COUNT(*) FROM ticket_messages").await,
        count(app.db(), "SELECT COUNT(*) FROM ticket_search").await
    );
    // And the active tickets' messages theirs among the active tickets' own.
    let active_messages = count(
        app.db(),
        "SELECT COUNT(*) FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id \
         WHERE t.status IN ('new', 'open', 'waiting', 'visit_scheduled')",
    )
    .await;
    assert!(active_messages > 0);
    assert_eq!(
        count(app.db(), "SELECT COUNT(*) FROM active_ticket_search").await,
        active_messages
    );
    // Realistic shares: most complaints are "no connection" or "slow"; some customers left.
    let common = count(
        app.db(),
        "SELECT COUNT(*) FROM tickets WHERE category IN ('no_connection', 'slow')",
    )
    .await;
    assert!(common * 2 > tickets_before + 3000, "{common}");
    assert!(
        count(
            app.db(),
            "SELECT COUNT(*) FROM subscriptions WHERE status = 'terminated'"
        )
        .await
            > 20
    );

    // A generated customer logs in with their phone and the demo customer password.
    let phone: String = app
        .db()
        .scalar(
            "SELECT c.phone FROM tickets t JOIN customers c ON c.id = t.customer_id \
             ORDER BY t.id DESC LIMIT 1",
            vec![],
        )
        .await
        .unwrap();
    let customer = app.browser();
    let r = customer
        .login(&phone, setia::demo::DEMO_CUSTOMER_PASSWORD)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    customer
        .get("/portal/tickets")
        .await
        .assert_contains("TKT-");

    // Staff find a generated ticket by its number, and new records are numbered after them.
    let (admin, _) = app.logged_in(setia::auth::Role::Admin).await;
    let number: String = app
        .db()
        .scalar(
            "SELECT number FROM tickets ORDER BY id DESC LIMIT 1",
            vec![],
        )
        .await
        .unwrap();
    admin
        .get(&format!("/staff/tickets?q={number}"))
        .await
        .assert_contains(&number);
    let customer_id: i64 = app
        .db()
        .scalar("SELECT MAX(id) FROM customers", vec![])
        .await
        .unwrap();
    let ticket = crate::fixtures::phoned_in_complaint(&app, &admin, customer_id).await;
    let new_number: String = app
        .db()
        .scalar(
            "SELECT number FROM tickets WHERE id = $1",
            setia::args![ticket],
        )
        .await
        .unwrap();
    assert!(new_number > number, "{new_number} after {number}");
}
