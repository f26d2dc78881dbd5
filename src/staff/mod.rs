//! The staff home page (`/staff`): what each role needs to see first.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::app::AppState;
use crate::auth::{groups, require};
use crate::error::AppResult;
use crate::web::{page, Ctx};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(home))
        .route_layer(require(groups::STAFF))
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    ctx: Ctx,
}

async fn home(State(_state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    page(&HomePage { ctx })
}
