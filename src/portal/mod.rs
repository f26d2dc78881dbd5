//! The customer portal: own subscriptions, sign-up progress, promos and news, referral code,
//! profile. Everything is looked up through the logged-in customer, so other customers' records
//! are simply "not found".

mod web;

use axum::routing::get;
use axum::Router;

use crate::auth::{groups, require};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(web::home))
        .route(
            "/portal/profile",
            get(web::profile_form).post(web::update_profile),
        )
        .route("/portal/registrations/{id}", get(web::registration))
        .route("/portal/subscriptions/{id}", get(web::subscription))
        .route_layer(require(groups::CUSTOMER))
}
