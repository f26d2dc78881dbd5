//! The company's public face: home, about, coverage check and waiting list, and the staff
//! pages for the company profile and the waiting list.

mod admin;
pub mod store;
mod web;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::app::AppState;
use crate::auth::groups;
use crate::db::DbResult;
use crate::web::routes::{Access, Routes};
use store::Company;

pub fn routes() -> Routes {
    use Access::Public;
    Routes::new()
        .get("/", Public, web::home)
        .get("/about", Public, web::about)
        .get("/coverage", Public, web::coverage)
        .post("/coverage/waiting-list", Public, web::join_waiting_list)
        .get_post(
            "/staff/company",
            Access::Roles(groups::COMPANY),
            admin::company_form,
            admin::save_company,
        )
        .get(
            "/staff/areas/waiting-list",
            Access::Roles(groups::OFFICE),
            admin::waiting_list,
        )
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
