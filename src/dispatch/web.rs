//! The office's visit page (`/staff/visits/{id}`): what the visit serves, the appointment, the
//! schedule form (starting from the current appointment), cancelling, the history and the
//! report; and opening a job for a ticket or a subscription.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::service::{self, BookError, Booking, Origin};
use crate::auth::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::uploads::access::Context;
use crate::uploads::store::{self as uploads, Upload};
use crate::users::{self, store::StaffName};
use crate::visits::model::{parse_time, Slot, VisitKind, VisitStatus, WorkingHours};
use crate::visits::store::{self as visits, EventRow, ReportRow, VisitRow};
use crate::web::{self, redirect_with_flash, Ctx, CurrentUser, FieldErrors, Flash, Form, Path};

pub fn working_hours(state: &AppState) -> WorkingHours {
    WorkingHours::from_config(&state.config.visit_day_start, &state.config.visit_day_end)
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ScheduleForm {
    /// The visit's status when the form was shown.
    seen: String,
    technician_id: String,
    date: String,
    window_start: String,
    window_end: String,
    notes: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CancelForm {
    cancel_reason: String,
    /// `1`: the job goes back to the queue as a new visit.
    requeue: String,
}

#[derive(Template)]
#[template(path = "dispatch/visit.html")]
struct VisitPage {
    ctx: Ctx,
    v: VisitRow,
    events: Vec<EventRow>,
    report: Option<ReportRow>,
    photos: Vec<Upload>,
    technicians: std::sync::Arc<Vec<StaffName>>,
    schedule: ScheduleForm,
    cancel: CancelForm,
    errors: FieldErrors,
    /// The booked visit a refused booking overlapped.
    clash: Option<VisitRow>,
    hours: String,
    can_act: bool,
}

impl VisitPage {
    fn event_label(&self, kind: &str) -> String {
        let key = format!("event_name.visit.{kind}");
        if self.ctx.lang.has(&key) {
            self.ctx.t(&key).to_string()
        } else {
            kind.to_string()
        }
    }
    fn event_detail(&self, e: &EventRow) -> String {
        match crate::visits::model::FailReason::parse(e.detail.split(" · ").next().unwrap_or("")) {
            Some(r) if e.kind == "failed" => {
                let rest = e.detail.split_once(" · ").map(|x| x.1).unwrap_or("");
                let reason = self.ctx.t(r.label_key());
                if rest.is_empty() {
                    reason.to_string()
                } else {
                    format!("{reason} · {rest}")
                }
            }
            _ if e.detail == "not_fixed" => self.ctx.t("dispatch_visit.not_fixed").to_string(),
            _ => e.detail.clone(),
        }
    }
    fn clash_text(&self) -> String {
        match &self.clash {
            Some(c) => self.ctx.tf(
                "dispatch_visit.clash",
                [
                    ("number", c.number.as_str()),
                    ("when", c.slot_text().as_str()),
                    ("customer", c.customer_name.as_str()),
                ],
            ),
            None => String::new(),
        }
    }
}

async fn render(
    state: &AppState,
    ctx: Ctx,
    v: VisitRow,
    schedule: ScheduleForm,
    cancel: CancelForm,
    errors: FieldErrors,
    clash: Option<VisitRow>,
) -> AppResult<Response> {
    let valid = errors.is_empty() && clash.is_none();
    let p = VisitPage {
        events: visits::events(&state.db, v.id).await?,
        report: visits::report(&state.db, v.id).await?,
        photos: uploads::attached_to(&state.db, Context::VisitPhoto, &[v.id]).await?,
        technicians: users::active_of_role(state, Role::Technician).await?,
        can_act: ctx.role() == Some(Role::Admin),
        hours: working_hours(state).text(),
        ctx,
        v,
        schedule,
        cancel,
        errors,
        clash,
    };
    web::page_or_invalid(&p, valid)
}

async fn load(state: &AppState, id: i64) -> AppResult<VisitRow> {
    visits::get(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// The form starts from the current appointment, or from the first window of tomorrow.
fn current(v: &VisitRow) -> ScheduleForm {
    ScheduleForm {
        seen: v.status.to_string(),
        technician_id: v.technician_id.map(|t| t.to_string()).unwrap_or_default(),
        date: v.date_text(),
        window_start: v.window_start.clone().unwrap_or_else(|| "09:00".into()),
        window_end: v.window_end.clone().unwrap_or_else(|| "11:00".into()),
        notes: v.notes.clone(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    if user.role == Role::Technician {
        return super::field::show(&state, ctx, &user, id).await;
    }
    let v = load(&state, id).await?;
    let schedule = current(&v);
    render(
        &state,
        ctx,
        v,
        schedule,
        CancelForm::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

pub async fn schedule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ScheduleForm>,
) -> AppResult<Response> {
    let v = load(&state, id).await?;
    let mut errors = FieldErrors::default();
    let technician_id = form.technician_id.trim().parse::<i64>().ok();
    if technician_id.is_none() {
        errors.add("technician_id", "validation.technician_required");
    }
    let date = errors.check("date", crate::types::parse_day(&form.date));
    let start = errors.check("window_start", parse_time(&form.window_start));
    let end = errors.check("window_end", parse_time(&form.window_end));
    let notes = errors
        .check("notes", web::optional(&form.notes, 1000))
        .flatten()
        .unwrap_or_default();
    let (Some(technician_id), Some(date), Some(start), Some(end), true) =
        (technician_id, date, start, end, errors.is_empty())
    else {
        return render(&state, ctx, v, form, CancelForm::default(), errors, None).await;
    };
    let booking = Booking {
        technician_id,
        slot: Slot { date, start, end },
        notes,
        seen: VisitStatus::parse(&form.seen),
    };
    let links = state.links();
    let hours = working_hours(&state);
    match service::schedule(
        &state.db,
        &links,
        ctx.actor(),
        state.now(),
        hours,
        id,
        &booking,
    )
    .await
    {
        Ok(v) => {
            let flash = Flash::new("flash.visit_scheduled")
                .with("number", &v.number)
                .with("when", v.slot_text())
                .with("technician", v.technician_name.as_deref().unwrap_or(""));
            Ok(redirect_with_flash(
                &state,
                &format!("/staff/visits/{}", v.id),
                flash,
            ))
        }
        Err(BookError::Field(field, key)) => {
            errors.add(field, key);
            render(&state, ctx, v, form, CancelForm::default(), errors, None).await
        }
        Err(BookError::Clash(c)) => {
            render(
                &state,
                ctx,
                v,
                form,
                CancelForm::default(),
                errors,
                Some(*c),
            )
            .await
        }
        Err(BookError::Other(e)) => Err(e),
    }
}

pub async fn cancel(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<CancelForm>,
) -> AppResult<Response> {
    let v = load(&state, id).await?;
    let mut errors = FieldErrors::default();
    let Some(reason) = errors.check("cancel_reason", web::required(&form.cancel_reason, 500))
    else {
        let schedule = current(&v);
        return render(&state, ctx, v, schedule, form, errors, None).await;
    };
    let links = state.links();
    let requeue = form.requeue == "1";
    service::cancel(
        &state.db,
        &links,
        ctx.actor(),
        state.now(),
        id,
        &reason,
        requeue,
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/visits/{id}"),
        "flash.saved",
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct JobForm {
    /// A ticket needing a visit.
    ticket_id: String,
    /// Or a subscription: `relocation` (with the new address) or `dismantling`.
    subscription_id: String,
    kind: String,
    address: String,
    notes: String,
}

/// `POST /staff/visits/jobs`: puts a job in the dispatch queue and opens its visit page.
pub async fn open_job(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<JobForm>,
) -> AppResult<Response> {
    let origin = if let Ok(ticket) = form.ticket_id.trim().parse::<i64>() {
        Origin::Ticket(ticket)
    } else if let Ok(id) = form.subscription_id.trim().parse::<i64>() {
        let kind = VisitKind::parse(&form.kind)
            .filter(|k| matches!(k, VisitKind::Relocation | VisitKind::Dismantling))
            .ok_or(AppError::BadRequest("error.bad_request"))?;
        let address =
            web::optional(&form.address, 500).map_err(|k| AppError::field("address", k))?;
        if kind == VisitKind::Relocation && address.is_none() {
            return Err(AppError::field("address", "validation.required"));
        }
        Origin::Subscription { id, kind, address }
    } else {
        return Err(AppError::BadRequest("error.bad_request"));
    };
    let notes = web::optional(&form.notes, 1000)
        .map_err(|k| AppError::field("notes", k))?
        .unwrap_or_default();
    let v = service::open_job(&state.db, ctx.actor(), state.now(), origin, &notes).await?;
    let flash = Flash::new("flash.visit_queued").with("number", &v.number);
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/visits/{}", v.id),
        flash,
    ))
}
