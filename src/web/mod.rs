//! What every page shares: the request context, extractors with translated rejections, rendering,
//! the layout's navigation, static assets and the error pages.

pub mod assets;
pub mod badge;
pub mod confirm;
pub mod context;
pub mod cookies;
pub mod ctx;
pub mod flash;
pub mod limits;
pub mod nav;
pub mod routes;

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

pub use crate::error::FieldErrors;
pub use badge::badge;
pub use confirm::{Confirm, ConfirmForm, Confirmed};
pub use ctx::{Ctx, CurrentUser};
pub use flash::Flash;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Renders a template into a 200 page.
pub fn page<T: Template>(t: &T) -> AppResult<Response> {
    Ok(Html(render(t)?).into_response())
}

/// Renders a form again with its field errors (422), keeping what the user typed.
pub fn invalid<T: Template>(t: &T) -> AppResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(render(t)?)).into_response())
}

/// A page's HTML, in a buffer that starts large enough for most pages: askama's own estimate
/// (the template's fixed text) made a 40 KB list grow and copy itself five times.
fn render<T: Template>(t: &T) -> askama::Result<String> {
    let mut html = String::with_capacity(T::SIZE_HINT.max(32 * 1024));
    t.render_into(&mut html)?;
    Ok(html)
}

/// Whether a request with `method` only reads (GET, HEAD, OPTIONS): such requests skip the CSRF
/// check, the form-post rate limits and emptying the instance cache.
pub fn reads_only(method: &axum::http::Method) -> bool {
    use axum::http::Method;
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The page when its form was `valid` (or not yet sent), else the same page as [`invalid`].
pub fn page_or_invalid<T: Template>(t: &T, valid: bool) -> AppResult<Response> {
    if valid {
        page(t)
    } else {
        invalid(t)
    }
}

/// 303 to `to`, the right answer to a successful form POST.
pub fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// 303 to `to` with a one-time message shown on the next page: a translation key alone, or a
/// [`Flash`] naming the record and what comes next
/// (`Flash::new("flash.reg_verified").with("number", &reg.number)`).
pub fn redirect_with_flash(state: &AppState, to: &str, flash: impl Into<Flash>) -> Response {
    let secure = state.config.secure_cookies;
    let value = flash.into().encode(&state.secret);
    let mut res = redirect(to);
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::FLASH, &value, Some(60), secure),
    );
    res
}

/// A urlencoded form body. Rejections become translated 4xx pages: another content type 415, a
/// body over the limit 413, a shape that does not fit `T` 422. (Text with control characters
/// never gets here: the request middleware refuses it for every form post, with 422 naming the
/// field, when it checks the CSRF token.)
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(Form)
            .map_err(|_| AppError::Unprocessable("error.form_invalid"))
    }
}

/// Text may carry newlines and tabs (multi-line fields) but no other control character: a NUL
/// byte would make PostgreSQL fail, and none of them belongs in a name, an address or a message.
pub fn refuse_control_chars(pairs: &[(String, String)]) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    for (name, value) in pairs {
        let bad = |t: &str| {
            t.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        };
        if bad(name) || bad(value) {
            let field: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
            errors.add(field, "validation.control_chars");
        }
    }
    errors.into_result()
}

/// `axum::extract::Path` where a malformed id is simply "not found".
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct Path<T>(pub T);

impl From<PathRejection> for AppError {
    fn from(_: PathRejection) -> Self {
        AppError::NotFound
    }
}

/// `axum::extract::Query` whose rejections become a 400 page.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Query<T>(pub T);

impl From<QueryRejection> for AppError {
    fn from(_: QueryRejection) -> Self {
        AppError::BadRequest("error.query_invalid")
    }
}

/// A non-empty, trimmed text of at most `max` characters.
pub fn required(value: &str, max: usize) -> Result<String, &'static str> {
    let v = value.trim();
    if v.is_empty() {
        Err("validation.required")
    } else if v.chars().count() > max {
        Err("validation.too_long")
    } else {
        Ok(v.to_string())
    }
}

/// An optional trimmed text: empty becomes `None`.
pub fn optional(value: &str, max: usize) -> Result<Option<String>, &'static str> {
    let v = value.trim();
    if v.is_empty() {
        Ok(None)
    } else if v.chars().count() > max {
        Err("validation.too_long")
    } else {
        Ok(Some(v.to_string()))
    }
}

pub fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Page numbers for lists.
#[derive(Clone, Debug)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl Paging {
    pub fn new(page: Option<i64>, per_page: i64, total: i64) -> Paging {
        let last = ((total + per_page - 1) / per_page).max(1);
        Paging {
            page: page.unwrap_or(1).clamp(1, last),
            per_page,
            total,
        }
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
    pub fn last(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.last()
    }
}
