//! The one error type handlers return. Its response carries an [`ErrorInfo`] that the context
//! middleware turns into a page (or JSON) in the user's language; nothing internal is shown.

use std::borrow::Cow;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf check failed")]
    Csrf,
    /// The request is malformed; the key names a translated message.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The request is well-formed but its content is not acceptable.
    #[error("unprocessable: {0}")]
    Unprocessable(&'static str),
    /// Input that did not pass validation: a message (translation key) per field. A form
    /// re-renders from it; a JSON client gets `{"errors": {"field": "message"}}`.
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("too many requests")]
    TooManyRequests,
    /// Over a rate limit: 429 with `Retry-After` (seconds).
    #[error("rate limited, retry after {0} s")]
    RateLimited(u64),
    /// Out of capacity for the moment (e.g. password hashing): 503 with `Retry-After` (seconds).
    #[error("busy, retry after {0} s")]
    Busy(u64),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the error page needs to know: status and a translation key.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub message_key: &'static str,
}

impl ErrorInfo {
    /// The page for a status that came from a layer rather than from an `AppError`.
    pub fn for_status(status: StatusCode) -> ErrorInfo {
        let message_key = match status.as_u16() {
            400 => "error.bad_request",
            403 => "error.forbidden",
            404 => "error.not_found",
            405 => "error.method_not_allowed",
            408 => "error.timeout",
            413 => "error.too_large",
            415 => "error.unsupported_media_type",
            422 => "error.unprocessable",
            429 => "error.too_many_requests",
            503 => "error.busy",
            _ => "error.internal",
        };
        ErrorInfo {
            status,
            message_key,
        }
    }
}

impl AppError {
    pub fn info(&self) -> ErrorInfo {
        let (status, message_key) = match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "error.not_found"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "error.forbidden"),
            AppError::Csrf => (StatusCode::FORBIDDEN, "error.csrf"),
            AppError::BadRequest(k) => (StatusCode::BAD_REQUEST, *k),
            AppError::Unprocessable(k) => (StatusCode::UNPROCESSABLE_ENTITY, *k),
            AppError::Validation(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errors.first().unwrap_or("error.unprocessable"),
            ),
            AppError::Conflict(k) => (StatusCode::CONFLICT, *k),
            AppError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "error.unsupported_media_type",
            ),
            AppError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "error.too_large"),
            AppError::TooManyRequests => (StatusCode::TOO_MANY_REQUESTS, "error.too_many_requests"),
            AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "error.rate_limited"),
            AppError::Busy(_) => (StatusCode::SERVICE_UNAVAILABLE, "error.busy"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error.internal"),
        };
        ErrorInfo {
            status,
            message_key,
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = ?cause, "request failed");
        }
        let info = self.info();
        let mut res = (info.status, info.message_key).into_response();
        res.extensions_mut().insert(info);
        if let AppError::Validation(errors) = &self {
            res.extensions_mut().insert(errors.clone());
        }
        if let AppError::RateLimited(secs) | AppError::Busy(secs) = self {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        res
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// One field's error.
    pub fn field(field: &'static str, message_key: &'static str) -> AppError {
        let mut e = FieldErrors::default();
        e.add(field, message_key);
        AppError::Validation(e)
    }

    /// A unique violation on one of `columns` (`(column, field, message key)`) becomes that
    /// field's error. Anything else stays what it is: a collision on an internal unique column
    /// (a referral code, a number) is a server error, never "email already registered".
    pub fn unique_to_field(
        err: sqlx::Error,
        columns: &[(&str, &'static str, &'static str)],
    ) -> AppError {
        if let Some(cols) = crate::db::unique_violation_columns(&err) {
            if let Some((_, field, key)) =
                columns.iter().find(|(c, _, _)| cols.iter().any(|v| v == c))
            {
                return AppError::field(field, key);
            }
        }
        err.into()
    }
}

/// Field-level validation messages (translation keys) for a form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(Cow<'static, str>, &'static str)>);

impl FieldErrors {
    pub fn first(&self) -> Option<&'static str> {
        self.0.first().map(|(_, m)| *m)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &'static str)> + '_ {
        self.0.iter().map(|(f, m)| (f.as_ref(), *m))
    }

    /// `Ok(())` when empty, else the validation error.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }

    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message_key: &'static str) {
        self.0.push((field.into(), message_key));
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
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }
}
