//! SQL for the `posts` table (news and announcements).

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Conn, Db, DbResult};
use crate::i18n::Lang;
use crate::types::fmt_date;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    News,
    Announcement,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::News, Kind::Announcement];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::News => "news",
            Kind::Announcement => "announcement",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Kind::News => "news.kind_news",
            Kind::Announcement => "news.kind_announcement",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct PostRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    /// The English title, summary and body; empty when not translated.
    pub title_en: String,
    pub summary_en: String,
    pub body_md_en: String,
    pub kind: String,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl PostRow {
    /// The title in the reader's language (see [`Lang::pick`]).
    pub fn title_in(&self, lang: &Lang) -> &str {
        lang.pick(&self.title, &self.title_en)
    }

    pub fn summary_in(&self, lang: &Lang) -> &str {
        lang.pick(&self.summary, &self.summary_en)
    }

    /// The Markdown body in the reader's language.
    pub fn body_in(&self, lang: &Lang) -> &str {
        lang.pick(&self.body_md, &self.body_md_en)
    }

    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind).unwrap_or(Kind::News)
    }

    /// The day it was published (WIB), or empty for a draft never published.
    pub fn date_text(&self) -> String {
        self.published_at.as_ref().map(fmt_date).unwrap_or_default()
    }

    /// ISO date for `<time datetime>`.
    pub fn date_iso(&self) -> String {
        self.published_at
            .map(|t| {
                t.with_timezone(&crate::types::wib())
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_default()
    }
}

const COLUMNS: &str =
    "id, slug, title, summary, body_md, title_en, summary_en, body_md_en, kind, published, \
                       published_at, updated_at";

pub struct NewPost<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body_md: &'a str,
    pub title_en: &'a str,
    pub summary_en: &'a str,
    pub body_md_en: &'a str,
    pub kind: Kind,
    pub published: bool,
    pub author_id: Option<i64>,
}

/// Creates a post; a published one gets `now` as its publication time.
pub async fn create(c: impl Into<Conn<'_>>, p: &NewPost<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    let published_at = p.published.then_some(now);
    c.into().insert_returning(
        "INSERT INTO posts (slug, title, summary, body_md, kind, published, published_at, author_id, created_at, \
         updated_at, title_en, summary_en, body_md_en) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12) \
         RETURNING id",
        args![
            p.slug,
            p.title,
            p.summary,
            p.body_md,
            p.kind.as_str(),
            p.published,
            published_at,
            p.author_id,
            now,
            p.title_en,
            p.summary_en,
            p.body_md_en
        ],
    )
    .await
}

/// Updates a post. The first publication sets `published_at`; later edits keep it.
pub async fn update(
    c: impl Into<Conn<'_>>,
    id: i64,
    p: &NewPost<'_>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    c.into().execute(
        "UPDATE posts SET slug = $2, title = $3, summary = $4, body_md = $5, kind = $6, published = $7, \
         published_at = CASE WHEN $7 = TRUE THEN COALESCE(published_at, $8) ELSE published_at END, \
         updated_at = $8, title_en = $9, summary_en = $10, body_md_en = $11 WHERE id = $1",
        args![
            id,
            p.slug,
            p.title,
            p.summary,
            p.body_md,
            p.kind.as_str(),
            p.published,
            now,
            p.title_en,
            p.summary_en,
            p.body_md_en
        ],
    )
    .await
}

pub async fn set_published(
    c: impl Into<Conn<'_>>,
    id: i64,
    published: bool,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    c.into()
        .execute(
            "UPDATE posts SET published = $2, \
         published_at = CASE WHEN $2 = TRUE THEN COALESCE(published_at, $3) ELSE published_at END, \
         updated_at = $3 WHERE id = $1",
            args![id, published, now],
        )
        .await
}

pub async fn delete(c: impl Into<Conn<'_>>, id: i64) -> DbResult<u64> {
    c.into()
        .execute("DELETE FROM posts WHERE id = $1", args![id])
        .await
}

pub async fn get(db: &Db, id: i64) -> DbResult<Option<PostRow>> {
    db.fetch_optional(
        &format!("SELECT {COLUMNS} FROM posts WHERE id = $1"),
        args![id],
    )
    .await
}

/// A published post by its slug; drafts are `None`.
pub async fn published_by_slug(db: &Db, slug: &str) -> DbResult<Option<PostRow>> {
    db.fetch_optional(
        &format!("SELECT {COLUMNS} FROM posts WHERE slug = $1 AND published = TRUE"),
        args![slug],
    )
    .await
}

/// Whether another post than `except` already uses `slug`.
pub async fn slug_taken(c: impl Into<Conn<'_>>, slug: &str, except: Option<i64>) -> DbResult<bool> {
    let n: i64 = c
        .into()
        .scalar(
            "SELECT COUNT(*) FROM posts WHERE slug = $1 AND ($2 IS NULL OR id <> $2)",
            args![slug, except],
        )
        .await?;
    Ok(n > 0)
}

pub async fn count_published(db: &Db) -> DbResult<i64> {
    db.scalar("SELECT COUNT(*) FROM posts WHERE published = TRUE", args![])
        .await
}

/// Published posts, newest first.
pub async fn list_published(db: &Db, limit: i64, offset: i64) -> DbResult<Vec<PostRow>> {
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM posts WHERE published = TRUE ORDER BY published_at DESC, id DESC \
             LIMIT $1 OFFSET $2"
        ),
        args![limit, offset],
    )
    .await
}

pub async fn count_all(db: &Db) -> DbResult<i64> {
    db.scalar("SELECT COUNT(*) FROM posts", args![]).await
}

/// Every post for the staff list: drafts first, then newest.
pub async fn list_all(db: &Db, limit: i64, offset: i64) -> DbResult<Vec<PostRow>> {
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM posts ORDER BY published, COALESCE(published_at, updated_at) DESC, id DESC \
             LIMIT $1 OFFSET $2"
        ),
        args![limit, offset],
    )
    .await
}
