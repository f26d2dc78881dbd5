//! SQL for competitors and their offers.

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Conn, Db, DbResult};
use crate::types::Rupiah;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CompetitorRow {
    pub id: i64,
    pub name: String,
    pub notes: String,
    /// Subscriptions that ended because the customer moved to this competitor.
    pub lost: i64,
}

const SELECT: &str = "SELECT k.id, k.name, k.notes, \
     (SELECT COUNT(*) FROM subscriptions s WHERE s.competitor_id = k.id) AS lost FROM competitors k";

pub async fn competitors(db: &Db) -> DbResult<Vec<CompetitorRow>> {
    db.fetch_all(&format!("{SELECT} ORDER BY k.name"), args![])
        .await
}

pub async fn get(db: &Db, id: i64) -> DbResult<Option<CompetitorRow>> {
    db.fetch_optional(&format!("{SELECT} WHERE k.id = $1"), args![id])
        .await
}

pub async fn create(
    c: impl Into<Conn<'_>>,
    name: &str,
    notes: &str,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    c.into()
        .insert_returning(
            "INSERT INTO competitors (name, notes, created_at) VALUES ($1, $2, $3) RETURNING id",
            args![name, notes, now],
        )
        .await
}

pub async fn update(c: impl Into<Conn<'_>>, id: i64, name: &str, notes: &str) -> DbResult<u64> {
    c.into()
        .execute(
            "UPDATE competitors SET name = $2, notes = $3 WHERE id = $1",
            args![id, name, notes],
        )
        .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OfferRow {
    pub id: i64,
    pub competitor_id: i64,
    pub competitor_name: String,
    pub name: String,
    pub download_mbps: i64,
    pub price: Rupiah,
    pub notes: String,
}

impl OfferRow {
    pub fn price_text(&self) -> String {
        self.price.to_string()
    }
}

pub async fn offers(db: &Db, competitor_id: Option<i64>) -> DbResult<Vec<OfferRow>> {
    db.fetch_all(
        "SELECT o.id, o.competitor_id, k.name AS competitor_name, o.name, o.download_mbps, o.price, o.notes \
         FROM competitor_offers o JOIN competitors k ON k.id = o.competitor_id \
         WHERE ($1 IS NULL OR o.competitor_id = $1) ORDER BY o.download_mbps, o.price",
        args![competitor_id],
    )
    .await
}

pub async fn add_offer(
    c: impl Into<Conn<'_>>,
    competitor_id: i64,
    name: &str,
    download_mbps: i64,
    price: Rupiah,
    notes: &str,
) -> DbResult<i64> {
    c.into().insert_returning(
        "INSERT INTO competitor_offers (competitor_id, name, download_mbps, price, notes) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        args![competitor_id, name, download_mbps, price, notes],
    )
    .await
}

pub async fn delete_offer(
    c: impl Into<Conn<'_>>,
    competitor_id: i64,
    offer_id: i64,
) -> DbResult<u64> {
    c.into()
        .execute(
            "DELETE FROM competitor_offers WHERE id = $1 AND competitor_id = $2",
            args![offer_id, competitor_id],
        )
        .await
}
