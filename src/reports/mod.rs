//! The director's dashboard and reports: figures over a period compared with the one before,
//! charts, the lists behind each figure, and exports.

pub mod charts;
pub mod dashboard;
pub mod days;
pub mod export;
pub mod figures;
pub mod monthly;
pub mod pages;
pub mod period;
pub mod queries;
pub mod series;
pub mod stats;
pub mod tables;
pub mod terminations;
pub mod web;

use crate::auth::groups;
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let office = Access::Roles(groups::OFFICE);
    Routes::new()
        .get("/staff/reports", office, web::dashboard)
        .get("/staff/reports/terminations", office, terminations::list)
        .get("/staff/reports/terminations.csv", office, terminations::csv)
        .get("/staff/reports/monthly", office, web::monthly)
        .merge(pages::routes())
        // Each reads up to a year of summaries.
        .all_heavy()
}
