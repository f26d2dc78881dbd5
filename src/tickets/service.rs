//! Ticket operations. Each runs in one transaction with its audit row, its line on the
//! customer's timeline and its notices; a status move is checked against
//! [`TicketStatus::can_move_to`] and written conditionally on the status it was decided from.

use chrono::{DateTime, Utc};

use super::model::{Priority, TicketStatus, MAX_BODY_CHARS};
use super::notice::{self, Notice};
use super::sla::Policy;
use super::store::{self, Change, NewMessage, TicketRow};
use crate::args;
use crate::audit::{self, Action, Actor};
use crate::customers::events::EventKind;
use crate::customers::store as customers;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::notify::Links;
use crate::satisfaction::model::SubjectKind;
use crate::uploads::access::Context;
use crate::uploads::process::Prepared;
use crate::uploads::store::{self as uploads, Attach};
use crate::words::Detail;

/// A message body as typed: trimmed, not empty, not longer than [`MAX_BODY_CHARS`].
pub fn parse_body(body: &str) -> Result<String, &'static str> {
    let body = body.trim();
    if body.is_empty() {
        Err("ticket.error.body_required")
    } else if body.chars().count() > MAX_BODY_CHARS {
        Err("ticket.error.body_too_long")
    } else {
        Ok(body.to_string())
    }
}

pub(super) async fn attach_photos(
    tx: &mut Tx,
    photos: &[Prepared],
    message_id: i64,
    subject: Option<i64>,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for p in photos {
        uploads::insert_in(
            tx,
            p,
            &Attach {
                context: Context::TicketPhoto,
                context_id: Some(message_id),
                owner_id: actor.id,
                subject_id: subject,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// The ticket, locked for the rest of `tx`.
async fn locked(tx: &mut Tx, id: i64) -> AppResult<TicketRow> {
    tx.lock_row("tickets", id).await?;
    store::get(&mut *tx, id).await?.ok_or(AppError::NotFound)
}

/// The next deadline of a running clock: the first response while none was given, then the
/// resolution. `None` while the clock is paused and nothing else is pending.
fn next_due(
    first_response_at: Option<DateTime<Utc>>,
    first_due: Option<DateTime<Utc>>,
    resolution_due: Option<DateTime<Utc>>,
    paused: bool,
) -> Option<DateTime<Utc>> {
    let first = first_response_at.is_none().then_some(first_due).flatten();
    if paused {
        return first;
    }
    match (first, resolution_due) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What moving `t` to `to` at `now` writes, the SLA clocks included.
fn transition(t: &TicketRow, to: TicketStatus, policy: &Policy, now: DateTime<Utc>) -> Change {
    use TicketStatus::*;
    let mut c = Change {
        status: Some(to),
        ..Change::default()
    };
    let cal = &policy.calendar;
    match (t.status, to) {
        (Open, Waiting) => {
            let left = t.resolution_due_at.map(|d| cal.between(now, d));
            // A deadline already missed stays missed while the ticket waits.
            if t.resolution_due_at.is_some_and(|d| now > d) {
                c.resolution_breached = Some(true);
            }
            if t.first_response_at.is_none() && t.first_response_due_at.is_some_and(|d| now > d) {
                c.first_response_breached = Some(true);
            }
            c.sla_paused_at = Some(Some(now));
            c.resolution_left_secs = Some(left);
            c.due_at = Some(next_due(
                t.first_response_at,
                t.first_response_due_at,
                None,
                true,
            ));
        }
        (Waiting, Open | VisitScheduled) => {
            let resolution_due = t
                .resolution_left_secs
                .map(|left| cal.add(now, left))
                .or(t.resolution_due_at);
            c.resolution_due_at = Some(resolution_due);
            c.sla_paused_at = Some(None);
            c.resolution_left_secs = Some(None);
            c.due_at = Some(next_due(
                t.first_response_at,
                t.first_response_due_at,
                resolution_due,
                false,
            ));
        }
        (Open | VisitScheduled, Resolved) => {
            c.resolved_at = Some(Some(now));
            c.due_at = Some(None);
            c.resolution_breached = Some(t.resolution_due_at.is_some_and(|d| now > d));
            if t.first_response_at.is_none() {
                c.first_response_at = Some(now);
                c.first_response_breached = Some(t.first_response_due_at.is_some_and(|d| now > d));
            }
        }
        (Resolved, Closed) => {
            c.closed_at = Some(now);
        }
        (Resolved, Open) => {
            // A reopened ticket gets a fresh resolution clock; the reopen is counted.
            let resolution_due = cal.add(now, policy.targets.resolution(t.priority));
            c.resolved_at = Some(None);
            c.resolution_due_at = Some(Some(resolution_due));
            c.due_at = Some(Some(resolution_due));
            c.resolution_breached = Some(false);
            c.reopened = true;
        }
        _ => {}
    }
    // Telling the customer when the technician comes answers them.
    if to == VisitScheduled && t.first_response_at.is_none() {
        c.first_response_at = Some(now);
        c.first_response_breached = Some(t.first_response_due_at.is_some_and(|d| now > d));
        let resolution_due = c.resolution_due_at.unwrap_or(t.resolution_due_at);
        c.due_at = Some(resolution_due);
    }
    c
}

/// Moves `t` to `to` in `tx` (checked, conditional on its current status), with the audit row
/// and the timeline line. Whoever resolves an unassigned ticket becomes its assignee. Returns
/// the ticket as it is now.
async fn move_to(
    tx: &mut Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    t: &TicketRow,
    to: TicketStatus,
) -> AppResult<TicketRow> {
    if !t.status.can_move_to(to) {
        return Err(AppError::Conflict("ticket.error.invalid_move"));
    }
    let policy = Policy::load(&mut *tx).await?;
    let mut c = transition(t, to, &policy, now);
    if to == TicketStatus::Resolved && t.assignee_id.is_none() {
        c.assignee_id = Some(actor.id);
    }
    if !store::update(tx, t.id, t.status, &c, now).await? {
        return Err(AppError::Conflict("ticket.error.changed"));
    }
    if t.status.is_active() != to.is_active() {
        store::index_active(tx, t.id, to.is_active()).await?;
    }
    let ticket = Detail::new().record("ticket", t.id, &t.number);
    let kind = match to {
        TicketStatus::New | TicketStatus::Open => EventKind::TicketOpen,
        TicketStatus::Waiting => EventKind::TicketWaiting,
        TicketStatus::VisitScheduled => EventKind::TicketVisitScheduled,
        TicketStatus::Resolved => EventKind::TicketResolved,
        TicketStatus::Closed => EventKind::TicketClosed,
    };
    customers::add_event(tx, t.customer_id, kind, &ticket.stored(), actor.name, now).await?;
    if matches!(to, TicketStatus::Resolved | TicketStatus::Closed) {
        // The problem is gone: nobody needs to go out for it any more.
        crate::visits::queue::cancel_open(tx, actor, now, None, Some(t.id), &t.number).await?;
    }
    let moved = ticket
        .with("ticket_status_from", t.status)
        .with("ticket_status_to", to);
    audit::record_in(
        tx,
        now,
        actor,
        Action::TicketStatus,
        Some(("ticket", t.id)),
        &moved,
    )
    .await?;
    store::get(&mut *tx, t.id).await?.ok_or(AppError::NotFound)
}

/// The notice a move tells the customer, if any.
fn move_notice(to: TicketStatus) -> Option<Notice> {
    match to {
        TicketStatus::Waiting => Some(Notice::Waiting),
        TicketStatus::Resolved => Some(Notice::Resolved),
        _ => None,
    }
}

async fn tell(
    tx: &mut Tx,
    links: &Links,
    notice: Notice,
    t: &TicketRow,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let rating = (notice == Notice::Resolved).then(|| rating_url(links, t.id, now));
    notice::send(tx, links, notice, t, rating.as_deref(), now).await?;
    Ok(())
}

fn rating_url(links: &Links, ticket_id: i64, now: DateTime<Utc>) -> String {
    crate::satisfaction::link::rating_url(links, SubjectKind::Ticket, ticket_id, now)
}

pub struct StaffReply {
    pub body: String,
    /// A note only staff see: no notice, no first response, no status change.
    pub internal: bool,
    /// Where the ticket goes with a public reply: `Waiting` or `Resolved` (else it stays, a
    /// new ticket becoming open).
    pub then: Option<TicketStatus>,
}

/// A staff reply or internal note. A public reply is the first response if none was given,
/// opens a new ticket, and tells the customer.
pub async fn staff_reply(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    r: StaffReply,
) -> AppResult<()> {
    let body = parse_body(&r.body).map_err(|k| AppError::field("body", k))?;
    let mut tx = db.begin().await?;
    let mut t = locked(&mut tx, id).await?;
    if r.internal {
        store::add_message(&mut tx, &staff_message(id, actor, true, &body), "", now).await?;
        audit::record_in(
            &mut tx,
            now,
            actor,
            Action::TicketNote,
            Some(("ticket", id)),
            &Detail::new().record("ticket", id, &t.number),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    if t.status == TicketStatus::Closed {
        return Err(AppError::Conflict("ticket.error.closed"));
    }
    // A reply opens a new ticket; `then` moves it on, through open where it must.
    let target = r.then.unwrap_or(match t.status {
        TicketStatus::New => TicketStatus::Open,
        s => s,
    });
    let steps = path(t.status, target).ok_or(AppError::Conflict("ticket.error.invalid_move"))?;
    store::add_message(&mut tx, &staff_message(id, actor, false, &body), "", now).await?;
    if t.first_response_at.is_none() {
        let c = Change {
            first_response_at: Some(now),
            first_response_breached: Some(t.first_response_due_at.is_some_and(|d| now > d)),
            due_at: Some(next_due(
                Some(now),
                None,
                t.resolution_due_at,
                t.sla_paused_at.is_some(),
            )),
            ..Change::default()
        };
        if !store::update(&mut tx, id, t.status, &c, now).await? {
            return Err(AppError::Conflict("ticket.error.changed"));
        }
        t = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    }
    for to in steps {
        t = move_to(&mut tx, actor, now, &t, to).await?;
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::TicketReply,
        Some(("ticket", id)),
        &Detail::new().record("ticket", id, &t.number),
    )
    .await?;
    let notice = move_notice(t.status)
        .filter(|_| r.then.is_some())
        .unwrap_or(Notice::Replied);
    tell(&mut tx, links, notice, &t, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The moves from `from` to `to`: none when already there, one when allowed, or two through
/// open (a new ticket answered and resolved at once). `None`: not reachable by a reply.
fn path(from: TicketStatus, to: TicketStatus) -> Option<Vec<TicketStatus>> {
    if from == to {
        Some(Vec::new())
    } else if from.can_move_to(to) {
        Some(vec![to])
    } else if from != TicketStatus::Resolved
        && from.can_move_to(TicketStatus::Open)
        && TicketStatus::Open.can_move_to(to)
    {
        Some(vec![TicketStatus::Open, to])
    } else {
        None
    }
}

fn staff_message<'a>(
    ticket_id: i64,
    actor: Actor<'a>,
    internal: bool,
    body: &'a str,
) -> NewMessage<'a> {
    NewMessage {
        ticket_id,
        author_id: actor.id,
        author_name: actor.name,
        author_kind: "staff",
        internal,
        body,
    }
}

/// A staff status change without a message: open, wait, resolve, close, reopen.
pub async fn set_status(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    to: TicketStatus,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let t = locked(&mut tx, id).await?;
    let t = move_to(&mut tx, actor, now, &t, to).await?;
    if let Some(n) = move_notice(to) {
        tell(&mut tx, links, n, &t, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a repair or relocation visit did to the ticket it serves.
pub enum VisitEffect<'a> {
    /// Booked: the ticket waits for the visit ("visit scheduled").
    Scheduled,
    /// Done and fixed: resolved; the report goes into the thread as a public message.
    Fixed { report: &'a str },
    /// Done but not fixed, failed or called off: open again, with why as an internal note.
    Reopened { note: &'a str },
}

/// Applies a visit's effect to ticket `id` inside the visit's transaction (which writes the
/// audit row of the visit; the move writes its own). A ticket that cannot make the move (closed
/// meanwhile, or already resolved by staff) is left alone; returns whether it moved.
pub async fn visit_moved(
    tx: &mut Tx,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    effect: VisitEffect<'_>,
) -> AppResult<bool> {
    let t = locked(tx, id).await?;
    let (to, message, internal) = match effect {
        VisitEffect::Scheduled => (TicketStatus::VisitScheduled, None, false),
        VisitEffect::Fixed { report } => (TicketStatus::Resolved, Some(report), false),
        VisitEffect::Reopened { note } => (TicketStatus::Open, Some(note), true),
    };
    if !t.status.can_move_to(to) {
        return Ok(false);
    }
    if let Some(body) = message {
        store::add_message(tx, &staff_message(id, actor, internal, body), "", now).await?;
    }
    let t = move_to(tx, actor, now, &t, to).await?;
    if let Some(n) = move_notice(to) {
        tell(tx, links, n, &t, now).await?;
    }
    Ok(true)
}

pub struct CustomerReply<'a> {
    pub ticket_id: i64,
    /// The customer writing: another customer's ticket is "not found".
    pub customer_id: i64,
    pub body: &'a str,
    pub photos: Vec<Prepared>,
}

/// The customer writes on their ticket: it reopens a waiting or resolved ticket; a closed one
/// takes no more messages (the customer files a new one). `not_fixed` says so in the thread.
pub async fn customer_reply(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    r: CustomerReply<'_>,
) -> AppResult<()> {
    let CustomerReply {
        ticket_id: id,
        customer_id,
        body,
        photos,
    } = r;
    let body = parse_body(body).map_err(|k| AppError::field("body", k))?;
    let mut tx = db.begin().await?;
    let t = locked(&mut tx, id).await?;
    if t.customer_id != customer_id {
        return Err(AppError::NotFound);
    }
    if t.status == TicketStatus::Closed {
        return Err(AppError::field("body", "ticket.error.closed"));
    }
    let message_id = store::add_message(
        &mut tx,
        &NewMessage {
            ticket_id: id,
            author_id: actor.id,
            author_name: actor.name,
            author_kind: "customer",
            internal: false,
            body: &body,
        },
        "",
        now,
    )
    .await?;
    attach_photos(&mut tx, &photos, message_id, t.customer_user_id, actor, now).await?;
    let t = if matches!(t.status, TicketStatus::Waiting | TicketStatus::Resolved) {
        move_to(&mut tx, actor, now, &t, TicketStatus::Open).await?
    } else {
        t
    };
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::TicketCustomerReply,
        Some(("ticket", id)),
        &Detail::new().record("ticket", id, &t.number),
    )
    .await?;
    tell(&mut tx, links, Notice::CustomerReplied, &t, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns the ticket to an active admin, or to nobody. Audited; the new assignee is told.
pub async fn assign(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    assignee: Option<i64>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let t = locked(&mut tx, id).await?;
    if !t.status.is_active() {
        return Err(AppError::Conflict("ticket.error.not_active"));
    }
    let mut name = "-".to_string();
    if let Some(user) = assignee {
        name = tx
            .fetch_optional::<(String,)>(
                "SELECT name FROM users WHERE id = $1 AND role = 'admin' AND active = TRUE",
                args![user],
            )
            .await?
            .ok_or_else(|| AppError::field("assignee", "ticket.error.assignee"))?
            .0;
    }
    if t.assignee_id == assignee {
        return Ok(());
    }
    let c = Change {
        assignee_id: Some(assignee),
        ..Change::default()
    };
    if !store::update(&mut tx, id, t.status, &c, now).await? {
        return Err(AppError::Conflict("ticket.error.changed"));
    }
    // Nobody: an empty value, read as "(none)".
    let name = if assignee.is_some() {
        name
    } else {
        String::new()
    };
    let detail = Detail::new()
        .record("ticket", id, &t.number)
        .with("assignee_from", t.assignee_name.as_deref().unwrap_or(""))
        .with("assignee", &name);
    customers::add_event(
        &mut tx,
        t.customer_id,
        EventKind::TicketAssigned,
        &detail.stored(),
        actor.name,
        now,
    )
    .await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::TicketAssign,
        Some(("ticket", id)),
        &detail,
    )
    .await?;
    let t = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if assignee.is_some() && assignee != actor.id {
        tell(&mut tx, links, Notice::Assigned, &t, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets the priority; the deadlines are counted again from the filing time with the new
/// targets (a paused clock keeps its pause).
pub async fn set_priority(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    priority: Priority,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let t = locked(&mut tx, id).await?;
    if !t.status.is_active() {
        return Err(AppError::Conflict("ticket.error.not_active"));
    }
    if t.priority == priority {
        return Ok(());
    }
    // The deadlines move by the difference between the two targets, so that pauses and a
    // reopened ticket's fresh clock are kept.
    let policy = Policy::load(&mut tx).await?;
    let (targets, cal) = (&policy.targets, &policy.calendar);
    let first_shift = targets.first_response(priority) - targets.first_response(t.priority);
    let resolution_shift = targets.resolution(priority) - targets.resolution(t.priority);
    let first_due = t.first_response_due_at.map(|d| cal.add(d, first_shift));
    let paused = t.sla_paused_at.is_some();
    let resolution_due = t.resolution_due_at.map(|d| cal.add(d, resolution_shift));
    let mut c = Change {
        priority: Some(priority),
        ..Change::default()
    };
    if t.first_response_at.is_none() {
        c.first_response_due_at = first_due;
    }
    if paused {
        c.resolution_left_secs = Some(t.resolution_left_secs.map(|l| l + resolution_shift));
    } else {
        c.resolution_due_at = Some(resolution_due);
    }
    c.due_at = Some(next_due(
        t.first_response_at,
        first_due,
        resolution_due.filter(|_| !paused),
        paused,
    ));
    if !store::update(&mut tx, id, t.status, &c, now).await? {
        return Err(AppError::Conflict("ticket.error.changed"));
    }
    let detail = Detail::new()
        .record("ticket", id, &t.number)
        .with("priority_from", t.priority)
        .with("priority_to", priority);
    customers::add_event(
        &mut tx,
        t.customer_id,
        EventKind::TicketPriority,
        &detail.stored(),
        actor.name,
        now,
    )
    .await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::TicketPriority,
        Some(("ticket", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- jobs ----

/// Closes tickets resolved before `before` that nobody reopened. Returns how many closed.
pub async fn auto_close(db: &Db, now: DateTime<Utc>, before: DateTime<Utc>) -> AppResult<usize> {
    let actor = Actor {
        id: None,
        name: "Setia",
        ip: "-",
    };
    let mut closed = 0;
    for id in store::resolved_before(db, before, 200).await? {
        let mut tx = db.begin().await?;
        let t = locked(&mut tx, id).await?;
        if t.status != TicketStatus::Resolved || t.resolved_at.is_none_or(|at| at >= before) {
            continue;
        }
        move_to(&mut tx, actor, now, &t, TicketStatus::Closed).await?;
        tx.commit().await?;
        closed += 1;
    }
    Ok(closed)
}

/// Warns the assignee and the admins about every deadline ending within the hour (once per
/// deadline; a deadline already past is only marked as seen). Returns how many warnings went
/// out. (Missed deadlines are recorded when the ticket is answered, paused or resolved, and
/// lists show a running clock past its deadline as breached.)
pub async fn warn_due(db: &Db, links: &Links, now: DateTime<Utc>) -> AppResult<usize> {
    let mut warned = 0;
    for t in store::due_unwarned(db, now + chrono::Duration::hours(1), 200).await? {
        let Some(due) = t.due_at else { continue };
        let mut tx = db.begin().await?;
        if !store::mark_warned(&mut tx, t.id, due).await? {
            continue;
        }
        if due > now {
            tell(&mut tx, links, Notice::DueSoon, &t, now).await?;
            warned += 1;
        }
        tx.commit().await?;
    }
    Ok(warned)
}

// ---- saved replies ----

/// A saved reply as typed: a title up to 80 characters and a body.
pub fn parse_saved_reply(title: &str, body: &str) -> AppResult<(String, String)> {
    let mut errors = crate::error::FieldErrors::default();
    let title = errors.check("title", crate::web::required(title, 80));
    let body = errors.check("body", parse_body(body));
    match (title, body) {
        (Some(t), Some(b)) if errors.is_empty() => Ok((t, b)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// Creates (`id` None) or changes a saved reply; audited.
pub async fn save_reply(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: Option<i64>,
    title: &str,
    body: &str,
) -> AppResult<i64> {
    let (title, body) = parse_saved_reply(title, body)?;
    let mut tx = db.begin().await?;
    let id = match id {
        Some(id) => {
            if !store::update_saved_reply(&mut tx, id, &title, &body, now).await? {
                return Err(AppError::NotFound);
            }
            id
        }
        None => store::insert_saved_reply(&mut tx, &title, &body, now).await?,
    };
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::SavedReplySave,
        Some(("saved_reply", id)),
        &Detail::new().with("title", &title),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn delete_reply(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let reply = store::saved_reply(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::delete_saved_reply(&mut tx, id).await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::SavedReplyDelete,
        Some(("saved_reply", id)),
        &Detail::new().with("title", &reply.title),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
