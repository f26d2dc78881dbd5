//! Static files, embedded in the binary.

use crate::web::routes::{Access, Routes};
use axum::http::header;
use axum::response::IntoResponse;

/// Served outside the request context, like the health checks.
pub fn routes() -> Routes {
    Routes::new()
        .get("/static/app.css", Access::Public, css)
        .get("/favicon.ico", Access::Public, favicon)
}

const CACHE: &str = "public, max-age=86400";

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../static/app.css"),
    )
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, CACHE),
        ],
        include_str!("../../static/favicon.svg"),
    )
}
