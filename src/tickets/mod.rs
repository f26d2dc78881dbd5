//! Complaints (tickets): filing by customers and staff, the thread, status moves, assignment,
//! SLA clocks, lists and search.

pub mod model;
mod notice;
pub mod service;
pub mod store;
pub mod sla;

use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
