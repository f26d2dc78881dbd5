//! Operations of the satisfaction area: rating a resolved thing, and marking a low rating as
//! called back. Each is one transaction with its audit row and a line on the customer's
//! timeline.

use chrono::{DateTime, Utc};

use super::model::{Stars, SubjectKind, Via, LOW_STARS};
use super::store::{self, NewRating, RatingRow};
use crate::audit::{self, Action, Actor};
use crate::customers::events::EventKind;
use crate::customers::store as customers;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::words::Detail;

/// The answer to a second rating of the same thing. Handlers show it politely (the link page
/// says "already rated, thank you"; the portal says it in a flash).
pub const ALREADY_RATED: &str = "rating.already_rated";
/// The thing is not done (a ticket opened again, or not resolved yet).
pub const NOT_RATEABLE: &str = "rating.not_rateable";
/// The low rating was called back already.
pub const ALREADY_FOLLOWED_UP: &str = "rating.already_followed_up";

/// A rating to store.
pub struct RateInput<'a> {
    pub kind: SubjectKind,
    pub subject_id: i64,
    /// The customer allowed to rate: the logged-in customer in the portal; for a signed link,
    /// the subject's own customer (the link vouches for them).
    pub customer_id: i64,
    pub stars: Stars,
    pub comment: &'a str,
    pub via: Via,
}

/// What was rated, as the record its sentence names and links to.
fn rated(kind: SubjectKind, id: i64, label: &str) -> Detail {
    match kind {
        SubjectKind::Ticket => Detail::new().record("ticket", id, label),
        // The rating sentences name the rated thing `{ticket}`: here the installation visit's
        // number, linked as the visit.
        SubjectKind::Installation => Detail::new()
            .record("visit", id, label)
            .with("ticket", label),
    }
}

/// Stores a rating of a resolved (or closed) thing of `input.customer_id`, with a copy of its
/// category, staff member and area, in one transaction with the audit row `rating.create` and a
/// timeline line. Someone else's or unknown: `NotFound`; not done: `Conflict(NOT_RATEABLE)`;
/// rated before: `Conflict(ALREADY_RATED)`, and nothing changes.
///
/// An anonymous actor (a rating link) is recorded under the customer's name.
pub async fn rate(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    input: RateInput<'_>,
) -> AppResult<RatingRow> {
    let mut tx = db.begin().await?;
    // The status read below stays true until the rating is stored (no reopening in between).
    tx.lock_row(input.kind.table(), input.subject_id).await?;
    let subject = store::subject(&mut tx, input.kind, input.subject_id)
        .await?
        .filter(|s| s.customer_id == input.customer_id)
        .ok_or(AppError::NotFound)?;
    if store::for_subject(&mut tx, input.kind, subject.id)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(ALREADY_RATED));
    }
    if !subject.rateable(input.kind) {
        return Err(AppError::Conflict(NOT_RATEABLE));
    }
    let new = NewRating {
        kind: input.kind,
        subject: &subject,
        stars: input.stars.get(),
        comment: input.comment,
        via: input.via,
    };
    // Two submissions at the same moment: the second meets the unique key.
    let id = match store::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(AppError::Conflict(ALREADY_RATED))
        }
        Err(e) => return Err(e.into()),
    };
    let actor = if actor.id.is_none() {
        Actor {
            name: &subject.customer_name,
            ..actor
        }
    } else {
        actor
    };
    let stars = input.stars.get();
    let detail = rated(input.kind, subject.id, &subject.label).with("stars", stars);
    customers::add_event(
        &mut tx,
        subject.customer_id,
        EventKind::RatingCreated,
        &detail.stored(),
        actor.name,
        now,
    )
    .await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::RatingCreate,
        Some(("rating", id)),
        &detail.with("via", input.via),
    )
    .await?;
    let row = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(row)
}

/// Marks low rating `rating_id` as called back, with what was said, audited as
/// `rating.follow_up` and noted on the customer's timeline. Unknown or not low: `NotFound`;
/// done before: `Conflict(ALREADY_FOLLOWED_UP)`.
pub async fn follow_up(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    rating_id: i64,
    note: &str,
) -> AppResult<RatingRow> {
    let mut tx = db.begin().await?;
    let rating = store::get(&mut tx, rating_id)
        .await?
        .filter(|r| r.stars <= LOW_STARS)
        .ok_or(AppError::NotFound)?;
    if store::mark_followed_up(&mut tx, rating.id, actor.id, note, now).await? != 1 {
        return Err(AppError::Conflict(ALREADY_FOLLOWED_UP));
    }
    let label = store::subject(&mut tx, rating.subject_kind, rating.subject_id)
        .await?
        .map(|s| s.label)
        .unwrap_or_default();
    let detail = rated(rating.subject_kind, rating.subject_id, &label)
        .with("stars", rating.stars)
        .note(note);
    customers::add_event(
        &mut tx,
        rating.customer_id,
        EventKind::RatingFollowedUp,
        &detail.stored(),
        actor.name,
        now,
    )
    .await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::RatingFollowUp,
        Some(("rating", rating.id)),
        &detail,
    )
    .await?;
    let row = store::get(&mut tx, rating.id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(row)
}
