//! Builds the shared state and the Router; nothing else.

use std::sync::Arc;
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
use crate::web::{self, Ctx};
use crate::{
    audit, auth, catalog, customers, health, news, portal, retention, signup, site, staff, users,
};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: SharedClock,
    /// Key for CSRF tokens; kept in the database so every instance shares it.
    pub secret: Arc<Vec<u8>>,
    /// The company profile, read on every page; see [`crate::site::company`].
    pub company_cache: crate::site::CompanyCache,
    /// Per-address flood shields (per instance); see [`crate::web::limits`].
    pub limits: Arc<crate::web::limits::RateLimits>,
    /// The bound on concurrent password hashing; see [`auth::password::Hashing`].
    pub hashing: Arc<auth::password::Hashing>,
}

impl AppState {
    pub async fn new(db: Db, config: Config, clock: SharedClock) -> anyhow::Result<AppState> {
        let secret = auth::store::csrf_secret(&db).await?;
        Ok(AppState {
            db,
            clock,
            secret: Arc::new(secret),
            company_cache: Default::default(),
            limits: Arc::new(crate::web::limits::RateLimits::new(&config.rate_limits)),
            hashing: Arc::new(auth::password::Hashing::new(
                config.hash_concurrency,
                Duration::from_millis(config.hash_wait_ms),
            )),
            config: Arc::new(config),
        })
    }
}

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

pub fn router(state: AppState) -> Router {
    let x_request_id = HeaderName::from_static("x-request-id");
    // Pages get the request context (session, language, CSRF); health checks and static files
    // do not, so they answer even when the database is down.
    let pages = Router::new()
        .merge(auth::routes())
        .merge(staff::routes())
        .merge(users::routes())
        .merge(audit::routes())
        .merge(site::routes())
        .merge(catalog::routes())
        .merge(news::routes())
        .merge(signup::routes())
        .merge(customers::routes())
        .merge(retention::routes())
        .merge(portal::routes())
        .fallback(fallback)
        .layer(CatchPanicLayer::new())
        .layer(RequestBodyLimitLayer::new(state.config.max_body_bytes))
        .layer(from_fn_with_state(state.clone(), web::context::middleware));

    Router::new()
        .merge(health::routes())
        .merge(web::assets::routes())
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
