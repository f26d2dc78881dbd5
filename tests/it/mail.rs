//! Mail delivery through the job worker to a real SMTP server on 127.0.0.1: exactly once, in the
//! customer's language, retried with backoff, dead after the last attempt, and two workers
//! racing on one database.

use chrono::Duration;
use reqwest::StatusCode;
use setia::auth::Role;
use setia::db::Db;

use crate::common::{fresh_database, spawn, TestApp};
use crate::fixtures::{catalog, sign_up};
use crate::smtp::{app_with_smtp, run_jobs, SmtpServer};

async fn job_state(app: &TestApp, kind: &str) -> (String, i64, Option<String>) {
    app.db()
        .fetch_one(
            "SELECT status, attempts, last_error FROM jobs WHERE kind = $1 ORDER BY id LIMIT 1",
            setia::args![kind],
        )
        .await
        .unwrap()
}

async fn outbox(app: &TestApp) -> Vec<(String, String, i64)> {
    app.db()
        .fetch_all(
            "SELECT to_addr, status, attempts FROM mail_outbox ORDER BY id",
            vec![],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn the_signup_mail_arrives_once_with_recipient_subject_language_and_body() {
    let (app, smtp) = app_with_smtp().await;
    let c = catalog(&app).await;
    sign_up(
        &app,
        &c,
        "Dewi Lestari",
        "081234567890",
        "dewi@example.co.id",
    )
    .await;
    // Queued with the sign-up, not sent inside the request.
    assert!(smtp.messages().is_empty());
    assert_eq!(job_state(&app, "mail.deliver").await.0, "queued");

    assert_eq!(run_jobs(&app).await, 1);
    let got = smtp.messages();
    assert_eq!(got.len(), 1, "exactly one message");
    let m = &got[0];
    assert_eq!(m.rcpt, vec!["dewi@example.co.id".to_string()]);
    assert_eq!(m.from, "noreply@blitz.test");
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("Pendaftaran REG-2026-000001 diterima")
    );
    let body = m.body();
    assert!(body.starts_with("Halo Dewi Lestari,"), "{body}");
    assert!(body.contains("REG-2026-000001") && body.contains("Rumah 20"));
    let message_id = m.header("Message-ID").expect("a Message-ID");
    assert!(message_id.contains("@blitz.test>"), "{message_id}");

    // The row is sent and the job done: running the worker again sends nothing.
    let rows = outbox(&app).await;
    assert_eq!(rows, vec![("dewi@example.co.id".into(), "sent".into(), 1)]);
    assert_eq!(job_state(&app, "mail.deliver").await.0, "done");
    app.clock.advance(Duration::hours(2));
    assert_eq!(run_jobs(&app).await, 0);
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn an_english_signup_gets_an_english_mail() {
    let (app, smtp) = app_with_smtp().await;
    let c = catalog(&app).await;
    let b = app.browser();
    let r = b
        .post("/lang", &[("lang", "en"), ("back", "/signup")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let fields =
        crate::fixtures::signup_fields(&c, "John Smith", "081234567891", "john@example.com");
    let r = crate::fixtures::post_owned(&b, "/signup", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    run_jobs(&app).await;
    let got = smtp.messages();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].header("Subject").as_deref(),
        Some("Sign-up REG-2026-000001 received")
    );
    assert_eq!(got[0].rcpt, vec!["john@example.com".to_string()]);
}

#[tokio::test]
async fn without_smtp_mail_stays_queued_and_the_jobs_page_says_so() {
    let app = spawn().await;
    let c = catalog(&app).await;
    sign_up(
        &app,
        &c,
        "Dewi Lestari",
        "081234567890",
        "dewi@example.co.id",
    )
    .await;
    app.clock.advance(Duration::hours(3));
    // Not claimed at all: no attempt, no error, no dead letter.
    assert_eq!(run_jobs(&app).await, 0);
    assert_eq!(
        job_state(&app, "mail.deliver").await,
        ("queued".into(), 0, None)
    );
    assert_eq!(outbox(&app).await[0].1, "pending");

    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let page = admin.get("/staff/jobs").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("SMTP belum dikonfigurasi")
        .assert_contains("Email menunggu: 1")
        .assert_contains("mail.deliver");
    assert_eq!(
        crate::common::testid_text(&page.body, "count-queued").as_deref(),
        Some("Antre (1)")
    );
}

#[tokio::test]
async fn a_refused_mail_is_retried_with_backoff_then_dead_then_retried_by_the_admin() {
    let (app, smtp) = app_with_smtp().await;
    smtp.refuse(true);
    let c = catalog(&app).await;
    sign_up(
        &app,
        &c,
        "Dewi Lestari",
        "081234567890",
        "dewi@example.co.id",
    )
    .await;
    app.db()
        .execute("UPDATE jobs SET max_attempts = 3", vec![])
        .await
        .unwrap();
    let run_at = |app: &TestApp| {
        let db = app.db().clone();
        async move {
            db.scalar::<chrono::DateTime<chrono::Utc>>("SELECT run_at FROM jobs", vec![])
                .await
                .unwrap()
        }
    };

    // 1st attempt fails: retried 30 s later, the error kept, the outbox row still pending.
    let t0 = app.clock_now();
    assert_eq!(run_jobs(&app).await, 1);
    let (status, attempts, error) = job_state(&app, "mail.deliver").await;
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    assert!(error.unwrap().contains("451"), "the SMTP answer is kept");
    assert_eq!(run_at(&app).await, t0 + Duration::seconds(30));
    assert_eq!(outbox(&app).await[0].1, "pending");
    // Not due yet.
    app.clock.advance(Duration::seconds(29));
    assert_eq!(run_jobs(&app).await, 0);

    // 2nd attempt 30 s after the first, next one 60 s later: the delay doubles.
    app.clock.advance(Duration::seconds(1));
    assert_eq!(run_jobs(&app).await, 1);
    assert_eq!(job_state(&app, "mail.deliver").await.1, 2);
    assert_eq!(run_at(&app).await, app.clock_now() + Duration::seconds(60));

    // 3rd and last attempt: dead.
    app.clock.advance(Duration::seconds(60));
    assert_eq!(run_jobs(&app).await, 1);
    assert_eq!(job_state(&app, "mail.deliver").await.0, "dead");
    app.clock.advance(Duration::days(1));
    assert_eq!(run_jobs(&app).await, 0, "dead jobs stay dead");
    assert!(smtp.messages().is_empty());

    // The system admin sees it with its error, and retries it.
    let (admin, _) = app.logged_in(Role::SystemAdmin).await;
    let page = admin.get("/staff/jobs?status=dead").await;
    let job_id: i64 = app
        .db()
        .scalar("SELECT id FROM jobs", vec![])
        .await
        .unwrap();
    assert_eq!(
        crate::common::testid_text(&page.body, &format!("job-{job_id}-status")).as_deref(),
        Some("Mati")
    );
    page.assert_contains("(451): 4.3.0 Mailbox temporarily unavailable")
        .assert_contains("3 / 3")
        .assert_contains(&format!("/staff/jobs/{job_id}/retry"));

    smtp.refuse(false);
    let r = admin
        .post(&format!("/staff/jobs/{job_id}/retry"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (status, attempts, _) = job_state(&app, "mail.deliver").await;
    assert_eq!((status.as_str(), attempts), ("queued", 0));
    // Retrying a job that is not failed or dead is refused.
    let r = admin
        .post(&format!("/staff/jobs/{job_id}/retry"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(run_jobs(&app).await, 1);
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(job_state(&app, "mail.deliver").await.0, "done");
    assert_eq!(outbox(&app).await[0].1, "sent");
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|(a, id, _)| a == "job.retry" && id.as_deref() == Some(&job_id.to_string())));
}

#[tokio::test]
async fn the_admin_discards_a_dead_job_and_other_roles_cannot() {
    let (app, smtp) = app_with_smtp().await;
    smtp.refuse(true);
    let c = catalog(&app).await;
    sign_up(
        &app,
        &c,
        "Dewi Lestari",
        "081234567890",
        "dewi@example.co.id",
    )
    .await;
    app.db()
        .execute("UPDATE jobs SET max_attempts = 1", vec![])
        .await
        .unwrap();
    run_jobs(&app).await;
    let job_id: i64 = app
        .db()
        .scalar("SELECT id FROM jobs", vec![])
        .await
        .unwrap();
    assert_eq!(job_state(&app, "mail.deliver").await.0, "dead");

    let (admin, _) = app.logged_in(Role::Admin).await;
    let r = admin
        .post(&format!("/staff/jobs/{job_id}/discard"), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let (sysadmin, _) = app.logged_in(Role::SystemAdmin).await;
    let r = sysadmin
        .post(&format!("/staff/jobs/{job_id}/discard"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let left: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM jobs", vec![])
        .await
        .unwrap();
    assert_eq!(left, 0);
    let r = sysadmin
        .post(&format!("/staff/jobs/{job_id}/discard"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = sysadmin.get("/staff/jobs").await;
    page.assert_contains("Tidak ada tugas");
    assert!(app
        .audit_actions()
        .await
        .iter()
        .any(|(a, id, _)| a == "job.discard" && id.as_deref() == Some(&job_id.to_string())));
}

/// Queues `n` mails directly (as any service would, inside its transaction).
async fn queue_mails(db: &Db, n: usize, now: chrono::DateTime<chrono::Utc>) {
    for i in 0..n {
        let mut tx = db.begin().await.unwrap();
        let id = setia::notify::queue_mail(
            &mut tx,
            &format!("pelanggan{i}@example.co.id"),
            &format!("Pesan {i}"),
            "Halo",
            now,
        )
        .await
        .unwrap();
        // A second delivery job for some rows (a duplicate enqueue): still one mail each.
        if i % 3 == 0 {
            setia::jobs::enqueue(
                &mut tx,
                setia::notify::DELIVER_JOB,
                &serde_json::json!({ "outbox_id": id }),
                now,
                now,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
}

fn assert_each_once(smtp: &SmtpServer, n: usize) {
    let got = smtp.messages();
    let mut rcpts: Vec<String> = got.iter().flat_map(|m| m.rcpt.clone()).collect();
    rcpts.sort();
    let mut want: Vec<String> = (0..n)
        .map(|i| format!("pelanggan{i}@example.co.id"))
        .collect();
    want.sort();
    assert_eq!(rcpts, want, "every mail delivered exactly once");
}

#[tokio::test]
async fn two_workers_deliver_each_mail_exactly_once() {
    const N: usize = 30;
    let (app, smtp) = app_with_smtp().await;
    let now = app.clock_now();
    queue_mails(app.db(), N, now).await;
    // On PostgreSQL the second worker is another instance with its own connection pool; on
    // SQLite both share the app's single writer, as two workers of one instance would.
    let separate = app.db().backend() == setia::db::Backend::Postgres;
    let second = if separate {
        Db::connect(app.state.config.database_url.as_deref().unwrap())
            .await
            .unwrap()
    } else {
        app.db().clone()
    };
    let registry = setia::worker::registry(&app.state.config).unwrap();
    let (a, b) = tokio::join!(
        setia::jobs::run_due(app.db(), now, &registry, "worker-a"),
        setia::jobs::run_due(&second, now, &registry, "worker-b"),
    );
    let jobs = N + N.div_ceil(3);
    assert_eq!(a.unwrap() + b.unwrap(), jobs, "each job ran once");
    assert_each_once(&smtp, N);
    let not_sent: i64 = app
        .db()
        .scalar(
            "SELECT COUNT(*) FROM mail_outbox WHERE status <> 'sent'",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(not_sent, 0);
    // A duplicate job that met its row mid-send by the other worker tries again later, finds
    // the mail sent, and is done without sending it again.
    app.clock.advance(Duration::minutes(5));
    run_jobs(&app).await;
    assert_each_once(&smtp, N);
    let not_done: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM jobs WHERE status <> 'done'", vec![])
        .await
        .unwrap();
    assert_eq!(not_done, 0);
    if separate {
        second.close().await;
    }
}

#[tokio::test]
async fn two_app_instances_on_postgres_deliver_each_mail_exactly_once() {
    if crate::common::pg_url().is_none() {
        eprintln!("SETIA_TEST_DATABASE_URL not set: this test runs in the PostgreSQL suite");
        return;
    }
    const N: usize = 40;
    let smtp = SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = fresh_database(dir.path(), true).await;
    let one = Db::connect(&url).await.unwrap();
    one.migrate().await.unwrap();
    let two = Db::connect(&url).await.unwrap();
    let config = setia::config::Config {
        database_url: Some(url.clone()),
        smtp_host: Some("127.0.0.1".into()),
        smtp_port: Some(smtp.port),
        smtp_tls: setia::config::SmtpTls::None,
        ..Default::default()
    };
    let now = chrono::Utc::now();
    queue_mails(&one, N, now).await;
    // Each instance runs two workers, all four at once, several rounds.
    let mut ran = 0;
    for _ in 0..3 {
        let r1 = setia::worker::registry(&config).unwrap();
        let r2 = setia::worker::registry(&config).unwrap();
        let (a, b, c, d) = tokio::join!(
            setia::jobs::run_due(&one, now, &r1, "one-a"),
            setia::jobs::run_due(&one, now, &r1, "one-b"),
            setia::jobs::run_due(&two, now, &r2, "two-a"),
            setia::jobs::run_due(&two, now, &r2, "two-b"),
        );
        ran += a.unwrap() + b.unwrap() + c.unwrap() + d.unwrap();
    }
    assert_eq!(ran, N + N.div_ceil(3));
    assert_each_once(&smtp, N);
    one.close().await;
    two.close().await;
    crate::common::drop_database(pg).await;
}

#[tokio::test]
async fn a_job_left_running_by_a_crashed_worker_is_taken_over_and_sent_once() {
    let (app, smtp) = app_with_smtp().await;
    let now = app.clock_now();
    queue_mails(app.db(), 1, now).await;
    // One of the two jobs for the row: "claimed" by a worker that died mid-send 20 minutes ago.
    let stale = now - Duration::minutes(20);
    app.db()
        .execute(
            "UPDATE jobs SET status = 'running', attempts = 1, locked_by = 'dead-worker', locked_at = $1 \
             WHERE id = (SELECT MIN(id) FROM jobs)",
            setia::args![stale],
        )
        .await
        .unwrap();
    app.db()
        .execute(
            "UPDATE mail_outbox SET status = 'sending', claim_token = 'dead', claimed_at = $1",
            setia::args![stale],
        )
        .await
        .unwrap();
    assert_eq!(run_jobs(&app).await, 2);
    assert_each_once(&smtp, 1);
    let statuses: Vec<(String,)> = app
        .db()
        .fetch_all("SELECT status FROM jobs ORDER BY id", vec![])
        .await
        .unwrap();
    assert!(statuses.iter().all(|s| s.0 == "done"), "{statuses:?}");
}

#[tokio::test]
async fn a_mail_being_sent_by_a_live_worker_is_not_sent_again() {
    let (app, smtp) = app_with_smtp().await;
    let now = app.clock_now();
    queue_mails(app.db(), 1, now).await;
    // Another worker claimed the row a minute ago and is still talking to the SMTP server.
    app.db()
        .execute(
            "UPDATE mail_outbox SET status = 'sending', claim_token = 'other', claimed_at = $1",
            setia::args![now - Duration::minutes(1)],
        )
        .await
        .unwrap();
    run_jobs(&app).await;
    assert!(smtp.messages().is_empty());
    let failed: i64 = app
        .db()
        .scalar("SELECT COUNT(*) FROM jobs WHERE status = 'failed'", vec![])
        .await
        .unwrap();
    assert_eq!(failed, 2, "both jobs try again later");
}
