//! Static files, embedded in the binary. The stylesheet's URL carries a hash of its content, so
//! browsers may keep it for a year and still get a new one after an upgrade.

use std::sync::LazyLock;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::web::routes::{Access, Routes};

/// Served outside the request context, like the health checks.
pub fn routes() -> Routes {
    Routes::new()
        .get("/static/{name}", Access::Public, css)
        .get("/favicon.ico", Access::Public, favicon)
}

const CACHE: &str = "public, max-age=86400";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

const CSS: &str = include_str!("../../static/app.css");

/// `/static/app.<hash>.css`, the stylesheet's URL for pages.
pub static CSS_URL: LazyLock<String> = LazyLock::new(|| {
    let hash = hex::encode(Sha256::digest(CSS.as_bytes()));
    format!("/static/app.{}.css", &hash[..12])
});

async fn css(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    if format!("/static/{name}") != *CSS_URL {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, IMMUTABLE),
        ],
        CSS,
    )
        .into_response()
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
