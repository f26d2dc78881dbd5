//! Dispatch: scheduling technicians (the board and the queue), the technician's day on a phone,
//! the visit report, and the effects of visits on the registrations and tickets they serve.
//! The visit record itself lives in `crate::visits`.

pub mod board;
pub mod field;
pub mod lists;
mod notice;
pub mod service;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    Routes::new()
        // The dispatch board, its queue, and the office's visit lists.
        .get("/staff/dispatch", Access::Roles(groups::OFFICE), board::show)
        .get("/staff/visits/summary", Access::Roles(groups::OFFICE), lists::show)
}
