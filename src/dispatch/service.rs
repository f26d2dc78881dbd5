//! Visit operations: scheduling (no double booking), the technician's steps, the report, failing
//! and cancelling, and opening a job from a ticket or a subscription. Each runs in one
//! transaction with its history line, its audit row, its line on the customer's timeline, its
//! notices, and its effect on the registration or ticket the visit serves.

use chrono::{DateTime, NaiveTime, Timelike, Utc};

use super::notice::{self, Notice};
use crate::audit::{self, Action, Actor};
use crate::auth::Role;
use crate::customers::events::EventKind;
use crate::customers::store as customers;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::notify::Links;
use crate::satisfaction::model::SubjectKind;
use crate::signup::pipeline::{self, VisitEffect as RegEffect};
use crate::tickets::service::{self as tickets, VisitEffect as TicketEffect};
use crate::types::{wib, wib_date};
use crate::uploads::access::Context;
use crate::uploads::process::Prepared;
use crate::uploads::store::{self as uploads, Attach};
use crate::visits::model::{FailReason, Slot, VisitKind, VisitStatus, WorkingHours};
use crate::visits::queue;
use crate::visits::store::{self, NewReport, NewVisit, VisitRow};
use crate::words::Detail;

/// Who acts on a visit: the office, or the technician it is booked for (anyone else's visit is
/// "not found" to a technician).
fn check_access(v: &VisitRow, actor: Actor<'_>, role: Role) -> AppResult<()> {
    match role {
        Role::Admin => Ok(()),
        Role::Technician if v.technician_id.is_some() && v.technician_id == actor.id => Ok(()),
        _ => Err(AppError::NotFound),
    }
}

async fn locked(tx: &mut Tx, id: i64) -> AppResult<VisitRow> {
    store::locked(tx, id).await?.ok_or(AppError::NotFound)
}

/// The time of day in WIB.
fn wib_time(now: DateTime<Utc>) -> NaiveTime {
    let t = now.with_timezone(&wib()).time();
    NaiveTime::from_hms_opt(t.hour(), t.minute(), 0).unwrap_or(t)
}

/// A change of visit `v` (as it is now): its history line (`detail` as typed), and `said`.
async fn record(
    tx: &mut Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    v: &VisitRow,
    kind: &str,
    detail: &str,
) -> AppResult<()> {
    store::add_event(tx, v.id, kind, detail, (actor.id, actor.name), now).await?;
    said(tx, actor, now, v, kind).await
}

/// The visit's line on the customer's timeline and its audit row, in words.
async fn said(
    tx: &mut Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    v: &VisitRow,
    kind: &str,
) -> AppResult<()> {
    let (event, action) = match kind {
        "queued" => (EventKind::VisitQueued, Action::VisitQueued),
        "scheduled" => (EventKind::VisitScheduled, Action::VisitScheduled),
        "rescheduled" => (EventKind::VisitRescheduled, Action::VisitRescheduled),
        "on_the_way" => (EventKind::VisitOnTheWay, Action::VisitOnTheWay),
        "in_progress" => (EventKind::VisitInProgress, Action::VisitInProgress),
        "done" => (EventKind::VisitDone, Action::VisitDone),
        "failed" => (EventKind::VisitFailed, Action::VisitFailed),
        _ => (EventKind::VisitCancelled, Action::VisitCancelled),
    };
    let mut d = Detail::new()
        .record("visit", v.id, &v.number)
        .with("visit_kind", v.kind);
    if let Some(t) = &v.technician_name {
        d = d.with("technician", t);
    }
    if matches!(kind, "scheduled" | "rescheduled") {
        d = d.with("when", v.slot_text());
    }
    if let Some(r) = v.fail_reason {
        d = d.with("fail_reason", r);
    }
    if matches!(kind, "failed" | "cancelled") {
        d = d.note(&v.outcome_note);
    }
    customers::add_event(tx, v.customer_id, event, &d.stored(), actor.name, now).await?;
    let audited = d.record("customer", v.customer_id, &v.customer_name);
    audit::record_in(tx, now, actor, action, Some(("visit", v.id)), &audited).await?;
    Ok(())
}

pub struct Booking {
    pub technician_id: i64,
    pub slot: Slot,
    pub notes: String,
    /// The status the form was filled in for: a visit someone else booked meanwhile is not
    /// silently rebooked over (409).
    pub seen: Option<VisitStatus>,
}

/// Why a booking was refused.
#[derive(Debug)]
pub enum BookError {
    /// A field's value breaks a rule: the field and the message key.
    Field(&'static str, &'static str),
    /// The technician already has this visit in an overlapping window.
    Clash(Box<VisitRow>),
    Other(AppError),
}

impl<E: Into<AppError>> From<E> for BookError {
    fn from(e: E) -> Self {
        BookError::Other(e.into())
    }
}

/// Books visit `id` (queued, or scheduled: rescheduling) for a technician and a slot. The slot
/// lies in working hours and not in the past; the technician is active; no booked visit of theirs
/// overlaps — checked under a lock on the technician's row, so two admins booking the same slot
/// at once cannot both succeed. The customer is told (and the technician); a registration
/// becomes scheduled, a ticket "visit scheduled".
pub async fn schedule(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    hours: WorkingHours,
    id: i64,
    b: &Booking,
) -> Result<VisitRow, BookError> {
    b.slot
        .check(hours, wib_date(now), wib_time(now))
        .map_err(|(f, k)| BookError::Field(f, k))?;
    if b.notes.chars().count() > 1000 {
        return Err(BookError::Field("notes", "validation.too_long"));
    }
    let mut tx = db.begin().await?;
    let v = locked(&mut tx, id).await?;
    if !v.status.can_move_to(VisitStatus::Scheduled) {
        return Err(AppError::Conflict("visit.error.invalid_move").into());
    }
    if b.seen.is_some_and(|seen| seen != v.status) {
        return Err(AppError::Conflict("visit.error.changed").into());
    }
    let technician: Option<(String,)> = tx
        .fetch_optional(
            "SELECT name FROM users WHERE id = $1 AND role = $2 AND active = TRUE",
            crate::args![b.technician_id, Role::Technician.as_str()],
        )
        .await?;
    if technician.is_none() {
        return Err(BookError::Field(
            "technician_id",
            "validation.technician_required",
        ));
    }
    // Serialises every booking of this technician (PostgreSQL; SQLite has one writer).
    tx.lock_row("users", b.technician_id).await?;
    if let Some(c) = store::clash(&mut tx, b.technician_id, &b.slot, v.id).await? {
        return Err(BookError::Clash(Box::new(c)));
    }
    if !store::book(
        &mut tx,
        v.id,
        v.status,
        b.technician_id,
        &b.slot,
        &b.notes,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict("visit.error.changed").into());
    }
    let after = store::get(&mut tx, v.id).await?.ok_or(AppError::NotFound)?;
    let tech = after.technician_name.clone().unwrap_or_default();
    let rescheduled = v.status == VisitStatus::Scheduled;
    let (kind, detail) = if rescheduled {
        let before = format!(
            "{} · {}",
            v.slot_text(),
            v.technician_name.as_deref().unwrap_or("")
        );
        (
            "rescheduled",
            format!("{before} → {} · {tech}", b.slot.text()),
        )
    } else {
        ("scheduled", format!("{} · {tech}", b.slot.text()))
    };
    record(&mut tx, actor, now, &after, kind, &detail).await?;
    match (after.registration_id, after.ticket_id) {
        (Some(reg), _) if after.kind == VisitKind::Installation => {
            let (date, window) = (
                b.slot.date.format("%d/%m/%Y").to_string(),
                after.window_text(),
            );
            let effect = RegEffect::Scheduled {
                date: &date,
                window: &window,
                technician: &tech,
            };
            pipeline::visit_moved(&mut tx, actor, now, reg, effect).await?;
        }
        (_, Some(ticket)) => {
            tickets::visit_moved(&mut tx, links, actor, now, ticket, TicketEffect::Scheduled)
                .await?;
        }
        _ => {}
    }
    let told = if rescheduled {
        Notice::Rescheduled
    } else {
        Notice::Scheduled
    };
    // A new time or a new technician is news; a changed note alone is not.
    let changed =
        !rescheduled || v.slot() != Some(b.slot) || v.technician_id != Some(b.technician_id);
    if changed {
        notice::send(&mut tx, links, told, &after, "", now).await?;
        notice::send(&mut tx, links, Notice::Assigned, &after, "", now).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// The technician sets out, or starts work on site. Setting out is refused before the planned
/// day; the customer is told the technician is on the way.
pub async fn step(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    role: Role,
    now: DateTime<Utc>,
    id: i64,
    to: VisitStatus,
) -> AppResult<VisitRow> {
    if !matches!(to, VisitStatus::OnTheWay | VisitStatus::InProgress) {
        return Err(AppError::BadRequest("error.bad_request"));
    }
    let mut tx = db.begin().await?;
    let v = locked(&mut tx, id).await?;
    check_access(&v, actor, role)?;
    if v.status == to {
        // A retried tap: already done.
        return Ok(v);
    }
    if !v.status.can_move_to(to) {
        return Err(AppError::Conflict("visit.error.invalid_move"));
    }
    if to == VisitStatus::OnTheWay && v.planned_date.is_some_and(|d| d > wib_date(now)) {
        return Err(AppError::Conflict("visit.error.not_yet"));
    }
    if !store::set_status(&mut tx, v.id, v.status, to, None, "", now).await? {
        return Err(AppError::Conflict("visit.error.changed"));
    }
    let after = store::get(&mut tx, v.id).await?.ok_or(AppError::NotFound)?;
    record(&mut tx, actor, now, &after, to.as_str(), "").await?;
    if to == VisitStatus::OnTheWay {
        notice::send(&mut tx, links, Notice::OnTheWay, &after, "", now).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// The report that finishes a visit.
pub struct Report {
    /// The form's one-time key: the same key again finds this report instead of a second one.
    pub submission: String,
    pub work_done: String,
    pub serials: Vec<String>,
    pub signal_dbm: Option<f64>,
    pub download_mbps: Option<f64>,
    pub upload_mbps: Option<f64>,
    pub customer_present: bool,
    /// A repair the technician could not fix: the ticket opens again with the report.
    pub fixed: bool,
    pub photos: Vec<Prepared>,
}

/// Finishes visit `id` with the technician's report (in progress → done). An installation
/// installs its registration (subscription and customer active) and sends the customer the
/// rating link; a repair resolves its ticket, or opens it again when not fixed. A retried
/// submission with the same key returns the stored visit and stores nothing.
pub async fn finish(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    role: Role,
    now: DateTime<Utc>,
    id: i64,
    r: Report,
) -> AppResult<VisitRow> {
    let mut tx = db.begin().await?;
    let v = locked(&mut tx, id).await?;
    check_access(&v, actor, role)?;
    if let Some(done) = store::report(&mut tx, v.id).await? {
        return if done.submission == r.submission {
            Ok(v)
        } else {
            Err(AppError::Conflict("visit.error.already_reported"))
        };
    }
    if !v.status.can_move_to(VisitStatus::Done) {
        return Err(AppError::Conflict("visit.error.invalid_move"));
    }
    store::insert_report(
        &mut tx,
        &NewReport {
            visit_id: v.id,
            submission: &r.submission,
            work_done: &r.work_done,
            serials: &r.serials,
            signal_dbm: r.signal_dbm,
            download_mbps: r.download_mbps,
            upload_mbps: r.upload_mbps,
            customer_present: r.customer_present,
            fixed: r.fixed,
            author_id: actor.id,
        },
        now,
    )
    .await
    .map_err(|e| match crate::db::is_unique_violation(&e) {
        // The key of a form already used for another visit: a stale form.
        true => AppError::Conflict("visit.error.already_reported"),
        false => e.into(),
    })?;
    for p in &r.photos {
        let attach = Attach {
            context: Context::VisitPhoto,
            context_id: Some(v.id),
            owner_id: actor.id,
            subject_id: v.technician_id,
        };
        uploads::insert_in(&mut tx, p, &attach, now).await?;
    }
    if !store::set_status(&mut tx, v.id, v.status, VisitStatus::Done, None, "", now).await? {
        return Err(AppError::Conflict("visit.error.changed"));
    }
    let after = store::get(&mut tx, v.id).await?.ok_or(AppError::NotFound)?;
    let fixed = r.fixed || v.kind == VisitKind::Installation;
    let detail = if fixed { "" } else { "not_fixed" };
    record(&mut tx, actor, now, &after, "done", detail).await?;
    match (after.kind, after.registration_id, after.ticket_id) {
        (VisitKind::Installation, Some(reg), _) => {
            if pipeline::visit_moved(&mut tx, actor, now, reg, RegEffect::Installed).await? {
                let rating = crate::satisfaction::link::rating_url(
                    links,
                    SubjectKind::Installation,
                    after.id,
                    now,
                );
                notice::send(&mut tx, links, Notice::Installed, &after, &rating, now).await?;
            }
        }
        (kind, _, ticket) => {
            if let (VisitKind::Relocation, Some(sub), true) = (kind, after.subscription_id, r.fixed)
            {
                // The line now runs to the new address.
                customers::set_subscription_address(
                    &mut tx,
                    sub,
                    &after.address,
                    after.area_id,
                    now,
                )
                .await?;
            }
            if let Some(ticket) = ticket {
                let text = report_text(&after, &r);
                let effect = if r.fixed {
                    TicketEffect::Fixed { report: &text }
                } else {
                    TicketEffect::Reopened { note: &text }
                };
                tickets::visit_moved(&mut tx, links, actor, now, ticket, effect).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(after)
}

/// The report as a message in the ticket's thread (the customer reads a fixed one).
fn report_text(v: &VisitRow, r: &Report) -> String {
    let mut out = format!(
        "{} · {}\n{}",
        v.number,
        v.technician_name.as_deref().unwrap_or(""),
        r.work_done
    );
    if !r.serials.is_empty() {
        out.push_str(&format!("\nSN: {}", r.serials.join(", ")));
    }
    let measures: Vec<String> = [
        r.signal_dbm.map(|x| format!("{x} dBm")),
        r.download_mbps.map(|x| format!("↓ {x} Mbps")),
        r.upload_mbps.map(|x| format!("↑ {x} Mbps")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !measures.is_empty() {
        out.push_str(&format!("\n{}", measures.join(" · ")));
    }
    out
}

/// The technician could not do the job (on the way or in progress → failed, with the reason).
/// The admins are told, and the job returns to the dispatch queue as a new visit that keeps its
/// waiting time; a registration waits for a new appointment, a ticket opens again.
#[allow(clippy::too_many_arguments)] // who (actor, role), when, which visit, and why (reason, note)
pub async fn fail(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    role: Role,
    now: DateTime<Utc>,
    id: i64,
    reason: FailReason,
    note: &str,
) -> AppResult<VisitRow> {
    let mut tx = db.begin().await?;
    let v = locked(&mut tx, id).await?;
    check_access(&v, actor, role)?;
    if !v.status.can_move_to(VisitStatus::Failed) {
        return Err(AppError::Conflict("visit.error.invalid_move"));
    }
    if !store::set_status(
        &mut tx,
        v.id,
        v.status,
        VisitStatus::Failed,
        Some(reason),
        note,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict("visit.error.changed"));
    }
    let after = store::get(&mut tx, v.id).await?.ok_or(AppError::NotFound)?;
    let detail = if note.is_empty() {
        reason.to_string()
    } else {
        format!("{reason} · {note}")
    };
    record(&mut tx, actor, now, &after, "failed", &detail).await?;
    requeue(&mut tx, links, actor, now, &after, &detail).await?;
    notice::send(&mut tx, links, Notice::Failed, &after, note, now).await?;
    tx.commit().await?;
    Ok(after)
}

/// Calls off visit `id` (queued or scheduled → cancelled) with the reason. With `requeue`, the
/// job waits in the queue again as a new visit; without, the job is dropped (a registration
/// then waits unscheduled, a ticket opens again).
pub async fn cancel(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    reason: &str,
    requeue_job: bool,
) -> AppResult<VisitRow> {
    let mut tx = db.begin().await?;
    let v = locked(&mut tx, id).await?;
    if !v.status.can_move_to(VisitStatus::Cancelled) {
        return Err(AppError::Conflict("visit.error.invalid_move"));
    }
    if !store::set_status(
        &mut tx,
        v.id,
        v.status,
        VisitStatus::Cancelled,
        None,
        reason,
        now,
    )
    .await?
    {
        return Err(AppError::Conflict("visit.error.changed"));
    }
    let after = store::get(&mut tx, v.id).await?.ok_or(AppError::NotFound)?;
    record(&mut tx, actor, now, &after, "cancelled", reason).await?;
    // An installation's job stays while its registration waits (reject it to drop the job).
    if requeue_job || after.kind == VisitKind::Installation {
        requeue(&mut tx, links, actor, now, &after, reason).await?;
    } else {
        undo_effects(&mut tx, links, actor, now, &after, reason).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Hands the job of a failed or cancelled visit to a new queued visit (keeping its waiting
/// time), and takes back what the booking did to the registration or ticket.
async fn requeue(
    tx: &mut Tx,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    v: &VisitRow,
    why: &str,
) -> AppResult<()> {
    // Only a job still wanted goes back: not for a registration rejected or installed, nor a
    // ticket resolved or closed, meanwhile.
    let wanted: bool = tx
        .scalar(
            "SELECT CASE WHEN $1 IS NOT NULL THEN EXISTS (SELECT 1 FROM registrations WHERE id = $1 AND status IN ('verified', 'scheduled')) \
             WHEN $2 IS NOT NULL THEN EXISTS (SELECT 1 FROM tickets WHERE id = $2 AND status IN ('new', 'open', 'waiting', 'visit_scheduled')) \
             ELSE EXISTS (SELECT 1 FROM subscriptions WHERE id = $3 AND status <> 'terminated') OR $4 END",
            crate::args![v.registration_id, v.ticket_id, v.subscription_id, v.kind == VisitKind::Dismantling],
        )
        .await?;
    if !wanted {
        return undo_effects(tx, links, actor, now, v, why).await;
    }
    queue::enqueue(
        tx,
        actor,
        now,
        &NewVisit {
            kind: v.kind,
            customer_id: v.customer_id,
            subscription_id: v.subscription_id,
            registration_id: v.registration_id,
            ticket_id: v.ticket_id,
            previous_id: Some(v.id),
            address: &v.address,
            area_id: v.area_id,
            notes: &v.notes,
            queued_at: v.queued_at,
            created_by: actor.id,
        },
    )
    .await?;
    undo_effects(tx, links, actor, now, v, why).await
}

async fn undo_effects(
    tx: &mut Tx,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    v: &VisitRow,
    why: &str,
) -> AppResult<()> {
    // Only a booked visit changed its registration or ticket.
    if v.scheduled_at.is_none() {
        return Ok(());
    }
    match (v.kind, v.registration_id, v.ticket_id) {
        (VisitKind::Installation, Some(reg), _) => {
            pipeline::visit_moved(tx, actor, now, reg, RegEffect::Unscheduled).await?;
        }
        (_, _, Some(ticket)) => {
            let note = format!("{} · {why}", v.number);
            let effect = TicketEffect::Reopened { note: &note };
            tickets::visit_moved(tx, links, actor, now, ticket, effect).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Where a new job comes from (installations come from verified registrations by themselves).
pub enum Origin {
    /// A repair (or, for a relocation complaint, a relocation) for a ticket.
    Ticket(i64),
    /// A relocation to a new address, or a dismantling, for a subscription.
    Subscription {
        id: i64,
        kind: VisitKind,
        address: Option<String>,
    },
}

/// Opens a job in the dispatch queue; returns the new visit. A ticket or subscription that
/// already has an open visit of that kind gets no second one (409).
pub async fn open_job(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    origin: Origin,
    notes: &str,
) -> AppResult<VisitRow> {
    let mut tx = db.begin().await?;
    #[derive(sqlx::FromRow, crate::db::LiteRow)]
    struct Source {
        customer_id: i64,
        subscription_id: Option<i64>,
        address: String,
        area_id: Option<i64>,
        active: bool,
        category: Option<String>,
    }
    let (source, kind, ticket_id, address) = match &origin {
        Origin::Ticket(id) => {
            tx.lock_row("tickets", *id).await?;
            let s: Source = tx
                .fetch_optional(
                    "SELECT t.customer_id, t.subscription_id, COALESCE(s.address, c.address) AS address, \
                     COALESCE(t.area_id, c.area_id) AS area_id, \
                     t.status IN ('new', 'open', 'waiting', 'visit_scheduled') AS active, t.category \
                     FROM tickets t JOIN customers c ON c.id = t.customer_id \
                     LEFT JOIN subscriptions s ON s.id = t.subscription_id WHERE t.id = $1",
                    crate::args![*id],
                )
                .await?
                .ok_or(AppError::NotFound)?;
            let kind = if s.category.as_deref() == Some("relocation") {
                VisitKind::Relocation
            } else {
                VisitKind::Repair
            };
            (s, kind, Some(*id), None)
        }
        Origin::Subscription { id, kind, address } => {
            tx.lock_row("subscriptions", *id).await?;
            let s: Source = tx
                .fetch_optional(
                    "SELECT s.customer_id, s.id AS subscription_id, s.address, s.area_id, \
                     s.status IN ('active', 'suspended', 'terminated') AS active, NULL AS category \
                     FROM subscriptions s WHERE s.id = $1",
                    crate::args![*id],
                )
                .await?
                .ok_or(AppError::NotFound)?;
            (s, *kind, None, address.clone())
        }
    };
    if !source.active || kind == VisitKind::Installation {
        return Err(AppError::Conflict("visit.error.job_closed"));
    }
    let open: Option<(String,)> = tx
        .fetch_optional(
            "SELECT number FROM visits WHERE kind = $1 AND status IN ('queued', 'scheduled', 'on_the_way', 'in_progress') \
             AND (ticket_id = $2 OR (ticket_id IS NULL AND $2 IS NULL AND subscription_id = $3)) LIMIT 1",
            crate::args![kind, ticket_id, source.subscription_id],
        )
        .await?;
    if open.is_some() {
        return Err(AppError::Conflict("visit.error.already_open"));
    }
    let address = address.unwrap_or(source.address);
    let (id, _) = queue::enqueue(
        &mut tx,
        actor,
        now,
        &NewVisit {
            kind,
            customer_id: source.customer_id,
            subscription_id: source.subscription_id,
            registration_id: None,
            ticket_id,
            previous_id: None,
            address: &address,
            area_id: source.area_id,
            notes,
            queued_at: now,
            created_by: actor.id,
        },
    )
    .await?;
    let v = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    said(&mut tx, actor, now, &v, "queued").await?;
    tx.commit().await?;
    Ok(v)
}
