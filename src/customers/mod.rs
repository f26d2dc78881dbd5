//! Customers and subscriptions, as staff see and change them.

pub mod changes;
pub mod events;
pub mod model;
mod search;
pub mod service;
pub mod store;
mod subscriptions;
mod web;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let office = Access::Roles(groups::OFFICE);
    let admin = Access::Roles(groups::ADMIN);
    Routes::new()
        .get("/staff/customers", office, web::list)
        .get("/staff/customers/{id}", office, web::show)
        .get("/staff/referrals", office, web::referrals)
        .get("/staff/customers/new", admin, web::new_form)
        .post("/staff/customers/create", admin, web::create)
        .get_post(
            "/staff/customers/{id}/edit",
            admin,
            web::edit_form,
            web::update,
        )
        .post(
            "/staff/customers/{id}/reset-password",
            admin,
            web::reset_password,
        )
        .post(
            "/staff/subscriptions/{id}/package",
            admin,
            subscriptions::change_package,
        )
        .post(
            "/staff/subscriptions/{id}/suspend",
            admin,
            subscriptions::suspend,
        )
        .post(
            "/staff/subscriptions/{id}/reactivate",
            admin,
            subscriptions::reactivate,
        )
        .get_post(
            "/staff/subscriptions/{id}/terminate",
            admin,
            subscriptions::terminate_form,
            subscriptions::terminate,
        )
}
