//! Login, logout, sessions, passwords, roles and the guards every route uses.

pub mod device;
pub mod guard;
pub mod password;
pub mod reset;
mod role;
pub mod service;
pub mod session;
pub mod store;
mod web;

use crate::web::limits::Policy;
use crate::web::routes::{Access, Routes};

pub use guard::require;
pub use role::{groups, Role};

pub use service::{MAX_FAILED_LOGINS, WINDOW_MINUTES as LOCK_MINUTES};

pub fn routes() -> Routes {
    use Access::Public;
    Routes::new()
        .get_post("/login", Public, web::login_form, web::login)
        .limited(Policy::Login)
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
        .limited(Policy::PasswordReset)
        .get_post(
            "/password/reset/{token}",
            Public,
            reset::web::reset_form,
            reset::web::reset,
        )
}
