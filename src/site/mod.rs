//! The company's public face: home, about, coverage check and waiting list, and the staff
//! pages for the company profile and the waiting list.

mod admin;
pub mod store;
mod web;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;
use crate::auth::{groups, require};
use crate::db::DbResult;
use crate::web::limits::{rate_limit, Policy};
use store::Company;

pub fn routes() -> Router<AppState> {
    let public = Router::new()
        .route("/", get(web::home))
        .route("/about", get(web::about))
        .route("/coverage", get(web::coverage))
        .route(
            "/coverage/waiting-list",
            post(web::join_waiting_list).layer(rate_limit(Policy::WaitingList)),
        );
    let content = Router::new()
        .route(
            "/staff/company",
            get(admin::company_form).post(admin::save_company),
        )
        .route_layer(require(groups::COMPANY));
    let office = Router::new()
        .route("/staff/areas/waiting-list", get(admin::waiting_list))
        .route_layer(require(groups::OFFICE));
    public.merge(content).merge(office)
}
/// The company profile shown in every page header, cached briefly: it changes rarely, and other
/// instances pick up a change within [`COMPANY_TTL`].
pub type CompanyCache = Arc<RwLock<Option<(Instant, Arc<Company>)>>>;
const COMPANY_TTL: Duration = Duration::from_secs(30);

pub async fn company(state: &AppState) -> DbResult<Arc<Company>> {
    if let Some((at, c)) = state.company_cache.read().expect("cache lock").as_ref() {
        if at.elapsed() < COMPANY_TTL {
            return Ok(c.clone());
        }
    }
    let fresh = Arc::new(store::company(&state.db).await?);
    *state.company_cache.write().expect("cache lock") = Some((Instant::now(), fresh.clone()));
    Ok(fresh)
}

/// Call after saving the profile so this instance shows it at once.
pub fn forget_company(state: &AppState) {
    *state.company_cache.write().expect("cache lock") = None;
}
