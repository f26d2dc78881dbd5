//! The customer portal: own subscriptions, sign-up progress, promos and news, referral code,
//! profile. Everything is looked up through the logged-in customer, so other customers' records
//! are simply "not found".

mod web;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let customer = Access::Roles(groups::CUSTOMER);
    Routes::new()
        .get("/portal", customer, web::home)
        .get_post(
            "/portal/profile",
            customer,
            web::profile_form,
            web::update_profile,
        )
        .get("/portal/registrations/{id}", customer, web::registration)
        .get("/portal/subscriptions/{id}", customer, web::subscription)
}
