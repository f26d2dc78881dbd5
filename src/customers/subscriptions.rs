//! Staff handlers for subscription changes; the changes themselves are in [`super::changes`].

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::changes::{self, Change};
use super::model::{SubStatus, SuspendReason, TerminationReason};
use super::store::{self, SubscriptionRow};
use crate::catalog::store as catalog;
use crate::error::{AppError, AppResult};
use crate::retention::store::{self as retention, CompetitorRow};
use crate::state::AppState;
use crate::web::{
    self, redirect_with_flash, Confirm, Confirmed, Ctx, FieldErrors, Flash, Form, Path,
};

async fn load(state: &AppState, id: i64) -> AppResult<SubscriptionRow> {
    store::get_subscription(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The customer's name, for messages.
async fn customer_name(state: &AppState, sub: &SubscriptionRow) -> AppResult<String> {
    Ok(store::get(&state.db, sub.customer_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default())
}

/// Applies the change, audits it and goes back to the customer, saying what happened.
async fn change(
    state: &AppState,
    ctx: &Ctx,
    sub: &SubscriptionRow,
    change: Change<'_>,
) -> AppResult<Response> {
    changes::apply(&state.db, ctx.actor(), state.now(), sub, &change).await?;
    let name = customer_name(state, sub).await?;
    let flash = match &change {
        Change::Package { to_name, .. } => Flash::new("flash.sub_package_changed")
            .with("from", &sub.package_name)
            .with("to", to_name),
        Change::Suspend(reason) => {
            Flash::new("flash.sub_suspended").with_key("reason", reason.label_key())
        }
        Change::Reactivate => Flash::new("flash.sub_reactivated"),
        Change::Terminate { .. } => Flash::new("flash.sub_terminated"),
    };
    Ok(redirect_with_flash(
        state,
        &format!("/staff/customers/{}", sub.customer_id),
        flash.with("package", &sub.package_name).with("name", name),
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PackageForm {
    package_id: String,
}

pub async fn change_package(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PackageForm>,
) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    let package = match f.package_id.parse::<i64>() {
        Ok(p) => catalog::get_package(&state.db, p)
            .await?
            .filter(|p| p.published),
        Err(_) => None,
    }
    .ok_or(AppError::Unprocessable("validation.package_required"))?;
    if package.id == sub.package_id {
        return Ok(redirect_with_flash(
            &state,
            &format!("/staff/customers/{}", sub.customer_id),
            Flash::new("flash.sub_package_same").with("package", &sub.package_name),
        ));
    }
    change(
        &state,
        &ctx,
        &sub,
        Change::Package {
            to_id: package.id,
            to_name: &package.name,
        },
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SuspendForm {
    reason: String,
    confirm: Confirmed,
}

/// Suspension ("isolir") always names its reason, and asks first: the customer's internet
/// stops.
pub async fn suspend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<SuspendForm>,
) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    let reason = SuspendReason::parse(&f.reason)
        .ok_or_else(|| AppError::field("reason", "subscriptions.suspend_reason_required"))?;
    if sub.status != SubStatus::Active {
        return Err(AppError::Conflict("subscriptions.transition_invalid"));
    }
    if !f.confirm.given() {
        let name = customer_name(&state, &sub).await?;
        let vars = [
            ("package", sub.package_name.as_str()),
            ("name", name.as_str()),
        ];
        return Confirm::new(ctx, "confirm.sub_suspend", &vars)
            .back_to(format!("/staff/customers/{}", sub.customer_id))
            .fact_key("customers.suspend_reason", reason.label_key())
            .carry("reason", reason.as_str())
            .page();
    }
    change(&state, &ctx, &sub, Change::Suspend(reason)).await
}

pub async fn reactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    change(&state, &ctx, &sub, Change::Reactivate).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TerminateForm {
    reason: String,
    competitor_id: String,
    note: String,
    confirm: Confirmed,
}

#[derive(Template)]
#[template(path = "customers/terminate.html")]
struct TerminatePage {
    ctx: Ctx,
    sub: SubscriptionRow,
    form: TerminateForm,
    errors: FieldErrors,
    reasons: &'static [TerminationReason],
    competitors: Vec<CompetitorRow>,
}

async fn render_terminate(
    state: &AppState,
    ctx: Ctx,
    sub: SubscriptionRow,
    form: TerminateForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let valid = errors.is_empty();
    let p = TerminatePage {
        ctx,
        sub,
        form,
        errors,
        reasons: &TerminationReason::ALL,
        competitors: retention::competitors(&state.db).await?,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn terminate_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    render_terminate(
        &state,
        ctx,
        sub,
        TerminateForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// Ending a subscription always records why; "moved to a competitor" also records which one.
pub async fn terminate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<TerminateForm>,
) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    if sub.status == super::model::SubStatus::Terminated {
        return Err(AppError::Conflict("subscriptions.terminated"));
    }
    let mut errors = FieldErrors::default();
    let reason = TerminationReason::parse(&form.reason);
    if reason.is_none() {
        errors.add("reason", "validation.reason_required");
    }
    let competitor = match form.competitor_id.parse::<i64>() {
        Ok(c) => retention::get(&state.db, c).await?,
        Err(_) => None,
    };
    if reason == Some(TerminationReason::Competitor) && competitor.is_none() {
        errors.add("competitor_id", "validation.competitor_required");
    }
    let note = errors
        .check("note", web::optional(&form.note, 500))
        .flatten()
        .unwrap_or_default();
    if reason == Some(TerminationReason::Other) && note.is_empty() {
        errors.add("note", "validation.note_required_for_other");
    }
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return render_terminate(&state, ctx, sub, form, errors).await;
    };
    let competitor = competitor
        .as_ref()
        .filter(|_| reason == TerminationReason::Competitor)
        .map(|c| (c.id, c.name.as_str()));
    // The end cannot be undone: ask first, with what was chosen.
    if !form.confirm.given() {
        let name = customer_name(&state, &sub).await?;
        let vars = [
            ("package", sub.package_name.as_str()),
            ("name", name.as_str()),
        ];
        let mut ask = Confirm::new(ctx, "confirm.sub_terminate", &vars)
            .back_to(format!("/staff/subscriptions/{}/terminate", sub.id))
            .fact_key("customers.termination_reason", reason.label_key())
            .carry("reason", reason.as_str())
            .carry("competitor_id", form.competitor_id.trim())
            .carry("note", note.as_str());
        if let Some((_, c)) = competitor {
            ask = ask.fact("customers.which_competitor", c);
        }
        if !note.is_empty() {
            ask = ask.fact("customers.termination_note", note.as_str());
        }
        return ask.page();
    }
    change(
        &state,
        &ctx,
        &sub,
        Change::Terminate {
            reason,
            competitor,
            note: &note,
        },
    )
    .await
}
