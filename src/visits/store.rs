//! SQL of visits: `visits`, `visit_events` and `visit_reports`.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{FailReason, Slot, VisitKind, VisitStatus};
use crate::args;
use crate::db::{Args, Conn, Db, DbResult, Tx};

/// A visit with what people need to read it: the customer, the area, the technician, the
/// registration or ticket it serves and the package concerned.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct VisitRow {
    pub id: i64,
    pub number: String,
    pub kind: VisitKind,
    pub status: VisitStatus,
    pub customer_id: i64,
    pub customer_number: String,
    pub customer_name: String,
    pub customer_phone: String,
    /// The customer's portal login (photos concern it; notices go to it).
    pub customer_user_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub registration_id: Option<i64>,
    pub registration_number: Option<String>,
    pub ticket_id: Option<i64>,
    pub ticket_number: Option<String>,
    pub ticket_summary: Option<String>,
    pub package_name: Option<String>,
    pub previous_id: Option<i64>,
    pub address: String,
    pub area_id: Option<i64>,
    pub area_name: Option<String>,
    pub technician_id: Option<i64>,
    pub technician_name: Option<String>,
    pub planned_date: Option<NaiveDate>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub notes: String,
    pub fail_reason: Option<FailReason>,
    pub outcome_note: String,
    pub queued_at: DateTime<Utc>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub on_the_way_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl VisitRow {
    /// The appointment, when the visit has one.
    pub fn slot(&self) -> Option<Slot> {
        let date = self.planned_date?;
        let start = super::model::parse_time(self.window_start.as_deref()?).ok()?;
        let end = super::model::parse_time(self.window_end.as_deref()?).ok()?;
        Some(Slot { date, start, end })
    }

    /// `30/11/2026 10:00–12:00`, or empty without an appointment.
    pub fn slot_text(&self) -> String {
        self.slot().map(|s| s.text()).unwrap_or_default()
    }

    pub fn window_text(&self) -> String {
        match (&self.window_start, &self.window_end) {
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => String::new(),
        }
    }

    pub fn date_text(&self) -> String {
        self.planned_date
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default()
    }

    /// What the visit serves, for lists: the registration or ticket number.
    pub fn serves(&self) -> &str {
        self.ticket_number
            .as_deref()
            .or(self.registration_number.as_deref())
            .unwrap_or("")
    }
}

const SELECT: &str = "SELECT v.id, v.number, v.kind, v.status, v.customer_id, c.number AS customer_number, \
     c.name AS customer_name, c.phone AS customer_phone, c.user_id AS customer_user_id, v.subscription_id, \
     v.registration_id, r.number AS registration_number, v.ticket_id, t.number AS ticket_number, \
     t.summary AS ticket_summary, COALESCE(rp.name, sp.name) AS package_name, v.previous_id, v.address, \
     v.area_id, a.name AS area_name, v.technician_id, u.name AS technician_name, v.planned_date, \
     v.window_start, v.window_end, v.notes, v.fail_reason, v.outcome_note, v.queued_at, v.scheduled_at, \
     v.on_the_way_at, v.started_at, v.finished_at, v.created_at \
     FROM visits v JOIN customers c ON c.id = v.customer_id \
     LEFT JOIN registrations r ON r.id = v.registration_id LEFT JOIN packages rp ON rp.id = r.package_id \
     LEFT JOIN subscriptions s ON s.id = v.subscription_id LEFT JOIN packages sp ON sp.id = s.package_id \
     LEFT JOIN tickets t ON t.id = v.ticket_id LEFT JOIN areas a ON a.id = v.area_id \
     LEFT JOIN users u ON u.id = v.technician_id";

pub async fn get(c: impl Into<Conn<'_>>, id: i64) -> DbResult<Option<VisitRow>> {
    c.into()
        .fetch_optional(&format!("{SELECT} WHERE v.id = $1"), args![id])
        .await
}

/// The visit, row-locked until `tx` ends.
pub async fn locked(tx: &mut Tx, id: i64) -> DbResult<Option<VisitRow>> {
    tx.lock_row("visits", id).await?;
    get(&mut *tx, id).await
}

/// A job for the queue.
pub struct NewVisit<'a> {
    pub kind: VisitKind,
    pub customer_id: i64,
    pub subscription_id: Option<i64>,
    pub registration_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub previous_id: Option<i64>,
    pub address: &'a str,
    pub area_id: Option<i64>,
    pub notes: &'a str,
    /// Since when the job waits (kept when a failed attempt hands it on).
    pub queued_at: DateTime<Utc>,
    pub created_by: Option<i64>,
}

/// Inserts a queued visit; returns its id and number.
pub async fn insert(
    tx: &mut Tx,
    v: &NewVisit<'_>,
    year: i32,
    now: DateTime<Utc>,
) -> DbResult<(i64, String)> {
    let seq = crate::db::counter::next(tx, "visit").await?;
    let number = super::model::number(year, seq);
    let id = tx
        .scalar(
            "INSERT INTO visits (number, kind, status, customer_id, subscription_id, registration_id, ticket_id, \
             previous_id, address, area_id, notes, queued_at, created_by, created_at, updated_at) \
             VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
            args![
                &number, v.kind, v.customer_id, v.subscription_id, v.registration_id, v.ticket_id,
                v.previous_id, v.address, v.area_id, v.notes, v.queued_at, v.created_by, now
            ],
        )
        .await?;
    Ok((id, number))
}

/// The booked visit of `technician_id` whose window overlaps `slot`, other than `except`.
pub async fn clash(
    tx: &mut Tx,
    technician_id: i64,
    slot: &Slot,
    except: i64,
) -> DbResult<Option<VisitRow>> {
    tx.fetch_optional(
        &format!(
            "{SELECT} WHERE v.technician_id = $1 AND v.planned_date = $2 AND v.status IN ('scheduled', 'on_the_way', 'in_progress') \
             AND v.window_start < $3 AND $4 < v.window_end AND v.id <> $5 ORDER BY v.window_start LIMIT 1"
        ),
        args![technician_id, slot.date, slot.end_text(), slot.start_text(), except],
    )
    .await
}

/// Books the visit (queued or scheduled) for a technician and a slot, if it is still in
/// status `from`. Returns whether it was.
pub async fn book(
    tx: &mut Tx,
    id: i64,
    from: VisitStatus,
    technician_id: i64,
    slot: &Slot,
    notes: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let n = tx
        .execute(
            "UPDATE visits SET status = 'scheduled', technician_id = $1, planned_date = $2, window_start = $3, \
             window_end = $4, notes = $5, scheduled_at = $6, updated_at = $6 WHERE id = $7 AND status = $8",
            args![technician_id, slot.date, slot.start_text(), slot.end_text(), notes, now, id, from],
        )
        .await?;
    Ok(n == 1)
}

/// Moves the visit from `from` to `to`, stamping the time column of `to`; a failure or a
/// cancellation records why. Returns whether the visit was still in `from`.
pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: VisitStatus,
    to: VisitStatus,
    fail_reason: Option<FailReason>,
    outcome_note: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let stamp = match to {
        VisitStatus::OnTheWay => "on_the_way_at",
        VisitStatus::InProgress => "started_at",
        VisitStatus::Done | VisitStatus::Failed | VisitStatus::Cancelled => "finished_at",
        VisitStatus::Queued | VisitStatus::Scheduled => "scheduled_at",
    };
    let n = tx
        .execute(
            &format!(
                "UPDATE visits SET status = $1, {stamp} = $2, updated_at = $2, fail_reason = $3, outcome_note = $4 \
                 WHERE id = $5 AND status = $6"
            ),
            args![to, now, fail_reason, outcome_note, id, from],
        )
        .await?;
    Ok(n == 1)
}

/// `v.<column> = $n OR …` for the keys given, with their arguments; `None` when none is. (A
/// `column = NULL OR …` for the missing ones made SQLite sort every visit of the table by id,
/// seconds at 128,000 visits, instead of reading one index.)
fn keyed(keys: [(&str, Option<i64>); 3]) -> Option<(String, Args)> {
    let mut args: Args = Vec::new();
    let mut terms = Vec::new();
    for (column, value) in keys {
        if let Some(v) = value {
            args.push(v.into());
            terms.push(format!("v.{column} = ${}", args.len()));
        }
    }
    (!terms.is_empty()).then(|| (format!("({})", terms.join(" OR ")), args))
}

/// Open visits (queued or booked) serving a registration or a ticket.
pub async fn open_for(
    tx: &mut Tx,
    registration_id: Option<i64>,
    ticket_id: Option<i64>,
) -> DbResult<Vec<VisitRow>> {
    let Some((keys, args)) = keyed([
        ("registration_id", registration_id),
        ("ticket_id", ticket_id),
        ("customer_id", None),
    ]) else {
        return Ok(Vec::new());
    };
    tx.fetch_all(
        &format!(
            "{SELECT} WHERE {keys} \
             AND v.status IN ('queued', 'scheduled', 'on_the_way', 'in_progress') ORDER BY v.id"
        ),
        args,
    )
    .await
}

/// Every visit serving a registration, a ticket, or of a customer, newest first.
pub async fn serving(
    db: &Db,
    registration_id: Option<i64>,
    ticket_id: Option<i64>,
    customer_id: Option<i64>,
) -> DbResult<Vec<VisitRow>> {
    let Some((keys, args)) = keyed([
        ("registration_id", registration_id),
        ("ticket_id", ticket_id),
        ("customer_id", customer_id),
    ]) else {
        return Ok(Vec::new());
    };
    db.fetch_all(
        &format!("{SELECT} WHERE {keys} ORDER BY v.id DESC LIMIT 50"),
        args,
    )
    .await
}

/// The dispatch queue: queued visits, longest waiting first, optionally in one area.
pub async fn queue(db: &Db, area_id: Option<i64>, limit: i64) -> DbResult<Vec<VisitRow>> {
    db.fetch_all(
        &format!(
            "{SELECT} WHERE v.status = 'queued' AND ($1 IS NULL OR v.area_id = $1) \
             ORDER BY v.queued_at, v.id LIMIT $2"
        ),
        args![area_id, limit],
    )
    .await
}

/// Visits with an appointment between `from` and `to` (inclusive), not cancelled, optionally
/// in one area, in time order.
pub async fn planned_between(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
    area_id: Option<i64>,
) -> DbResult<Vec<VisitRow>> {
    db.fetch_all(
        &format!(
            "{SELECT} WHERE v.planned_date >= $1 AND v.planned_date <= $2 AND v.status <> 'cancelled' \
             AND ($3 IS NULL OR v.area_id = $3) ORDER BY v.planned_date, v.window_start, v.id"
        ),
        args![from, to, area_id],
    )
    .await
}

/// A technician's visits still to do (any day), and those finished from `since` on.
pub async fn of_technician(
    db: &Db,
    technician_id: i64,
    since: NaiveDate,
) -> DbResult<Vec<VisitRow>> {
    db.fetch_all(
        &format!(
            "{SELECT} WHERE v.technician_id = $1 AND (v.status IN ('scheduled', 'on_the_way', 'in_progress') \
             OR (v.status IN ('done', 'failed') AND v.planned_date >= $2)) \
             ORDER BY v.planned_date, v.window_start, v.id LIMIT 200"
        ),
        args![technician_id, since],
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub detail: String,
    pub actor_name: String,
}

pub async fn add_event(
    tx: &mut Tx,
    visit_id: i64,
    kind: &str,
    detail: &str,
    actor: (Option<i64>, &str),
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO visit_events (visit_id, at, kind, detail, actor_id, actor_name) VALUES ($1, $2, $3, $4, $5, $6)",
        args![visit_id, now, kind, detail, actor.0, actor.1],
    )
    .await?;
    Ok(())
}

pub async fn events(db: &Db, visit_id: i64) -> DbResult<Vec<EventRow>> {
    db.fetch_all(
        "SELECT at, kind, detail, actor_name FROM visit_events WHERE visit_id = $1 ORDER BY id",
        args![visit_id],
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct ReportRow {
    pub visit_id: i64,
    pub submission: String,
    pub work_done: String,
    pub serials: String,
    pub signal_dbm: Option<f64>,
    pub download_mbps: Option<f64>,
    pub upload_mbps: Option<f64>,
    pub customer_present: bool,
    pub fixed: bool,
    pub created_at: DateTime<Utc>,
}

impl ReportRow {
    pub fn serial_list(&self) -> Vec<&str> {
        self.serials.lines().filter(|s| !s.is_empty()).collect()
    }
}

pub struct NewReport<'a> {
    pub visit_id: i64,
    pub submission: &'a str,
    pub work_done: &'a str,
    pub serials: &'a [String],
    pub signal_dbm: Option<f64>,
    pub download_mbps: Option<f64>,
    pub upload_mbps: Option<f64>,
    pub customer_present: bool,
    pub fixed: bool,
    pub author_id: Option<i64>,
}

pub async fn insert_report(tx: &mut Tx, r: &NewReport<'_>, now: DateTime<Utc>) -> DbResult<()> {
    tx.execute(
        "INSERT INTO visit_reports (visit_id, submission, work_done, serials, signal_dbm, download_mbps, upload_mbps, \
         customer_present, fixed, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        args![
            r.visit_id, r.submission, r.work_done, r.serials.join("\n"), r.signal_dbm, r.download_mbps,
            r.upload_mbps, r.customer_present, r.fixed, r.author_id, now
        ],
    )
    .await?;
    Ok(())
}

pub async fn report(c: impl Into<Conn<'_>>, visit_id: i64) -> DbResult<Option<ReportRow>> {
    c.into()
        .fetch_optional(
            "SELECT visit_id, submission, work_done, serials, signal_dbm, download_mbps, upload_mbps, \
             customer_present, fixed, created_at FROM visit_reports WHERE visit_id = $1",
            args![visit_id],
        )
        .await
}
