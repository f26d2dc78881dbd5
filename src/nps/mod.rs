//! NPS surveys: admins ask a segment of active customers "how likely are you to recommend us?"
//! (0–10 and why) through a signed single-use link by mail or a card in the portal; the survey
//! pages show sent, answered and the score so far.
//!
//! Other areas call [`store::score`] for the NPS of a period (the dashboard) and
//! [`store::open_request`] for the portal's card.

pub mod link;
pub mod model;
pub mod service;
pub mod store;
mod web;

use crate::auth::groups;
use crate::web::limits::Policy;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        .get_post(
            "/nps/{token}",
            Access::Public,
            web::link_form,
            web::link_submit,
        )
        .limited(Policy::Rating)
        .get_post(
            "/portal/nps/{id}",
            Access::Roles(groups::CUSTOMER),
            web::portal_form,
            web::portal_submit,
        )
        .get("/staff/surveys", Access::Roles(groups::OFFICE), web::list)
        .post("/staff/surveys", Access::Roles(groups::ADMIN), web::start)
        .get(
            "/staff/surveys/{id}",
            Access::Roles(groups::OFFICE),
            web::show,
        )
}
