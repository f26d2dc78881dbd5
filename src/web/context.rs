//! The middleware around every request: it builds the [`Ctx`] (session, language, CSRF token),
//! rejects cross-site and token-less state changes, and renders error responses as pages.

use askama::Template;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use hmac::{Mac, SimpleHmac};
use sha2::Sha256;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::auth::{session, Role};
use crate::error::{AppError, ErrorInfo, FieldErrors};
use crate::i18n::Lang;
use crate::state::{AppState, Cache};
use crate::web::{cookies, Ctx, CurrentUser};

type HmacSha256 = SimpleHmac<Sha256>;

/// Paths that authenticate by other means than a browser session (API tokens, webhooks).
const CSRF_EXEMPT: &[&str] = &["/api/", "/webhooks/"];

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let ip = client_ip(&state, &parts).to_string();
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let path = parts.uri.path().to_owned();
    let secure = state.config.secure_cookies;
    let mut set_cookies: Vec<HeaderValue> = Vec::new();

    // Who is asking.
    let session_cookie = cookies::get(&parts.headers, cookies::SESSION).map(str::to_owned);
    let mut user = None;
    let mut user_lang = None;
    let mut unread_now = 0;
    // The bell's count is read with the session, for pages a person sees only.
    let shows_bell = parts.method == Method::GET && crate::notify::inbox::counts_on(&path);
    if let Some(token) = &session_cookie {
        let cap = if shows_bell {
            crate::notify::inbox::COUNT_CAP
        } else {
            0
        };
        match session::load(&state, token, cap).await {
            Ok(Some(s)) => {
                user_lang = s.lang.as_deref().and_then(Lang::parse);
                unread_now = s.unread;
                user = Some(CurrentUser {
                    id: s.user_id,
                    name: s.name,
                    role: Role::parse(&s.role).unwrap_or(Role::Customer),
                    must_change_password: s.must_change_password,
                    session_id: s.session_id,
                });
            }
            Ok(None) => set_cookies.push(cookies::clear(cookies::SESSION, secure)),
            Err(e) => return unavailable(e, ip, path, &request_id),
        }
    }

    let lang = cookies::get(&parts.headers, cookies::LANG)
        .and_then(Lang::parse)
        .or(user_lang)
        .unwrap_or_default();

    // The CSRF cookie is a random browser id; the form token is its HMAC under the app secret.
    let csrf_cookie = match cookies::get(&parts.headers, cookies::CSRF) {
        Some(v) if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) => v.to_owned(),
        _ => {
            let v = session::new_token();
            set_cookies.push(cookies::set(cookies::CSRF, &v, None, secure));
            v
        }
    };
    let csrf = csrf_token(&state.secret, &csrf_cookie);

    let flash = cookies::get(&parts.headers, cookies::FLASH)
        .and_then(|v| crate::web::Flash::decode(v, &state.secret));
    if cookies::get(&parts.headers, cookies::FLASH).is_some() {
        set_cookies.push(cookies::clear(cookies::FLASH, secure));
    }

    let (brand, brand_logo, brand_whatsapp) = match state.brand().await {
        Ok(c) => (c.name.clone(), c.logo.clone(), c.whatsapp.clone()),
        Err(e) => return unavailable(e, ip, path, &request_id),
    };
    let unread = (user.is_some() && shows_bell).then_some(unread_now);
    let ctx = Ctx {
        lang,
        user,
        csrf,
        path: path.clone(),
        flash,
        ip,
        brand,
        brand_logo,
        brand_whatsapp,
        unread,
    };
    parts.extensions.insert(ctx.clone());
    parts.extensions.insert(state.limits.clone());
    parts.extensions.insert(state.heavy_reads.clone());
    parts.extensions.insert(state.cache.clone());
    let mut req = Request::from_parts(parts, body);

    let unsafe_method = !crate::web::reads_only(req.method());
    let exempt = CSRF_EXEMPT.iter().any(|p| path.starts_with(p));
    let mut res = if let Err(e) = refuse_control_chars_in_url(req.uri()) {
        e.into_response()
    } else if unsafe_method && !exempt {
        match verify_csrf(&state, req, &csrf_cookie).await {
            Ok(r) => {
                req = r;
                next.run(req).await
            }
            Err(e) => e.into_response(),
        }
    } else {
        next.run(req).await
    };

    if let Some(page) = error_page(&ctx, &res, &request_id) {
        res = page;
    }
    if is_private(&path) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A response that sets a new flash must not have it cleared again.
    let sets_flash = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(cookies::FLASH.as_bytes()));
    for c in set_cookies {
        if sets_flash && c.as_bytes().starts_with(cookies::FLASH.as_bytes()) {
            continue;
        }
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// A path with a control character names nothing (404); a query parameter with one is refused
/// with 422 naming it. Either would otherwise reach the database (PostgreSQL refuses NUL bytes).
fn refuse_control_chars_in_url(uri: &axum::http::Uri) -> Result<(), AppError> {
    let path = percent_decode(uri.path().as_bytes());
    if path.iter().any(|b| b.is_ascii_control()) {
        return Err(AppError::NotFound);
    }
    match uri.query() {
        None => Ok(()),
        Some(q) => {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q)
                .map_err(|_| AppError::BadRequest("error.query_invalid"))?;
            crate::web::refuse_control_chars(&pairs)
        }
    }
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let hex = s
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if let (b'%', Some(Ok(b))) = (s[i], hex.map(|h| u8::from_str_radix(h, 16))) {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Areas with personal data: never stored by browsers or shared caches.
const PRIVATE_PREFIXES: &[&str] = &["/portal", "/staff", "/account", "/signup/done"];

fn is_private(path: &str) -> bool {
    PRIVATE_PREFIXES.iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The database failed before the context existed: the error page, in the default language.
fn unavailable(e: sqlx::Error, ip: String, path: String, request_id: &str) -> Response {
    let res = AppError::from(e).into_response();
    let ctx = Ctx {
        lang: Lang::default(),
        user: None,
        csrf: String::new(),
        path,
        flash: None,
        ip,
        brand: "Setia".into(),
        brand_logo: None,
        brand_whatsapp: String::new(),
        unread: None,
    };
    error_page(&ctx, &res, request_id).unwrap_or(res)
}

/// The client's address: the peer, or behind a trusted proxy the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy.
fn client_ip(state: &AppState, parts: &axum::http::request::Parts) -> std::net::IpAddr {
    let peer = match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
        Some(c) => c.0.ip(),
        None => return std::net::IpAddr::from([0, 0, 0, 0]),
    };
    let trusted = &state.config.trusted_proxies;
    if !trusted.contains(&peer) {
        return peer;
    }
    parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

pub fn csrf_token(secret: &[u8], cookie: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
    mac.update(cookie.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn token_matches(secret: &[u8], cookie: &str, token: &str) -> bool {
    let Ok(given) = hex::decode(token.trim()) else {
        return false;
    };
    let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
    mac.update(cookie.as_bytes());
    mac.verify_slice(&given).is_ok()
}

/// Same-origin check (Sec-Fetch-Site, then Origin against Host) and the token check. Form bodies
/// are read here to find `_csrf` and handed on unchanged; other bodies carry the token in the
/// `X-CSRF-Token` header. (Never in the URL, where logs and Referer headers would leak it.)
async fn verify_csrf(state: &AppState, req: Request, cookie: &str) -> Result<Request, AppError> {
    let headers = req.headers();
    if !same_origin(headers) {
        return Err(AppError::Csrf);
    }
    if let Some(token) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return if token_matches(&state.secret, cookie, token) {
            Ok(req)
        } else {
            Err(AppError::Csrf)
        };
    }
    if let Some(boundary) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::uploads::csrf::boundary)
    {
        return verify_csrf_multipart(state, req, cookie, &boundary).await;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // Multipart forms (with a boundary) were handled above; anything else but a urlencoded form
    // (JSON, plain text, nothing) is not a form this app accepts.
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(if content_type.starts_with("multipart/form-data") {
            AppError::Csrf
        } else {
            AppError::UnsupportedMediaType
        });
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::Csrf)?;
    let token = pairs
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v)
        .ok_or(AppError::Csrf)?;
    if !token_matches(&state.secret, cookie, token) {
        return Err(AppError::Csrf);
    }
    // Every form post, whatever its handler reads: no control characters (422 naming the field).
    crate::web::refuse_control_chars(&pairs)?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// A multipart form carries `_csrf` as its first part: only that start of the stream is read
/// (a few KB at most), and the request goes on with a body that replays it, so uploads are
/// never buffered here.
async fn verify_csrf_multipart(
    state: &AppState,
    req: Request,
    cookie: &str,
    boundary: &str,
) -> Result<Request, AppError> {
    let (parts, body) = req.into_parts();
    let (token, body) = crate::uploads::csrf::first_field_token(body, boundary)
        .await
        .ok_or(AppError::Csrf)?;
    if !token_matches(&state.secret, cookie, &token) {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, body))
}

fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
            !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a Ctx,
    status: u16,
    message: &'a str,
    request_id: &'a str,
}

/// Turns an error response (from an `AppError` or from a layer such as the body limit) into a
/// page in the user's language, or JSON under `/api/`.
fn error_page(ctx: &Ctx, res: &Response, request_id: &str) -> Option<Response> {
    let status = res.status();
    let info = match res.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        None => {
            let content_type = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let rendered = content_type
                .is_some_and(|c| c.starts_with("text/html") || c.starts_with("application/json"));
            if !(status.is_client_error() || status.is_server_error()) || rendered {
                return None;
            }
            ErrorInfo::for_status(status)
        }
    };
    let fields = res.extensions().get::<FieldErrors>();
    let mut out = if ctx.path.starts_with("/api/") {
        let mut body = serde_json::json!({ "error": { "status": status.as_u16(), "message": ctx.t(info.message_key), "request_id": request_id } });
        if let Some(fields) = fields {
            let errors: serde_json::Map<String, serde_json::Value> = fields
                .iter()
                .map(|(f, m)| (f.to_string(), ctx.t(m).into()))
                .collect();
            body["errors"] = errors.into();
        }
        (status, axum::Json(body)).into_response()
    } else {
        let message = match fields {
            Some(fields) => fields
                .iter()
                .map(|(f, m)| format!("{} «{f}»: {}", ctx.t("error.field"), ctx.t(m)))
                .collect::<Vec<_>>()
                .join(" "),
            None => ctx.t(info.message_key).to_string(),
        };
        let page = ErrorPage {
            ctx,
            status: status.as_u16(),
            message: &message,
            request_id,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error").into_response(),
        }
    };
    if let Some(v) = res.headers().get(header::RETRY_AFTER) {
        out.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    Some(out)
}

/// The layer of a route that changes cached reads ([`crate::web::routes::Routes::clears_cache`]):
/// a form post it answers with success empties this instance's cache ([`crate::state::Cache`], handed
/// over in the extensions), so the change shows at once here; other instances show it within
/// the cache's TTL.
pub async fn clear_cache(req: Request, next: Next) -> Response {
    let unsafe_method = !crate::web::reads_only(req.method());
    let cache = req
        .extensions()
        .get::<Arc<Cache>>()
        .cloned()
        .expect("the context middleware hands over the cache");
    let res = next.run(req).await;
    if unsafe_method && res.status().as_u16() < 400 {
        cache.clear();
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(path: &str) -> Ctx {
        Ctx {
            lang: Lang::En,
            user: None,
            csrf: String::new(),
            path: path.into(),
            flash: None,
            ip: "127.0.0.1".into(),
            brand: "Setia".into(),
            brand_logo: None,
            brand_whatsapp: String::new(),
            unread: None,
        }
    }

    /// The same validation error a form re-renders from reaches a JSON client as field errors.
    #[tokio::test]
    async fn validation_errors_are_json_under_the_api() {
        let mut fields = FieldErrors::default();
        fields.add("phone", "validation.phone_invalid");
        let res = AppError::Validation(fields).into_response();
        let out = error_page(&ctx("/api/v1/customers"), &res, "req-1").expect("rendered");
        assert_eq!(out.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = to_bytes(out.into_body(), 1 << 16).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            json["errors"]["phone"],
            Lang::En.t("validation.phone_invalid")
        );
        assert_eq!(json["error"]["request_id"], "req-1");

        // A page names the field instead.
        let res = AppError::field("phone", "validation.phone_invalid").into_response();
        let out = error_page(&ctx("/staff/x"), &res, "req-2").expect("rendered");
        let body = to_bytes(out.into_body(), 1 << 20).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("«phone»"));
    }
}
