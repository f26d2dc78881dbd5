//! The staff's ticket lists: filters, search, keyset paging and the desk's counts.

use chrono::{DateTime, Duration, Utc};
use std::sync::LazyLock;

use super::model::{Category, Channel, Priority, TicketStatus};
use super::store::{self, missed, SEARCH_KEY_SPAN};
use crate::args;
use crate::db::{Arg, Backend, Db, DbResult};

/// A ticket as the staff lists show it: 12 of [`super::store::TicketRow`]'s 29 columns, so a
/// page of 50 decodes no times it does not show (bench/README.md, finding 37).
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct ListRow {
    pub id: i64,
    pub number: String,
    pub summary: String,
    pub customer_name: String,
    pub area_name: Option<String>,
    pub category: Category,
    pub priority: Priority,
    pub status: TicketStatus,
    pub assignee_name: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub sla_paused_at: Option<DateTime<Utc>>,
    /// A deadline was recorded missed (first response or resolution).
    pub breached: bool,
}

impl ListRow {
    /// Whether a deadline was missed or is missed now.
    pub fn breached(&self, now: &DateTime<Utc>) -> bool {
        missed(self.breached, self.due_at, now)
    }

    /// Whether the running clock ends within the hour.
    pub fn due_soon(&self, now: &DateTime<Utc>) -> bool {
        self.due_at
            .is_some_and(|d| d >= *now && d < *now + Duration::hours(1))
    }
}

/// The list's columns of the tickets read from `tickets` (a table or a subquery in
/// parentheses, named `t`), with their customer's name, area's name and assignee's name.
fn select_from(tickets: &str) -> String {
    format!(
        "SELECT t.id, t.number, t.summary, c.name AS customer_name, a.name AS area_name, \
         t.category, t.priority, t.status, u.name AS assignee_name, t.due_at, t.sla_paused_at, \
         (t.first_response_breached OR t.resolution_breached) AS breached \
         FROM {tickets} JOIN customers c ON c.id = t.customer_id \
         LEFT JOIN areas a ON a.id = t.area_id LEFT JOIN users u ON u.id = t.assignee_id"
    )
}

/// Which tickets a staff list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// New, open and waiting: what still needs the office.
    #[default]
    Active,
    Any,
    Is(TicketStatus),
}

impl StatusFilter {
    /// Every ticket it keeps is active.
    fn only_active(self) -> bool {
        match self {
            StatusFilter::Active => true,
            StatusFilter::Any => false,
            StatusFilter::Is(s) => s.is_active(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaFilter {
    Breached,
    DueSoon,
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub status: StatusFilter,
    pub category: Option<Category>,
    pub priority: Option<Priority>,
    pub channel: Option<Channel>,
    pub area_id: Option<i64>,
    /// `Some(None)`: unassigned only.
    pub assignee: Option<Option<i64>>,
    pub customer_id: Option<i64>,
    pub sla: Option<SlaFilter>,
    /// What was typed in the search box.
    pub q: String,
}

/// Where the next page of a list starts. Lists sorted by due time show the tickets with a
/// running clock first (earliest deadline first), then the others (newest first).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cursor {
    Due(DateTime<Utc>, i64),
    Undated(i64),
}

impl Cursor {
    pub fn encode(&self) -> String {
        match self {
            Cursor::Due(at, id) => format!("d{}_{id}", at.timestamp_micros()),
            Cursor::Undated(id) => format!("u{id}"),
        }
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        if let Some(rest) = s.strip_prefix('d') {
            let (micros, id) = rest.split_once('_')?;
            let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
            return Some(Cursor::Due(at, id.parse().ok()?));
        }
        Some(Cursor::Undated(s.strip_prefix('u')?.parse().ok()?))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Due,
    Newest,
}

/// The WHERE conditions of `f` (joined with AND), appending their arguments to `args`;
/// `found`: what a search matched.
fn conditions(
    backend: Backend,
    f: &Filter,
    found: Option<&Found>,
    now: DateTime<Utc>,
    args: &mut Vec<Arg>,
) -> Vec<String> {
    let mut w = Vec::new();
    let arg = |args: &mut Vec<Arg>, v: Arg| {
        args.push(v);
        format!("${}", args.len())
    };
    match f.status {
        StatusFilter::Active => w.push("t.status IN ('new', 'open', 'waiting')".to_string()),
        StatusFilter::Any => {}
        StatusFilter::Is(s) => w.push(format!("t.status = {}", arg(args, s.into()))),
    }
    if let Some(v) = f.category {
        w.push(format!("t.category = {}", arg(args, v.into())));
    }
    if let Some(v) = f.priority {
        w.push(format!("t.priority = {}", arg(args, v.into())));
    }
    if let Some(v) = f.channel {
        w.push(format!("t.channel = {}", arg(args, v.into())));
    }
    if let Some(v) = f.area_id {
        w.push(format!("t.area_id = {}", arg(args, v.into())));
    }
    match f.assignee {
        Some(Some(id)) => w.push(format!("t.assignee_id = {}", arg(args, id.into()))),
        Some(None) => w.push("t.assignee_id IS NULL".into()),
        None => {}
    }
    if let Some(v) = f.customer_id {
        w.push(format!("t.customer_id = {}", arg(args, v.into())));
    }
    match f.sla {
        Some(SlaFilter::Breached) => {
            let p = arg(args, now.into());
            w.push(format!(
                "(t.due_at < {p} OR t.first_response_breached = TRUE OR t.resolution_breached = TRUE)"
            ));
        }
        Some(SlaFilter::DueSoon) => {
            let from = arg(args, now.into());
            let to = arg(args, (now + Duration::hours(1)).into());
            w.push(format!("t.due_at >= {from} AND t.due_at < {to}"));
        }
        None => {}
    }
    if let Some(found) = found {
        let list = match found {
            Found::Words { index, query } => {
                args.push(query.as_str().into());
                args.push(SEARCH_LIMIT.into());
                hits_sql(backend, index, &ticket_of_hit(), args.len() - 1, args.len())
            }
            Found::Ids(ids) => {
                args.push(ids.as_str().into());
                backend.id_list(args.len())
            }
        };
        // Among the active tickets only (about a thousand, in a partial index of their own),
        // walking them and keeping the found ones beats looking up each of up to a thousand
        // found tickets among a million: 0.5 ms against 1.5 ms for a common word
        // (bench/README.md, finding 30).
        let id = if f.status == StatusFilter::Active {
            backend.not_indexed("t.id")
        } else {
            "t.id".into()
        };
        w.push(format!("{id} IN ({list})"));
    }
    w
}

/// Most matches a search considers (messages of the newest tickets, and the newest tickets of a
/// phone): a search narrows the list first, then the filters and the order apply to what it
/// found. For a word in many complaints an older ticket falls outside; another word, its number
/// or the phone finds it.
pub const SEARCH_LIMIT: i64 = 1000;

/// What a search found, as the page's statement reads it.
enum Found {
    /// Words the page's statement reads the tickets of their newest messages for from the
    /// full-text index `index` itself (SQLite; bench/README.md, finding 43): words in at least
    /// [`SEARCH_LIMIT`] messages, or any words among the active tickets'.
    Words { index: &'static str, query: String },
    /// The tickets found, newest first, as a JSON array.
    Ids(String),
}

/// What was typed in the search box, matched against the words of the tickets' messages and,
/// when it reads as one, a ticket number or a phone; `None` when nothing matches. Each part is
/// served by an index (the full-text index, the number, the customer's tickets), so a search
/// never walks the tickets table. `active`: the list keeps active tickets only, whose messages
/// have a full-text index of their own ([`store::ACTIVE_SEARCH`]).
///
/// Among the active tickets, words count as prefixes ("lamb" finds "lambat"). Among all,
/// words count as typed first; only when fewer than [`SEARCH_LIMIT`] messages have them do
/// longer words that start with them count too. A word that many messages contain is then
/// read newest first only as far as needed, where its prefix would first merge the lists of
/// every longer word (5 ms for "lambat" in 3.2 million messages against 1 ms; bench/README.md,
/// finding 18). The price: for such a common word, longer forms ("modemnya" for "modem") are
/// found among all tickets only by typing them.
async fn search(db: &Db, typed: &str, active: bool) -> DbResult<Option<Found>> {
    let backend = db.backend();
    let number = Some(typed.to_uppercase()).filter(|n| n.starts_with("TKT-"));
    let phone = crate::types::PhoneNumber::parse(typed).ok();
    let by_words_only = number.is_none() && phone.is_none();
    let mut ids = Vec::new();
    if let (true, Some(query)) = (active, backend.full_text_query(typed)) {
        if backend == Backend::Sqlite && by_words_only {
            let index = store::ACTIVE_SEARCH;
            return Ok(Some(Found::Words { index, query }));
        }
        ids = word_hits(db, store::ACTIVE_SEARCH, query).await?;
    } else if let Some(exact) = backend.full_text_words(typed) {
        let prefixes = backend.full_text_query(typed);
        if backend == Backend::Sqlite && by_words_only {
            // SQLite reads a common word's hits inside the page's statement. PostgreSQL planned
            // the page around that subquery badly (7.5 s a search against 40 ms with the ids
            // bound; bench/README.md, finding 43), and there the count would be one more walk.
            let sql = hits_sql(backend, store::EVERY_SEARCH, "COUNT(*)", 1, 2);
            let count: i64 = db.scalar(&sql, args![exact.as_str(), SEARCH_LIMIT]).await?;
            if count >= SEARCH_LIMIT {
                return Ok(Some(Found::Words {
                    index: store::EVERY_SEARCH,
                    query: exact,
                }));
            }
            ids = word_hits(db, store::EVERY_SEARCH, prefixes.unwrap_or(exact)).await?;
        } else {
            ids = word_hits(db, store::EVERY_SEARCH, exact).await?;
            if let Some(prefixes) = prefixes.filter(|_| (ids.len() as i64) < SEARCH_LIMIT) {
                ids = word_hits(db, store::EVERY_SEARCH, prefixes).await?;
            }
        }
    }
    if let Some(number) = number {
        let found: Vec<(i64,)> = db
            .fetch_all("SELECT id FROM tickets WHERE number = $1", args![number])
            .await?;
        ids.extend(found.into_iter().map(|r| r.0));
    }
    if let Some(phone) = phone {
        let found: Vec<(i64,)> = db
            .fetch_all(
                "SELECT t.id FROM customers c JOIN tickets t ON t.customer_id = c.id \
                 WHERE c.phone = $1 ORDER BY t.id DESC LIMIT $2",
                args![phone.as_str(), SEARCH_LIMIT],
            )
            .await?;
        ids.extend(found.into_iter().map(|r| r.0));
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    ids.truncate(SEARCH_LIMIT as usize);
    if ids.is_empty() {
        return Ok(None);
    }
    let json = serde_json::to_string(&ids).expect("numbers serialise");
    Ok(Some(Found::Ids(json)))
}

/// The tickets of the newest [`SEARCH_LIMIT`] messages the full-text query `words` matches in
/// `index`, newest first (a ticket once per message), read from the index's keys as one JSON
/// list.
async fn word_hits(db: &Db, index: &str, words: String) -> DbResult<Vec<i64>> {
    let backend = db.backend();
    let sql = hits_sql(
        backend,
        index,
        &backend.json_array_agg(&ticket_of_hit()),
        1,
        2,
    );
    let list: String = db.scalar(&sql, args![words, SEARCH_LIMIT]).await?;
    serde_json::from_str(&list).map_err(|e| sqlx::Error::Decode(e.into()))
}

/// `select` over the newest messages of full-text index `index` (at most the number bound at
/// `$limit`) that the full-text query bound at `$words` matches, each row a `hit` (the
/// message's key).
fn hits_sql(backend: Backend, index: &str, select: &str, words: usize, limit: usize) -> String {
    format!(
        "SELECT {select} FROM ({}) hits",
        backend.full_text_select(index, words, limit)
    )
}

/// The ticket of a `hit` of [`hits_sql`] (its key is the ticket's id times the span).
fn ticket_of_hit() -> String {
    format!("hit / {SEARCH_KEY_SPAN}")
}

/// One page of a staff list and where the next one starts.
pub async fn page(
    db: &Db,
    f: &Filter,
    sort: Sort,
    after: Option<Cursor>,
    limit: i64,
    now: DateTime<Utc>,
) -> DbResult<(Vec<ListRow>, Option<Cursor>)> {
    let q = f.q.trim();
    let found = if q.is_empty() {
        None
    } else {
        match search(db, q, f.status.only_active()).await? {
            Some(found) => Some(found),
            None => return Ok((Vec::new(), None)),
        }
    };
    let found = found.as_ref();
    let backend = db.backend();
    let mut rows = Vec::new();
    if sort == Sort::Due && !matches!(after, Some(Cursor::Undated(_))) {
        let mut args = Vec::new();
        let mut w = conditions(backend, f, found, now, &mut args);
        w.push("t.due_at IS NOT NULL".into());
        if let Some(Cursor::Due(at, id)) = after {
            args.push(at.into());
            args.push(id.into());
            let (a, b) = (args.len() - 1, args.len());
            w.push(format!(
                "(t.due_at > ${a} OR (t.due_at = ${a} AND t.id > ${b}))"
            ));
        }
        args.push((limit + 1).into());
        // The active tickets' clocks in order from their own index. SQLite picks it only with
        // the statistics `ANALYZE` gathers, which a real office's database never has: without
        // them it read every active ticket by status, joined and sorted them all (1,600 pages
        // a second against 5,700; bench/README.md, finding 38).
        let head = if f.status == StatusFilter::Active {
            &ACTIVE_BY_DUE
        } else {
            &TICKETS
        };
        let sql = page_of(
            backend,
            head,
            &format!("WHERE {}", w.join(" AND ")),
            "t.due_at, t.id",
            args.len(),
        );
        rows = read(db, f, found, &sql, args).await?;
        if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            let next = rows
                .last()
                .map(|r| Cursor::Due(r.due_at.unwrap_or_default(), r.id));
            return Ok((rows, next));
        }
    }
    let left = limit - rows.len() as i64;
    let mut args = Vec::new();
    let mut w = conditions(backend, f, found, now, &mut args);
    if sort == Sort::Due {
        w.push("t.due_at IS NULL".into());
    }
    if let Some(Cursor::Undated(id)) = after {
        args.push(id.into());
        w.push(format!("t.id < ${}", args.len()));
    }
    args.push((left + 1).into());
    let sql = page_of(
        backend,
        &TICKETS,
        &if w.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", w.join(" AND "))
        },
        "t.id DESC",
        args.len(),
    );
    let mut more = read(db, f, found, &sql, args).await?;
    let next = if more.len() as i64 > left {
        more.truncate(left as usize);
        // When the dated part filled the page, the undated part starts on the next one.
        Some(
            more.last()
                .map_or(Cursor::Undated(i64::MAX), |r| Cursor::Undated(r.id)),
        )
    } else {
        None
    };
    rows.extend(more);
    Ok((rows, next))
}

/// The rows of one of a page's statements. The desk's shared lists are remembered until the
/// next commit: every staff member reloads them far more often than tickets change
/// (bench/README.md, finding 46). Not a search (typed once), a list bound to the clock (its
/// key would change every request) or one customer's tickets (each key read a few times).
async fn read(
    db: &Db,
    f: &Filter,
    found: Option<&Found>,
    sql: &str,
    args: Vec<Arg>,
) -> DbResult<Vec<ListRow>> {
    if found.is_none() && f.sla.is_none() && f.customer_id.is_none() {
        db.fetch_all_remembered(sql, args).await
    } else {
        db.fetch_all(sql, args).await
    }
}

/// The list's statement head as SQLite reads it, built once: from the tickets table, and from
/// the active tickets by their clocks' own (partial) index.
static TICKETS: LazyLock<String> = LazyLock::new(|| select_from("tickets t"));
static ACTIVE_BY_DUE: LazyLock<String> =
    LazyLock::new(|| select_from("tickets t INDEXED BY tickets_active_due"));

/// The statement reading one page of tickets: those `filter` keeps, in `order`, at most the
/// number bound at `$limit`. On PostgreSQL the page is chosen from the tickets alone and joined
/// with its customers, areas and assignees afterwards: joined first, PostgreSQL (which guessed
/// one active ticket where there were 845) joined every active ticket before sorting them
/// (3,900 buffers and 3.5 ms a page instead of 0.5 ms). SQLite walks the index in order and
/// stops either way, and the subquery would cost it a copy and a sort (a fifth of the list's
/// speed). bench/README.md, finding 35. `sqlite_head`: [`TICKETS`], or [`ACTIVE_BY_DUE`] where
/// SQLite must be told the index (finding 38); PostgreSQL plans with the statistics it keeps.
fn page_of(backend: Backend, sqlite_head: &str, filter: &str, order: &str, limit: usize) -> String {
    match backend {
        Backend::Sqlite => format!("{sqlite_head} {filter} ORDER BY {order} LIMIT ${limit}"),
        Backend::Postgres => {
            let page =
                format!("(SELECT * FROM tickets t {filter} ORDER BY {order} LIMIT ${limit}) t");
            format!("{} ORDER BY {order}", select_from(&page))
        }
    }
}

/// The counts on the staff home page: (open, unassigned, due within the hour, breached), over
/// the active tickets only.
pub async fn desk_counts(db: &Db, now: DateTime<Utc>) -> DbResult<(i64, i64, i64, i64)> {
    db.fetch_one(
        "SELECT COUNT(*), \
         COALESCE(SUM(CASE WHEN assignee_id IS NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN due_at >= $1 AND due_at < $2 THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN due_at < $1 OR first_response_breached = TRUE OR resolution_breached = TRUE THEN 1 ELSE 0 END), 0) \
         FROM tickets WHERE status IN ('new', 'open', 'waiting')",
        args![now, now + Duration::hours(1)],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh database has no `ANALYZE` statistics, as a real office's never does: the staff
    /// list's first page still walks the active tickets' clock index in order and stops, with
    /// nothing to sort (finding 38).
    #[tokio::test]
    async fn the_active_list_reads_its_index_in_order_without_statistics() {
        // Unfiltered, and narrowed by a common word's newest hits or by found ids.
        let searches = [
            None,
            Some(Found::Words {
                index: store::EVERY_SEARCH,
                query: "lambat".into(),
            }),
            Some(Found::Words {
                index: store::ACTIVE_SEARCH,
                query: "lambat*".into(),
            }),
            Some(Found::Ids("[3,2,1]".into())),
        ];
        for found in &searches {
            let mut args = Vec::new();
            let mut w = conditions(
                Backend::Sqlite,
                &Filter::default(),
                found.as_ref(),
                Utc::now(),
                &mut args,
            );
            w.push("t.due_at IS NOT NULL".into());
            args.push(51.into());
            let sql = page_of(
                Backend::Sqlite,
                &ACTIVE_BY_DUE,
                &format!("WHERE {}", w.join(" AND ")),
                "t.due_at, t.id",
                args.len(),
            );
            let plan = crate::db::sqlite_plan_without_statistics(&sql, args).await;
            assert!(
                plan[0].contains("USING INDEX tickets_active_due"),
                "{plan:?}"
            );
            assert!(!plan.iter().any(|d| d.contains("TEMP B-TREE")), "{plan:?}");
        }
    }
}
