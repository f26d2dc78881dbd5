//! News and announcements: the public `/news` pages and the staff pages that write them.

mod admin;
pub mod markdown;
pub mod service;
pub mod store;
mod web;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub use markdown::{render_markdown, slugify};

pub fn routes() -> Routes {
    use Access::Public;
    Routes::new()
        .get("/news", Public, web::list)
        .get("/news/{slug}", Public, web::show)
        .merge(staff_routes())
}

/// The staff's pages for the news: every form post clears the cache.
fn staff_routes() -> Routes {
    let content = Access::Roles(groups::CONTENT);
    Routes::new()
        .get_post("/staff/posts", content, admin::list, admin::create)
        .get("/staff/posts/new", content, admin::new_form)
        .get_post("/staff/posts/{id}", content, admin::show, admin::update)
        .post("/staff/posts/{id}/publish", content, admin::publish)
        .post("/staff/posts/{id}/unpublish", content, admin::unpublish)
        .post("/staff/posts/{id}/delete", content, admin::delete)
        .all_clear_cache()
}

/// The newest `n` published posts, read at most once per [`crate::state::SHOWN_TTL`] by each
/// instance (the home page and the portal show them).
pub async fn latest(
    state: &crate::state::AppState,
    n: i64,
) -> crate::db::DbResult<std::sync::Arc<Vec<store::PostRow>>> {
    state
        .cache
        .get_or_load(&format!("news.latest.{n}"), crate::state::SHOWN_TTL, || {
            store::list_published(&state.db, n, 0)
        })
        .await
}
