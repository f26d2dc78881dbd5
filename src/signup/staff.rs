//! The registration queue and the pipeline actions for staff.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::model::RegStatus;
use super::pipeline::{self, Step};
use super::progress::{progress, Progress};
use super::store::{self, Filter, RegistrationRow};
use crate::auth::Role;
use crate::catalog::{
    self,
    store::{AreaRow, PackageRow},
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::parse_wib_day;
use crate::visits::store::{self as visits, VisitRow};
use crate::web::{
    self, page, redirect_with_flash, Confirm, Confirmed, Ctx, FieldErrors, Flash, Form, Paging,
    Path, Query,
};

const PER_PAGE: i64 = 30;

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    /// A REG or PLG number, a phone in any form, or part of a name.
    q: String,
    /// Empty: still waiting; `any`: every status; else one status.
    status: String,
    area: String,
    package: String,
    from: String,
    to: String,
    #[serde(skip_serializing)]
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "signup/queue.html")]
struct QueuePage {
    ctx: Ctx,
    q: QueueQuery,
    rows: Vec<RegistrationRow>,
    paging: Paging,
    statuses: &'static [RegStatus],
    areas: std::sync::Arc<Vec<AreaRow>>,
    packages: std::sync::Arc<Vec<PackageRow>>,
    date_error: bool,
    /// Only waiting registrations, longest waiting first: their waits are shown.
    waiting: bool,
    now: chrono::DateTime<chrono::Utc>,
}

impl QueuePage {
    /// How long `r` has been in its step.
    fn waited(&self, r: &RegistrationRow) -> String {
        self.ctx.span((self.now - r.waiting_since()).num_seconds())
    }
    /// Whether `r` has waited in its step longer than the office means to.
    fn overdue(&self, r: &RegistrationRow) -> bool {
        r.status
            .overdue_after()
            .is_some_and(|limit| self.now - r.waiting_since() > limit)
    }
    fn page_link(&self, page: i64) -> String {
        format!(
            "/staff/registrations?{}&page={page}",
            serde_urlencoded::to_string(&self.q).unwrap_or_default()
        )
    }
}

pub async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let from = parse_wib_day(&q.from);
    let to = parse_wib_day(&q.to).map(|t| t.map(|t| t + chrono::Duration::days(1)));
    let filter = Filter {
        status: RegStatus::parse(&q.status),
        any: q.status == "any",
        q: q.q.chars().take(100).collect(),
        area_id: q.area.parse().ok(),
        package_id: q.package.parse().ok(),
        from: from.unwrap_or(None),
        to: to.unwrap_or(None),
    };
    let total = store::count(&state.db, &filter).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let rows = store::list(&state.db, &filter, paging.per_page, paging.offset()).await?;
    page(&QueuePage {
        waiting: filter.waiting(),
        now: state.now(),
        ctx,
        rows,
        paging,
        statuses: RegStatus::ALL,
        areas: catalog::areas(&state).await?,
        packages: catalog::packages(&state).await?,
        date_error: from.is_err() || to.is_err(),
        q,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RejectForm {
    reason: String,
    confirm: Confirmed,
}

/// Marking installed without a done visit: the reason, and the admin's confirmation that no
/// technician's report will exist.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OverrideForm {
    override_reason: String,
    confirm: Confirmed,
}

#[derive(Template)]
#[template(path = "signup/detail.html")]
struct DetailPage {
    ctx: Ctx,
    p: Progress,
    /// The visits serving it, newest first.
    visits: Vec<VisitRow>,
    reject: RejectForm,
    install: OverrideForm,
    errors: FieldErrors,
    steps: &'static [RegStatus],
    can_act: bool,
}

impl DetailPage {
    fn channel_key(&self) -> &'static str {
        match self.p.reg.channel.as_str() {
            "walk_in" => "channel.walk_in",
            "phone" => "channel.phone",
            _ => "channel.online",
        }
    }
}

async fn render_detail(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    reject: RejectForm,
    install: OverrideForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let reg = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let p = progress(state, reg).await?;
    let can_act = ctx.role() == Some(Role::Admin);
    let valid = errors.is_empty();
    let page_data = DetailPage {
        visits: visits::serving(&state.db, Some(id), None, None).await?,
        ctx,
        p,
        reject,
        install,
        errors,
        steps: &RegStatus::STEPS,
        can_act,
    };
    web::page_or_invalid(&page_data, valid)
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_detail(
        &state,
        ctx,
        id,
        RejectForm::default(),
        OverrideForm::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let reg = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    pipeline::advance(&state.db, ctx.actor(), state.now(), id, &Step::Verify).await?;
    let flash = Flash::new("flash.reg_verified").with("number", &reg.number);
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/registrations/{id}"),
        flash,
    ))
}

/// Installed without a done visit: an admin's override, with a reason, asked first.
pub async fn install(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<OverrideForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let Some(reason) = errors.check("override_reason", web::required(&form.override_reason, 500))
    else {
        return render_detail(&state, ctx, id, RejectForm::default(), form, errors).await;
    };
    let reg = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !reg.status.can_move_to(RegStatus::Installed) {
        return Err(AppError::Conflict("registrations.transition_invalid"));
    }
    // The subscription starts without a technician's report: ask first.
    if !form.confirm.given() {
        let vars = [
            ("number", reg.number.as_str()),
            ("name", reg.customer_name.as_str()),
            ("package", reg.package_name.as_str()),
        ];
        return Confirm::new(ctx, "confirm.reg_install", &vars)
            .back_to(format!("/staff/registrations/{id}"))
            .fact("registrations.override_reason", reason.as_str())
            .carry("override_reason", reason.as_str())
            .page();
    }
    let step = Step::InstallOverride(&reason);
    pipeline::advance(&state.db, ctx.actor(), state.now(), id, &step).await?;
    let flash = Flash::new("flash.reg_installed")
        .with("number", &reg.number)
        .with("package", &reg.package_name);
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/registrations/{id}"),
        flash,
    ))
}

pub async fn reject(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<RejectForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let Some(reason) = errors.check("reason", web::required(&form.reason, 500)) else {
        return render_detail(&state, ctx, id, form, OverrideForm::default(), errors).await;
    };
    let reg = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !reg.status.can_move_to(RegStatus::Rejected) {
        return Err(AppError::Conflict("registrations.transition_invalid"));
    }
    // The customer sees the rejection and its reason at once: ask first.
    if !form.confirm.given() {
        let vars = [
            ("number", reg.number.as_str()),
            ("name", reg.customer_name.as_str()),
        ];
        return Confirm::new(ctx, "confirm.reg_reject", &vars)
            .back_to(format!("/staff/registrations/{id}"))
            .fact("registrations.reject_reason", reason.as_str())
            .carry("reason", reason.as_str())
            .page();
    }
    pipeline::advance(
        &state.db,
        ctx.actor(),
        state.now(),
        id,
        &Step::Reject(&reason),
    )
    .await?;
    let flash = Flash::new("flash.reg_rejected").with("number", &reg.number);
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/registrations/{id}"),
        flash,
    ))
}
