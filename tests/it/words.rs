//! What people read: messages that name the record and what comes next, confirmations before
//! the irreversible, and the timeline and audit log as sentences in both languages.

use reqwest::StatusCode;
use setia::audit::actions::{self, Action};
use setia::audit::store::{self as audit_store, NewEntry};
use setia::auth::Role;
use setia::customers::events::{self, EventKind};
use setia::customers::store::TimelineEntry;
use setia::i18n::Lang;
use setia::words::{Part, Reader, Said};

use crate::common::{spawn, Browser, Resp, TestApp};
use crate::fixtures::{catalog, install, sign_up, Catalog};

pub async fn count(app: &TestApp, sql: &str, args: setia::db::Args) -> i64 {
    app.db().scalar(sql, args).await.unwrap()
}

pub async fn english(b: &Browser) {
    let r = b.post("/lang", &[("lang", "en"), ("back", "/")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// The flash message on the next page, as text.
pub async fn flash_on(b: &Browser, path: &str) -> String {
    let page = b.get(path).await;
    let after = page.body.split("class=\"flash\" role=\"status\">").nth(1);
    after
        .and_then(|s| s.split("</p>").next())
        .unwrap_or_else(|| panic!("no flash on {path}:\n{}", page.body))
        .to_string()
}

/// A confirmation page: 200, naming what `needles` say, with the "yes" button posting
/// `confirm=1` back.
pub fn asks_first(r: &Resp, needles: &[&str]) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.assert_contains("data-testid=\"confirm\"")
        .assert_contains("name=\"confirm\" value=\"1\"");
    for n in needles {
        r.assert_contains(n);
    }
}

/// A customer with an installed subscription: (customer id, subscription id, registration id).
pub async fn installed(
    app: &TestApp,
    c: &Catalog,
    admin: &Browser,
    name: &str,
    phone: &str,
) -> (i64, i64, i64) {
    let (_, reg) = sign_up(app, c, name, phone, "").await;
    install(app, admin, reg).await;
    let (customer, sub): (i64, Option<i64>) = app
        .db()
        .fetch_one(
            "SELECT customer_id, subscription_id FROM registrations WHERE id = $1",
            setia::args![reg],
        )
        .await
        .unwrap();
    (customer, sub.unwrap(), reg)
}

// ---- messages that name the record ----

#[tokio::test]
async fn messages_name_the_record_and_the_next_step_in_the_readers_language() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (_, reg) = sign_up(&app, &c, "Dewi Lestari", "0812-3456-7890", "").await;
    let number: String = app
        .db()
        .scalar(
            "SELECT number FROM registrations WHERE id = $1",
            setia::args![reg],
        )
        .await
        .unwrap();
    let r = admin
        .post(&format!("/staff/registrations/{reg}/verify"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = format!("/staff/registrations/{reg}");
    assert_eq!(
        flash_on(&admin, &page).await,
        format!("{number} diverifikasi. Jadwalkan teknisi di bawah.")
    );
    // Shown once.
    assert!(!admin.get(&page).await.body.contains("class=\"flash\""));

    // The same message reads in English for an English reader; a code in it is put into words.
    let (sub_admin, _) = app.logged_in(Role::Admin).await;
    english(&sub_admin).await;
    let (customer, sub, _) = installed(&app, &c, &admin, "Sari Wulan", "0813-1111-2222").await;
    let r = sub_admin
        .post(
            &format!("/staff/subscriptions/{sub}/suspend"),
            &[("reason", "arrears"), ("confirm", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let said = flash_on(&sub_admin, &format!("/staff/customers/{customer}")).await;
    assert!(
        said.starts_with("Sari Wulan&#39;s Rumah 20 subscription is suspended (isolir, Arrears)."),
        "{said}"
    );

    // Names are escaped like all page text.
    let (sysadmin, _) = app.logged_in(Role::SystemAdmin).await;
    let staff = app.create_user(Role::Admin, "budi@isp.id").await;
    let r = sysadmin
        .post(
            &format!("/staff/users/{staff}"),
            &[("name", "Budi <b>Santoso</b>"), ("role", "admin")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let said = flash_on(&sysadmin, &format!("/staff/users/{staff}")).await;
    assert_eq!(said, "Akun Budi &#60;b&#62;Santoso&#60;/b&#62; disimpan.");

    // A forged flash cookie shows nothing.
    let forged = reqwest::Client::new()
        .get(format!("{}/login", app.base))
        .header("cookie", "setia_flash=00:k=flash.saved")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!forged.contains("class=\"flash\""));
}

// ---- the timeline and the audit log as sentences ----

/// The HTML `templates/macros.html` makes of a sentence (askama's escaping).
fn html_of(s: &Said) -> String {
    let esc = |t: &str| {
        t.replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;")
    };
    let mut out: String = s
        .parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => esc(t),
            Part::Link(h, t) => format!("<a href=\"{}\">{}</a>", esc(h), esc(t)),
        })
        .collect();
    if let Some(n) = &s.note {
        out.push_str(&format!(" <span class=\"muted\">— {}</span>", esc(n)));
    }
    out
}

/// A sentence reads like people talk: its kind has words in `lang`, every placeholder is
/// filled, and nothing machine-ish shows.
fn reads_well(lang: Lang, kind: &str, said_key: &str, name_key: &str, s: &Said) {
    assert!(
        lang.has(said_key) && lang.has(name_key),
        "{lang:?}: {kind} has no sentence or name"
    );
    let text = s.plain();
    let empty = lang.t("history.empty");
    let hash_id = text
        .split('#')
        .skip(1)
        .any(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    assert!(
        !text.contains('{')
            && !text.contains('}')
            && !text.contains("->")
            && !hash_id
            && !text.contains("_said")
            && !text.contains("_name")
            && !text.contains(empty)
            && !text.starts_with("Sari: "),
        "{lang:?} {kind}: {text:?}"
    );
}

#[tokio::test]
async fn every_timeline_kind_and_audit_action_reads_as_a_sentence_in_both_languages() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (_, reg) = sign_up(&app, &c, "Dewi Lestari", "0812-3456-7890", "").await;
    let customer: i64 = count(
        &app,
        "SELECT customer_id FROM registrations WHERE id = $1",
        setia::args![reg],
    )
    .await;
    let now = app.clock_now();

    // One timeline entry of every kind, with what such an entry stores.
    let mut tx = app.db().begin().await.unwrap();
    for kind in EventKind::ALL {
        let detail = kind.sample().stored();
        setia::customers::store::add_event(&mut tx, customer, *kind, &detail, "Sari", now)
            .await
            .unwrap();
    }
    // And one audit row of every action.
    for action in Action::ALL {
        let detail = action.sample().stored();
        audit_store::insert(
            &mut tx,
            &NewEntry {
                at: now,
                actor_id: None,
                actor_name: "Sari",
                action: action.as_str(),
                entity: None,
                entity_id: None,
                detail: &detail,
                ip: "127.0.0.1",
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let (office, _) = app.logged_in(Role::Admin).await;
    let (sysadmin, _) = app.logged_in(Role::SystemAdmin).await;
    for lang in Lang::ALL {
        if lang == Lang::En {
            english(&office).await;
            english(&sysadmin).await;
        }
        let page = office.get(&format!("/staff/customers/{customer}")).await;
        let timeline = page.body.split("class=\"timeline\"").nth(1).unwrap();
        for kind in EventKind::ALL {
            let entry = TimelineEntry {
                at: now,
                kind: kind.as_str().to_string(),
                detail: kind.sample().stored(),
                actor_name: "Sari".into(),
            };
            let reader = Reader {
                lang,
                role: Some(Role::Admin),
            };
            let said = events::read(reader, &entry);
            reads_well(
                lang,
                kind.as_str(),
                &kind.said_key(),
                &kind.name_key(),
                &said,
            );
            assert!(
                timeline.contains(&html_of(&said)),
                "{lang:?} {kind}: {}\nnot in {timeline}",
                html_of(&said)
            );
        }
        for action in Action::ALL {
            let page = sysadmin
                .get(&format!("/staff/audit?action={}", action.as_str()))
                .await;
            let entry = audit_store::Entry {
                id: 0,
                at: now,
                actor_id: None,
                actor_name: "Sari".into(),
                action: action.as_str().to_string(),
                entity: None,
                entity_id: None,
                detail: action.sample().stored(),
                ip: "127.0.0.1".into(),
            };
            let reader = Reader {
                lang,
                role: Some(Role::SystemAdmin),
            };
            let said = actions::read(reader, &entry);
            reads_well(
                lang,
                action.as_str(),
                &action.said_key(),
                &action.name_key(),
                &said,
            );
            page.assert_contains(&html_of(&said));
        }
    }
    // The office reads records as links; the system admin, who may not open them, as text.
    let said = events::read(
        Reader {
            lang: Lang::Id,
            role: Some(Role::Admin),
        },
        &TimelineEntry {
            at: now,
            kind: "ticket.filed".into(),
            detail: EventKind::TicketFiled.sample().stored(),
            actor_name: "Sari".into(),
        },
    );
    assert_eq!(
        html_of(&said),
        "Sari melaporkan keluhan <a href=\"/staff/tickets/301\">TKT-2026-000301</a> (Lambat)"
    );
}

#[tokio::test]
async fn the_issues_examples_read_as_asked_and_old_rows_still_read_sensibly() {
    let app = spawn().await;
    let c = catalog(&app).await;
    let (admin, _) = app.logged_in(Role::Admin).await;
    let (customer, sub, _) = installed(&app, &c, &admin, "Dewi Lestari", "0812-3456-7890").await;
    let other = c.other_package.to_string();
    admin
        .post(
            &format!("/staff/subscriptions/{sub}/package"),
            &[("package_id", &other)],
        )
        .await;
    admin
        .post(
            &format!("/staff/subscriptions/{sub}/suspend"),
            &[("reason", "arrears"), ("confirm", "1")],
        )
        .await;
    // Rows written before sentences: text details with arrows and ids.
    let mut tx = app.db().begin().await.unwrap();
    setia::customers::store::add_event(
        &mut tx,
        customer,
        EventKind::SubscriptionReactivated,
        "Rumah 20 · suspended -> active",
        "Budi",
        app.clock_now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let page = admin.get(&format!("/staff/customers/{customer}")).await;
    let timeline = page.body.split("class=\"timeline\"").nth(1).unwrap();
    assert!(
        timeline.contains("mengubah paket Rumah 20 → Keluarga 50"),
        "{timeline}"
    );
    assert!(
        timeline.contains("mengisolir langganan Keluarga 50: Aktif → Isolir (Tunggakan)"),
        "{timeline}"
    );
    assert!(
        timeline.contains(
            "Budi: Langganan diaktifkan kembali <span class=\"muted\">— Rumah 20 · suspended → active</span>"
        ),
        "{timeline}"
    );
    assert!(!timeline.contains("-&#62;") && !timeline.contains("->"));

    // The audit log names the customer and reads the reason; its filter lists actions by name.
    let (sysadmin, _) = app.logged_in(Role::SystemAdmin).await;
    let audit = sysadmin.get("/staff/audit").await;
    audit
        .assert_contains("<select id=\"action\" name=\"action\">")
        .assert_contains("<optgroup label=\"Langganan\">")
        .assert_contains("<option value=\"subscription.suspended\">Langganan diisolir</option>")
        .assert_contains(
            "mengisolir langganan Keluarga 50 milik Dewi Lestari: Aktif → Isolir (Tunggakan)",
        );
    assert!(!audit.body.contains("<code>"), "no raw action names");
    let only = sysadmin
        .get("/staff/audit?action=subscription.package_changed")
        .await;
    only.assert_contains("<option value=\"subscription.package_changed\" selected>")
        .assert_contains("mengubah paket Dewi Lestari: Rumah 20 → Keluarga 50");
    assert!(!only.body.contains("data-action=\"subscription.suspended\""));
}
