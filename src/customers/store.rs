//! SQL for customers, subscriptions, their history and the customer timeline.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{CustomerStatus, SubStatus};
use crate::args;
use crate::db::{counter, Conn, Db, DbResult, Tx};

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct CustomerRow {
    pub id: i64,
    pub number: String,
    pub user_id: Option<i64>,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub area_id: Option<i64>,
    pub area_name: Option<String>,
    pub status: CustomerStatus,
    pub referral_code: String,
    pub referred_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub(super) const CUSTOMER_SELECT: &str =
    "SELECT c.id, c.number, c.user_id, c.name, c.phone, c.email, c.address, c.area_id, \
     a.name AS area_name, c.status, c.referral_code, c.referred_by, c.created_at \
     FROM customers c LEFT JOIN areas a ON a.id = c.area_id";

pub struct NewCustomer<'a> {
    pub user_id: Option<i64>,
    pub name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub address: &'a str,
    pub area_id: Option<i64>,
    pub status: CustomerStatus,
    pub referral_code: &'a str,
    pub referred_by: Option<i64>,
}

/// Inserts a customer with the next customer number (`PLG-000123`); returns (id, number).
pub async fn create(
    tx: &mut Tx,
    c: &NewCustomer<'_>,
    now: DateTime<Utc>,
) -> DbResult<(i64, String)> {
    let n = counter::next(tx, "customer").await?;
    let number = format!("PLG-{n:06}");
    let id = tx
        .scalar(
            "INSERT INTO customers (number, user_id, name, phone, email, address, area_id, status, referral_code, \
             referred_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
            args![&number, c.user_id, c.name, c.phone, c.email, c.address, c.area_id, c.status, c.referral_code, c.referred_by, now],
        )
        .await?;
    Ok((id, number))
}

pub async fn get(c: impl Into<Conn<'_>>, id: i64) -> DbResult<Option<CustomerRow>> {
    c.into()
        .fetch_optional(&format!("{CUSTOMER_SELECT} WHERE c.id = $1"), args![id])
        .await
}

pub async fn by_user(db: &Db, user_id: i64) -> DbResult<Option<CustomerRow>> {
    db.fetch_optional(
        &format!("{CUSTOMER_SELECT} WHERE c.user_id = $1"),
        args![user_id],
    )
    .await
}

pub async fn by_referral_code(c: impl Into<Conn<'_>>, code: &str) -> DbResult<Option<CustomerRow>> {
    c.into()
        .fetch_optional(
            &format!("{CUSTOMER_SELECT} WHERE c.referral_code = $1"),
            args![code.trim().to_uppercase()],
        )
        .await
}

/// The customer with this phone number (E.164).
pub async fn by_phone(db: &Db, phone: &str) -> DbResult<Option<CustomerRow>> {
    db.fetch_optional(
        &format!("{CUSTOMER_SELECT} WHERE c.phone = $1"),
        args![phone],
    )
    .await
}

/// What the public sign-up may know about a contact. Staff logins are a separate matter: a staff
/// email typed by a prospect is not "taken" (the customer's login simply goes without it).
pub struct SignupContact {
    /// The phone is a customer's, or any login's.
    pub phone_taken: bool,
    /// The email is a customer's, or a customer login's.
    pub email_taken: bool,
    /// The email is a staff login's: the new customer login must not use it.
    pub email_is_staff_login: bool,
}

pub async fn signup_contact(db: &Db, phone: &str, email: Option<&str>) -> DbResult<SignupContact> {
    let phone_taken: i64 = db
        .scalar(
            "SELECT (SELECT COUNT(*) FROM customers WHERE phone = $1) + (SELECT COUNT(*) FROM users WHERE phone = $1)",
            args![phone],
        )
        .await?;
    let (email_taken, staff): (i64, i64) = match email {
        Some(e) => {
            let taken = db
                .scalar(
                    "SELECT (SELECT COUNT(*) FROM customers WHERE email = $1) \
                     + (SELECT COUNT(*) FROM users WHERE email = $1 AND role = 'customer')",
                    args![e],
                )
                .await?;
            let staff = db
                .scalar(
                    "SELECT COUNT(*) FROM users WHERE email = $1 AND role <> 'customer'",
                    args![e],
                )
                .await?;
            (taken, staff)
        }
        None => (0, 0),
    };
    Ok(SignupContact {
        phone_taken: phone_taken > 0,
        email_taken: email_taken > 0,
        email_is_staff_login: staff > 0,
    })
}

pub struct Profile<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub address: &'a str,
    pub area_id: Option<i64>,
}

pub async fn update_profile(
    tx: &mut Tx,
    id: i64,
    p: &Profile<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "UPDATE customers SET name = $2, phone = $3, email = $4, address = $5, area_id = $6, updated_at = $7 WHERE id = $1",
        args![id, p.name, p.phone, p.email, p.address, p.area_id, now],
    )
    .await?;
    Ok(())
}

pub async fn update_name_email(
    tx: &mut Tx,
    id: i64,
    name: &str,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "UPDATE customers SET name = $2, email = $3, updated_at = $4 WHERE id = $1",
        args![id, name, email, now],
    )
    .await?;
    Ok(())
}

pub async fn set_status(
    tx: &mut Tx,
    id: i64,
    status: CustomerStatus,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "UPDATE customers SET status = $2, updated_at = $3 WHERE id = $1",
        args![id, status, now],
    )
    .await?;
    Ok(())
}

pub async fn count_by_status(db: &Db) -> DbResult<Vec<(String, i64)>> {
    db.fetch_all(
        "SELECT status, COUNT(*) FROM customers GROUP BY status ORDER BY status",
        args![],
    )
    .await
}

// ---- subscriptions ----

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct SubscriptionRow {
    pub id: i64,
    pub customer_id: i64,
    pub package_id: i64,
    pub package_name: String,
    pub price: i64,
    pub address: String,
    pub status: SubStatus,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub termination_reason: Option<String>,
    pub competitor_id: Option<i64>,
    pub competitor_name: Option<String>,
    pub termination_note: Option<String>,
}

impl SubscriptionRow {
    pub fn price_text(&self) -> String {
        crate::types::Rupiah(self.price).to_string()
    }
}

const SUBSCRIPTION_SELECT: &str = "SELECT s.id, s.customer_id, s.package_id, p.name AS package_name, p.price, s.address, \
     s.status, s.started_on, s.ended_on, s.termination_reason, s.competitor_id, k.name AS competitor_name, s.termination_note \
     FROM subscriptions s JOIN packages p ON p.id = s.package_id LEFT JOIN competitors k ON k.id = s.competitor_id";

pub async fn subscriptions_of(db: &Db, customer_id: i64) -> DbResult<Vec<SubscriptionRow>> {
    db.fetch_all(
        &format!("{SUBSCRIPTION_SELECT} WHERE s.customer_id = $1 ORDER BY s.id"),
        args![customer_id],
    )
    .await
}

pub async fn get_subscription(db: &Db, id: i64) -> DbResult<Option<SubscriptionRow>> {
    db.fetch_optional(&format!("{SUBSCRIPTION_SELECT} WHERE s.id = $1"), args![id])
        .await
}

#[allow(clippy::too_many_arguments)]
pub async fn create_subscription(
    tx: &mut Tx,
    customer_id: i64,
    package_id: i64,
    address: &str,
    area_id: Option<i64>,
    status: SubStatus,
    started_on: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx.scalar(
        "INSERT INTO subscriptions (customer_id, package_id, address, area_id, status, started_on, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        args![customer_id, package_id, address, area_id, status, started_on, now],
    )
    .await
}

// The changes below only apply to a subscription still in the expected state and return the
// number of rows changed, so two people acting at once cannot both succeed.

pub async fn set_subscription_package(
    tx: &mut Tx,
    id: i64,
    package_id: i64,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx.execute(
        "UPDATE subscriptions SET package_id = $2, updated_at = $3 WHERE id = $1 AND status <> 'terminated'",
        args![id, package_id, now],
    )
    .await
}

/// The subscription now serves `address` (a relocation done), in `area_id` when known.
pub async fn set_subscription_address(
    tx: &mut Tx,
    id: i64,
    address: &str,
    area_id: Option<i64>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx.execute(
        "UPDATE subscriptions SET address = $2, area_id = COALESCE($3, area_id), updated_at = $4 \
         WHERE id = $1 AND status <> 'terminated'",
        args![id, address, area_id, now],
    )
    .await
}

pub async fn set_subscription_status(
    tx: &mut Tx,
    id: i64,
    from: SubStatus,
    to: SubStatus,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx.execute(
        "UPDATE subscriptions SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
        args![id, from, to, now],
    )
    .await
}

pub async fn terminate_subscription(
    tx: &mut Tx,
    id: i64,
    reason: &str,
    competitor_id: Option<i64>,
    note: &str,
    ended_on: NaiveDate,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx.execute(
        "UPDATE subscriptions SET status = 'terminated', termination_reason = $2, competitor_id = $3, termination_note = $4, \
         ended_on = $5, updated_at = $6 WHERE id = $1 AND status <> 'terminated'",
        args![id, reason, competitor_id, note, ended_on, now],
    )
    .await
}

/// The customer's status that follows from their subscriptions.
/// The customer's status as their subscriptions make it. Call with the customer's row locked.
pub async fn derived_status(tx: &mut Tx, customer_id: i64) -> DbResult<CustomerStatus> {
    let rows: Vec<(SubStatus,)> = tx
        .fetch_all(
            "SELECT status FROM subscriptions WHERE customer_id = $1",
            args![customer_id],
        )
        .await?;
    let statuses: Vec<SubStatus> = rows.into_iter().map(|(s,)| s).collect();
    Ok(CustomerStatus::derived_from(&statuses))
}

pub struct SubscriptionEvent<'a> {
    pub subscription_id: i64,
    pub kind: &'a str,
    pub from_package_id: Option<i64>,
    pub to_package_id: Option<i64>,
    pub note: &'a str,
    pub actor_id: Option<i64>,
}

pub async fn add_subscription_event(
    tx: &mut Tx,
    e: &SubscriptionEvent<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO subscription_events (subscription_id, kind, from_package_id, to_package_id, note, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![e.subscription_id, e.kind, e.from_package_id, e.to_package_id, e.note, e.actor_id, now],
    )
    .await?;
    Ok(())
}

#[derive(Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct PackageChange {
    pub at: DateTime<Utc>,
    pub from_name: Option<String>,
    pub to_name: Option<String>,
}

pub async fn package_history(db: &Db, subscription_id: i64) -> DbResult<Vec<PackageChange>> {
    db.fetch_all(
        "SELECT e.at, f.name AS from_name, t.name AS to_name FROM subscription_events e \
         LEFT JOIN packages f ON f.id = e.from_package_id LEFT JOIN packages t ON t.id = e.to_package_id \
         WHERE e.subscription_id = $1 AND e.kind = 'package_changed' ORDER BY e.at, e.id",
        args![subscription_id],
    )
    .await
}

// ---- timeline ----

#[derive(Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub detail: String,
    pub actor_name: String,
}

/// Adds an entry to a customer's timeline; `detail` is a [`crate::words::Detail`]'s stored text.
pub async fn add_event(
    tx: &mut Tx,
    customer_id: i64,
    kind: super::events::EventKind,
    detail: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO customer_events (customer_id, at, kind, detail, actor_name) VALUES ($1, $2, $3, $4, $5)",
        args![customer_id, now, kind, detail, actor],
    )
    .await?;
    Ok(())
}

pub async fn timeline(db: &Db, customer_id: i64) -> DbResult<Vec<TimelineEntry>> {
    db.fetch_all(
        "SELECT at, kind, detail, actor_name FROM customer_events WHERE customer_id = $1 ORDER BY at DESC, id DESC LIMIT 200",
        args![customer_id],
    )
    .await
}

// ---- referrals ----

/// How many sign-ups a customer's code brought: (installed, still in the pipeline).
pub async fn referral_counts(db: &Db, customer_id: i64) -> DbResult<(i64, i64)> {
    db.fetch_one(
        "SELECT COALESCE(SUM(CASE WHEN status = 'installed' THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN status IN ('submitted', 'verified', 'scheduled') THEN 1 ELSE 0 END), 0) \
         FROM registrations WHERE referrer_id = $1",
        args![customer_id],
    )
    .await
}

#[derive(Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct Referrer {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub referral_code: String,
    pub installed: i64,
    pub pending: i64,
}

pub async fn top_referrers(db: &Db, limit: i64) -> DbResult<Vec<Referrer>> {
    db.fetch_all(
        "SELECT c.id, c.number, c.name, c.referral_code, \
         SUM(CASE WHEN r.status = 'installed' THEN 1 ELSE 0 END) AS installed, \
         SUM(CASE WHEN r.status IN ('submitted', 'verified', 'scheduled') THEN 1 ELSE 0 END) AS pending \
         FROM registrations r JOIN customers c ON c.id = r.referrer_id \
         GROUP BY c.id, c.number, c.name, c.referral_code \
         ORDER BY installed DESC, pending DESC, c.name LIMIT $1",
        args![limit],
    )
    .await
}

pub async fn count(db: &Db) -> DbResult<i64> {
    db.scalar("SELECT COUNT(*) FROM customers", args![]).await
}

// ---- complaints, as the customer page lists them ----

/// One of a customer's complaints on their page. (Read here, not through the tickets domain,
/// which itself builds on customers.)
#[derive(Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct TicketLine {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub category: String,
    pub summary: String,
    pub created_at: DateTime<Utc>,
}

pub async fn tickets_of(db: &Db, customer_id: i64, limit: i64) -> DbResult<Vec<TicketLine>> {
    db.fetch_all(
        "SELECT id, number, status, category, summary, created_at FROM tickets \
         WHERE customer_id = $1 ORDER BY id DESC LIMIT $2",
        args![customer_id, limit],
    )
    .await
}
