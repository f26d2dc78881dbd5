//! Company profile operations: one transaction with the audit row, callable from the staff
//! page, the CLI or a future API. The caller refreshes the cached header brand afterwards.

use chrono::{DateTime, Utc};

use super::store::{self, Company};
use crate::audit::{self, Actor};
use crate::db::Db;
use crate::error::AppResult;

/// The names of the fields that differ, for the audit log.
fn changed_fields(a: &Company, b: &Company) -> String {
    let pairs = [
        ("name", &a.name, &b.name),
        ("tagline", &a.tagline, &b.tagline),
        ("about", &a.about, &b.about),
        ("vision", &a.vision, &b.vision),
        ("mission", &a.mission, &b.mission),
        ("address", &a.address, &b.address),
        ("phone", &a.phone, &b.phone),
        ("whatsapp", &a.whatsapp, &b.whatsapp),
        ("email", &a.email, &b.email),
        ("opening_hours", &a.opening_hours, &b.opening_hours),
        ("map_url", &a.map_url, &b.map_url),
    ];
    let changed: Vec<&str> = pairs
        .iter()
        .filter(|(_, x, y)| x != y)
        .map(|(n, _, _)| *n)
        .collect();
    if changed.is_empty() {
        "no changes".into()
    } else {
        format!("changed: {}", changed.join(", "))
    }
}

/// Saves the company profile (already parsed); audits which fields changed.
pub async fn save_company(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    company: &Company,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let before = store::company(&mut tx).await?;
    store::save_company(&mut tx, company, now).await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        "company.update",
        Some(("company", 1)),
        &changed_fields(&before, company),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
