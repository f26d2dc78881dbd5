//! Online sign-up (pendaftaran) and the registration pipeline staff work through.

pub mod contact;
pub mod model;
pub mod pipeline;
pub mod progress;
mod staff;
pub mod store;
mod web;

use crate::auth::groups;
use crate::web::limits::Policy;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let office = Access::Roles(groups::OFFICE);
    let admin = Access::Roles(groups::ADMIN);
    Routes::new()
        .get_post("/signup", Access::Public, web::form, web::submit)
        .limited(Policy::Signup)
        .get(
            "/signup/done/{id}",
            Access::Roles(groups::CUSTOMER),
            web::done,
        )
        .get("/staff/registrations", office, staff::queue)
        .get("/staff/registrations/{id}", office, staff::detail)
        .post("/staff/registrations/{id}/verify", admin, staff::verify)
        .post("/staff/registrations/{id}/install", admin, staff::install)
        .post("/staff/registrations/{id}/reject", admin, staff::reject)
}
