//! The technician's day on a phone and the visit report. (Being built.)

use axum::response::Response;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{Ctx, CurrentUser};

/// A technician's view of visit `id` (theirs only).
pub async fn show(
    _state: &AppState,
    _ctx: Ctx,
    _user: &CurrentUser,
    _id: i64,
) -> AppResult<Response> {
    Err(AppError::NotFound)
}
