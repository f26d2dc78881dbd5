//! Staff accounts, managed by the system admin at `/staff/users`.

pub mod service;
pub mod store;
mod web;

use axum::routing::{get, post};
use axum::Router;

use crate::auth::{groups, require};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/users", get(web::list).post(web::create))
        .route("/staff/users/new", get(web::new_form))
        .route("/staff/users/{id}", get(web::show).post(web::update))
        .route("/staff/users/{id}/deactivate", post(web::deactivate))
        .route("/staff/users/{id}/reactivate", post(web::reactivate))
        .route(
            "/staff/users/{id}/reset-password",
            post(web::reset_password),
        )
        .route_layer(require(groups::SYSTEM_ADMIN))
}

use chrono::{DateTime, Utc};

use crate::auth::{password, Role};
use crate::db::{is_unique_violation, Db};

pub const FIRST_ADMIN_EMAIL: &str = "admin@setia.local";

/// On an empty database, creates the first system admin and returns its login and one-time
/// password (which must be changed at first login). Safe when several instances start at once.
pub async fn ensure_first_admin(
    db: &Db,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<(String, String)>> {
    if store::count(db).await? > 0 {
        return Ok(None);
    }
    let pw = password::generate();
    let hash = password::hash(pw.clone()).await?;
    let new = store::NewUser {
        email: Some(FIRST_ADMIN_EMAIL),
        phone: None,
        name: "System Administrator",
        role: Role::SystemAdmin,
        password_hash: &hash,
        must_change_password: true,
    };
    match store::create(db, &new, now).await {
        Ok(_) => Ok(Some((FIRST_ADMIN_EMAIL.to_string(), pw))),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
