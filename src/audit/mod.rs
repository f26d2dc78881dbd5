//! The audit log: who changed what, when, from where. Every operation that changes data calls
//! [`record_in`] inside its own transaction; the system admin browses it at `/staff/audit`.

pub mod actions;
pub mod store;
mod web;

use crate::words::Detail;
pub use actions::Action;

use crate::auth::groups;
use crate::db::DbResult;
use crate::web::routes::{Access, Routes};
use crate::web::Ctx;

pub fn routes() -> Routes {
    Routes::new().get(
        "/staff/audit",
        Access::Roles(groups::SYSTEM_ADMIN),
        web::list,
    )
}

/// Who did it. Usually the logged-in user; for a failed login, whoever tried.
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    pub ip: &'a str,
}

impl<'a> From<&'a Ctx> for Actor<'a> {
    fn from(ctx: &'a Ctx) -> Self {
        Actor {
            id: ctx.user.as_ref().map(|u| u.id),
            name: ctx.user.as_ref().map(|u| u.name.as_str()).unwrap_or("-"),
            ip: &ctx.ip,
        }
    }
}

fn entry<'a>(
    at: chrono::DateTime<chrono::Utc>,
    actor: Actor<'a>,
    action: &'a str,
    entity: Option<(&'a str, i64)>,
    detail: &'a str,
) -> store::NewEntry<'a> {
    store::NewEntry {
        at,
        actor_id: actor.id,
        actor_name: actor.name,
        action,
        entity: entity.map(|e| e.0),
        entity_id: entity.map(|e| e.1.to_string()),
        detail,
        ip: actor.ip,
    }
}

/// Records an action inside the transaction that performs it. `detail` holds the values its
/// sentence names (see [`crate::words`]); `entity` is the record it acted on.
pub async fn record_in(
    tx: &mut crate::db::Tx,
    at: chrono::DateTime<chrono::Utc>,
    actor: Actor<'_>,
    action: Action,
    entity: Option<(&str, i64)>,
    detail: &Detail,
) -> DbResult<()> {
    let detail = detail.stored();
    store::insert(tx, &entry(at, actor, action.as_str(), entity, &detail)).await
}
