//! SLA: targets per priority, business hours and holidays, and the clock arithmetic.

use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
