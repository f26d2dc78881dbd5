//! SQL of the uploads kernel: `uploads` (one row per accepted file) and `upload_blobs` (the bytes,
//! one row per distinct content).

use chrono::{DateTime, Utc};

use super::access::Context;
use super::process::{Prepared, Stored};
use super::ImageRef;
use crate::args;
use crate::db::{Db, DbResult, Tx};

/// What an upload is attached to and who it concerns.
pub struct Attach {
    pub context: Context,
    /// The row of the context (a ticket id), if it has several.
    pub context_id: Option<i64>,
    /// Who uploaded it.
    pub owner_id: Option<i64>,
    /// The user it concerns, for [`super::access::Policy::SubjectOrStaff`].
    pub subject_id: Option<i64>,
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct Upload {
    pub id: i64,
    pub hash: String,
    pub mime: String,
    pub size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub thumb_hash: Option<String>,
    pub thumb_mime: Option<String>,
    pub thumb_width: Option<i64>,
    pub thumb_height: Option<i64>,
    pub original_name: String,
    pub context: String,
    pub context_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub subject_id: Option<i64>,
}

impl Upload {
    pub fn image_ref(&self) -> Option<ImageRef> {
        Some(ImageRef {
            id: self.id,
            width: self.width?,
            height: self.height?,
            thumb_width: self.thumb_width?,
            thumb_height: self.thumb_height?,
        })
    }
}

const COLUMNS: &str = "id, hash, mime, size, width, height, thumb_hash, thumb_mime, thumb_width, \
                       thumb_height, original_name, context, context_id, owner_id, subject_id";

async fn put_blob(tx: &mut Tx, s: &Stored, now: DateTime<Utc>) -> DbResult<()> {
    tx.execute(
        "INSERT INTO upload_blobs (hash, bytes, size, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (hash) DO NOTHING",
        args![&s.hash, s.bytes.clone(), s.bytes.len() as i64, now],
    )
    .await?;
    Ok(())
}

/// Stores an accepted file (content deduplicated by hash) and returns the new upload's id.
pub async fn insert_in(
    tx: &mut Tx,
    p: &Prepared,
    attach: &Attach,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    put_blob(tx, &p.main, now).await?;
    if let Some(t) = &p.thumb {
        put_blob(tx, t, now).await?;
    }
    let thumb = p.thumb.as_ref();
    tx.scalar(
        "INSERT INTO uploads (hash, mime, size, width, height, thumb_hash, thumb_mime, thumb_width, \
         thumb_height, original_name, context, context_id, owner_id, subject_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        args![
            &p.main.hash,
            p.main.mime,
            p.main.bytes.len() as i64,
            p.main.width,
            p.main.height,
            thumb.map(|t| t.hash.clone()),
            thumb.map(|t| t.mime),
            thumb.and_then(|t| t.width),
            thumb.and_then(|t| t.height),
            &p.original_name,
            attach.context.as_str(),
            attach.context_id,
            attach.owner_id,
            attach.subject_id,
            now
        ],
    )
    .await
}

pub async fn get(db: &Db, id: i64) -> DbResult<Option<Upload>> {
    db.fetch_optional(
        &format!("SELECT {COLUMNS} FROM uploads WHERE id = $1"),
        args![id],
    )
    .await
}

/// The image an upload holds, for pages (`None` for a PDF or an unknown id).
pub async fn image_ref(db: &Db, id: i64) -> DbResult<Option<ImageRef>> {
    Ok(get(db, id).await?.and_then(|u| u.image_ref()))
}

pub async fn blob(db: &Db, hash: &str) -> DbResult<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = db
        .fetch_optional(
            "SELECT bytes FROM upload_blobs WHERE hash = $1",
            args![hash],
        )
        .await?;
    Ok(row.map(|r| r.0))
}

/// Removes an upload no longer attached to anything, and its bytes unless another upload
/// shares them.
pub async fn delete_in(tx: &mut Tx, id: i64) -> DbResult<()> {
    let row: Option<(String, Option<String>)> = tx
        .fetch_optional(
            "SELECT hash, thumb_hash FROM uploads WHERE id = $1",
            args![id],
        )
        .await?;
    let Some((hash, thumb)) = row else {
        return Ok(());
    };
    tx.execute("DELETE FROM uploads WHERE id = $1", args![id])
        .await?;
    for h in std::iter::once(hash).chain(thumb) {
        tx.execute(
            "DELETE FROM upload_blobs WHERE hash = $1 AND NOT EXISTS \
             (SELECT 1 FROM uploads WHERE hash = $1 OR thumb_hash = $1)",
            args![&h],
        )
        .await?;
    }
    Ok(())
}

/// The uploads of `context` attached to any of `context_ids`, oldest first.
pub async fn attached_to(db: &Db, context: Context, context_ids: &[i64]) -> DbResult<Vec<Upload>> {
    if context_ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (2..context_ids.len() + 2)
        .map(|i| format!("${i}"))
        .collect();
    let mut args = args![context.as_str()];
    args.extend(context_ids.iter().map(|&id| crate::db::Arg::from(id)));
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM uploads WHERE context = $1 AND context_id IN ({}) ORDER BY id",
            placeholders.join(", ")
        ),
        args,
    )
    .await
}
