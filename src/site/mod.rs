//! The company's public face: home, about, coverage check and waiting list, and the staff
//! pages for the company profile and the waiting list.

mod admin;
pub mod service;
pub mod store;
mod web;

use std::future::Future;
use std::pin::Pin;

use crate::auth::groups;
use crate::db::{Db, DbResult};
use crate::state::Brand;
use crate::web::limits::Policy;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    use Access::Public;
    Routes::new()
        .get("/", Public, web::home)
        .get("/about", Public, web::about)
        .get("/coverage", Public, web::coverage)
        .post("/coverage/waiting-list", Public, web::join_waiting_list)
        .limited(Policy::WaitingList)
        .get_post(
            "/staff/company",
            Access::Roles(groups::COMPANY),
            admin::company_form,
            admin::save_company,
        )
        .uploads()
        .clears_cache()
        .get(
            "/staff/areas/waiting-list",
            Access::Roles(groups::OFFICE),
            admin::waiting_list,
        )
}

/// The brand shown in every page header, for [`crate::state::AppState::brand`].
pub fn load_brand(db: Db) -> Pin<Box<dyn Future<Output = DbResult<Brand>> + Send>> {
    Box::pin(async move {
        let c = store::company(&db).await?;
        Ok(Brand {
            whatsapp: c.whatsapp.chars().filter(char::is_ascii_digit).collect(),
            name: c.name,
            logo: c.logo,
        })
    })
}

/// The company profile as the public pages show it, read at most once per
/// [`crate::state::SHOWN_TTL`] by each instance.
pub async fn shown_company(
    state: &crate::state::AppState,
) -> DbResult<std::sync::Arc<store::Company>> {
    state
        .cache
        .get_or_load("site.company", crate::state::SHOWN_TTL, || {
            store::company(&state.db)
        })
        .await
}
