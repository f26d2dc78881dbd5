//! `/files/{id}` and `/files/{id}/thumb`: a stored file, to those who may see it, sent so that a
//! browser never runs it (its own type, `nosniff`, a sandboxing CSP, attachment for PDFs).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{access, process, store};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Ctx, Path};

const FILE_CSP: &str = "default-src 'none'; sandbox";

pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    send(&state, &ctx, &headers, id, false).await
}

pub async fn thumb(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    send(&state, &ctx, &headers, id, true).await
}

async fn send(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: i64,
    thumb: bool,
) -> AppResult<Response> {
    let upload = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !access::may_view(&upload.context, upload.subject_id, ctx.user.as_ref()) {
        return Err(AppError::NotFound);
    }
    let (hash, mime) = if thumb {
        match (&upload.thumb_hash, &upload.thumb_mime) {
            (Some(h), Some(m)) => (h.clone(), m.clone()),
            _ => return Err(AppError::NotFound),
        }
    } else {
        (upload.hash.clone(), upload.mime.clone())
    };
    let public = access::is_public(&upload.context);
    let etag = format!("\"{hash}\"");
    let cache = if public {
        "public, max-age=31536000, immutable"
    } else {
        "private, max-age=3600"
    };
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let bytes = store::blob(&state.db, &hash)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut res = bytes.into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, header_value(&mime)?);
        h.insert(
            header::CONTENT_DISPOSITION,
            header_value(&disposition(&upload.original_name, &mime, thumb))?,
        );
        res
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, header_value(&etag)?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    Ok(res)
}

fn header_value(s: &str) -> AppResult<HeaderValue> {
    HeaderValue::from_str(s).map_err(|e| AppError::Internal(e.into()))
}

/// `inline` for images, `attachment` for anything else, with a name made of the sanitised
/// original stem and the extension of what is really sent.
fn disposition(original: &str, mime: &str, thumb: bool) -> String {
    let safe = super::form::sanitise_name(original);
    let stem = safe.rsplit_once('.').map(|(s, _)| s).unwrap_or(&safe);
    let stem = if stem.is_empty() { "file" } else { stem };
    let suffix = if thumb { "-thumb" } else { "" };
    let ext = process::extension(mime);
    let kind = if mime.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    format!("{kind}; filename=\"{stem}{suffix}.{ext}\"")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn the_sent_name_is_safe_and_has_the_real_extension() {
        assert_eq!(
            disposition("logo.jpg", "image/png", false),
            "inline; filename=\"logo.png\""
        );
        assert_eq!(
            disposition("a\"b.pdf", "application/pdf", false),
            "attachment; filename=\"a_b.pdf\""
        );
        assert_eq!(
            disposition("x.png", "image/png", true),
            "inline; filename=\"x-thumb.png\""
        );
    }
}
