//! What every page shares: the request context, extractors with translated rejections, rendering,
//! the layout's navigation, static assets and the error pages.

pub mod assets;
pub mod context;
pub mod cookies;
pub mod ctx;
pub mod limits;
pub mod nav;

use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

pub use ctx::{Ctx, CurrentUser};

use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// Renders a template into a 200 page.
pub fn page<T: Template>(t: &T) -> AppResult<Response> {
    Ok(Html(t.render()?).into_response())
}

/// Renders a form again with its field errors (422), keeping what the user typed.
pub fn invalid<T: Template>(t: &T) -> AppResult<Response> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(t.render()?)).into_response())
}

/// 303 to `to`, the right answer to a successful form POST.
pub fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// 303 to `to` with a one-time message (a translation key) shown on the next page.
pub fn redirect_with_flash(state: &AppState, to: &str, message_key: &'static str) -> Response {
    let secure = state.config.secure_cookies;
    let mut res = redirect(to);
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::FLASH, message_key, Some(60), secure),
    );
    res
}

/// `axum::Form` whose rejections become translated 4xx pages.
#[derive(FromRequest)]
#[from_request(via(axum::Form), rejection(AppError))]
pub struct Form<T>(pub T);

impl From<FormRejection> for AppError {
    fn from(r: FormRejection) -> Self {
        match r {
            FormRejection::InvalidFormContentType(_) => AppError::UnsupportedMediaType,
            FormRejection::BytesRejection(_) => AppError::PayloadTooLarge,
            _ => AppError::Unprocessable("error.form_invalid"),
        }
    }
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

/// Field-level validation messages (translation keys) for a form.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors(Vec<(&'static str, &'static str)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message_key: &'static str) {
        self.0.push((field, message_key));
    }

    /// Records the error of a parse result and returns its value.
    pub fn check<T>(&mut self, field: &'static str, r: Result<T, &'static str>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(k) => {
                self.add(field, k);
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, m)| *m)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
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
