//! Subscription changes: package change (with history), suspend, reactivate, terminate.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::model::TerminationReason;
use super::store::{self, SubscriptionEvent, SubscriptionRow};
use crate::app::AppState;
use crate::audit;
use crate::catalog::store as catalog;
use crate::error::{AppError, AppResult};
use crate::retention::store::{self as retention, CompetitorRow};
use crate::types::wib;
use crate::web::{self, page, redirect_with_flash, Ctx, CurrentUser, FieldErrors, Form, Path};

async fn load(state: &AppState, id: i64) -> AppResult<SubscriptionRow> {
    store::get_subscription(&state.db, id).await?.ok_or(AppError::NotFound)
}

/// Records the change on the subscription, the customer's timeline and status, and the audit log.
async fn finish(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    sub: &SubscriptionRow,
    mut tx: crate::db::Tx,
    event: SubscriptionEvent<'_>,
    detail: &str,
) -> AppResult<Response> {
    let now = state.clock.now();
    store::add_subscription_event(&mut tx, &event, now).await?;
    let status = store::derived_status(&mut tx, sub.customer_id).await?;
    store::set_status(&mut tx, sub.customer_id, status, now).await?;
    store::add_event(&mut tx, sub.customer_id, &format!("subscription.{}", event.kind), detail, &user.name, now).await?;
    tx.commit().await?;
    audit::record(state, ctx, &format!("subscription.{}", event.kind), Some(("subscription", sub.id)), detail).await?;
    Ok(redirect_with_flash(&format!("/staff/customers/{}", sub.customer_id), "flash.saved", state.config.secure_cookies))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PackageForm {
    package_id: String,
}

pub async fn change_package(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<PackageForm>,
) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    if sub.status == "terminated" {
        return Err(AppError::Conflict("subscriptions.terminated"));
    }
    let package = match f.package_id.parse::<i64>() {
        Ok(p) => catalog::get_package(&state.db, p).await?.filter(|p| p.published),
        Err(_) => None,
    }
    .ok_or(AppError::Unprocessable("validation.package_required"))?;
    if package.id == sub.package_id {
        return Ok(redirect_with_flash(&format!("/staff/customers/{}", sub.customer_id), "flash.saved", state.config.secure_cookies));
    }
    let mut tx = state.db.begin().await?;
    store::set_subscription_package(&mut tx, id, package.id, state.clock.now()).await?;
    let detail = format!("{} -> {}", sub.package_name, package.name);
    let event = SubscriptionEvent {
        subscription_id: id,
        kind: "package_changed",
        from_package_id: Some(sub.package_id),
        to_package_id: Some(package.id),
        note: "",
        actor_id: Some(user.id),
    };
    finish(&state, &ctx, &user, &sub, tx, event, &detail).await
}

async fn set_status(state: AppState, ctx: Ctx, user: CurrentUser, id: i64, from: &str, to: &str, kind: &str) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    if sub.status != from {
        return Err(AppError::Conflict("subscriptions.transition_invalid"));
    }
    let mut tx = state.db.begin().await?;
    store::set_subscription_status(&mut tx, id, to, state.clock.now()).await?;
    let event = SubscriptionEvent { subscription_id: id, kind, from_package_id: None, to_package_id: None, note: "", actor_id: Some(user.id) };
    let detail = format!("{} · {from} -> {to}", sub.package_name);
    finish(&state, &ctx, &user, &sub, tx, event, &detail).await
}

pub async fn suspend(State(state): State<AppState>, ctx: Ctx, user: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    set_status(state, ctx, user, id, "active", "suspended", "suspended").await
}

pub async fn reactivate(State(state): State<AppState>, ctx: Ctx, user: CurrentUser, Path(id): Path<i64>) -> AppResult<Response> {
    set_status(state, ctx, user, id, "suspended", "active", "reactivated").await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TerminateForm {
    reason: String,
    competitor_id: String,
    note: String,
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

async fn render_terminate(state: &AppState, ctx: Ctx, sub: SubscriptionRow, form: TerminateForm, errors: FieldErrors) -> AppResult<Response> {
    let valid = errors.is_empty();
    let p = TerminatePage { ctx, sub, form, errors, reasons: &TerminationReason::ALL, competitors: retention::competitors(&state.db).await? };
    if valid {
        page(&p)
    } else {
        web::invalid(&p)
    }
}

pub async fn terminate_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    render_terminate(&state, ctx, sub, TerminateForm::default(), FieldErrors::default()).await
}

/// Ending a subscription always records why; "moved to a competitor" also records which one.
pub async fn terminate(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<TerminateForm>,
) -> AppResult<Response> {
    let sub = load(&state, id).await?;
    if sub.status == "terminated" {
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
    let note = errors.check("note", web::optional(&form.note, 500)).flatten().unwrap_or_default();
    if reason == Some(TerminationReason::Other) && note.is_empty() {
        errors.add("note", "validation.note_required_for_other");
    }
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return render_terminate(&state, ctx, sub, form, errors).await;
    };
    let competitor_id = competitor.as_ref().filter(|_| reason == TerminationReason::Competitor).map(|c| c.id);
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    store::terminate_subscription(&mut tx, id, reason.as_str(), competitor_id, &note, now.with_timezone(&wib()).date_naive(), now)
        .await?;
    let mut detail = format!("{} · {}", sub.package_name, reason.as_str());
    if let Some(c) = competitor.as_ref().filter(|_| competitor_id.is_some()) {
        detail.push_str(&format!(" ({})", c.name));
    }
    let event = SubscriptionEvent { subscription_id: id, kind: "terminated", from_package_id: None, to_package_id: None, note: &note, actor_id: Some(user.id) };
    finish(&state, &ctx, &user, &sub, tx, event, &detail).await
}
