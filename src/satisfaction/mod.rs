//! Satisfaction: ratings (CSAT) of resolved tickets, through a signed link or the portal, and
//! the list of low ratings to call back.
//!
//! Other areas call [`link::rating_url`] to put the link into the "resolved" message,
//! [`service::rate`] to store a rating and [`store::for_subject`] to show one.

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
            "/rate/{token}",
            Access::Public,
            web::link_form,
            web::link_submit,
        )
        .limited(Policy::Rating)
        .post(
            "/portal/tickets/{id}/rate",
            Access::Roles(groups::CUSTOMER),
            web::portal_submit,
        )
        .get(
            "/staff/ratings",
            Access::Roles(groups::OFFICE),
            web::low_list,
        )
        .post(
            "/staff/ratings/{id}/follow-up",
            Access::Roles(groups::ADMIN),
            web::follow_up,
        )
}
