//! SQL of the retention domain: competitors and their offers, retention contacts. (The risk
//! score's queries are in `risk_store`.)

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Arg, Conn, Db, DbResult};
use crate::types::Rupiah;

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
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

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
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

// Retention contacts ------------------------------------------------------------------------

/// One retention contact, with the names of what it points at.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct ContactRow {
    pub id: i64,
    pub customer_id: i64,
    pub outcome: super::model::Outcome,
    pub promo_id: Option<i64>,
    pub promo_title: Option<String>,
    pub package_id: Option<i64>,
    pub package_name: Option<String>,
    pub risk_score: i64,
    pub note: String,
    pub staff_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl ContactRow {
    /// What was offered, by name; empty when nothing was.
    pub fn offer_text(&self) -> &str {
        self.promo_title
            .as_deref()
            .or(self.package_name.as_deref())
            .unwrap_or("")
    }
}

const CONTACT_SELECT: &str = "SELECT rc.id, rc.customer_id, rc.outcome, rc.promo_id, \
     pr.title AS promo_title, rc.package_id, p.name AS package_name, rc.risk_score, rc.note, \
     u.name AS staff_name, rc.created_at FROM retention_contacts rc \
     LEFT JOIN promos pr ON pr.id = rc.promo_id LEFT JOIN packages p ON p.id = rc.package_id \
     LEFT JOIN users u ON u.id = rc.staff_id";

/// What a new contact stores.
pub struct NewContact<'a> {
    pub customer_id: i64,
    pub outcome: super::model::Outcome,
    pub promo_id: Option<i64>,
    pub package_id: Option<i64>,
    pub risk_score: i64,
    pub note: &'a str,
    pub staff_id: Option<i64>,
}

pub async fn insert_contact(
    c: impl Into<Conn<'_>>,
    n: &NewContact<'_>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    c.into()
        .insert_returning(
            "INSERT INTO retention_contacts (customer_id, outcome, promo_id, package_id, risk_score, note, staff_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            args![n.customer_id, n.outcome, n.promo_id, n.package_id, n.risk_score, n.note, n.staff_id, now],
        )
        .await
}

/// A customer's retention contacts, newest first (index retention_contacts_customer).
pub async fn contacts_of(db: &Db, customer_id: i64, limit: i64) -> DbResult<Vec<ContactRow>> {
    db.fetch_all(
        &format!(
            "{CONTACT_SELECT} WHERE rc.customer_id = $1 ORDER BY rc.created_at DESC, rc.id DESC LIMIT $2"
        ),
        args![customer_id, limit],
    )
    .await
}

/// The latest contact of each of `customers` (a page's worth).
pub async fn last_contacts(
    db: &Db,
    customers: &[i64],
) -> DbResult<std::collections::HashMap<i64, ContactRow>> {
    let mut out = std::collections::HashMap::new();
    if customers.is_empty() {
        return Ok(out);
    }
    let marks: Vec<String> = (1..=customers.len()).map(|i| format!("${i}")).collect();
    let args = customers.iter().map(|&id| Arg::from(id)).collect();
    let rows: Vec<ContactRow> = db
        .fetch_all(
            &format!(
                "{CONTACT_SELECT} WHERE rc.customer_id IN ({}) ORDER BY rc.created_at DESC, rc.id DESC",
                marks.join(", ")
            ),
            args,
        )
        .await?;
    for r in rows {
        out.entry(r.customer_id).or_insert(r);
    }
    Ok(out)
}

/// Contacted at-risk customers and how many stayed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ContactOutcomes {
    /// Distinct customers contacted in `[from, to)`.
    pub contacted: i64,
    /// Of those, the ones first contacted in the period at least 90 days before `to`.
    pub contacted_90d_ago: i64,
    /// Of those, the ones with a live subscription 90 days after that first contact.
    pub still_customers_after_90d: i64,
}

/// Days after a first contact at which "still a customer" is judged.
pub const STAYED_DAYS: i64 = 90;

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct ContactSub {
    customer_id: i64,
    created_at: DateTime<Utc>,
    started_on: Option<chrono::NaiveDate>,
    ended_on: Option<chrono::NaiveDate>,
}

/// Retention contacts in `[from, to)` and what came of them: distinct customers contacted; of
/// those first contacted (in the period) at least 90 days before `to`, how many were active
/// customers on the WIB day 90 days after that first contact (the dashboard's definition of
/// active on a day: a subscription with `started_on <= D` and `ended_on` NULL or after D).
pub async fn contact_outcomes(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<ContactOutcomes> {
    // Contacts of a period are few (hundreds); their customers' subscriptions come along.
    let rows: Vec<ContactSub> = db
        .fetch_all(
            "SELECT rc.customer_id, rc.created_at, s.started_on, s.ended_on \
             FROM retention_contacts rc LEFT JOIN subscriptions s ON s.customer_id = rc.customer_id \
             WHERE rc.created_at >= $1 AND rc.created_at < $2",
            args![from, to],
        )
        .await?;
    let mut first: std::collections::HashMap<i64, DateTime<Utc>> = Default::default();
    for r in &rows {
        let f = first.entry(r.customer_id).or_insert(r.created_at);
        *f = (*f).min(r.created_at);
    }
    let cutoff = to - chrono::Duration::days(STAYED_DAYS);
    let mut out = ContactOutcomes {
        contacted: first.len() as i64,
        ..Default::default()
    };
    for (customer, at) in &first {
        if *at > cutoff {
            continue;
        }
        out.contacted_90d_ago += 1;
        let day = crate::types::wib_date(*at + chrono::Duration::days(STAYED_DAYS));
        let live = rows.iter().any(|r| {
            r.customer_id == *customer
                && r.started_on.is_some_and(|s| s <= day)
                && r.ended_on.is_none_or(|e| e > day)
        });
        if live {
            out.still_customers_after_90d += 1;
        }
    }
    Ok(out)
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct CustomerCard {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub phone: String,
}

/// Name, number and phone of `ids` (a page's worth).
pub async fn customer_cards(
    db: &Db,
    ids: &[i64],
) -> DbResult<std::collections::HashMap<i64, CustomerCard>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let rows: Vec<CustomerCard> = db
        .fetch_all(
            &format!(
                "SELECT id, number, name, phone FROM customers WHERE id IN ({})",
                marks.join(", ")
            ),
            ids.iter().map(|&id| Arg::from(id)).collect(),
        )
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}
