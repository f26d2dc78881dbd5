//! News and announcement operations: each one transaction with its audit row, callable from
//! the staff pages, the CLI or a future API.

use chrono::{DateTime, Utc};

use super::markdown::slugify;
use super::store::{self, Kind, NewPost, PostRow};
use crate::audit::{self, Action, Actor};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::words::Detail;

/// `posts.slug` is unique: a taken slug is the slug field's error.
const SLUG_COLUMNS: &[(&str, &str, &str)] = &[("slug", "slug", "validation.slug_taken")];

/// How many `-2`, `-3`… suffixes are tried before a made-up slug gives up.
const MAX_SLUG_SUFFIX: u32 = 1000;

/// A post as staff typed it, parsed.
pub struct PostInput {
    pub title: String,
    /// Already normalised; empty when it is to be made from the title.
    pub slug: String,
    pub kind: Kind,
    pub summary: String,
    /// Markdown.
    pub body_md: String,
    /// The English texts, or empty.
    pub title_en: String,
    pub summary_en: String,
    pub body_md_en: String,
    pub published: bool,
}

impl PostInput {
    fn as_new<'a>(&'a self, slug: &'a str, author_id: Option<i64>) -> NewPost<'a> {
        NewPost {
            slug,
            title: &self.title,
            summary: &self.summary,
            body_md: &self.body_md,
            title_en: &self.title_en,
            summary_en: &self.summary_en,
            body_md_en: &self.body_md_en,
            kind: self.kind,
            published: self.published,
            author_id,
        }
    }
}

/// A post (drafts included), or 404.
pub async fn post(db: &Db, id: i64) -> AppResult<PostRow> {
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

/// The slug to store: the one typed (which must be free), or one made from the title with
/// `-2`, `-3`… appended until it is free.
async fn choose_slug(tx: &mut Tx, p: &PostInput, except: Option<i64>) -> AppResult<String> {
    if !p.slug.is_empty() {
        if store::slug_taken(&mut *tx, &p.slug, except).await? {
            return Err(AppError::field("slug", "validation.slug_taken"));
        }
        return Ok(p.slug.clone());
    }
    let mut base = slugify(&p.title);
    if base.is_empty() {
        base = p.kind.as_str().to_string();
    }
    let mut candidate = base.clone();
    for n in 2..=MAX_SLUG_SUFFIX + 1 {
        if !store::slug_taken(&mut *tx, &candidate, except).await? {
            return Ok(candidate);
        }
        candidate = format!("{base}-{n}");
    }
    Err(AppError::field("slug", "validation.slug_taken"))
}

/// Writes a post; `actor` is its author. Returns its id.
pub async fn create_post(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    p: &PostInput,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let slug = choose_slug(&mut tx, p, None).await?;
    let id = store::create(&mut tx, &p.as_new(&slug, actor.id), now)
        .await
        .map_err(|e| AppError::unique_to_field(e, SLUG_COLUMNS))?;
    let detail = Detail::new()
        .record("post", id, &p.title)
        .with("slug", format!("/news/{slug}"))
        .with("published", p.published);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PostCreate,
        Some(("post", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_post(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    p: &PostInput,
) -> AppResult<()> {
    let before = post(db, id).await?;
    let mut tx = db.begin().await?;
    let slug = choose_slug(&mut tx, p, Some(id)).await?;
    let n = store::update(&mut tx, id, &p.as_new(&slug, None), now)
        .await
        .map_err(|e| AppError::unique_to_field(e, SLUG_COLUMNS))?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    let mut detail = Detail::new().record("post", id, &p.title);
    for (field, changed) in [
        ("title", before.title != p.title),
        ("slug", before.slug != slug),
        ("summary", before.summary != p.summary),
        ("body", before.body_md != p.body_md),
        ("published", before.published != p.published),
    ] {
        if changed {
            detail = detail.field(field);
        }
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PostUpdate,
        Some(("post", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes a post (the first publication sets its date) or hides it again.
pub async fn set_published(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    published: bool,
) -> AppResult<()> {
    let post = post(db, id).await?;
    let mut tx = db.begin().await?;
    if store::set_published(&mut tx, id, published, now).await? == 0 {
        return Err(AppError::NotFound);
    }
    let action = if published {
        Action::PostPublish
    } else {
        Action::PostUnpublish
    };
    audit::record_in(
        &mut tx,
        now,
        actor,
        action,
        Some(("post", id)),
        &Detail::new().record("post", id, &post.title),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_post(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<()> {
    let post = post(db, id).await?;
    let mut tx = db.begin().await?;
    if store::delete(&mut tx, id).await? == 0 {
        return Err(AppError::NotFound);
    }
    let detail = Detail::new()
        .with("post", &post.title)
        .with("slug", format!("/news/{}", post.slug));
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PostDelete,
        Some(("post", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
