//! Login, logout, sessions, passwords, roles and the guards every route uses.

pub mod guard;
pub mod password;
pub mod reset;
mod role;
pub mod service;
pub mod session;
pub mod store;
mod web;

use crate::web::routes::{Access, Routes};

pub use guard::require;
pub use role::{groups, Role};

/// Failed logins before an account is locked.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;
/// Failed logins from one IP address within [`LOCK_MINUTES`] before that address is throttled.
pub const MAX_FAILED_LOGINS_PER_IP: i64 = 30;

pub fn routes() -> Routes {
    use Access::Public;
    Routes::new()
        .get_post("/login", Public, web::login_form, web::login)
        .get_post("/logout", Public, web::logout_form, web::logout)
        .post("/lang", Public, web::set_lang)
        .get_post(
            guard::CHANGE_PASSWORD_PATH,
            Access::AnyUser,
            web::password_form,
            web::change_password,
        )
        .get_post(
            "/password/forgot",
            Public,
            reset::web::forgot_form,
            reset::web::forgot,
        )
        .get_post(
            "/password/reset/{token}",
            Public,
            reset::web::reset_form,
            reset::web::reset,
        )
}
