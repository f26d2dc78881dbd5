//! Retention: the competitors customers leave for, and their offers beside our packages.

pub mod service;
pub mod store;
mod web;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let read = Access::Roles(groups::OFFICE);
    let manage = Access::Roles(groups::DIRECTOR);
    Routes::new()
        .get("/staff/competitors", read, web::list)
        .get("/staff/competitors/{id}", read, web::show)
        .post("/staff/competitors/create", manage, web::create)
        .post("/staff/competitors/{id}/update", manage, web::update)
        .post("/staff/competitors/{id}/offers", manage, web::add_offer)
        .post(
            "/staff/competitors/{id}/offers/{offer_id}/delete",
            manage,
            web::delete_offer,
        )
}
