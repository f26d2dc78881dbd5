//! Handlers: login, logout, password change, language choice.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::{device, service, session};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::{
    self, cookies, page, redirect, redirect_with_flash, Ctx, CurrentUser, FieldErrors, Form, Query,
};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: Ctx,
    login: String,
    next: String,
    error: Option<&'static str>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: String,
}

/// Only local paths, so `next` cannot send anyone to another site.
/// Browsers drop tabs and newlines from URLs, so `/\t/evil.example` would become `//evil…`:
/// any control character or backslash disqualifies the target.
fn safe_next(next: &str) -> Option<&str> {
    let plain = !next.chars().any(|c| c.is_control() || c == '\\');
    (plain && next.starts_with('/') && !next.starts_with("//")).then_some(next)
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    if let Some(user) = &ctx.user {
        return Ok(redirect(user.role.home()));
    }
    page(&LoginPage {
        ctx,
        login: String::new(),
        next: q.next,
        error: None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    login: String,
    password: String,
    next: String,
}

pub async fn login(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let fail =
        |ctx: Ctx, form: LoginForm, status: StatusCode, key: &'static str| -> AppResult<Response> {
            let p = LoginPage {
                ctx,
                login: form.login,
                next: form.next,
                error: Some(key),
            };
            Ok((status, Html(p.render()?)).into_response())
        };
    let outcome = service::login(
        &state.db,
        &state.hashing,
        &state.secret,
        now,
        service::Attempt {
            login: &form.login,
            password: form.password.clone(),
            ip: &ctx.ip,
            device: cookies::get(&headers, device::COOKIE),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
            // A new session id at every login; the one the visitor had before ends.
            previous_session: ctx.user.as_ref().map(|u| u.session_id.as_str()),
        },
    )
    .await?;
    let (user, token) = match outcome {
        service::Outcome::Success(user, token) => (user, token),
        service::Outcome::Failed => {
            return fail(ctx, form, StatusCode::UNAUTHORIZED, "auth.login_failed")
        }
        service::Outcome::Throttled => {
            let mut res = fail(
                ctx,
                form,
                StatusCode::TOO_MANY_REQUESTS,
                "auth.too_many_attempts",
            )?;
            res.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(service::WINDOW_MINUTES * 60),
            );
            return Ok(res);
        }
    };

    let target = if user.must_change_password {
        super::guard::CHANGE_PASSWORD_PATH
    } else {
        safe_next(&form.next).unwrap_or(user.role().home())
    };
    let mut res = redirect(target);
    session::set_cookies(&state, &mut res, &token);
    set_device_cookie(&state, &mut res, user.id, &user.password_hash);
    if let Some(lang) = user.lang.as_deref() {
        res.headers_mut().append(
            header::SET_COOKIE,
            cookies::set(
                cookies::LANG,
                lang,
                Some(365 * 86400),
                state.config.secure_cookies,
            ),
        );
    }
    Ok(res)
}

/// Marks this browser as a known device of the account (see [`device`]).
fn set_device_cookie(state: &AppState, res: &mut Response, user_id: i64, password_hash: &str) {
    let value = device::issue(&state.secret, user_id, password_hash);
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(
            device::COOKIE,
            &value,
            Some(device::MAX_AGE_SECS),
            state.config.secure_cookies,
        ),
    );
}

#[derive(Template)]
#[template(path = "auth/logout.html")]
struct LogoutPage {
    ctx: Ctx,
}

pub async fn logout_form(ctx: Ctx) -> AppResult<Response> {
    if ctx.user.is_none() {
        return Ok(redirect("/login"));
    }
    page(&LogoutPage { ctx })
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let Some(user) = &ctx.user {
        service::logout(&state.db, ctx.actor(), state.now(), &user.session_id).await?;
    }
    let mut res = redirect_with_flash(&state, "/login", "flash.logged_out");
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(cookies::SESSION, state.config.secure_cookies),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    ctx: Ctx,
    errors: FieldErrors,
    forced: bool,
}

pub async fn password_form(ctx: Ctx, user: CurrentUser) -> AppResult<Response> {
    page(&PasswordPage {
        ctx,
        errors: FieldErrors::default(),
        forced: user.must_change_password,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin = service::Origin {
        ip: &ctx.ip,
        user_agent,
    };
    let change = service::PasswordChange {
        current: &form.current,
        new: &form.new,
        confirm: &form.confirm,
    };
    let result = service::change_password(
        &state.db,
        &state.hashing,
        ctx.actor(),
        state.now(),
        origin,
        &change,
    )
    .await;
    match result {
        Ok((token, hash)) => {
            let mut res = redirect_with_flash(&state, user.role.home(), "flash.password_changed");
            session::set_cookies(&state, &mut res, &token);
            set_device_cookie(&state, &mut res, user.id, &hash);
            Ok(res)
        }
        Err(AppError::Validation(errors)) => web::invalid(&PasswordPage {
            ctx,
            errors,
            forced: user.must_change_password,
        }),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    lang: String,
    back: String,
}

pub async fn set_lang(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LangForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&form.lang)
        .ok_or(crate::error::AppError::Unprocessable("error.form_invalid"))?;
    if let Some(user) = &ctx.user {
        service::choose_language(&state.db, user.id, lang).await?;
    }
    let mut res = redirect(safe_next(&form.back).unwrap_or("/"));
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(
            cookies::LANG,
            lang.code(),
            Some(365 * 86400),
            state.config.secure_cookies,
        ),
    );
    Ok(res)
}
