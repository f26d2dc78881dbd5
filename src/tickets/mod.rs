//! Complaints (tickets): filing by customers and staff, the thread, status moves, assignment,
//! SLA clocks, lists and search.

mod caller;
pub mod filing;
pub mod list;
pub mod model;
mod notice;
mod portal;
mod replies;
pub mod service;
pub mod sla;
pub mod store;
mod thread;
mod web;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let office = Access::Roles(groups::OFFICE);
    let admin = Access::Roles(groups::ADMIN);
    let customer = Access::Roles(groups::CUSTOMER);
    Routes::new()
        .get("/portal/tickets", customer, portal::list)
        .get("/portal/tickets/{id}", customer, portal::show)
        .get("/staff/tickets", office, web::list)
        .get("/staff/tickets/new", admin, caller::new_form)
        .post("/staff/tickets/new", admin, caller::file)
        .get("/staff/tickets/{id}", office, web::show)
        .post("/staff/tickets/{id}/reply", admin, web::reply)
        .post("/staff/tickets/{id}/compose", admin, web::compose)
        .post("/staff/tickets/{id}/status", admin, web::set_status)
        .post("/staff/tickets/{id}/assign", admin, web::assign)
        .post("/staff/tickets/{id}/take", admin, web::take)
        .post("/staff/tickets/{id}/priority", admin, web::set_priority)
        .get_post(
            "/staff/tickets/replies",
            admin,
            replies::list,
            replies::create,
        )
        .clears_cache()
        .get_post(
            "/staff/tickets/replies/{id}/edit",
            admin,
            replies::edit_form,
            replies::update,
        )
        .clears_cache()
        .post("/staff/tickets/replies/{id}/delete", admin, replies::delete)
        .clears_cache()
        .get_post(
            "/portal/tickets/new",
            customer,
            portal::new_form,
            portal::file,
        )
        .uploads()
        .post("/portal/tickets/{id}/reply", customer, portal::reply)
        .uploads()
}
