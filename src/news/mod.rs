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
    let content = Access::Roles(groups::CONTENT);
    Routes::new()
        .get("/news", Public, web::list)
        .get("/news/{slug}", Public, web::show)
        .get_post("/staff/posts", content, admin::list, admin::create)
        .get("/staff/posts/new", content, admin::new_form)
        .get_post("/staff/posts/{id}", content, admin::show, admin::update)
        .post("/staff/posts/{id}/publish", content, admin::publish)
        .post("/staff/posts/{id}/unpublish", content, admin::unpublish)
        .post("/staff/posts/{id}/delete", content, admin::delete)
}
