//! The technician's day on a phone ("Hari ini"), their visit page with the report and fail
//! forms, and the actions behind its buttons. Every handler reads the visit through
//! [`visible`] (a technician's only when booked for them; anything else is "not found") and
//! acts through `dispatch::service`, which checks the same again inside its transaction.

use askama::Template;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;

use super::service::{self, Report};
use crate::auth::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::{wib, wib_date};
use crate::uploads::access::Context;
use crate::uploads::form::{self, Submitted};
use crate::uploads::process::{self, Accept, Prepared};
use crate::uploads::ImageRef;
use crate::visits::model::{
    parse_measure, parse_serials, FailReason, VisitKind, VisitStatus, MAX_PHOTOS,
};
use crate::visits::store::{self as visits, ReportRow, VisitRow};
use crate::web::{
    self, page, redirect_with_flash, Ctx, CurrentUser, FieldErrors, Flash, Form, Path,
};

/// Most characters of "what was done" and of a failure note.
const MAX_WORK_DONE: usize = 2000;
const MAX_NOTE: usize = 500;

/// Visit `id` as `user` may see it: an admin any, a technician only one booked for them.
async fn visible(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<VisitRow> {
    let v = visits::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match user.role {
        Role::Admin => Ok(v),
        Role::Technician if v.technician_id == Some(user.id) => Ok(v),
        _ => Err(AppError::NotFound),
    }
}

/// A visit as a card on the phone.
pub struct Card {
    pub v: VisitRow,
    /// Booked, and its day or window is over without work having started.
    pub late: bool,
}

impl Card {
    fn new(v: VisitRow, today: NaiveDate, now: NaiveTime) -> Card {
        let late = is_late(&v, today, now);
        Card { v, late }
    }

    /// A maps search for the address (opens the maps app on a phone).
    pub fn maps_url(&self) -> String {
        let q = serde_urlencoded::to_string([("api", "1"), ("query", self.v.address.as_str())])
            .unwrap_or_default();
        format!("https://www.google.com/maps/search/?{q}")
    }

    /// The customer's number without the plus, for `wa.me`.
    pub fn whatsapp(&self) -> &str {
        self.v.customer_phone.trim_start_matches('+')
    }

    pub fn href(&self) -> String {
        format!("/staff/visits/{}", self.v.id)
    }

    /// The button of the next step, as (`to` value, label key), where a tap moves the visit.
    pub fn step(&self) -> Option<(&'static str, &'static str)> {
        match self.v.status.next_field_step()? {
            VisitStatus::OnTheWay => Some(("on_the_way", "field.go")),
            VisitStatus::InProgress => Some(("in_progress", "field.start")),
            _ => None,
        }
    }

    pub fn can_report(&self) -> bool {
        self.v.status == VisitStatus::InProgress
    }

    pub fn can_fail(&self) -> bool {
        self.v.status.can_move_to(VisitStatus::Failed)
    }

    pub fn is_repair(&self) -> bool {
        self.v.ticket_id.is_some() && self.v.kind != VisitKind::Installation
    }
}

/// Overdue: booked and planned before today, or today with the window over and not started.
fn is_late(v: &VisitRow, today: NaiveDate, now: NaiveTime) -> bool {
    if !v.status.is_booked() {
        return false;
    }
    match v.slot() {
        Some(s) if s.date < today => true,
        Some(s) => s.date == today && s.end <= now && v.status != VisitStatus::InProgress,
        None => false,
    }
}

/// The WIB day and time of `now`.
fn wib_now(now: DateTime<Utc>) -> (NaiveDate, NaiveTime) {
    (wib_date(now), now.with_timezone(&wib()).time())
}

/// The day list's sections.
#[derive(Default)]
pub struct Day {
    pub late: Vec<Card>,
    pub today: Vec<Card>,
    pub upcoming: Vec<Card>,
    /// Finished (done or failed) today.
    pub finished: Vec<Card>,
}

impl Day {
    /// Sorts `rows` (in date and window order) into the sections.
    pub fn sort(rows: Vec<VisitRow>, today: NaiveDate, now: NaiveTime) -> Day {
        let mut day = Day::default();
        for v in rows {
            let c = Card::new(v, today, now);
            if c.late {
                day.late.push(c);
            } else if !c.v.status.is_booked() {
                day.finished.push(c);
            } else if c.v.planned_date == Some(today) {
                day.today.push(c);
            } else {
                day.upcoming.push(c);
            }
        }
        day
    }

    fn is_empty(&self) -> bool {
        self.late.is_empty() && self.today.is_empty() && self.upcoming.is_empty()
    }
}

#[derive(Template)]
#[template(path = "dispatch/field_day.html")]
struct DayPage {
    ctx: Ctx,
    day: Day,
    today: String,
}

/// "Hari ini": the technician's overdue, today's and upcoming visits, and today's finished ones.
pub async fn day(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<Response> {
    let (today, now) = wib_now(state.now());
    let rows = visits::of_technician(&state.db, user.id, today).await?;
    page(&DayPage {
        ctx,
        day: Day::sort(rows, today, now),
        today: today.format("%d/%m/%Y").to_string(),
    })
    .map(web::no_store)
}

/// The report form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReportForm {
    submission: String,
    work_done: String,
    serials: String,
    signal_dbm: String,
    download_mbps: String,
    upload_mbps: String,
    customer_present: String,
    fixed: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FailForm {
    reason: String,
    note: String,
}

#[derive(Template)]
#[template(path = "dispatch/field_show.html")]
struct ShowPage {
    ctx: Ctx,
    c: Card,
    /// The customer's own words for a repair (the ticket's first public message).
    description: Option<String>,
    report: Option<ReportRow>,
    photos: Vec<ImageRef>,
    form: ReportForm,
    fail: FailForm,
    errors: FieldErrors,
    /// Which form the errors belong to: `report` or `fail`.
    errors_for: &'static str,
    reasons: &'static [FailReason],
}

impl ShowPage {
    fn err(&self, form: &str, field: &str) -> Option<&'static str> {
        if self.errors_for == form {
            self.errors.get(field)
        } else {
            None
        }
    }
}

/// A fresh one-time key for a report form.
fn new_submission() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

async fn render_show(
    state: &AppState,
    ctx: Ctx,
    v: VisitRow,
    form: ReportForm,
    fail: FailForm,
    errors: FieldErrors,
    errors_for: &'static str,
) -> AppResult<ShowPage> {
    let (today, now) = wib_now(state.now());
    let description = match v.ticket_id {
        Some(t) => crate::tickets::store::messages(&state.db, t, false)
            .await?
            .into_iter()
            .next()
            .map(|m| m.body),
        None => None,
    };
    let report = visits::report(&state.db, v.id).await?;
    let photos = if report.is_some() {
        crate::uploads::store::attached_to(&state.db, Context::VisitPhoto, &[v.id])
            .await?
            .iter()
            .filter_map(|u| u.image_ref())
            .collect()
    } else {
        Vec::new()
    };
    let form = ReportForm {
        submission: if form.submission.is_empty() {
            new_submission()
        } else {
            form.submission
        },
        customer_present: if form.customer_present.is_empty() {
            "yes".into()
        } else {
            form.customer_present
        },
        fixed: if form.fixed.is_empty() {
            "yes".into()
        } else {
            form.fixed
        },
        ..form
    };
    Ok(ShowPage {
        ctx,
        c: Card::new(v, today, now),
        description,
        report,
        photos,
        form,
        fail,
        errors,
        errors_for,
        reasons: FailReason::ALL,
    })
}

/// A technician's view of visit `id` (theirs only): the card in full, the report form while in
/// progress, the fail form while on the way or in progress, the report once done.
pub async fn show(state: &AppState, ctx: Ctx, user: &CurrentUser, id: i64) -> AppResult<Response> {
    let v = visible(state, user, id).await?;
    let p = render_show(
        state,
        ctx,
        v,
        ReportForm::default(),
        FailForm::default(),
        FieldErrors::default(),
        "",
    )
    .await?;
    page(&p).map(web::no_store)
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    to: String,
}

/// "Berangkat" / "Mulai kerja". A retried tap finds the visit already there and changes nothing.
pub async fn step(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    visible(&state, &user, id).await?;
    let to = match VisitStatus::parse(&f.to) {
        Some(to @ (VisitStatus::OnTheWay | VisitStatus::InProgress)) => to,
        _ => return Err(AppError::BadRequest("error.bad_request")),
    };
    let v = service::step(
        &state.db,
        &state.links(),
        ctx.actor(),
        user.role,
        state.now(),
        id,
        to,
    )
    .await?;
    let key = if to == VisitStatus::OnTheWay {
        "field.flash.on_the_way"
    } else {
        "field.flash.started"
    };
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/visits/{}", v.id),
        Flash::new(key).with("number", &v.number),
    ))
}

/// The report's photos, each made safe; a refused one is an error at `photos`.
async fn photos(submitted: &mut Submitted<ReportForm>, errors: &mut FieldErrors) -> Vec<Prepared> {
    let mut out = Vec::new();
    while let Some(file) = submitted.take_file("photos") {
        if out.len() >= MAX_PHOTOS {
            errors.add("photos", "field.error.too_many_photos");
            continue;
        }
        match process::prepare(file, Accept::Images).await {
            Ok(p) => out.push(p),
            Err(e) => {
                if !errors.has("photos") {
                    errors.add("photos", e.message_key());
                }
            }
        }
    }
    out
}

/// Reads the report form; the errors name the fields.
fn parse_report(f: &ReportForm, photos: Vec<Prepared>, errors: &mut FieldErrors) -> Option<Report> {
    let submission = f.submission.trim();
    let key_ok = (16..=64).contains(&submission.len())
        && submission
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !key_ok {
        errors.add("submission", "field.error.form_stale");
    }
    let work_done = errors.check("work_done", web::required(&f.work_done, MAX_WORK_DONE));
    let serials = errors.check("serials", parse_serials(&f.serials));
    let signal_dbm = errors.check("signal_dbm", parse_measure(&f.signal_dbm, -60.0..=10.0));
    let download_mbps = errors.check(
        "download_mbps",
        parse_measure(&f.download_mbps, 0.0..=10000.0),
    );
    let upload_mbps = errors.check("upload_mbps", parse_measure(&f.upload_mbps, 0.0..=10000.0));
    let customer_present = match f.customer_present.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("customer_present", "validation.required");
            None
        }
    };
    let fixed = match f.fixed.as_str() {
        "" | "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("fixed", "validation.required");
            None
        }
    };
    if !errors.is_empty() {
        return None;
    }
    Some(Report {
        submission: submission.to_string(),
        work_done: work_done?,
        serials: serials?,
        signal_dbm: signal_dbm?,
        download_mbps: download_mbps?,
        upload_mbps: upload_mbps?,
        customer_present: customer_present?,
        fixed: fixed?,
        photos,
    })
}

/// The visit report that finishes the visit. The form's one-time key makes a double tap or a
/// retry store it once; bad input comes back by its field with everything typed kept.
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    let v = visible(&state, &user, id).await?;
    let mut submitted = match form::read::<ReportForm>(req).await {
        Ok(s) => s,
        Err(e) => return Ok(e.into_response()),
    };
    let mut errors = FieldErrors::default();
    let photos = photos(&mut submitted, &mut errors).await;
    let mut f = submitted.fields;
    if v.kind == VisitKind::Installation || v.ticket_id.is_none() {
        // Only a repair can be "not fixed".
        f.fixed.clear();
    }
    let Some(r) = parse_report(&f, photos, &mut errors) else {
        return invalid_show(&state, ctx, v, f, FailForm::default(), errors, "report").await;
    };
    match service::finish(
        &state.db,
        &state.links(),
        ctx.actor(),
        user.role,
        state.now(),
        id,
        r,
    )
    .await
    {
        Ok(_) => Ok(redirect_with_flash(
            &state,
            &back(&user, id),
            Flash::new("field.flash.reported").with("number", &v.number),
        )),
        Err(AppError::Validation(e)) => {
            invalid_show(&state, ctx, v, f, FailForm::default(), e, "report").await
        }
        Err(e) => Err(e),
    }
}

async fn invalid_show(
    state: &AppState,
    ctx: Ctx,
    v: VisitRow,
    form: ReportForm,
    fail: FailForm,
    errors: FieldErrors,
    errors_for: &'static str,
) -> AppResult<Response> {
    let p = render_show(state, ctx, v, form, fail, errors, errors_for).await?;
    web::invalid(&p).map(web::no_store)
}

/// The technician could not do the job: a reason (and a note when it is "other").
pub async fn fail(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<FailForm>,
) -> AppResult<Response> {
    let v = visible(&state, &user, id).await?;
    let mut errors = FieldErrors::default();
    let reason = FailReason::parse(&f.reason);
    if reason.is_none() {
        errors.add("reason", "field.error.reason_required");
    }
    let note = f.note.trim();
    if note.chars().count() > MAX_NOTE {
        errors.add("note", "validation.too_long");
    } else if note.is_empty() && reason == Some(FailReason::Other) {
        errors.add("note", "field.error.note_required");
    }
    let Some(reason) = reason.filter(|_| errors.is_empty()) else {
        return invalid_show(&state, ctx, v, ReportForm::default(), f, errors, "fail").await;
    };
    let links = state.links();
    service::fail(
        &state.db,
        &links,
        ctx.actor(),
        user.role,
        state.now(),
        id,
        reason,
        note,
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        &back(&user, id),
        Flash::new("field.flash.failed").with("number", &v.number),
    ))
}

/// Where a step leads back to: the technician's day, or for an admin acting on their behalf
/// the visit's page (the day is the technician's own).
fn back(user: &CurrentUser, id: i64) -> String {
    if user.role == crate::auth::Role::Technician {
        "/staff/visits".into()
    } else {
        format!("/staff/visits/{id}")
    }
}
