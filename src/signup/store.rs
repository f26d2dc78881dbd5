//! SQL for registrations (the sign-up pipeline).

use chrono::{DateTime, Utc};

use super::model::RegStatus;
use crate::args;
use crate::db::{counter, Arg, Conn, Db, DbResult, Tx};

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct RegistrationRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_email: Option<String>,
    pub package_id: i64,
    pub package_name: String,
    pub area_id: i64,
    pub area_name: String,
    pub address: String,
    pub status: RegStatus,
    pub reject_reason: Option<String>,
    pub referrer_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub channel: String,
    pub submitted_at: DateTime<Utc>,
    pub verified_at: Option<DateTime<Utc>>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub installed_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
}

impl RegistrationRow {
    /// When the step the registration is in began.
    pub fn waiting_since(&self) -> DateTime<Utc> {
        self.scheduled_at
            .or(self.verified_at)
            .unwrap_or(self.submitted_at)
    }

    pub fn status_key(&self) -> &'static str {
        self.status.label_key()
    }
}

const SELECT: &str = "SELECT r.id, r.number, r.customer_id, c.name AS customer_name, c.phone AS customer_phone, \
     c.email AS customer_email, r.package_id, p.name AS package_name, r.area_id, a.name AS area_name, r.address, r.status, \
     r.reject_reason, r.referrer_id, r.subscription_id, r.channel, r.submitted_at, r.verified_at, r.scheduled_at, \
     r.installed_at, r.rejected_at \
     FROM registrations r JOIN customers c ON c.id = r.customer_id JOIN packages p ON p.id = r.package_id \
     JOIN areas a ON a.id = r.area_id";

pub struct NewRegistration<'a> {
    pub customer_id: i64,
    pub package_id: i64,
    pub area_id: i64,
    pub address: &'a str,
    pub referrer_id: Option<i64>,
    pub channel: &'a str,
}

/// Inserts a submitted registration numbered `REG-<year>-<n>`; returns (id, number).
pub async fn create(
    tx: &mut Tx,
    r: &NewRegistration<'_>,
    year: i32,
    now: DateTime<Utc>,
) -> DbResult<(i64, String)> {
    let n = counter::next(tx, &format!("registration-{year}")).await?;
    let number = format!("REG-{year}-{n:06}");
    let id = tx
        .scalar(
            "INSERT INTO registrations (number, customer_id, package_id, area_id, address, status, referrer_id, channel, \
             submitted_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $8) RETURNING id",
            args![&number, r.customer_id, r.package_id, r.area_id, r.address, r.referrer_id, r.channel, now],
        )
        .await?;
    Ok((id, number))
}

pub async fn get(c: impl Into<Conn<'_>>, id: i64) -> DbResult<Option<RegistrationRow>> {
    c.into()
        .fetch_optional(&format!("{SELECT} WHERE r.id = $1"), args![id])
        .await
}

pub async fn of_customer(db: &Db, customer_id: i64) -> DbResult<Vec<RegistrationRow>> {
    db.fetch_all(
        &format!("{SELECT} WHERE r.customer_id = $1 ORDER BY r.id DESC"),
        args![customer_id],
    )
    .await
}

/// Moves a registration from `from` to `to`, stamping the step's time. Returns false when the
/// registration was no longer in `from` (someone else acted first).
pub async fn transition(
    tx: &mut Tx,
    id: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let stamp = match to {
        "verified" => "verified_at",
        "scheduled" => "scheduled_at",
        "installed" => "installed_at",
        _ => "rejected_at",
    };
    let n = tx
        .execute(
            &format!("UPDATE registrations SET status = $3, {stamp} = $4, updated_at = $4 WHERE id = $1 AND status = $2"),
            args![id, from, to, now],
        )
        .await?;
    Ok(n == 1)
}

/// Back from scheduled to verified (the installation visit failed or was called off): the
/// registration waits for a new appointment since it was verified.
pub async fn unschedule(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    let n = tx
        .execute(
            "UPDATE registrations SET status = 'verified', scheduled_at = NULL, updated_at = $2 \
             WHERE id = $1 AND status = 'scheduled'",
            args![id, now],
        )
        .await?;
    Ok(n == 1)
}

pub async fn set_reject_reason(tx: &mut Tx, id: i64, reason: &str) -> DbResult<()> {
    tx.execute(
        "UPDATE registrations SET reject_reason = $2 WHERE id = $1",
        args![id, reason],
    )
    .await?;
    Ok(())
}

pub async fn set_subscription(tx: &mut Tx, id: i64, subscription_id: i64) -> DbResult<()> {
    tx.execute(
        "UPDATE registrations SET subscription_id = $2 WHERE id = $1",
        args![id, subscription_id],
    )
    .await?;
    Ok(())
}

#[derive(Default)]
pub struct Filter {
    /// `None`: those still waiting (submitted, verified, scheduled), unless `any`.
    pub status: Option<RegStatus>,
    /// Every status, the finished ones too.
    pub any: bool,
    /// A REG or PLG number, a phone in any form, or part of a name.
    pub q: String,
    pub area_id: Option<i64>,
    pub package_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl Filter {
    /// Whether the list holds only registrations still waiting (sorted longest waiting first).
    pub fn waiting(&self) -> bool {
        match self.status {
            Some(s) => !s.is_final(),
            None => !self.any,
        }
    }
}

fn filter_sql(f: &Filter) -> (String, Vec<Arg>) {
    let mut sql = String::from(" WHERE 1 = 1");
    let mut a: Vec<Arg> = Vec::new();
    if let Some(s) = &f.status {
        a.push(s.as_str().into());
        sql.push_str(&format!(" AND r.status = ${}", a.len()));
    } else if !f.any {
        sql.push_str(" AND r.status IN ('submitted', 'verified', 'scheduled')");
    }
    let q = f.q.trim();
    if !q.is_empty() {
        let upper = q.to_uppercase();
        if upper.starts_with("REG-") {
            a.push(upper.into());
            sql.push_str(&format!(" AND r.number = ${}", a.len()));
        } else if upper.starts_with("PLG-") {
            a.push(upper.into());
            sql.push_str(&format!(" AND c.number = ${}", a.len()));
        } else if let Ok(phone) = crate::types::PhoneNumber::parse(q) {
            a.push(phone.as_str().into());
            sql.push_str(&format!(" AND c.phone = ${}", a.len()));
        } else {
            a.push(crate::db::like_pattern(q).into());
            sql.push_str(&format!(" AND LOWER(c.name) LIKE ${} ESCAPE '\\'", a.len()));
        }
    }
    if let Some(v) = f.area_id {
        a.push(v.into());
        sql.push_str(&format!(" AND r.area_id = ${}", a.len()));
    }
    if let Some(v) = f.package_id {
        a.push(v.into());
        sql.push_str(&format!(" AND r.package_id = ${}", a.len()));
    }
    if let Some(v) = f.from {
        a.push(v.into());
        sql.push_str(&format!(" AND r.submitted_at >= ${}", a.len()));
    }
    if let Some(v) = f.to {
        a.push(v.into());
        sql.push_str(&format!(" AND r.submitted_at < ${}", a.len()));
    }
    (sql, a)
}

pub async fn count(db: &Db, f: &Filter) -> DbResult<i64> {
    let (w, a) = filter_sql(f);
    db.scalar(
        &format!(
            "SELECT COUNT(*) FROM registrations r JOIN customers c ON c.id = r.customer_id{w}"
        ),
        a,
    )
    .await
}

pub async fn list(db: &Db, f: &Filter, limit: i64, offset: i64) -> DbResult<Vec<RegistrationRow>> {
    let (w, mut a) = filter_sql(f);
    let n = a.len();
    a.push(limit.into());
    a.push(offset.into());
    db.fetch_all(
        &format!(
            "{SELECT}{w} ORDER BY {} LIMIT ${} OFFSET ${}",
            if f.waiting() {
                // Longest waiting first: since the step the registration is in began.
                "COALESCE(r.scheduled_at, r.verified_at, r.submitted_at), r.id"
            } else {
                "r.submitted_at DESC, r.id DESC"
            },
            n + 1,
            n + 2
        ),
        a,
    )
    .await
}
