//! The job queue itself: the recurring session sweep, and the jobs page's guard.

use chrono::Duration;
use reqwest::StatusCode;
use setia::auth::Role;

use crate::common::spawn;
use crate::smtp::run_jobs;

#[tokio::test]
async fn the_session_sweep_is_one_recurring_job_that_ends_expired_sessions() {
    let app = spawn().await;
    let now = app.clock_now();
    // Every instance schedules it at start; there is still one row.
    setia::worker::schedule_recurring(app.db(), now)
        .await
        .unwrap();
    setia::worker::schedule_recurring(app.db(), now)
        .await
        .unwrap();
    let rows: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'session.sweep'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows, 1);
    // Only the sweep counts below (the complaint clock is tested with the complaints).
    app.db()
        .execute("DELETE FROM jobs WHERE kind <> 'session.sweep'", vec![])
        .await
        .unwrap();

    let (_b, user) = app.logged_in(Role::Admin).await;
    // Past the absolute session lifetime (12 h).
    app.clock.advance(Duration::hours(13));
    assert_eq!(run_jobs(&app).await, 1);
    let sessions: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
            setia::args![user],
        )
        .await
        .unwrap();
    assert_eq!(sessions, 0);
    let (status, attempts, run_at): (String, i64, chrono::DateTime<chrono::Utc>) = app
        .db()
        .fetch_one(
            "SELECT status, attempts, run_at FROM jobs WHERE kind = 'session.sweep'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!((status.as_str(), attempts), ("queued", 0));
    assert_eq!(run_at, app.clock_now() + Duration::hours(1));
    // Not due again until the hour is over.
    assert_eq!(run_jobs(&app).await, 0);
    app.clock.advance(Duration::hours(1));
    assert_eq!(run_jobs(&app).await, 1);
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_fails_and_is_shown() {
    let app = spawn().await;
    let now = app.clock_now();
    let mut tx = app.db().begin().await.unwrap();
    setia::jobs::enqueue(
        &mut tx,
        "no.such.kind",
        &serde_json::json!({"x": 1}),
        now,
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(run_jobs(&app).await, 1);
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let page = admin.get("/staff/jobs?status=failed").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("no.such.kind")
        .assert_contains("unknown job kind");
    // The system admin's navigation leads here.
    assert!(page.body.contains("href=\"/staff/jobs\""));
}
