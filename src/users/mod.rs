//! Staff accounts, managed by the system admin at `/staff/users`.

pub mod service;
pub mod store;
mod web;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let sysadmin = Access::Roles(groups::SYSTEM_ADMIN);
    Routes::new()
        .get_post("/staff/users", sysadmin, web::list, web::create)
        .get("/staff/users/new", sysadmin, web::new_form)
        .get_post("/staff/users/{id}", sysadmin, web::show, web::update)
        .post("/staff/users/{id}/deactivate", sysadmin, web::deactivate)
        .post("/staff/users/{id}/reactivate", sysadmin, web::reactivate)
        .post(
            "/staff/users/{id}/reset-password",
            sysadmin,
            web::reset_password,
        )
        .all_clear_cache()
}

use chrono::{DateTime, Utc};

use crate::auth::{password, Role};
use crate::db::{is_unique_violation, Db, DbResult};
use crate::state::AppState;

/// The active staff of a role by name, as the staff pages' filters and pickers list them: kept
/// by each instance for [`crate::state::LISTS_TTL`]; a change through `/staff/users` clears
/// it here at once.
pub async fn active_of_role(
    state: &AppState,
    role: Role,
) -> DbResult<std::sync::Arc<Vec<store::StaffName>>> {
    state
        .cache
        .get_or_load(
            &format!("users.{}", role.as_str()),
            crate::state::LISTS_TTL,
            || store::names_of_role(&state.db, role),
        )
        .await
}

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
