//! Dispatch: scheduling technicians (the board and the queue), the technician's day on a phone,
//! the visit report, and the effects of visits on the registrations and tickets they serve.
//! The visit record itself lives in `crate::visits`.

pub mod field;
mod notice;
pub mod service;

use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
