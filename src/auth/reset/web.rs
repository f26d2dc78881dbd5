//! `/password/forgot` and `/password/reset/{token}`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::Invalid;
use crate::auth::password;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::{self, no_store, page, redirect_with_flash, Ctx, FieldErrors, Form, Path};

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage {
    ctx: Ctx,
    login: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "auth/forgot_sent.html")]
struct SentPage {
    ctx: Ctx,
}

pub async fn forgot_form(ctx: Ctx) -> AppResult<Response> {
    page(&ForgotPage {
        ctx,
        login: String::new(),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    login: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ForgotForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    errors.check("login", web::required(&form.login, 200));
    if !errors.is_empty() {
        return web::invalid(&ForgotPage {
            ctx,
            login: form.login,
            errors,
        });
    }
    super::request_later(&state.db, state.clock.now(), &form.login, ctx.lang, &ctx.ip).await?;
    // The same answer whether or not an account exists.
    page(&SentPage { ctx })
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    ctx: Ctx,
    token: String,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "auth/reset_invalid.html")]
struct InvalidPage {
    ctx: Ctx,
    reason: &'static str,
}

fn invalid_link(ctx: Ctx, why: Invalid) -> AppResult<Response> {
    let (status, reason) = match why {
        Invalid::Unknown => (StatusCode::NOT_FOUND, "reset.invalid_unknown"),
        Invalid::Used => (StatusCode::GONE, "reset.invalid_used"),
        Invalid::Expired => (StatusCode::GONE, "reset.invalid_expired"),
    };
    let body = InvalidPage { ctx, reason }.render()?;
    Ok(no_store((status, Html(body)).into_response()))
}

pub async fn reset_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    if let Err(why) = super::check(&state.db, &token, state.clock.now()).await? {
        return invalid_link(ctx, why);
    }
    Ok(no_store(page(&ResetPage {
        ctx,
        token,
        errors: FieldErrors::default(),
    })?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    new: String,
    confirm: String,
}

pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    // Cheap check first, so forged links cost no password hashing.
    if let Err(why) = super::check(&state.db, &token, state.clock.now()).await? {
        return invalid_link(ctx, why);
    }
    let mut errors = FieldErrors::default();
    errors.check("new", password::check_policy(&form.new));
    if form.new != form.confirm {
        errors.add("confirm", "validation.password_mismatch");
    }
    if !errors.is_empty() {
        return Ok(no_store(web::invalid(&ResetPage { ctx, token, errors })?));
    }
    let hash = state.hashing.hash(form.new).await?;
    match super::complete(&state.db, state.clock.now(), &token, &hash, &ctx.ip).await? {
        Ok(_) => Ok(redirect_with_flash(
            &state,
            "/login",
            "flash.password_reset_done",
        )),
        Err(why) => invalid_link(ctx, why),
    }
}
