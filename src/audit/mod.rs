//! The audit log: who changed what, when, from where. Every operation that changes data calls
//! [`record_in`] inside its own transaction; the system admin browses it at `/staff/audit`.

pub mod store;
mod web;

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

/// The audit action for showing or hiding site content: `<entity>.publish` / `.unpublish`.
pub fn publish_action(entity: &str, published: bool) -> String {
    let verb = if published { "publish" } else { "unpublish" };
    format!("{entity}.{verb}")
}

/// Records an action inside the transaction that performs it.
pub async fn record_in(
    tx: &mut crate::db::Tx,
    at: chrono::DateTime<chrono::Utc>,
    actor: Actor<'_>,
    action: &str,
    entity: Option<(&str, i64)>,
    detail: &str,
) -> DbResult<()> {
    store::insert(tx, &entry(at, actor, action, entity, detail)).await
}
