//! Retention operations: competitors (the director keeps the list) and retention contacts with
//! at-risk customers; each one transaction with its audit row, callable from the staff pages,
//! the CLI or a future API.

use chrono::{DateTime, Utc};

use super::model::{Offer, Outcome};
use super::risk::RiskWeights;
use super::risk_store;
use super::store::{self, CompetitorRow, NewContact};
use crate::audit::{self, Action, Actor};
use crate::catalog::store as catalog;
use crate::customers::events::EventKind;
use crate::customers::store as customers;
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::types::{wib_date, Rupiah};
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

// Retention contacts ------------------------------------------------------------------------

/// A retention contact as typed, parsed.
pub struct ContactInput {
    pub customer_id: i64,
    pub outcome: Outcome,
    pub offer: Option<Offer>,
    /// Empty when not given.
    pub note: String,
}

/// What a recorded contact names, for the message that follows it.
pub struct ContactRecorded {
    pub id: i64,
    pub customer_name: String,
    /// The offer's name (promo title or package name).
    pub offer_name: Option<String>,
    /// When the customer accepted a package change: their live subscription to change (on the
    /// customer's page; recording a contact never changes the package itself).
    pub change_subscription: Option<i64>,
    pub risk_score: i64,
}

/// Records a retention contact with customer `input.customer_id`: the outcome, the offer (a
/// promo running today or a published package), a note and their risk score at this moment,
/// with its audit row and a line on the customer's timeline, in one transaction.
pub async fn record_contact(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    weights: &RiskWeights,
    input: &ContactInput,
) -> AppResult<ContactRecorded> {
    let customer = customers::get(db, input.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    let today = wib_date(now);
    let (promo_id, package_id, offer_name) = match input.offer {
        None => (None, None, None),
        Some(Offer::Promo(id)) => match catalog::running_promos(db, today)
            .await?
            .into_iter()
            .find(|p| p.id == id)
        {
            Some(p) => (Some(id), None, Some(p.title)),
            None => {
                errors.add("offer", "risk.error.offer_promo");
                (None, None, None)
            }
        },
        Some(Offer::Package(id)) => match catalog::get_package(db, id).await? {
            Some(p) if p.published => (None, Some(id), Some(p.name)),
            _ => {
                errors.add("offer", "risk.error.offer_package");
                (None, None, None)
            }
        },
    };
    if input.outcome.needs_offer() && input.offer.is_none() {
        errors.add("offer", "risk.error.offer_needed");
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let prices = risk_store::Prices::read(db).await?;
    let risk_score = risk_store::score_of(db, customer.id, weights, &prices, now)
        .await?
        .map_or(0, |a| a.score);
    let change_subscription = match (input.outcome, package_id) {
        (Outcome::Accepted, Some(_)) => customers::subscriptions_of(db, customer.id)
            .await?
            .into_iter()
            .find(|s| matches!(s.status.as_str(), "active" | "suspended"))
            .map(|s| s.id),
        _ => None,
    };

    let mut tx = db.begin().await?;
    let id = store::insert_contact(
        &mut tx,
        &NewContact {
            customer_id: customer.id,
            outcome: input.outcome,
            promo_id,
            package_id,
            risk_score,
            note: &input.note,
            staff_id: actor.id,
        },
        now,
    )
    .await?;
    let mut said = Detail::new()
        .with("retention_outcome", input.outcome)
        .with("score", risk_score);
    if let Some(o) = &offer_name {
        said = said.with("offer", o);
    }
    let said = said.note(&input.note);
    customers::add_event(
        &mut tx,
        customer.id,
        EventKind::RetentionContacted,
        &said.stored(),
        actor.name,
        now,
    )
    .await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::RetentionContact,
        Some(("customer", customer.id)),
        &said.record("customer", customer.id, &customer.name),
    )
    .await?;
    tx.commit().await?;
    Ok(ContactRecorded {
        id,
        customer_name: customer.name,
        offer_name,
        change_subscription,
        risk_score,
    })
}
