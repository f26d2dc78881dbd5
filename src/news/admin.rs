//! Staff pages for news and announcements (`/staff/posts`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::markdown::{render_markdown, slugify};
use super::store::{self, Kind, NewPost, PostRow};
use crate::audit;
use crate::db::is_unique_violation;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Form, Paging, Path, Query};

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
    if valid {
        page(&p)
    } else {
        web::invalid(&p)
    }
}

pub async fn new_form(ctx: Ctx) -> AppResult<Response> {
    let form = PostForm {
        kind: Kind::News.as_str().into(),
        ..Default::default()
    };
    render(ctx, None, form, FieldErrors::default())
}

struct ValidPost {
    title: String,
    /// Empty when it is to be made from the title.
    slug: String,
    kind: Kind,
    summary: String,
    body_md: String,
    published: bool,
}

fn validate(form: &PostForm, errors: &mut FieldErrors) -> Option<ValidPost> {
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
    Some(ValidPost {
        title: title?,
        slug: slug?,
        kind: kind?,
        summary: summary?.unwrap_or_default(),
        body_md: body?.unwrap_or_default(),
        published: form.is_published(),
    })
}

/// The slug to store: the one typed (which must be free), or one made from the title with
/// `-2`, `-3`… appended until it is free.
async fn choose_slug(
    state: &AppState,
    v: &ValidPost,
    except: Option<i64>,
    errors: &mut FieldErrors,
) -> AppResult<Option<String>> {
    if !v.slug.is_empty() {
        if store::slug_taken(&state.db, &v.slug, except).await? {
            errors.add("slug", "validation.slug_taken");
            return Ok(None);
        }
        return Ok(Some(v.slug.clone()));
    }
    let mut base = slugify(&v.title);
    if base.is_empty() {
        base = v.kind.as_str().to_string();
    }
    let mut candidate = base.clone();
    let mut n = 1;
    while store::slug_taken(&state.db, &candidate, except).await? {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    Ok(Some(candidate))
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
    let Some(slug) = choose_slug(&state, &v, None, &mut errors).await? else {
        return render(ctx, None, form, errors);
    };
    let author = ctx.user.as_ref().map(|u| u.id);
    let new = NewPost {
        slug: &slug,
        title: &v.title,
        summary: &v.summary,
        body_md: &v.body_md,
        kind: v.kind,
        published: v.published,
        author_id: author,
    };
    let id = match store::create(&state.db, &new, state.clock.now()).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            errors.add("slug", "validation.slug_taken");
            return render(ctx, None, form, errors);
        }
        Err(e) => return Err(e.into()),
    };
    let detail = format!(
        "{} /news/{}{}",
        v.title,
        slug,
        if v.published { ", published" } else { "" }
    );
    audit::record(&state, &ctx, "post.create", Some(("post", id)), &detail).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/posts/{id}"),
        "flash.saved",
    ))
}

async fn load(state: &AppState, id: i64) -> AppResult<PostRow> {
    store::get(&state.db, id).await?.ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let post = load(&state, id).await?;
    let form = PostForm::from_row(&post);
    render(ctx, Some(post), form, FieldErrors::default())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<PostForm>,
) -> AppResult<Response> {
    let before = load(&state, id).await?;
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &mut errors) else {
        return render(ctx, Some(before), form, errors);
    };
    let Some(slug) = choose_slug(&state, &v, Some(id), &mut errors).await? else {
        return render(ctx, Some(before), form, errors);
    };
    let new = NewPost {
        slug: &slug,
        title: &v.title,
        summary: &v.summary,
        body_md: &v.body_md,
        kind: v.kind,
        published: v.published,
        author_id: None,
    };
    match store::update(&state.db, id, &new, state.clock.now()).await {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            errors.add("slug", "validation.slug_taken");
            return render(ctx, Some(before), form, errors);
        }
        Err(e) => return Err(e.into()),
    }
    let detail = format!(
        "{} -> {}; /news/{} -> /news/{}; published {} -> {}",
        before.title, v.title, before.slug, slug, before.published, v.published
    );
    audit::record(&state, &ctx, "post.update", Some(("post", id)), &detail).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/posts/{id}"),
        "flash.saved",
    ))
}

async fn set_published(state: AppState, ctx: Ctx, id: i64, published: bool) -> AppResult<Response> {
    let post = load(&state, id).await?;
    store::set_published(&state.db, id, published, state.clock.now()).await?;
    crate::audit::published_changed(
        &state,
        &ctx,
        ("post", id),
        &post.title,
        published,
        &format!("/staff/posts/{id}"),
    )
    .await
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_published(state, ctx, id, true).await
}

pub async fn unpublish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_published(state, ctx, id, false).await
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let post = load(&state, id).await?;
    store::delete(&state.db, id).await?;
    let detail = format!("{} /news/{}", post.title, post.slug);
    audit::record(&state, &ctx, "post.delete", Some(("post", id)), &detail).await?;
    Ok(redirect_with_flash(
        &state,
        "/staff/posts",
        "flash.content_deleted",
    ))
}
