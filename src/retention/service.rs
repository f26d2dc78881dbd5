//! Competitor operations (the director keeps the list): each one transaction with its audit
//! row, callable from the staff pages, the CLI or a future API.

use chrono::{DateTime, Utc};

use super::store::{self, CompetitorRow};
use crate::audit::{self, Action, Actor};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::types::Rupiah;
use crate::words::Detail;

/// `competitors.name` is unique: a second "IndiHome" is the name field's error.
const NAME_COLUMNS: &[(&str, &str, &str)] = &[("name", "name", "validation.name_taken")];

/// A competitor as typed, parsed.
pub struct CompetitorInput {
    pub name: String,
    /// Empty when not given.
    pub notes: String,
}

/// One of a competitor's offers, parsed.
pub struct OfferInput {
    pub name: String,
    pub download_mbps: i64,
    pub price: Rupiah,
    /// Empty when not given.
    pub notes: String,
}

/// A competitor, or 404.
pub async fn competitor(db: &Db, id: i64) -> AppResult<CompetitorRow> {
    store::get(db, id).await?.ok_or(AppError::NotFound)
}

pub async fn create_competitor(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    c: &CompetitorInput,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = store::create(&mut tx, &c.name, &c.notes, now)
        .await
        .map_err(|e| AppError::unique_to_field(e, NAME_COLUMNS))?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::CompetitorCreate,
        Some(("competitor", id)),
        &Detail::new().record("competitor", id, &c.name),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_competitor(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    c: &CompetitorInput,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let n = store::update(&mut tx, id, &c.name, &c.notes)
        .await
        .map_err(|e| AppError::unique_to_field(e, NAME_COLUMNS))?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::CompetitorUpdate,
        Some(("competitor", id)),
        &Detail::new().record("competitor", id, &c.name),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds an offer to competitor `id`; returns the offer's id.
pub async fn add_offer(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    o: &OfferInput,
) -> AppResult<i64> {
    let competitor = competitor(db, id).await?;
    let mut tx = db.begin().await?;
    let offer_id =
        store::add_offer(&mut tx, id, &o.name, o.download_mbps, o.price, &o.notes).await?;
    let detail = Detail::new()
        .record("competitor", id, &competitor.name)
        .with("offer", &o.name)
        .with("speed", format!("{} Mbps", o.download_mbps))
        .with("price", o.price);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::CompetitorOfferAdd,
        Some(("competitor", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(offer_id)
}

/// Removes offer `offer_id` of competitor `id`; 404 when that competitor has no such offer.
/// Returns the offer's name.
/// One offer of competitor `id`; 404 when it is not theirs.
pub async fn offer(db: &Db, id: i64, offer_id: i64) -> AppResult<store::OfferRow> {
    store::offers(db, Some(id))
        .await?
        .into_iter()
        .find(|o| o.id == offer_id)
        .ok_or(AppError::NotFound)
}

pub async fn delete_offer(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    offer_id: i64,
) -> AppResult<String> {
    let competitor = competitor(db, id).await?;
    let offer = offer(db, id, offer_id).await?;
    let mut tx = db.begin().await?;
    if store::delete_offer(&mut tx, id, offer_id).await? == 0 {
        return Err(AppError::NotFound);
    }
    let detail = Detail::new()
        .record("competitor", id, &competitor.name)
        .with("offer", &offer.name);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::CompetitorOfferDelete,
        Some(("competitor", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(offer.name)
}
