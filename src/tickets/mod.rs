//! Complaints (tickets): filing by customers and staff, the thread, status moves, assignment,
//! SLA clocks, lists and search.

pub mod model;
pub mod sla;

use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
