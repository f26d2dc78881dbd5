//! Builds the shared state and the Router; nothing else.

use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::routes::{Access, Route, Routes};
use crate::web::{self, Ctx};
use crate::{
    audit, auth, catalog, customers, dispatch, health, jobs, news, notify, nps, portal, reports,
    retention, satisfaction, signup, site, staff, tickets, uploads, users,
};

/// Builds the shared state, wiring in what domains provide to the kernel.
pub async fn state(db: Db, config: Config, clock: SharedClock) -> anyhow::Result<AppState> {
    let secret = auth::store::csrf_secret(&db).await?;
    Ok(AppState::new(db, config, clock, secret, site::load_brand))
}

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

/// Every route, in two parts: health checks and static files answer without the request context
/// (so they work while the database is down); pages get it (session, language, CSRF).
fn declared() -> (Routes, Routes) {
    let bare = Routes::new()
        .merge(health::routes())
        .merge(web::assets::routes());
    let pages = Routes::new()
        .merge(auth::routes())
        .merge(staff::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(jobs::routes())
        .merge(site::routes())
        .merge(catalog::routes())
        .merge(news::routes())
        .merge(signup::routes())
        .merge(customers::routes())
        .merge(retention::routes())
        .merge(portal::routes())
        .merge(tickets::routes())
        .merge(tickets::sla::routes())
        .merge(dispatch::routes())
        .merge(satisfaction::routes())
        .merge(nps::routes())
        .merge(reports::routes())
        .merge(notify::inbox::routes())
        .merge(uploads::routes());
    (bare, pages)
}

/// The table of every route the router serves, with who may use it.
pub fn route_table() -> Vec<Route> {
    let (bare, pages) = declared();
    let mut table = bare.table();
    table.extend(pages.table());
    table
}

pub fn router(state: AppState) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    let (bare, pages) = declared();
    // Guards read the request context, which the bare routes do not get.
    assert!(
        bare.table().iter().all(|r| r.access == Access::Public),
        "routes outside the request context must be public"
    );
    let (pages, upload_pages) = pages.into_routers();
    let pages = pages
        .fallback(fallback)
        .layer(CatchPanicLayer::new())
        .layer(RequestBodyLimitLayer::new(state.config.max_body_bytes))
        // Routes that take files bring their own body limit instead of the default.
        .merge(uploads::body_limit(upload_pages).layer(CatchPanicLayer::new()))
        .layer(from_fn_with_state(state.clone(), web::context::middleware))
        .layer(axum::middleware::from_fn(shared_reads));

    bare.into_router()
        .merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(x_request_id.clone(), MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
                }))
                .layer(PropagateRequestIdLayer::new(x_request_id))
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
                .layer(CompressionLayer::new())
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CSP),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
                .layer(SetResponseHeaderLayer::overriding(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                )),
        )
        .with_state(state)
}

/// A page's SQLite reads, the session's among them, in one read transaction for each stretch
/// it runs without waiting (`db::lite::shared_reads`; bench/README.md, finding 42).
async fn shared_reads(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    crate::db::lite::shared_reads(next.run(req)).await
}

/// Unknown pages are 404, except that anonymous visitors to the private areas are sent to log in.
async fn fallback(ctx: Ctx) -> Response {
    let private = ["/staff", "/portal", "/account"]
        .iter()
        .any(|p| ctx.path == *p || ctx.path.starts_with(&format!("{p}/")));
    if private && ctx.user.is_none() {
        return web::redirect("/login");
    }
    AppError::NotFound.into_response()
}
