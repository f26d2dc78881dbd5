//! Reading a form that may carry files: the text fields become the handler's usual serde form
//! struct, the files come as [`Incoming`] (at most [`MAX_FILES`], each at most
//! [`MAX_FILE_BYTES`], counted while the body streams).

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{MAX_FILES, MAX_FILE_BYTES};
use crate::error::ErrorInfo;

/// Most bytes of one text field (the CSRF token, a name, a long description).
const MAX_TEXT_FIELD_BYTES: usize = 64 * 1024;

/// A file as it arrived; nothing is decided about it yet (see [`super::process::prepare`]).
pub struct Incoming {
    /// The form field it came in.
    pub field: String,
    /// The name the sender gave it, made safe ([`sanitise_name`]); never used to decide the type.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A submitted form: its text fields as `T`, and the files that were chosen.
pub struct Submitted<T> {
    pub fields: T,
    pub files: Vec<Incoming>,
}

impl<T> Submitted<T> {
    /// Takes the file sent in `field`, if one was.
    pub fn take_file(&mut self, field: &str) -> Option<Incoming> {
        let at = self.files.iter().position(|f| f.field == field)?;
        Some(self.files.remove(at))
    }
}

/// Why a whole request is refused (as opposed to one file, see [`super::process::FileError`]).
#[derive(Debug, PartialEq, Eq)]
pub enum UploadError {
    /// A file over [`MAX_FILE_BYTES`] or a body over the route's limit (413).
    TooLarge,
    /// More than [`MAX_FILES`] files (413).
    TooManyFiles,
    /// Neither a form nor a multipart form (415).
    WrongContentType,
    /// Broken multipart framing or fields that do not fit the form (400).
    Malformed,
    /// Text that no field may hold (control characters: 422 naming the field).
    Invalid(crate::error::FieldErrors),
}

impl IntoResponse for UploadError {
    fn into_response(self) -> Response {
        let (status, message_key) = match self {
            UploadError::Invalid(e) => {
                return crate::error::AppError::Validation(e).into_response()
            }
            UploadError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "uploads.too_large"),
            UploadError::TooManyFiles => (StatusCode::PAYLOAD_TOO_LARGE, "uploads.too_many_files"),
            UploadError::WrongContentType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "error.unsupported_media_type",
            ),
            UploadError::Malformed => (StatusCode::BAD_REQUEST, "uploads.malformed"),
        };
        let mut res = (status, message_key).into_response();
        res.extensions_mut().insert(ErrorInfo {
            status,
            message_key,
        });
        res
    }
}

/// Reads a form posted as `multipart/form-data` (with files) or as
/// `application/x-www-form-urlencoded` (no files; the CSRF middleware already bounded it).
/// Files left empty in the browser (no name, no bytes) are skipped.
pub async fn read<T: DeserializeOwned>(req: Request) -> Result<Submitted<T>, UploadError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_TEXT_FIELD_BYTES * 16)
            .await
            .map_err(|_| UploadError::TooLarge)?;
        // The CSRF middleware has refused control characters in urlencoded posts already.
        let fields = serde_urlencoded::from_bytes(&bytes).map_err(|_| UploadError::Malformed)?;
        return Ok(Submitted {
            fields,
            files: Vec::new(),
        });
    }
    if !super::csrf::is_multipart(&content_type) {
        return Err(UploadError::WrongContentType);
    }
    let mut multipart = Multipart::from_request(req, &())
        .await
        .map_err(|_| UploadError::Malformed)?;
    let mut text: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_owned);
        let limit = if file_name.is_some() {
            MAX_FILE_BYTES
        } else {
            MAX_TEXT_FIELD_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > limit {
                return Err(if file_name.is_some() {
                    UploadError::TooLarge
                } else {
                    UploadError::Malformed
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            Some(file_name) => {
                if file_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                if files.len() == MAX_FILES {
                    return Err(UploadError::TooManyFiles);
                }
                files.push(Incoming {
                    field: name,
                    name: sanitise_name(&file_name),
                    bytes,
                });
            }
            None => {
                let value = String::from_utf8(bytes).map_err(|_| UploadError::Malformed)?;
                text.push((name, value));
            }
        }
    }
    crate::web::refuse_control_chars(&text).map_err(invalid)?;
    // The same typing as a urlencoded form, so one struct serves both.
    let encoded = serde_urlencoded::to_string(&text).map_err(|_| UploadError::Malformed)?;
    let fields = serde_urlencoded::from_str(&encoded).map_err(|_| UploadError::Malformed)?;
    Ok(Submitted { fields, files })
}

fn invalid(e: crate::error::AppError) -> UploadError {
    match e {
        crate::error::AppError::Validation(fields) => UploadError::Invalid(fields),
        _ => UploadError::Malformed,
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> UploadError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::TooLarge
    } else {
        UploadError::Malformed
    }
}

/// A file name safe to store, show and send back in `Content-Disposition`: the last path
/// component, ASCII letters, digits, `.`, `-` and `_` (others become `_`), no leading dot, at
/// most 100 characters; `file` when nothing is left.
pub fn sanitise_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut out = String::new();
    for c in last.chars() {
        let c = if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            c
        } else {
            '_'
        };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    let trimmed = out.trim_start_matches(['.', '_']);
    let mut name: String = trimmed.chars().take(100).collect();
    if name.trim_matches(['.', '_']).is_empty() {
        name = "file".into();
    }
    name
}

#[cfg(test)]
mod tests {
    use super::sanitise_name;

    #[test]
    fn names_lose_paths_and_odd_characters() {
        assert_eq!(
            sanitise_name("C:\\Users\\a\\logo kantor.png"),
            "logo_kantor.png"
        );
        assert_eq!(sanitise_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitise_name(".htaccess"), "htaccess");
        assert_eq!(sanitise_name("\"x\"; y=.jpg"), "x_y_.jpg");
        assert_eq!(sanitise_name("foto\r\nSet-Cookie: a"), "foto_Set-Cookie_a");
        assert_eq!(sanitise_name("—"), "file");
        assert_eq!(sanitise_name(&"a".repeat(300)).len(), 100);
    }
}
