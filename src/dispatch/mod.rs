//! Dispatch: scheduling technicians (the board and the queue), the technician's day on a phone,
//! the visit report, and the effects of visits on the registrations and tickets they serve.
//! The visit record itself lives in `crate::visits`.

pub mod field;
mod notice;
pub mod service;

use crate::auth::Role;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    // The technician's day and the actions on a visit (the office may act on their behalf).
    let technician = Access::Roles(&[Role::Technician]);
    let field_staff = Access::Roles(&[Role::Technician, Role::Admin]);
    Routes::new()
        .get("/staff/visits", technician, field::day)
        .post("/staff/visits/{id}/step", field_staff, field::step)
        .post("/staff/visits/{id}/fail", field_staff, field::fail)
        .post("/staff/visits/{id}/report", field_staff, field::report)
        .uploads()
}
