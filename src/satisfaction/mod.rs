//! Satisfaction: ratings (CSAT) of resolved tickets, through a signed link or the portal, and
//! the list of low ratings to call back.

use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
