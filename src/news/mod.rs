//! News and announcements: the public `/news` pages and the staff pages that write them.

mod admin;
pub mod markdown;
pub mod service;
pub mod store;
mod web;

use axum::routing::{get, post};
use axum::Router;

use crate::auth::{groups, require};
use crate::state::AppState;

pub use markdown::{render_markdown, slugify};

pub fn routes() -> Router<AppState> {
    let public = Router::new()
        .route("/news", get(web::list))
        .route("/news/{slug}", get(web::show));
    let staff = Router::new()
        .route("/staff/posts", get(admin::list).post(admin::create))
        .route("/staff/posts/new", get(admin::new_form))
        .route("/staff/posts/{id}", get(admin::show).post(admin::update))
        .route("/staff/posts/{id}/publish", post(admin::publish))
        .route("/staff/posts/{id}/unpublish", post(admin::unpublish))
        .route("/staff/posts/{id}/delete", post(admin::delete))
        .route_layer(require(groups::CONTENT));
    public.merge(staff)
}
