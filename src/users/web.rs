//! Handlers for staff account administration.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::store::{self, NewUser, StaffFilter, UserRow};
use crate::app::AppState;
use crate::audit;
use crate::auth::{password, store as sessions, Role};
use crate::db::is_unique_violation;
use crate::error::{AppError, AppResult};
use crate::types::{Email, PhoneNumber};
use crate::web::{
    self, no_store, page, redirect_with_flash, Ctx, FieldErrors, Form, Paging, Path, Query,
};

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
        if valid {
            page(&self)
        } else {
            web::invalid(&self)
        }
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

struct ValidUser {
    name: String,
    email: Email,
    phone: Option<PhoneNumber>,
    role: Role,
}

fn validate(form: &UserForm, errors: &mut FieldErrors) -> Option<ValidUser> {
    let name = errors.check("name", web::required(&form.name, 100));
    let email = errors.check("email", Email::parse(&form.email));
    let phone = if form.phone.trim().is_empty() {
        Some(None)
    } else {
        errors.check("phone", PhoneNumber::parse(&form.phone).map(Some))
    };
    let role = errors.check(
        "role",
        Role::parse(&form.role)
            .filter(|r| r.is_staff())
            .ok_or("validation.role_invalid"),
    );
    Some(ValidUser {
        name: name?,
        email: email?,
        phone: phone?,
        role: role?,
    })
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
    let Some(v) = validate(&form, &mut errors) else {
        return FormPage {
            ctx,
            user: None,
            form,
            errors,
            roles: &Role::STAFF,
        }
        .render_page(false);
    };
    let one_time = password::generate();
    let hash = state.hashing.hash(one_time.clone()).await?;
    let new = NewUser {
        email: Some(v.email.as_str()),
        phone: v.phone.as_ref().map(PhoneNumber::as_str),
        name: &v.name,
        role: v.role,
        password_hash: &hash,
        must_change_password: true,
    };
    let id = match store::create(&state.db, &new, state.clock.now()).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            errors.add(crate::db::violated_contact(&e), "validation.login_taken");
            return FormPage {
                ctx,
                user: None,
                form,
                errors,
                roles: &Role::STAFF,
            }
            .render_page(false);
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &state,
        &ctx,
        "user.create",
        Some(("user", id)),
        &format!("{} ({})", v.email, v.role),
    )
    .await?;
    Ok(no_store(page(&PasswordShown {
        ctx,
        user_id: id,
        name: v.name,
        login: v.email.to_string(),
        password: one_time,
    })?))
}

async fn load_staff(state: &AppState, id: i64) -> AppResult<UserRow> {
    store::get(&state.db, id)
        .await?
        .filter(|u| u.role().is_staff())
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = load_staff(&state, id).await?;
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
    let user = load_staff(&state, id).await?;
    // Email and phone are not edited here; keep them as stored.
    form.email = user.email.clone().unwrap_or_default();
    form.phone = user.phone.clone().unwrap_or_default();
    let mut errors = FieldErrors::default();
    let name = errors.check("name", web::required(&form.name, 100));
    let role = errors.check(
        "role",
        Role::parse(&form.role)
            .filter(|r| r.is_staff())
            .ok_or("validation.role_invalid"),
    );
    if let (Some(name), Some(role)) = (&name, role) {
        if !store::update_staff(&state.db, id, name, role, state.clock.now()).await? {
            errors.add("role", "users.last_system_admin");
        }
    }
    let (Some(name), Some(role), true) = (name, role, errors.is_empty()) else {
        return FormPage {
            ctx,
            user: Some(user),
            form,
            errors,
            roles: &Role::STAFF,
        }
        .render_page(false);
    };
    let detail = format!(
        "name: {} -> {}; role: {} -> {}",
        user.name, name, user.role, role
    );
    audit::record(&state, &ctx, "user.update", Some(("user", id)), &detail).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/users/{id}"),
        "flash.saved",
    ))
}

pub async fn deactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = load_staff(&state, id).await?;
    // Locking oneself out is never what a system admin means to do.
    if ctx.user.as_ref().is_some_and(|me| me.id == user.id) {
        return Err(AppError::Conflict("users.cannot_deactivate_self"));
    }
    if !store::set_active(&state.db, user.id, false, state.clock.now()).await? {
        return Err(AppError::Conflict("users.last_system_admin"));
    }
    let ended = sessions::delete_user_sessions(&state.db, id, None).await?;
    audit::record(
        &state,
        &ctx,
        "user.deactivate",
        Some(("user", id)),
        &format!("{ended} session(s) ended"),
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/users/{id}"),
        "flash.user_deactivated",
    ))
}

pub async fn reactivate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    load_staff(&state, id).await?;
    store::set_active(&state.db, id, true, state.clock.now()).await?;
    audit::record(&state, &ctx, "user.reactivate", Some(("user", id)), "").await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/users/{id}"),
        "flash.user_reactivated",
    ))
}

pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let user = load_staff(&state, id).await?;
    let one_time = password::generate();
    let hash = state.hashing.hash(one_time.clone()).await?;
    store::set_password(&state.db, id, &hash, true, state.clock.now()).await?;
    sessions::delete_user_sessions(&state.db, id, None).await?;
    audit::record(&state, &ctx, "user.reset_password", Some(("user", id)), "").await?;
    let login = user
        .email
        .clone()
        .or(user.phone.clone())
        .unwrap_or_default();
    Ok(no_store(page(&PasswordShown {
        ctx,
        user_id: id,
        name: user.name,
        login,
        password: one_time,
    })?))
}
