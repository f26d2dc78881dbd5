use axum::Router;

use crate::app::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}

pub mod store;

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::DbResult;
use store::Company;

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
