//! Service packages, promos and coverage areas: the public `/packages` and `/promos` pages and
//! the staff pages that manage them.

mod areas;
pub mod model;
mod packages;
mod promos;
pub mod service;
pub mod store;
mod web;

use axum::routing::{get, post};
use axum::Router;

use crate::auth::{groups, require};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    let public = Router::new()
        .route("/packages", get(web::packages))
        .route("/promos", get(web::promos));
    let staff = Router::new()
        .route(
            "/staff/packages",
            get(packages::list).post(packages::create),
        )
        .route("/staff/packages/new", get(packages::new_form))
        .route(
            "/staff/packages/{id}",
            get(packages::show).post(packages::update),
        )
        .route("/staff/packages/{id}/publish", post(packages::publish))
        .route("/staff/packages/{id}/unpublish", post(packages::unpublish))
        .route("/staff/promos", get(promos::list).post(promos::create))
        .route("/staff/promos/new", get(promos::new_form))
        .route("/staff/promos/{id}", get(promos::show).post(promos::update))
        .route("/staff/promos/{id}/publish", post(promos::publish))
        .route("/staff/promos/{id}/unpublish", post(promos::unpublish))
        .route("/staff/promos/{id}/delete", post(promos::delete))
        .route("/staff/areas", get(areas::list).post(areas::create))
        .route("/staff/areas/new", get(areas::new_form))
        .route("/staff/areas/{id}", get(areas::show).post(areas::update))
        .route_layer(require(groups::CONTENT));
    public.merge(staff)
}
