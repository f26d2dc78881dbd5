//! The notification pages, the same for the portal and the staff area (each lists only the
//! logged-in user's own notifications).

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::Notification;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::{self, page, redirect_with_flash, Ctx, CurrentUser, Form, Path, Query};

/// Where an area's notification pages live.
const PORTAL: &str = "/portal/notifications";
const STAFF: &str = "/staff/notifications";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    /// Show the notifications older than this id.
    before: Option<i64>,
}

/// One line of the list, its text already in the reader's language.
struct Item {
    id: i64,
    text: String,
    unread: bool,
    /// "5 menit lalu" for recent ones, the WIB date and time otherwise.
    when: String,
    /// The WIB date and time, always.
    wib: String,
    iso: String,
}

#[derive(Template)]
#[template(path = "notify/list.html")]
struct ListPage {
    ctx: Ctx,
    base: &'static str,
    items: Vec<Item>,
    /// The id for the "older" link.
    older: Option<i64>,
    /// Whether this is an older page (then a link back to the newest).
    paged: bool,
    /// The newest id shown, so "mark all read" spares what arrives after the page was shown.
    upto: Option<i64>,
    any_unread: bool,
}

pub async fn portal_list(
    state: State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: Query<ListQuery>,
) -> AppResult<Response> {
    list(state, ctx, user, q, PORTAL).await
}

pub async fn staff_list(
    state: State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    q: Query<ListQuery>,
) -> AppResult<Response> {
    list(state, ctx, user, q, STAFF).await
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
    base: &'static str,
) -> AppResult<Response> {
    let (rows, older) = super::recent(&state.db, user.id, q.before).await?;
    let now = state.now();
    let items: Vec<Item> = rows.iter().map(|n| item(&ctx, n, now)).collect();
    let any_unread = ctx.unread.is_some_and(|n| n > 0) || items.iter().any(|i| i.unread);
    page(&ListPage {
        upto: items.first().map(|i| i.id).filter(|_| q.before.is_none()),
        paged: q.before.is_some(),
        base,
        items,
        older,
        any_unread,
        ctx,
    })
}

fn item(ctx: &Ctx, n: &Notification, now: DateTime<Utc>) -> Item {
    let wib = format!("{} WIB", crate::types::fmt_datetime(&n.created_at));
    let ago = now - n.created_at;
    let when = if ago < chrono::Duration::minutes(1) {
        ctx.t("inbox.just_now").to_string()
    } else if ago < chrono::Duration::hours(1) {
        let m = ago.num_minutes().to_string();
        ctx.tf("inbox.minutes_ago", [("n", m.as_str())])
    } else if ago < chrono::Duration::hours(24) {
        let h = ago.num_hours().to_string();
        ctx.tf("inbox.hours_ago", [("n", h.as_str())])
    } else {
        wib.clone()
    };
    Item {
        id: n.id,
        text: super::text(ctx.lang, &n.message_key, &n.vars),
        unread: n.is_unread(),
        when,
        wib,
        iso: n.created_at.to_rfc3339(),
    }
}

pub async fn portal_open(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<i64>,
) -> AppResult<Response> {
    open(state, user, id, PORTAL).await
}

pub async fn staff_open(
    state: State<AppState>,
    user: CurrentUser,
    id: Path<i64>,
) -> AppResult<Response> {
    open(state, user, id, STAFF).await
}

/// Marks the notification read and goes where it leads; a link that is not a local path (which
/// [`super::push`] never stores) leads back to the list instead.
async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    base: &'static str,
) -> AppResult<Response> {
    // Another user's notification, or none: not found (`RowNotFound`).
    let link = super::open(&state.db, user.id, id, state.now()).await?;
    let mut res = web::redirect(base);
    if let Some(to) = link.and_then(|l| HeaderValue::try_from(l).ok()) {
        res.headers_mut().insert(header::LOCATION, to);
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReadAllForm {
    upto: Option<i64>,
}

pub async fn portal_read_all(
    state: State<AppState>,
    user: CurrentUser,
    form: Form<ReadAllForm>,
) -> AppResult<Response> {
    read_all(state, user, form, PORTAL).await
}

pub async fn staff_read_all(
    state: State<AppState>,
    user: CurrentUser,
    form: Form<ReadAllForm>,
) -> AppResult<Response> {
    read_all(state, user, form, STAFF).await
}

async fn read_all(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<ReadAllForm>,
    base: &'static str,
) -> AppResult<Response> {
    super::mark_all_read(&state.db, user.id, form.upto, state.now()).await?;
    Ok(redirect_with_flash(&state, base, "inbox.all_read"))
}
