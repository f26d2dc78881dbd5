//! SQL of the satisfaction area. It writes only `ratings`; it reads the rated thing (a ticket)
//! to copy its facts into the rating.

use chrono::{DateTime, Utc};

use super::model::{SubjectKind, Via, LOW_STARS};
use crate::args;
use crate::db::{Arg, Conn, Db, DbResult};

/// One stored rating.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct RatingRow {
    pub id: i64,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub customer_id: i64,
    pub stars: i64,
    pub comment: String,
    /// Copied from the subject when rated (the ticket's category), for reports.
    pub category: Option<String>,
    /// The staff member responsible (the ticket's assignee) when rated.
    pub staff_id: Option<i64>,
    pub area_id: Option<i64>,
    pub via: Via,
    pub created_at: DateTime<Utc>,
    pub followed_up_at: Option<DateTime<Utc>>,
    pub followed_up_by: Option<i64>,
    pub follow_up_note: String,
}

const RATING_SELECT: &str =
    "SELECT id, subject_kind, subject_id, customer_id, stars, comment, category, staff_id, \
     area_id, via, created_at, followed_up_at, followed_up_by, follow_up_note FROM ratings";

/// The facts of a rated thing that a rating copies, and who may rate it.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct Subject {
    pub id: i64,
    /// What people call it: the ticket number.
    pub label: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub status: String,
    pub category: Option<String>,
    pub staff_id: Option<i64>,
    pub area_id: Option<i64>,
}

impl Subject {
    /// Whether it is done, so that it may be rated (a ticket: resolved or closed).
    pub fn rateable(&self, kind: SubjectKind) -> bool {
        match kind {
            SubjectKind::Ticket => matches!(self.status.as_str(), "resolved" | "closed"),
            SubjectKind::Installation => self.status == "done",
        }
    }
}

/// The rated thing `id` of `kind`, with its customer.
pub async fn subject(
    c: impl Into<Conn<'_>>,
    kind: SubjectKind,
    id: i64,
) -> DbResult<Option<Subject>> {
    let sql = match kind {
        SubjectKind::Ticket => {
            "SELECT t.id, t.number AS label, t.customer_id, c.name AS customer_name, t.status, \
             t.category, t.assignee_id AS staff_id, t.area_id \
             FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = $1"
        }
        // The technician who installed is the one rated.
        SubjectKind::Installation => {
            "SELECT v.id, v.number AS label, v.customer_id, c.name AS customer_name, v.status, \
             'installation' AS category, v.technician_id AS staff_id, v.area_id \
             FROM visits v JOIN customers c ON c.id = v.customer_id \
             WHERE v.id = $1 AND v.kind = 'installation'"
        }
    };
    c.into().fetch_optional(sql, args![id]).await
}

/// What a new rating stores.
pub struct NewRating<'a> {
    pub kind: SubjectKind,
    pub subject: &'a Subject,
    pub stars: i64,
    pub comment: &'a str,
    pub via: Via,
}

/// Inserts a rating; a second one for the same subject is a unique violation on
/// `(subject_kind, subject_id)`.
pub async fn insert(
    c: impl Into<Conn<'_>>,
    r: &NewRating<'_>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let s = r.subject;
    c.into()
        .insert_returning(
            "INSERT INTO ratings (subject_kind, subject_id, customer_id, stars, comment, category, staff_id, area_id, via, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            args![r.kind, s.id, s.customer_id, r.stars, r.comment, s.category.as_deref(), s.staff_id, s.area_id, r.via, now],
        )
        .await
}

pub async fn get(c: impl Into<Conn<'_>>, id: i64) -> DbResult<Option<RatingRow>> {
    c.into()
        .fetch_optional(&format!("{RATING_SELECT} WHERE id = $1"), args![id])
        .await
}

/// The rating of a subject, if it has one.
pub async fn for_subject(
    c: impl Into<Conn<'_>>,
    kind: SubjectKind,
    id: i64,
) -> DbResult<Option<RatingRow>> {
    c.into()
        .fetch_optional(
            &format!("{RATING_SELECT} WHERE subject_kind = $1 AND subject_id = $2"),
            args![kind, id],
        )
        .await
}

/// Marks a low rating as called back. Returns the rows changed: 0 when it was already done
/// (or is not a low rating).
pub async fn mark_followed_up(
    c: impl Into<Conn<'_>>,
    id: i64,
    by: Option<i64>,
    note: &str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    c.into()
        .execute(
            "UPDATE ratings SET followed_up_at = $2, followed_up_by = $3, follow_up_note = $4 \
             WHERE id = $1 AND followed_up_at IS NULL AND stars <= $5",
            args![id, now, by, note, LOW_STARS],
        )
        .await
}

/// Which low ratings a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LowFilter {
    /// Not called back yet.
    ToCallBack,
    /// Called back.
    Done,
    All,
}

/// A low rating as the call-back list shows it.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct LowRow {
    pub id: i64,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    /// The ticket number.
    pub subject_label: Option<String>,
    pub stars: i64,
    pub comment: String,
    pub category: Option<String>,
    pub created_at: DateTime<Utc>,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_phone: String,
    pub staff_name: Option<String>,
    pub followed_up_at: Option<DateTime<Utc>>,
    pub followed_up_by_name: Option<String>,
    pub follow_up_note: String,
}

/// One page of low ratings (at most [`LOW_STARS`]), newest first, after the rating `before`
/// (keyset paging on `(created_at, id)`: no OFFSET, no count).
pub async fn low_ratings(
    db: &Db,
    filter: LowFilter,
    before: Option<i64>,
    limit: i64,
) -> DbResult<Vec<LowRow>> {
    let mut sql = String::from(
        "SELECT r.id, r.subject_kind, r.subject_id, COALESCE(t.number, v.number) AS subject_label, r.stars, r.comment, \
         r.category, r.created_at, c.id AS customer_id, c.name AS customer_name, \
         c.phone AS customer_phone, s.name AS staff_name, r.followed_up_at, \
         f.name AS followed_up_by_name, r.follow_up_note \
         FROM ratings r \
         JOIN customers c ON c.id = r.customer_id \
         LEFT JOIN tickets t ON r.subject_kind = 'ticket' AND t.id = r.subject_id \
         LEFT JOIN visits v ON r.subject_kind = 'installation' AND v.id = r.subject_id \
         LEFT JOIN users s ON s.id = r.staff_id \
         LEFT JOIN users f ON f.id = r.followed_up_by \
         WHERE r.stars <= $1",
    );
    let mut a: Vec<Arg> = args![LOW_STARS];
    match filter {
        LowFilter::ToCallBack => sql.push_str(" AND r.followed_up_at IS NULL"),
        LowFilter::Done => sql.push_str(" AND r.followed_up_at IS NOT NULL"),
        LowFilter::All => {}
    }
    if let Some(before) = before {
        a.push(before.into());
        let n = a.len();
        sql.push_str(&format!(
            " AND (r.created_at < (SELECT b.created_at FROM ratings b WHERE b.id = ${n}) \
             OR (r.created_at = (SELECT b.created_at FROM ratings b WHERE b.id = ${n}) AND r.id < ${n}))"
        ));
    }
    a.push(limit.into());
    sql.push_str(&format!(
        " ORDER BY r.created_at DESC, r.id DESC LIMIT ${}",
        a.len()
    ));
    db.fetch_all(&sql, a).await
}
