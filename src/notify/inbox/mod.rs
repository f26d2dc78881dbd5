//! In-app notifications: the bell in the portal and the staff area.
//!
//! A service that wants to tell a user something calls [`push`] inside its own transaction, with
//! a translation key, the key's variables and a local link (the ticket). Nothing is rendered
//! then: the text is made when the notification is read, in the reader's language
//! ([`text`]). The header shows the unread count (up to [`COUNT_CAP`], read with the session by
//! `auth::store::find_session`), the pages list the
//! recent ones, and opening one marks it read and goes to its link ([`open`]). Read ones are
//! deleted after [`KEEP_READ`] by the hourly sweep ([`sweep`]).

pub mod store;
mod web;

use chrono::{DateTime, Duration, Utc};

use crate::auth::groups;
use crate::db::{Db, DbResult, Tx};
use crate::i18n::Lang;
use crate::web::routes::{Access, Routes};

pub use store::Notification;

/// The unread count stops at this many (the bell shows "99+" above 99).
pub const COUNT_CAP: i64 = 100;
/// How many notifications a page lists.
pub const PAGE_SIZE: i64 = 50;
/// Read notifications are deleted this long after they were made; unread ones are kept.
pub const KEEP_READ: Duration = Duration::days(90);
/// Longest link a notification may carry.
const MAX_LINK: usize = 500;

/// Shown for a notification whose message key no longer exists.
pub const UNKNOWN_MESSAGE: &str = "inbox.message.unknown";

pub fn routes() -> Routes {
    let customer = Access::Roles(groups::CUSTOMER);
    let staff = Access::Roles(groups::STAFF);
    Routes::new()
        .get("/portal/notifications", customer, web::portal_list)
        .post(
            "/portal/notifications/read-all",
            customer,
            web::portal_read_all,
        )
        .get("/portal/notifications/{id}", customer, web::portal_open)
        .get("/staff/notifications", staff, web::staff_list)
        .post("/staff/notifications/read-all", staff, web::staff_read_all)
        .get("/staff/notifications/{id}", staff, web::staff_open)
}

/// Tells each of `user_ids` something (one statement for all), inside the caller's transaction
/// (so it exists exactly when the change it is about does).
///
/// `message_key` is a translation key (of the caller's area, e.g. `tickets.notify.reply`) whose
/// `{name}` placeholders are filled from `vars` when the notification is read, in the reader's
/// language. A variable whose name ends in `_key` holds a translation key itself: `("status_key",
/// "tickets.status.waiting")` fills `{status}` with that key's text in the reader's language.
/// `link` is where opening the notification leads: a local path (`/portal/tickets/12`).
///
/// Refused (`InvalidArgument`, which rolls the caller back: it is a programming error) when the
/// key is not translated or the link is not a local path.
pub async fn push(
    tx: &mut Tx,
    user_ids: &[i64],
    message_key: &str,
    vars: &[(&str, &str)],
    link: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    if !Lang::ALL.iter().all(|l| l.has(message_key)) {
        return Err(sqlx::Error::InvalidArgument(format!(
            "notification message key {message_key:?} is not translated"
        )));
    }
    if !is_local_path(link) {
        return Err(sqlx::Error::InvalidArgument(format!(
            "notification link {link:?} is not a local path"
        )));
    }
    let vars: serde_json::Map<String, serde_json::Value> = vars
        .iter()
        .map(|(k, v)| ((*k).to_string(), serde_json::Value::from(*v)))
        .collect();
    store::insert(
        tx,
        user_ids,
        message_key,
        &serde_json::Value::Object(vars).to_string(),
        link,
        now,
    )
    .await
}

/// The count as the bell shows it: `"99+"` above 99.
pub fn count_text(n: i64) -> String {
    if n > 99 {
        "99+".to_string()
    } else {
        n.to_string()
    }
}

/// Whether a page at `path` shows the bell with its count: every page a person sees, but not
/// files, programs' endpoints, or opening a notification (which only redirects).
pub fn counts_on(path: &str) -> bool {
    const SKIP: &[&str] = &[
        "/files/",
        "/api/",
        "/webhooks/",
        "/portal/notifications/",
        "/staff/notifications/",
    ];
    !SKIP.iter().any(|p| path.starts_with(p))
}

/// The newest [`PAGE_SIZE`] notifications of `user_id`, or those older than `before` (an id:
/// keyset paging). The second value is the id to ask for the next older page, if there is one.
pub async fn recent(
    db: &Db,
    user_id: i64,
    before: Option<i64>,
) -> DbResult<(Vec<Notification>, Option<i64>)> {
    let mut rows = store::recent(db, user_id, before, PAGE_SIZE + 1).await?;
    let older = if rows.len() as i64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|n| n.id)
    } else {
        None
    };
    Ok((rows, older))
}

/// Marks notification `id` of `user_id` read (if it was not already) and returns where it leads:
/// its link when that is a local path, else `None` (the caller shows the list). Another user's
/// notification, or none: `Err(RowNotFound)`.
pub async fn open(db: &Db, user_id: i64, id: i64, now: DateTime<Utc>) -> DbResult<Option<String>> {
    let mut tx = db.begin().await?;
    let link = store::mark_read(&mut tx, user_id, id, now)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    tx.commit().await?;
    Ok(Some(link).filter(|l| is_local_path(l)))
}

/// Marks every unread notification of `user_id` read, or only those up to id `upto` (the newest
/// the reader was shown, so one that arrived meanwhile stays unread). Returns how many.
pub async fn mark_all_read(
    db: &Db,
    user_id: i64,
    upto: Option<i64>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let mut tx = db.begin().await?;
    let n = store::mark_all_read(&mut tx, user_id, upto, now).await?;
    tx.commit().await?;
    Ok(n)
}

/// Deletes read notifications made more than [`KEEP_READ`] ago (the hourly sweep job). Returns
/// how many.
pub async fn sweep(db: &Db, now: DateTime<Utc>) -> DbResult<u64> {
    store::delete_read_before(db, now - KEEP_READ).await
}

/// The text of a notification in `lang`: its message with the variables filled in. A key that
/// no longer exists gives a generic text rather than a key.
pub fn text(lang: Lang, message_key: &str, vars_json: &str) -> String {
    if !lang.has(message_key) {
        return lang.t(UNKNOWN_MESSAGE).to_string();
    }
    let vars: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(vars_json).unwrap_or_default();
    let filled: Vec<(&str, &str)> = vars
        .iter()
        .filter_map(|(name, value)| {
            let value = value.as_str()?;
            Some(match name.strip_suffix("_key") {
                Some(base) if lang.has(value) => (base, lang.t(value)),
                _ => (name.as_str(), value),
            })
        })
        .collect();
    lang.tf(message_key, &filled)
}

/// A path on this site: starts with one `/`, and has nothing a browser could read as another
/// host (`//host`, `/\host`) or strip to one (whitespace, control characters).
pub fn is_local_path(link: &str) -> bool {
    link.starts_with('/')
        && !link.starts_with("//")
        && link.len() <= MAX_LINK
        && !link
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_links() {
        for ok in ["/portal/tickets/12", "/staff/tickets/3?tab=thread#m4", "/"] {
            assert!(is_local_path(ok), "{ok}");
        }
        for bad in [
            "",
            "//evil.example",
            "https://evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/ /x",
            "javascript:alert(1)",
            "portal/tickets/1",
            "/\u{0}x",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
        assert!(!is_local_path(&format!("/{}", "a".repeat(MAX_LINK))));
    }

    #[test]
    fn text_is_made_in_the_readers_language() {
        let vars = r#"{"number":"TKT-2026-000001"}"#;
        assert_eq!(
            text(Lang::En, "inbox.message.ticket_update", vars),
            "There is news on ticket TKT-2026-000001."
        );
        assert_eq!(
            text(Lang::Id, "inbox.message.ticket_update", vars),
            "Ada kabar baru untuk tiket TKT-2026-000001."
        );
        // A `_key` variable is itself translated for the reader.
        let vars = r#"{"number":"TKT-2026-000001","status_key":"inbox.new"}"#;
        assert_eq!(
            text(Lang::En, "inbox.message.ticket_status", vars),
            "Ticket TKT-2026-000001 is now: new."
        );
        assert_eq!(
            text(Lang::Id, "inbox.message.ticket_status", vars),
            "Tiket TKT-2026-000001 kini: baru."
        );
        // A missing key or broken variables still give a sentence.
        assert_eq!(
            text(Lang::En, "no.such.key", "{}"),
            Lang::En.t(UNKNOWN_MESSAGE)
        );
        assert!(text(Lang::En, "inbox.message.ticket_update", "not json").contains("{number}"));
    }

    #[test]
    fn the_count_is_capped_in_words() {
        assert_eq!(count_text(0), "0");
        assert_eq!(count_text(99), "99");
        assert_eq!(count_text(COUNT_CAP), "99+");
    }
}
