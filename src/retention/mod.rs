//! Retention: the competitors customers leave for, and their offers beside our packages.

pub mod service;
pub mod store;
mod web;

use axum::routing::{get, post};
use axum::Router;

use crate::auth::{groups, require};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    let read = Router::new()
        .route("/staff/competitors", get(web::list))
        .route("/staff/competitors/{id}", get(web::show))
        .route_layer(require(groups::OFFICE));
    let manage = Router::new()
        .route("/staff/competitors/create", post(web::create))
        .route("/staff/competitors/{id}/update", post(web::update))
        .route("/staff/competitors/{id}/offers", post(web::add_offer))
        .route(
            "/staff/competitors/{id}/offers/{offer_id}/delete",
            post(web::delete_offer),
        )
        .route_layer(require(groups::DIRECTOR));
    read.merge(manage)
}
