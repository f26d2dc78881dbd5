//! In-app notifications: the bell in the portal and the staff area.

use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
