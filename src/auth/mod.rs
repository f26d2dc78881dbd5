//! Login, logout, sessions, passwords, roles and the guards every route uses.

pub mod guard;
pub mod password;
pub mod reset;
mod role;
pub mod session;
pub mod store;
mod web;

use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;

pub use guard::require;
pub use role::{groups, Role};

/// Failed logins before an account is locked.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// Failed logins from one IP address within [`LOCK_MINUTES`] before that address is throttled.
pub const MAX_FAILED_LOGINS_PER_IP: i64 = 30;

pub fn routes() -> Router<AppState> {
    let account = Router::new()
        .route(
            guard::CHANGE_PASSWORD_PATH,
            get(web::password_form).post(web::change_password),
        )
        .route_layer(require(groups::ANY_USER));
    Router::new()
        .route("/login", get(web::login_form).post(web::login))
        .route("/logout", get(web::logout_form).post(web::logout))
        .route("/lang", post(web::set_lang))
        .route(
            "/password/forgot",
            get(reset::web::forgot_form).post(reset::web::forgot),
        )
        .route(
            "/password/reset/{token}",
            get(reset::web::reset_form).post(reset::web::reset),
        )
        .merge(account)
}
