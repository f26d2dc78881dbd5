//! The company's public face: home, about, coverage check and waiting list, and the staff
//! pages for the company profile and the waiting list.

mod admin;
pub mod service;
pub mod store;
mod web;

use std::future::Future;
use std::pin::Pin;

use axum::routing::{get, post};
use axum::Router;

use crate::auth::{groups, require};
use crate::db::Db;
use crate::db::DbResult;
use crate::state::{AppState, Brand};

pub fn routes() -> Router<AppState> {
    let public = Router::new()
        .route("/", get(web::home))
        .route("/about", get(web::about))
        .route("/coverage", get(web::coverage))
        .route("/coverage/waiting-list", post(web::join_waiting_list));
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
/// The brand shown in every page header, for [`crate::state::AppState::brand`].
pub fn load_brand(db: Db) -> Pin<Box<dyn Future<Output = DbResult<Brand>> + Send>> {
    Box::pin(async move {
        let c = store::company(&db).await?;
        Ok(Brand { name: c.name })
    })
}
