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
}
