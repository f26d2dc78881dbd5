//! The public news pages: `/news` (paged) and `/news/{slug}`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::markdown::render_markdown;
use super::store::{self, PostRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{page, Ctx, Paging, Path, Query};

const PER_PAGE: i64 = 10;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "news/list.html")]
struct ListPage {
    ctx: Ctx,
    posts: Vec<PostRow>,
    paging: Paging,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let total = store::count_published(&state.db).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let posts = store::list_published(&state.db, paging.per_page, paging.offset()).await?;
    page(&ListPage { ctx, posts, paging })
}

#[derive(Template)]
#[template(path = "news/show.html")]
struct ShowPage {
    ctx: Ctx,
    post: PostRow,
    body_html: String,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let post = store::published_by_slug(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let body_html = render_markdown(post.body_in(&ctx.lang));
    page(&ShowPage {
        ctx,
        post,
        body_html,
    })
}
