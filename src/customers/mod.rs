//! Customers and subscriptions, as staff see and change them.

pub mod changes;
pub mod model;
pub mod service;
pub mod store;
mod subscriptions;
mod web;

use axum::routing::{get, post};
use axum::Router;

use crate::auth::{groups, require};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    let office = Router::new()
        .route("/staff/customers", get(web::list))
        .route("/staff/customers/{id}", get(web::show))
        .route("/staff/referrals", get(web::referrals))
        .route_layer(require(groups::OFFICE));
    let admin = Router::new()
        .route("/staff/customers/new", get(web::new_form))
        .route("/staff/customers/create", post(web::create))
        .route(
            "/staff/customers/{id}/edit",
            get(web::edit_form).post(web::update),
        )
        .route(
            "/staff/customers/{id}/reset-password",
            post(web::reset_password),
        )
        .route(
            "/staff/subscriptions/{id}/package",
            post(subscriptions::change_package),
        )
        .route(
            "/staff/subscriptions/{id}/suspend",
            post(subscriptions::suspend),
        )
        .route(
            "/staff/subscriptions/{id}/reactivate",
            post(subscriptions::reactivate),
        )
        .route(
            "/staff/subscriptions/{id}/terminate",
            get(subscriptions::terminate_form).post(subscriptions::terminate),
        )
        .route_layer(require(groups::ADMIN));
    office.merge(admin)
}
