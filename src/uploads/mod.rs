//! Uploaded files: reading multipart forms, deciding what a file is from its bytes, re-encoding
//! images, storing them and serving them back to whoever may see them.
//!
//! A kernel module: it depends on no domain. A domain that wants a file on one of its forms
//! (see `site::admin::save_company`, the first user):
//! 1. mounts the POST route in its `upload_routes()` with [`body_limit`] (merged in `app.rs`
//!    outside the default 1 MB limit) and gives the HTML form `enctype="multipart/form-data"`
//!    with the hidden `_csrf` input FIRST (the CSRF check reads only the first part);
//! 2. reads the request with [`form::read`] into its usual serde form struct plus the files;
//! 3. turns each file into a [`process::Prepared`] with [`process::prepare`] (off the async
//!    threads), adding a field error for a refused one and re-rendering the form (422);
//! 4. in its service's transaction stores it with [`store::insert_in`] under an
//!    [`access::Context`] (which decides who may see it) and links the returned id;
//! 5. shows it with `/files/{id}` or `/files/{id}/thumb` ([`ImageRef`]).
//!
//! Storage: the bytes live in the database (`upload_blobs`, keyed by SHA-256, shared by equal
//! files), not under `data_dir`. Files are small (5 MB at most, images re-encoded smaller), so
//! the database copes, and it keeps one truth: backups take the files along, and several
//! instances on one PostgreSQL database see every file without a shared disk.

pub mod access;
pub mod csrf;
pub mod form;
pub mod process;
mod serve;
pub mod store;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use crate::web::routes::{Access, Routes};

/// Largest accepted file.
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
/// Most files in one request.
pub const MAX_FILES: usize = 5;
/// Room for the text fields and multipart framing besides the files.
const FORM_OVERHEAD_BYTES: usize = 256 * 1024;
/// The whole body of an upload request.
pub const MAX_BODY_BYTES: usize = MAX_FILES * MAX_FILE_BYTES + FORM_OVERHEAD_BYTES;

/// Files are public routes: who may see one is decided per file by its context
/// ([`access`]), and anyone else gets 404.
pub fn routes() -> Routes {
    Routes::new()
        .get("/files/{id}", Access::Public, serve::file)
        .get("/files/{id}/thumb", Access::Public, serve::thumb)
}

/// The body limit of an upload route, in place of the default `max_body_bytes`: the whole body
/// is bounded by [`MAX_BODY_BYTES`] (a larger `Content-Length` is refused at once, a longer
/// stream as soon as it passes the mark) and [`form::read`] counts every file against
/// [`MAX_FILE_BYTES`] while it streams. Nothing is buffered beyond one file.
pub fn body_limit<S>(router: Router<S>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(DefaultBodyLimit::disable())
}

/// A stored image as pages show it: the full size and the thumbnail, with their dimensions so
/// that the layout does not jump while they load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub id: i64,
    pub width: i64,
    pub height: i64,
    pub thumb_width: i64,
    pub thumb_height: i64,
}

impl ImageRef {
    pub fn src(&self) -> String {
        format!("/files/{}", self.id)
    }

    pub fn thumb_src(&self) -> String {
        format!("/files/{}/thumb", self.id)
    }

    /// A `srcset` offering the thumbnail and the full image by width.
    pub fn srcset(&self) -> String {
        format!(
            "{} {}w, {} {}w",
            self.thumb_src(),
            self.thumb_width,
            self.src(),
            self.width
        )
    }
}
