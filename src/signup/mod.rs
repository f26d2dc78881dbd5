//! Online sign-up (pendaftaran) and the registration pipeline staff work through.

pub mod model;
pub mod pipeline;
pub mod progress;
mod staff;
pub mod store;
pub mod web;

use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;
use crate::auth::{groups, require};
use crate::web::limits::{rate_limit, Policy};

pub fn routes() -> Router<AppState> {
    let public = Router::new().route(
        "/signup",
        get(web::form)
            .post(web::submit)
            .layer(rate_limit(Policy::Signup)),
    );
    let customer = Router::new()
        .route("/signup/done/{id}", get(web::done))
        .route_layer(require(groups::CUSTOMER));
    let office = Router::new()
        .route("/staff/registrations", get(staff::queue))
        .route("/staff/registrations/{id}", get(staff::detail))
        .route_layer(require(groups::OFFICE));
    let admin = Router::new()
        .route("/staff/registrations/{id}/verify", post(staff::verify))
        .route("/staff/registrations/{id}/schedule", post(staff::schedule))
        .route("/staff/registrations/{id}/install", post(staff::install))
        .route("/staff/registrations/{id}/reject", post(staff::reject))
        .route_layer(require(groups::ADMIN));
    public.merge(customer).merge(office).merge(admin)
}
