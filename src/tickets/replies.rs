//! Saved replies ("balasan cepat") that admins keep and insert into a reply with one click.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::service;
use super::store::{self, SavedReply};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{
    self, redirect_with_flash, Confirm, ConfirmForm, Ctx, FieldErrors, Flash, Form, Path,
};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    title: String,
    body: String,
}

#[derive(Template)]
#[template(path = "tickets/replies.html")]
struct RepliesPage {
    ctx: Ctx,
    replies: Vec<SavedReply>,
    /// The reply being edited, if any.
    editing: Option<i64>,
    form: ReplyForm,
    errors: FieldErrors,
}

/// The saved replies as the ticket page offers them: kept by each instance for
/// [`crate::state::LISTS_TTL`]; a change on this page clears it here at once.
pub(super) async fn offered(
    state: &AppState,
) -> crate::db::DbResult<std::sync::Arc<Vec<SavedReply>>> {
    state
        .cache
        .get_or_load("tickets.saved_replies", crate::state::LISTS_TTL, || {
            store::saved_replies(&state.db)
        })
        .await
}

async fn render(
    state: &AppState,
    ctx: Ctx,
    editing: Option<i64>,
    form: ReplyForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let valid = errors.is_empty();
    let p = RepliesPage {
        replies: store::saved_replies(&state.db).await?,
        ctx,
        editing,
        form,
        errors,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render(
        &state,
        ctx,
        None,
        ReplyForm::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = store::saved_reply(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = ReplyForm {
        title: r.title,
        body: r.body,
    };
    render(&state, ctx, Some(id), form, FieldErrors::default()).await
}

async fn save(state: AppState, ctx: Ctx, id: Option<i64>, f: ReplyForm) -> AppResult<Response> {
    match service::save_reply(&state.db, ctx.actor(), state.now(), id, &f.title, &f.body).await {
        Ok(_) => Ok(redirect_with_flash(
            &state,
            "/staff/tickets/replies",
            Flash::new("ticket.flash.reply_saved").with("title", f.title.trim()),
        )),
        Err(AppError::Validation(errors)) => render(&state, ctx, id, f, errors).await,
        Err(e) => Err(e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ReplyForm>,
) -> AppResult<Response> {
    save(state, ctx, None, f).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> AppResult<Response> {
    save(state, ctx, Some(id), f).await
}

/// Deleting cannot be undone: ask first.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let r = store::saved_reply(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !f.given() {
        return Confirm::new(ctx, "confirm.reply_delete", &[("title", &r.title)])
            .back_to("/staff/tickets/replies")
            .fact("ticket.message", r.body.as_str())
            .page();
    }
    service::delete_reply(&state.db, ctx.actor(), state.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        "/staff/tickets/replies",
        Flash::new("ticket.flash.reply_deleted").with("title", &r.title),
    ))
}
