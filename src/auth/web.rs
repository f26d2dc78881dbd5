//! Handlers: login, logout, password change, language choice.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use chrono::Duration;
use serde::Deserialize;

use super::{password, session, store, LOCK_MINUTES, MAX_FAILED_LOGINS, MAX_FAILED_LOGINS_PER_IP};
use crate::audit::{self, Actor};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::types::{Email, PhoneNumber};
use crate::users::store as users;
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
    let window_start = now - Duration::minutes(LOCK_MINUTES);
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

    if store::count_login_attempts(&state.db, &ctx.ip, window_start).await?
        >= MAX_FAILED_LOGINS_PER_IP
    {
        let attempted: String = form.login.trim().chars().take(100).collect();
        let actor = Actor {
            id: None,
            name: &attempted,
            ip: &ctx.ip,
        };
        audit::record(
            &state,
            actor,
            "auth.login_throttled",
            None,
            "too many failures from this address",
        )
        .await?;
        return fail(
            ctx,
            form,
            StatusCode::TOO_MANY_REQUESTS,
            "auth.too_many_attempts",
        );
    }

    let login = form.login.trim();
    let (email, phone) = if login.contains('@') {
        (
            Email::parse(login).ok().map(|e| e.as_str().to_owned()),
            None,
        )
    } else {
        (
            None,
            PhoneNumber::parse(login)
                .ok()
                .map(|p| p.as_str().to_owned()),
        )
    };
    let user = if email.is_some() || phone.is_some() {
        users::find_by_login(&state.db, email.as_deref(), phone.as_deref()).await?
    } else {
        None
    };

    let attempted: String = login.chars().take(100).collect();
    let failure_actor = |id: Option<i64>| Actor {
        id,
        name: "",
        ip: &ctx.ip,
    };
    let Some(user) = user.filter(|u| u.active) else {
        password::verify_dummy(form.password.clone()).await?;
        store::record_login_attempt(&state.db, &ctx.ip, now).await?;
        audit::record(
            &state,
            Actor {
                name: &attempted,
                ..failure_actor(None)
            },
            "auth.login_failed",
            None,
            "unknown or inactive account",
        )
        .await?;
        return fail(ctx, form, StatusCode::UNAUTHORIZED, "auth.login_failed");
    };

    if user.locked_until.is_some_and(|t| t > now) {
        password::verify_dummy(form.password.clone()).await?;
        store::record_login_attempt(&state.db, &ctx.ip, now).await?;
        audit::record(
            &state,
            Actor {
                name: &user.name,
                ..failure_actor(Some(user.id))
            },
            "auth.login_failed",
            Some(("user", user.id)),
            "account locked",
        )
        .await?;
        return fail(ctx, form, StatusCode::UNAUTHORIZED, "auth.login_failed");
    }

    if !password::verify(form.password.clone(), user.password_hash.clone()).await? {
        store::record_login_attempt(&state.db, &ctx.ip, now).await?;
        let window = Duration::minutes(LOCK_MINUTES);
        let locked =
            users::record_failed_login(&state.db, user.id, MAX_FAILED_LOGINS, now, window).await?;
        let actor = || Actor {
            name: &user.name,
            ..failure_actor(Some(user.id))
        };
        audit::record(
            &state,
            actor(),
            "auth.login_failed",
            Some(("user", user.id)),
            "wrong password",
        )
        .await?;
        if locked {
            audit::record(
                &state,
                actor(),
                "auth.locked",
                Some(("user", user.id)),
                &format!("locked for {LOCK_MINUTES} minutes"),
            )
            .await?;
        }
        return fail(ctx, form, StatusCode::UNAUTHORIZED, "auth.login_failed");
    }

    users::record_successful_login(&state.db, user.id).await?;
    // A new session id at every login; the one the visitor had before is gone.
    if let Some(old) = &ctx.user {
        store::delete_session(&state.db, &old.session_id).await?;
    }
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token = session::start(&state, user.id, &ctx.ip, user_agent).await?;
    audit::record(
        &state,
        Actor {
            id: Some(user.id),
            name: &user.name,
            ip: &ctx.ip,
        },
        "auth.login",
        Some(("user", user.id)),
        "",
    )
    .await?;

    let target = if user.must_change_password {
        super::guard::CHANGE_PASSWORD_PATH
    } else {
        safe_next(&form.next).unwrap_or(user.role().home())
    };
    let mut res = redirect(target);
    session::set_cookies(&state, &mut res, &token);
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
        store::delete_session(&state.db, &user.session_id).await?;
        audit::record(&state, &ctx, "auth.logout", Some(("user", user.id)), "").await?;
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
    let row = users::get(&state.db, user.id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    if !password::verify(form.current.clone(), row.password_hash.clone()).await? {
        errors.add("current", "validation.password_wrong");
    }
    errors.check("new", password::check_policy(&form.new));
    if form.new == form.current && !errors.has("new") {
        errors.add("new", "validation.password_same");
    }
    if form.new != form.confirm {
        errors.add("confirm", "validation.password_mismatch");
    }
    if !errors.is_empty() {
        return web::invalid(&PasswordPage {
            ctx,
            errors,
            forced: user.must_change_password,
        });
    }
    let hash = password::hash(form.new).await?;
    users::set_password(&state.db, user.id, &hash, false, state.clock.now()).await?;
    // Every session of this user ends, this one included; a new one continues.
    store::delete_user_sessions(&state.db, user.id, None).await?;
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token = session::start(&state, user.id, &ctx.ip, user_agent).await?;
    audit::record(
        &state,
        &ctx,
        "auth.password_changed",
        Some(("user", user.id)),
        "",
    )
    .await?;
    let mut res = redirect_with_flash(&state, user.role.home(), "flash.password_changed");
    session::set_cookies(&state, &mut res, &token);
    Ok(res)
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
        users::set_lang(&state.db, user.id, lang.code()).await?;
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
