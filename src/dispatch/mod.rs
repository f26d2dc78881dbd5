//! Dispatch: scheduling technicians (the board and the queue), the technician's day on a phone,
//! the visit report, and the effects of visits on the registrations and tickets they serve.
//! The visit record itself lives in `crate::visits`.

pub mod board;
pub mod field;
pub mod lists;
mod notice;
pub mod service;
mod web;

use crate::auth::{groups, Role};
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let admin = Access::Roles(groups::ADMIN);
    let field = Access::Roles(groups::FIELD);
    Routes::new()
        // The visit page (office; a technician sees their own through `field::show`).
        .get("/staff/visits/{id}", field, web::show)
        .post("/staff/visits/{id}/schedule", admin, web::schedule)
        .post("/staff/visits/{id}/cancel", admin, web::cancel)
        .post("/staff/visits/jobs", admin, web::open_job)
        // The dispatch board and the office's lists.
        .get(
            "/staff/dispatch",
            Access::Roles(groups::OFFICE),
            board::show,
        )
        .get(
            "/staff/visits/summary",
            Access::Roles(groups::OFFICE),
            lists::show,
        )
        // The technician's day and the report (the office may act on their behalf).
        .get(
            "/staff/visits",
            Access::Roles(&[Role::Technician]),
            field::day,
        )
        .post(
            "/staff/visits/{id}/step",
            Access::Roles(groups::FIELD_WORK),
            field::step,
        )
        .post(
            "/staff/visits/{id}/fail",
            Access::Roles(groups::FIELD_WORK),
            field::fail,
        )
        .post(
            "/staff/visits/{id}/report",
            Access::Roles(groups::FIELD_WORK),
            field::report,
        )
        .uploads()
}
