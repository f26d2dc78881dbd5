use chrono::{DateTime, NaiveDate, Utc};

use crate::args;
use crate::db::{Db, DbResult, Tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InstallationRow {
    pub id: i64,
    pub registration_id: i64,
    pub technician_id: i64,
    pub technician_name: String,
    pub planned_date: NaiveDate,
    pub window_start: String,
    pub window_end: String,
    pub notes: String,
}

const SELECT: &str = "SELECT i.id, i.registration_id, i.technician_id, u.name AS technician_name, i.planned_date, \
     i.window_start, i.window_end, i.notes FROM installations i JOIN users u ON u.id = i.technician_id";

pub struct NewInstallation<'a> {
    pub registration_id: i64,
    pub technician_id: i64,
    pub planned_date: NaiveDate,
    pub window_start: &'a str,
    pub window_end: &'a str,
    pub notes: &'a str,
}

pub async fn create(tx: &mut Tx, i: &NewInstallation<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    tx.scalar(
        "INSERT INTO installations (registration_id, technician_id, planned_date, window_start, window_end, notes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        args![i.registration_id, i.technician_id, i.planned_date, i.window_start, i.window_end, i.notes, now],
    )
    .await
}

/// The current (latest) appointment of a registration.
pub async fn latest_for(db: &Db, registration_id: i64) -> DbResult<Option<InstallationRow>> {
    db.fetch_optional(
        &format!("{SELECT} WHERE i.registration_id = $1 ORDER BY i.id DESC LIMIT 1"),
        args![registration_id],
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Job {
    pub installation_id: i64,
    pub registration_id: i64,
    pub registration_number: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub address: String,
    pub area_name: String,
    pub package_name: String,
    pub planned_date: NaiveDate,
    pub window_start: String,
    pub window_end: String,
    pub notes: String,
}

/// A technician's upcoming installation jobs (registrations still scheduled, latest appointment only).
pub async fn jobs_for(db: &Db, technician_id: i64) -> DbResult<Vec<Job>> {
    db.fetch_all(
        "SELECT i.id AS installation_id, r.id AS registration_id, r.number AS registration_number, c.name AS customer_name, \
         c.phone AS customer_phone, r.address, a.name AS area_name, p.name AS package_name, i.planned_date, \
         i.window_start, i.window_end, i.notes \
         FROM installations i JOIN registrations r ON r.id = i.registration_id JOIN customers c ON c.id = r.customer_id \
         JOIN areas a ON a.id = r.area_id JOIN packages p ON p.id = r.package_id \
         WHERE i.technician_id = $1 AND r.status = 'scheduled' \
         AND i.id = (SELECT MAX(i2.id) FROM installations i2 WHERE i2.registration_id = r.id) \
         ORDER BY i.planned_date, i.window_start",
        args![technician_id],
    )
    .await
}
