//! Handlers for staff account administration.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::service::{self, NewStaff};
use super::store::{self, StaffFilter, UserRow};
use crate::audit::Action;
use crate::auth::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::{Email, PhoneNumber};
use crate::web::{
    self, no_store, page, redirect_with_flash, Confirm, ConfirmForm, Ctx, FieldErrors, Flash, Form,
    Paging, Path, Query,
};
use crate::words::Detail;

const PER_PAGE: i64 = 25;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    role: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    ctx: Ctx,
    q: String,
    role: String,
    users: Vec<UserRow>,
    paging: Paging,
    roles: &'static [Role],
}

impl ListPage {
    fn page_link(&self, page: i64) -> String {
        let q = serde_urlencoded::to_string([("q", self.q.as_str()), ("role", self.role.as_str())])
            .unwrap_or_default();
        format!("/staff/users?{q}&page={page}")
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let filter = StaffFilter {
        q: &q.q,
        role: Role::parse(&q.role).filter(|r| r.is_staff()),
    };
    let total = store::count_staff(&state.db, &filter).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let users = store::list_staff(&state.db, &filter, paging.per_page, paging.offset()).await?;
    page(&ListPage {
        ctx,
        q: q.q,
        role: q.role,
        users,
        paging,
        roles: &Role::STAFF,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct UserForm {
    name: String,
    email: String,
    phone: String,
    role: String,
}

#[derive(Template)]
#[template(path = "users/form.html")]
struct FormPage {
    ctx: Ctx,
    /// `None` when creating.
    user: Option<UserRow>,
    form: UserForm,
    errors: FieldErrors,
    roles: &'static [Role],
}

impl FormPage {
    fn render_page(self, valid: bool) -> AppResult<Response> {
        web::page_or_invalid(&self, valid)
    }
}

pub async fn new_form(ctx: Ctx) -> AppResult<Response> {
    let form = UserForm {
        role: Role::Admin.as_str().into(),
        ..Default::default()
    };
    FormPage {
        ctx,
        user: None,
        form,
        errors: FieldErrors::default(),
        roles: &Role::STAFF,
    }
    .render_page(true)
}

fn validate(form: &UserForm, errors: &mut FieldErrors) -> Option<NewStaff> {
    let name = errors.check("name", web::required(&form.name, 100));
    let email = errors.check("email", Email::parse(&form.email));
    let phone = if form.phone.trim().is_empty() {
        Some(None)
    } else {
        errors.check("phone", PhoneNumber::parse(&form.phone).map(Some))
    };
    let role = errors.check("role", parse_role(&form.role));
    Some(NewStaff {
        name: name?,
        email: email?,
        phone: phone?,
        role: role?,
    })
}

fn parse_role(s: &str) -> Result<Role, &'static str> {
    Role::parse(s)
        .filter(|r| r.is_staff())
        .ok_or("validation.role_invalid")
}

#[derive(Template)]
#[template(path = "users/password_shown.html")]
struct PasswordShown {
    ctx: Ctx,
    user_id: i64,
    name: String,
    login: String,
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UserForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let result = match validate(&form, &mut errors) {
        Some(v) => service::create_staff(
            &state.db,
            &state.hashing,
            ctx.actor(),
            state.now(),
            &v,
            None,
        )
        .await
        .map(|created| (created, v)),
        None => Err(AppError::Validation(errors)),
    };
    let ((id, password), v) = match result {
        Ok(r) => r,
        Err(AppError::Validation(errors)) => {
            return FormPage {
                ctx,
                user: None,
                form,
                errors,
                roles: &Role::STAFF,
            }
            .render_page(false)
        }
        Err(e) => return Err(e),
    };
    Ok(no_store(page(&PasswordShown {
        ctx,
        user_id: id,
        name: v.name,
        login: v.email.to_string(),
        password,
    })?))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = service::staff_member(&state.db, id).await?;
    let form = UserForm {
        name: user.name.clone(),
        email: user.email.clone().unwrap_or_default(),
        phone: user.phone.clone().unwrap_or_default(),
        role: user.role.clone(),
    };
    FormPage {
        ctx,
        user: Some(user),
        form,
        errors: FieldErrors::default(),
        roles: &Role::STAFF,
    }
    .render_page(true)
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(mut form): Form<UserForm>,
) -> AppResult<Response> {
    let user = service::staff_member(&state.db, id).await?;
    // Email and phone are not edited here; keep them as stored.
    form.email = user.email.clone().unwrap_or_default();
    form.phone = user.phone.clone().unwrap_or_default();
    let mut errors = FieldErrors::default();
    let name = errors.check("name", web::required(&form.name, 100));
    let role = errors.check("role", parse_role(&form.role));
    let result = match (name, role) {
        (Some(name), Some(role)) => {
            service::update_staff(&state.db, ctx.actor(), state.now(), id, &name, role).await
        }
        _ => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/users/{id}"),
            Flash::new("flash.user_saved").with("name", form.name.trim()),
        )),
        Err(AppError::Validation(errors)) => FormPage {
            ctx,
            user: Some(user),
            form,
            errors,
            roles: &Role::STAFF,
        }
        .render_page(false),
        Err(e) => Err(e),
    }
}

/// Deactivating ends the person's sessions at once: ask first.
pub async fn deactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let user = service::staff_member(&state.db, id).await?;
    if ctx.user.as_ref().map(|u| u.id) == Some(id) {
        return Err(AppError::Conflict("users.cannot_deactivate_self"));
    }
    if !f.given() {
        let role = ctx.t(user.role().label_key()).to_string();
        let vars = [("name", user.name.as_str()), ("role", role.as_str())];
        return Confirm::new(ctx, "confirm.user_deactivate", &vars)
            .back_to(format!("/staff/users/{id}"))
            .page();
    }
    service::deactivate(&state.db, ctx.actor(), state.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/users/{id}"),
        Flash::new("flash.user_deactivated").with("name", &user.name),
    ))
}

pub async fn reactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = service::staff_member(&state.db, id).await?;
    service::reactivate(&state.db, ctx.actor(), state.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/users/{id}"),
        Flash::new("flash.user_reactivated").with("name", &user.name),
    ))
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = service::staff_member(&state.db, id).await?;
    let password = service::reset_password(
        &state.db,
        &state.hashing,
        ctx.actor(),
        state.now(),
        id,
        Action::UserResetPassword,
        ("user", id),
        Detail::new().record("user", id, &user.name),
    )
    .await?;
    let login = user.email.or(user.phone).unwrap_or_default();
    Ok(no_store(page(&PasswordShown {
        ctx,
        user_id: id,
        name: user.name,
        login,
        password,
    })?))
}
