//! Staff pages for news and announcements (`/staff/posts`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::markdown::{render_markdown, slugify};
use super::service::{self, PostInput};
use super::store::{self, Kind, PostRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{
    self, page, redirect_with_flash, Confirm, ConfirmForm, Ctx, FieldErrors, Flash, Form, Paging,
    Path, Query,
};

const PER_PAGE: i64 = 25;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "news/admin_list.html")]
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
    let total = store::count_all(&state.db).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let posts = store::list_all(&state.db, paging.per_page, paging.offset()).await?;
    page(&ListPage { ctx, posts, paging })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PostForm {
    title: String,
    slug: String,
    kind: String,
    summary: String,
    body_md: String,
    title_en: String,
    summary_en: String,
    body_md_en: String,
    published: String,
}

impl PostForm {
    fn from_row(p: &PostRow) -> PostForm {
        PostForm {
            title: p.title.clone(),
            slug: p.slug.clone(),
            kind: p.kind.clone(),
            summary: p.summary.clone(),
            body_md: p.body_md.clone(),
            title_en: p.title_en.clone(),
            summary_en: p.summary_en.clone(),
            body_md_en: p.body_md_en.clone(),
            published: if p.published {
                "1".into()
            } else {
                String::new()
            },
        }
    }

    fn is_published(&self) -> bool {
        !self.published.is_empty()
    }
}

#[derive(Template)]
#[template(path = "news/admin_form.html")]
struct FormPage {
    ctx: Ctx,
    post: Option<PostRow>,
    form: PostForm,
    errors: FieldErrors,
    kinds: &'static [Kind],
    preview: String,
}

fn render(
    ctx: Ctx,
    post: Option<PostRow>,
    form: PostForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let preview = render_markdown(&form.body_md);
    let valid = errors.is_empty();
    let p = FormPage {
        ctx,
        post,
        form,
        errors,
        kinds: &Kind::ALL,
        preview,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn new_form(ctx: Ctx) -> AppResult<Response> {
    let form = PostForm {
        kind: Kind::News.as_str().into(),
        ..Default::default()
    };
    render(ctx, None, form, FieldErrors::default())
}

fn validate(form: &PostForm, errors: &mut FieldErrors) -> Option<PostInput> {
    let title = errors.check("title", web::required(&form.title, 200));
    // A typed slug is normalised ("Promo Juli" -> "promo-juli"); one with no letters or digits
    // at all is an error rather than silently replaced.
    let typed = form.slug.trim();
    let slug = slugify(typed);
    let slug = if !typed.is_empty() && slug.is_empty() {
        errors.add("slug", "validation.slug_format");
        None
    } else {
        Some(slug)
    };
    let kind = errors.check(
        "kind",
        Kind::parse(&form.kind).ok_or("validation.choose_one"),
    );
    let summary = errors.check("summary", web::optional(&form.summary, 300));
    let body = errors.check("body_md", web::optional(&form.body_md, 100_000));
    let title_en = errors.check("title_en", web::optional(&form.title_en, 200));
    let summary_en = errors.check("summary_en", web::optional(&form.summary_en, 300));
    let body_en = errors.check("body_md_en", web::optional(&form.body_md_en, 100_000));
    Some(PostInput {
        title: title?,
        slug: slug?,
        kind: kind?,
        summary: summary?.unwrap_or_default(),
        body_md: body?.unwrap_or_default(),
        title_en: title_en?.unwrap_or_default(),
        summary_en: summary_en?.unwrap_or_default(),
        body_md_en: body_en?.unwrap_or_default(),
        published: form.is_published(),
    })
}

/// Re-renders the form when the input was refused; any other error stays as it is.
fn refused(ctx: Ctx, post: Option<PostRow>, form: PostForm, err: AppError) -> AppResult<Response> {
    match err {
        AppError::Validation(errors) => render(ctx, post, form, errors),
        e => Err(e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PostForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &mut errors) else {
        return render(ctx, None, form, errors);
    };
    match service::create_post(&state.db, ctx.actor(), state.now(), &v).await {
        Ok(id) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/posts/{id}"),
            saved(&v),
        )),
        Err(e) => refused(ctx, None, form, e),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let post = service::post(&state.db, id).await?;
    let form = PostForm::from_row(&post);
    render(ctx, Some(post), form, FieldErrors::default())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<PostForm>,
) -> AppResult<Response> {
    let before = service::post(&state.db, id).await?;
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &mut errors) else {
        return render(ctx, Some(before), form, errors);
    };
    match service::update_post(&state.db, ctx.actor(), state.now(), id, &v).await {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/posts/{id}"),
            saved(&v),
        )),
        Err(e) => refused(ctx, Some(before), form, e),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let post = service::post(&state.db, id).await?;
    service::set_published(&state.db, ctx.actor(), state.now(), id, true).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/posts/{id}"),
        Flash::new("flash.post_published")
            .with("title", &post.title)
            .with("slug", &post.slug),
    ))
}

pub async fn unpublish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let post = service::post(&state.db, id).await?;
    service::set_published(&state.db, ctx.actor(), state.now(), id, false).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/posts/{id}"),
        Flash::new("flash.post_hidden").with("title", &post.title),
    ))
}

/// Deleting cannot be undone: ask first.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let post = service::post(&state.db, id).await?;
    if !f.given() {
        let vars = [("title", post.title.as_str()), ("slug", post.slug.as_str())];
        return Confirm::new(ctx, "confirm.post_delete", &vars)
            .back_to(format!("/staff/posts/{id}"))
            .page();
    }
    service::delete_post(&state.db, ctx.actor(), state.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        "/staff/posts",
        Flash::new("flash.post_deleted").with("title", &post.title),
    ))
}

/// "«Judul» disimpan", and whether readers see it now.
fn saved(v: &PostInput) -> Flash {
    let next = if v.published {
        "flash.next.post_published"
    } else {
        "flash.next.post_draft"
    };
    Flash::new("flash.post_saved")
        .with("title", &v.title)
        .with_key("next", next)
}
