//! Login, logout, sessions, passwords, roles and the guards every route uses.

pub mod device;
pub mod guard;
pub mod password;
mod role;
pub mod service;
pub mod session;
pub mod store;
mod web;

use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;
use crate::web::limits::{rate_limit, Policy};

pub use guard::require;
pub use role::{groups, Role};

pub use service::{MAX_FAILED_LOGINS, WINDOW_MINUTES as LOCK_MINUTES};

pub fn routes() -> Router<AppState> {
    let account = Router::new()
        .route(
            guard::CHANGE_PASSWORD_PATH,
            get(web::password_form).post(web::change_password),
        )
        .route_layer(require(groups::ANY_USER));
    Router::new()
        .route(
            "/login",
            get(web::login_form)
                .post(web::login)
                .layer(rate_limit(Policy::Login)),
        )
        .route("/logout", get(web::logout_form).post(web::logout))
        .route("/lang", post(web::set_lang))
        .merge(account)
}
