//! Service packages, promos and coverage areas: the public `/packages` and `/promos` pages and
//! the staff pages that manage them.

mod areas;
pub mod model;
mod packages;
mod promos;
pub mod service;
pub mod store;
mod web;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    use Access::Public;
    Routes::new()
        .get("/packages", Public, web::packages)
        .get("/promos", Public, web::promos)
        .merge(staff_routes())
}

/// The staff's pages for what the public site shows: every form post clears the cache.
fn staff_routes() -> Routes {
    let content = Access::Roles(groups::CONTENT);
    Routes::new()
        .get_post("/staff/packages", content, packages::list, packages::create)
        .get("/staff/packages/new", content, packages::new_form)
        .get_post(
            "/staff/packages/{id}",
            content,
            packages::show,
            packages::update,
        )
        .post("/staff/packages/{id}/publish", content, packages::publish)
        .post(
            "/staff/packages/{id}/unpublish",
            content,
            packages::unpublish,
        )
        .get_post("/staff/promos", content, promos::list, promos::create)
        .get("/staff/promos/new", content, promos::new_form)
        .get_post("/staff/promos/{id}", content, promos::show, promos::update)
        .post("/staff/promos/{id}/publish", content, promos::publish)
        .post("/staff/promos/{id}/unpublish", content, promos::unpublish)
        .post("/staff/promos/{id}/delete", content, promos::delete)
        .get_post("/staff/areas", content, areas::list, areas::create)
        .get("/staff/areas/new", content, areas::new_form)
        .get_post("/staff/areas/{id}", content, areas::show, areas::update)
        .all_clear_cache()
}

/// What the public pages show of the catalogue on a day (WIB): read at most once per
/// [`crate::state::SHOWN_TTL`] by each instance (see [`crate::state::Cache`]).
pub struct Shown {
    pub packages: Vec<store::PackageRow>,
    pub promo_packages: Vec<store::PromoPackage>,
    pub promos: Vec<store::PromoRow>,
    pub areas: Vec<store::AreaRow>,
}

pub async fn shown(
    state: &crate::state::AppState,
    today: chrono::NaiveDate,
) -> crate::db::DbResult<std::sync::Arc<Shown>> {
    let db = &state.db;
    state
        .cache
        .get_or_load(
            &format!("catalog.shown.{today}"),
            crate::state::SHOWN_TTL,
            || async {
                let (packages, promo_packages, promos, areas) = tokio::try_join!(
                    store::published_packages(db),
                    store::running_promo_packages(db, today),
                    store::running_promos(db, today),
                    store::published_areas(db),
                )?;
                Ok(Shown {
                    packages,
                    promo_packages,
                    promos,
                    areas,
                })
            },
        )
        .await
}

/// Every coverage area (covered or not, by city and name), as the staff pages' filters and
/// pickers list them: kept by each instance for [`crate::state::LISTS_TTL`]; a change through
/// the catalogue's pages clears it here at once.
pub async fn areas(
    state: &crate::state::AppState,
) -> crate::db::DbResult<std::sync::Arc<Vec<store::AreaRow>>> {
    state
        .cache
        .get_or_load("catalog.areas", crate::state::LISTS_TTL, || {
            store::all_areas(&state.db)
        })
        .await
}

/// Every package (published first), as the staff pages list them; kept like [`areas`].
pub async fn packages(
    state: &crate::state::AppState,
) -> crate::db::DbResult<std::sync::Arc<Vec<store::PackageRow>>> {
    state
        .cache
        .get_or_load("catalog.packages", crate::state::LISTS_TTL, || {
            store::all_packages(&state.db)
        })
        .await
}
