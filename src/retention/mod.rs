//! Retention: the competitors customers leave for, and their offers beside our packages; the
//! customers at risk of leaving (a score from explainable signals) and the retention contacts
//! made with them.

mod at_risk;
pub mod model;
pub mod risk;
pub mod risk_store;
pub mod service;
pub mod store;
mod web;

use crate::auth::groups;
use crate::db::DbResult;
use crate::state::AppState;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let read = Access::Roles(groups::OFFICE);
    let manage = Access::Roles(groups::DIRECTOR);
    Routes::new()
        .get("/staff/competitors", read, web::list)
        .get("/staff/competitors/{id}", read, web::show)
        .post("/staff/competitors/create", manage, web::create)
        .post("/staff/competitors/{id}/update", manage, web::update)
        .post("/staff/competitors/{id}/offers", manage, web::add_offer)
        .post(
            "/staff/competitors/{id}/offers/{offer_id}/delete",
            manage,
            web::delete_offer,
        )
        // The customer pages' risk scores compare prices with the cached offers.
        .all_clear_cache()
        // Office: the director owns retention, admins (customer service) make most of the
        // calls; recording a contact changes nothing of the customer's service.
        .get("/staff/at-risk", read, at_risk::list)
        .heavy()
        .get_post(
            "/staff/at-risk/{id}/contact",
            read,
            at_risk::contact_form,
            at_risk::record_contact,
        )
}

/// Our packages and the competitors' offers, as the risk score on the staff pages compares
/// them: kept by each instance for [`crate::state::LISTS_TTL`]; a change through the catalogue's
/// or the competitors' pages clears it here at once.
pub async fn prices(state: &AppState) -> DbResult<risk_store::Prices> {
    let (packages, offers) = tokio::try_join!(
        crate::catalog::packages(state),
        state
            .cache
            .get_or_load("retention.offers", crate::state::LISTS_TTL, || {
                store::offers(&state.db, None)
            }),
    )?;
    Ok(risk_store::Prices { packages, offers })
}
