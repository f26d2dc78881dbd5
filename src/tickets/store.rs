//! SQL for tickets, their messages and search index, and saved replies.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};

use super::model::{Category, Channel, Priority, TicketStatus};
use crate::args;
use crate::db::{Arg, Conn, Db, DbResult, Tx};

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_user_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub area_id: Option<i64>,
    pub area_name: Option<String>,
    pub category: Category,
    pub priority: Priority,
    pub status: TicketStatus,
    pub channel: Channel,
    pub summary: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub sla_paused_at: Option<DateTime<Utc>>,
    pub resolution_left_secs: Option<i64>,
    pub first_response_breached: bool,
    pub resolution_breached: bool,
    pub reopen_count: i64,
}

impl TicketRow {
    /// Whether a deadline was missed or is missed now.
    pub fn breached(&self, now: &DateTime<Utc>) -> bool {
        missed(
            self.first_response_breached || self.resolution_breached,
            self.due_at,
            now,
        )
    }
}

/// Whether a ticket missed a deadline (`breached`: one was recorded missed) or misses its
/// running one (`due_at`) now.
pub(super) fn missed(breached: bool, due_at: Option<DateTime<Utc>>, now: &DateTime<Utc>) -> bool {
    breached || due_at.is_some_and(|d| d < *now)
}

/// Every column of a ticket, with its customer, area and assignee.
const SELECT: &str = "SELECT t.id, t.number, t.customer_id, c.name AS customer_name, \
     c.phone AS customer_phone, c.user_id AS customer_user_id, t.subscription_id, t.area_id, \
     a.name AS area_name, t.category, t.priority, t.status, t.channel, t.summary, \
     t.assignee_id, u.name AS assignee_name, t.created_at, t.updated_at, \
     t.first_response_at, t.resolved_at, t.closed_at, t.first_response_due_at, \
     t.resolution_due_at, t.due_at, t.sla_paused_at, t.resolution_left_secs, \
     t.first_response_breached, t.resolution_breached, t.reopen_count \
     FROM tickets t JOIN customers c ON c.id = t.customer_id \
     LEFT JOIN areas a ON a.id = t.area_id LEFT JOIN users u ON u.id = t.assignee_id";

pub struct NewTicket<'a> {
    pub number: &'a str,
    pub customer_id: i64,
    pub subscription_id: Option<i64>,
    pub area_id: Option<i64>,
    pub category: Category,
    pub priority: Priority,
    pub channel: Channel,
    pub summary: &'a str,
    pub created_by: Option<i64>,
    pub first_response_due_at: DateTime<Utc>,
    pub resolution_due_at: DateTime<Utc>,
}

pub async fn insert(tx: &mut Tx, t: &NewTicket<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    tx.scalar(
        "INSERT INTO tickets (number, customer_id, subscription_id, area_id, category, priority, \
         status, channel, summary, created_by, created_at, updated_at, first_response_due_at, \
         resolution_due_at, due_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'new', $7, $8, $9, $10, $10, $11, $12, $11) RETURNING id",
        args![
            t.number,
            t.customer_id,
            t.subscription_id,
            t.area_id,
            t.category,
            t.priority,
            t.channel,
            t.summary,
            t.created_by,
            now,
            t.first_response_due_at,
            t.resolution_due_at
        ],
    )
    .await
}

pub async fn get(c: impl Into<Conn<'_>>, id: i64) -> DbResult<Option<TicketRow>> {
    c.into()
        .fetch_optional(&format!("{SELECT} WHERE t.id = $1"), args![id])
        .await
}

/// A ticket of one customer: another customer's is "not found".
pub async fn get_for_customer(db: &Db, id: i64, customer_id: i64) -> DbResult<Option<TicketRow>> {
    db.fetch_optional(
        &format!("{SELECT} WHERE t.id = $1 AND t.customer_id = $2"),
        args![id, customer_id],
    )
    .await
}

/// A customer's tickets, newest first.
pub async fn of_customer(db: &Db, customer_id: i64, limit: i64) -> DbResult<Vec<TicketRow>> {
    db.fetch_all(
        &format!("{SELECT} WHERE t.customer_id = $1 ORDER BY t.id DESC LIMIT $2"),
        args![customer_id, limit],
    )
    .await
}

/// How many of `customer_id`'s complaints `user_id` filed since `since` (for the per-customer
/// limit), counting no further than `limit`. Read from `tickets_customer_filed`: the cost is
/// that of the hour's complaints by that login (at most `limit`), not of every ticket the
/// customer ever had.
pub async fn filed_by_since(
    tx: &mut Tx,
    customer_id: i64,
    user_id: i64,
    since: DateTime<Utc>,
    limit: i64,
) -> DbResult<i64> {
    tx.scalar(FILED_SINCE, args![customer_id, user_id, since, limit])
        .await
}

const FILED_SINCE: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE customer_id = $1 \
    AND created_by = $2 AND created_at >= $3 LIMIT $4) t";

// ---- changes ----

/// The columns a change writes; `None` leaves a column as it is. Every change is conditional
/// on the status it was decided from, so two people acting at once cannot both move it.
#[derive(Default)]
pub struct Change {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<Option<i64>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<Option<DateTime<Utc>>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<Option<DateTime<Utc>>>,
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub sla_paused_at: Option<Option<DateTime<Utc>>>,
    pub resolution_left_secs: Option<Option<i64>>,
    pub first_response_breached: Option<bool>,
    pub resolution_breached: Option<bool>,
    pub reopened: bool,
}

/// Applies `change` if the ticket is still in `from`; false when someone else changed it first.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    from: TicketStatus,
    change: &Change,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let mut sets = vec!["updated_at = $3".to_string()];
    let mut args: Vec<Arg> = args![id, from, now];
    let mut set = |col: &str, v: Arg| {
        args.push(v);
        sets.push(format!("{col} = ${}", args.len()));
    };
    if let Some(v) = change.status {
        set("status", v.into());
    }
    if let Some(v) = change.priority {
        set("priority", v.into());
    }
    if let Some(v) = change.assignee_id {
        set("assignee_id", v.into());
    }
    if let Some(v) = change.first_response_at {
        set("first_response_at", v.into());
    }
    if let Some(v) = change.resolved_at {
        set("resolved_at", v.into());
    }
    if let Some(v) = change.closed_at {
        set("closed_at", v.into());
    }
    if let Some(v) = change.first_response_due_at {
        set("first_response_due_at", v.into());
    }
    if let Some(v) = change.resolution_due_at {
        set("resolution_due_at", v.into());
    }
    if let Some(v) = change.due_at {
        set("due_at", v.into());
    }
    if let Some(v) = change.sla_paused_at {
        set("sla_paused_at", v.into());
    }
    if let Some(v) = change.resolution_left_secs {
        set("resolution_left_secs", v.into());
    }
    if let Some(v) = change.first_response_breached {
        set("first_response_breached", v.into());
    }
    if let Some(v) = change.resolution_breached {
        set("resolution_breached", v.into());
    }
    if change.reopened {
        sets.push("reopen_count = reopen_count + 1".into());
    }
    let n = tx
        .execute(
            &format!(
                "UPDATE tickets SET {} WHERE id = $1 AND status = $2",
                sets.join(", ")
            ),
            args,
        )
        .await?;
    Ok(n == 1)
}

// ---- messages ----

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct MessageRow {
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: Option<i64>,
    pub author_name: String,
    pub author_kind: String,
    pub internal: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub struct NewMessage<'a> {
    pub ticket_id: i64,
    pub author_id: Option<i64>,
    pub author_name: &'a str,
    /// `customer`, `staff` or `system`.
    pub author_kind: &'a str,
    pub internal: bool,
    pub body: &'a str,
}

/// Adds a message and indexes its text (plus `extra`, such as the number and the customer's
/// name and phone on the opening message) for search.
pub async fn add_message(
    tx: &mut Tx,
    m: &NewMessage<'_>,
    extra: &str,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let id: i64 = tx
        .scalar(
            "INSERT INTO ticket_messages (ticket_id, author_id, author_name, author_kind, internal, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            args![m.ticket_id, m.author_id, m.author_name, m.author_kind, m.internal, m.body, now],
        )
        .await?;
    let doc = if extra.is_empty() {
        m.body.to_string()
    } else {
        format!("{extra}\n{}", m.body)
    };
    // The message's place in its thread, counting itself (the callers hold the ticket's row,
    // or created it, so two messages of one ticket never count the same place), and whether
    // the ticket is active. The index rows are written at the commit (`execute_at_commit`).
    let (place, active): (i64, bool) = tx
        .fetch_optional(
            &format!(
                "SELECT COUNT(*), EXISTS (SELECT 1 FROM tickets WHERE id = $1 AND status IN ({})) \
                 FROM ticket_messages WHERE ticket_id = $1",
                *ACTIVE_STATUSES
            ),
            args![m.ticket_id],
        )
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    if place >= SEARCH_KEY_SPAN {
        return Ok(id);
    }
    let key = search_key(m.ticket_id, place);
    let (insert, doc_expr) = tx.backend().full_text_insert(EVERY_SEARCH, 2);
    let sql = format!("{insert} VALUES ($1, {doc_expr})");
    tx.execute_at_commit(&sql, args![key, doc.as_str()], m.ticket_id)
        .await?;
    if active {
        index_active_message(tx, m.ticket_id, place, doc).await?;
    }
    Ok(id)
}

/// What the opening message of ticket `number` is found by besides its text: the ticket's
/// number and its customer's number, name and phone.
pub fn opening_words(number: &str, customer_number: &str, name: &str, phone: &str) -> String {
    format!("{number} {customer_number} {name} {phone}")
}

/// The full-text index of the active tickets' messages alone, keyed as `ticket_search`: a
/// search among the active tickets (the staff list's default) walks their hits only, not a
/// common word's newest hits among every ticket's (bench/README.md, finding 48). A message is
/// added to it with its ticket active; a ticket's rows go when it stops being active and come
/// back when it is opened again ([`index_active`]).
pub const ACTIVE_SEARCH: &str = "active_ticket_search";

/// The full-text index of every ticket's messages, keyed by [`search_key`].
pub const EVERY_SEARCH: &str = "ticket_search";

/// [`TicketStatus::ACTIVE`] as an SQL list: `'new', 'open', …`.
static ACTIVE_STATUSES: LazyLock<String> = LazyLock::new(|| {
    TicketStatus::ACTIVE
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
});

/// Takes ticket `ticket_id`'s messages out of [`ACTIVE_SEARCH`] (`active`: false) when it
/// stops being active, or puts them back (true) when it is opened again: each message in its
/// place, the opening one with its [`opening_words`].
pub async fn index_active(tx: &mut Tx, ticket_id: i64, active: bool) -> DbResult<()> {
    let backend = tx.backend();
    tx.execute_at_commit(
        &backend.full_text_delete(ACTIVE_SEARCH, 1, 2),
        args![
            search_key(ticket_id, 0),
            search_key(ticket_id, SEARCH_KEY_SPAN - 1)
        ],
        ticket_id,
    )
    .await?;
    if !active {
        return Ok(());
    }
    let messages: Vec<(String, String, String, String, String)> = tx
        .fetch_all(
            &format!(
                "SELECT m.body, t.number, c.number, c.name, c.phone FROM ticket_messages m \
                 JOIN tickets t ON t.id = m.ticket_id JOIN customers c ON c.id = t.customer_id \
                 WHERE m.ticket_id = $1 ORDER BY m.id LIMIT {}",
                SEARCH_KEY_SPAN - 1
            ),
            args![ticket_id],
        )
        .await?;
    for (place, (body, number, customer, name, phone)) in (1..).zip(messages) {
        let doc = if place == 1 {
            format!(
                "{}\n{body}",
                opening_words(&number, &customer, &name, &phone)
            )
        } else {
            body
        };
        index_active_message(tx, ticket_id, place, doc).await?;
    }
    Ok(())
}

/// Puts a message's document into [`ACTIVE_SEARCH`] at the commit, in place of any the key
/// has. No code path writes a key twice ([`index_active`] deletes a ticket's range before
/// writing it again); replacing keeps a stray row from leaving words that still match, where
/// a plain insert would add beside it on SQLite and fail on PostgreSQL.
async fn index_active_message(
    tx: &mut Tx,
    ticket_id: i64,
    place: i64,
    doc: String,
) -> DbResult<()> {
    let sql = tx.backend().full_text_replace(ACTIVE_SEARCH);
    let key = search_key(ticket_id, place);
    tx.execute_at_commit(&sql, args![key, doc], ticket_id).await
}

/// How many messages of one ticket the full-text index keeps apart. A message's key in
/// `ticket_search` is its ticket's id times this plus its place in the thread (1, 2, …), so
/// the index alone says which tickets matched, newest first, and hands them over in order
/// (bench/README.md, finding 29). A thread's messages past the 16,777,215th (no office writes
/// that many) are not indexed.
pub const SEARCH_KEY_SPAN: i64 = 1 << 24;

/// The full-text key of the `place`-th message (from 1) of ticket `ticket_id`.
pub fn search_key(ticket_id: i64, place: i64) -> i64 {
    ticket_id * SEARCH_KEY_SPAN + place
}

/// The thread, oldest first; internal notes only when `with_internal` (staff).
pub async fn messages(db: &Db, ticket_id: i64, with_internal: bool) -> DbResult<Vec<MessageRow>> {
    db.fetch_all(
        "SELECT id, ticket_id, author_id, author_name, author_kind, internal, body, created_at \
         FROM ticket_messages WHERE ticket_id = $1 AND (internal = FALSE OR $2) ORDER BY id",
        args![ticket_id, with_internal],
    )
    .await
}

// ---- clocks (jobs) ----

/// Active tickets whose running clock ends before `until` and that were not warned for that
/// deadline yet.
pub async fn due_unwarned(db: &Db, until: DateTime<Utc>, limit: i64) -> DbResult<Vec<TicketRow>> {
    db.fetch_all(
        &format!(
            "{SELECT} WHERE t.due_at < $1 AND (t.warned_due_at IS NULL OR t.warned_due_at <> t.due_at) \
             ORDER BY t.due_at LIMIT $2"
        ),
        args![until, limit],
    )
    .await
}

/// Records that the deadline `due_at` was warned about, unless it moved meanwhile.
pub async fn mark_warned(tx: &mut Tx, id: i64, due_at: DateTime<Utc>) -> DbResult<bool> {
    Ok(tx
        .execute(
            "UPDATE tickets SET warned_due_at = $2 WHERE id = $1 AND due_at = $2 \
             AND (warned_due_at IS NULL OR warned_due_at <> $2)",
            args![id, due_at],
        )
        .await?
        == 1)
}

/// Resolved tickets resolved before `before` (to close automatically).
pub async fn resolved_before(db: &Db, before: DateTime<Utc>, limit: i64) -> DbResult<Vec<i64>> {
    let rows: Vec<(i64,)> = db
        .fetch_all(
            "SELECT id FROM tickets WHERE status = 'resolved' AND resolved_at < $1 ORDER BY resolved_at LIMIT $2",
            args![before, limit],
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

// ---- saved replies ----

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct SavedReply {
    pub id: i64,
    pub title: String,
    pub body: String,
}

pub async fn saved_replies(db: &Db) -> DbResult<Vec<SavedReply>> {
    db.fetch_all(
        "SELECT id, title, body FROM saved_replies ORDER BY title, id",
        args![],
    )
    .await
}

pub async fn saved_reply(c: impl Into<Conn<'_>>, id: i64) -> DbResult<Option<SavedReply>> {
    c.into()
        .fetch_optional(
            "SELECT id, title, body FROM saved_replies WHERE id = $1",
            args![id],
        )
        .await
}

pub async fn insert_saved_reply(
    tx: &mut Tx,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx.scalar(
        "INSERT INTO saved_replies (title, body, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id",
        args![title, body, now],
    )
    .await
}

pub async fn update_saved_reply(
    tx: &mut Tx,
    id: i64,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    Ok(tx
        .execute(
            "UPDATE saved_replies SET title = $2, body = $3, updated_at = $4 WHERE id = $1",
            args![id, title, body, now],
        )
        .await?
        == 1)
}

pub async fn delete_saved_reply(tx: &mut Tx, id: i64) -> DbResult<bool> {
    Ok(tx
        .execute("DELETE FROM saved_replies WHERE id = $1", args![id])
        .await?
        == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hourly count reads the customer's index alone, without statistics (as in a real
    /// office's database), never a ticket's row (bench/README.md, finding 53).
    #[tokio::test]
    async fn the_hourly_count_reads_its_index_alone() {
        let plan =
            crate::db::sqlite_plan_without_statistics(FILED_SINCE, args![1, 1, Utc::now(), 5])
                .await;
        let range = "USING COVERING INDEX tickets_customer_filed \
                     (customer_id=? AND created_by=? AND created_at>?)";
        assert!(plan.iter().any(|d| d.contains(range)), "{plan:?}");
        assert!(!plan.iter().any(|d| d.contains("TEMP B-TREE")), "{plan:?}");
    }
}
