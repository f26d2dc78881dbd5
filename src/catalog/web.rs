//! The public catalog pages: `/packages` and `/promos`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::model::{deal_for, today_wib, Deal};
use super::store::{self, PackageRow, PromoPackage, PromoRow};
use crate::error::AppResult;
use crate::news::render_markdown;
use crate::state::AppState;
use crate::web::{page, Ctx};

#[derive(Template)]
#[template(path = "catalog/packages.html")]
struct PackagesPage {
    ctx: Ctx,
    packages: Vec<PackageRow>,
    links: Vec<PromoPackage>,
}

impl PackagesPage {
    fn deal(&self, package_id: &i64) -> Deal<'_> {
        deal_for(&self.links, *package_id, self.ctx.lang)
    }

    fn lowest_price(&self) -> String {
        self.packages
            .iter()
            .min_by_key(|p| p.price)
            .map(PackageRow::price_text)
            .unwrap_or_default()
    }
}

pub async fn packages(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let packages = store::published_packages(&state.db).await?;
    let links = store::running_promo_packages(&state.db, today_wib(state.clock.as_ref())).await?;
    page(&PackagesPage {
        ctx,
        packages,
        links,
    })
}

pub struct PromoView {
    pub promo: PromoRow,
    pub body_html: String,
    pub packages: Vec<PromoPackage>,
}

#[derive(Template)]
#[template(path = "catalog/promos.html")]
struct PromosPage {
    ctx: Ctx,
    promos: Vec<PromoView>,
}

pub async fn promos(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let today = today_wib(state.clock.as_ref());
    let running = store::running_promos(&state.db, today).await?;
    let links = store::running_promo_packages(&state.db, today).await?;
    let promos = running
        .into_iter()
        .map(|promo| PromoView {
            body_html: render_markdown(promo.body_in(&ctx.lang)),
            packages: links
                .iter()
                .filter(|l| l.promo_id == promo.id)
                .cloned()
                .collect(),
            promo,
        })
        .collect();
    page(&PromosPage { ctx, promos })
}
