//! Operations of the site domain that change data.

use chrono::{DateTime, Utc};

use super::store::{self, Company};
use crate::audit::{self, Action, Actor};
use crate::db::{Db, DbResult, Tx};
use crate::uploads::access::Context;
use crate::uploads::process::Prepared;
use crate::uploads::store::{self as uploads, Attach};
use crate::words::Detail;

/// What to do with the logo or the hero image.
pub enum ImageChange {
    Keep,
    Remove,
    Replace(Prepared),
}

/// Saves the company profile and its images in one transaction with its audit row. A replaced
/// or removed image is deleted, so only the current ones are public.
pub async fn save_profile(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    company: &Company,
    logo: ImageChange,
    hero: ImageChange,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    tx.lock_row("company_settings", 1).await?;
    let before = store::company_text(&mut tx).await?.unwrap_or_default();
    let (old_logo, old_hero) = store::image_ids(&mut tx).await?;
    store::save_company(&mut tx, company, now).await?;
    let mut detail = Detail::new();
    for field in changed_fields(&before, company) {
        detail = detail.field(&field);
    }
    let logo_id = apply(&mut tx, logo, old_logo, Context::CompanyLogo, actor, now).await?;
    let hero_id = apply(&mut tx, hero, old_hero, Context::CompanyHero, actor, now).await?;
    for (field, old, new) in [("logo", old_logo, logo_id), ("hero", old_hero, hero_id)] {
        match new {
            _ if old == new => {}
            Some(id) => detail = detail.field(field).with(&format!("{field}_file"), id),
            None => detail = detail.field(&format!("{field}_removed")),
        }
    }
    store::set_images_in(&mut tx, logo_id, hero_id).await?;
    for (old, new) in [(old_logo, logo_id), (old_hero, hero_id)] {
        if let Some(old) = old.filter(|o| Some(*o) != new) {
            uploads::delete_in(&mut tx, old).await?;
        }
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::CompanyUpdate,
        Some(("company", 1)),
        &detail,
    )
    .await?;
    tx.commit().await
}

/// The upload id the profile points at after `change`.
async fn apply(
    tx: &mut Tx,
    change: ImageChange,
    old: Option<i64>,
    context: Context,
    actor: Actor<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    match change {
        ImageChange::Keep => Ok(old),
        ImageChange::Remove => Ok(None),
        ImageChange::Replace(p) => {
            let attach = Attach {
                context,
                context_id: None,
                owner_id: actor.id,
                subject_id: None,
            };
            Ok(Some(uploads::insert_in(tx, &p, &attach, now).await?))
        }
    }
}

/// The names of the text fields that differ, for the audit log.
fn changed_fields(a: &Company, b: &Company) -> Vec<String> {
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
        ("tagline_en", &a.tagline_en, &b.tagline_en),
        ("about_en", &a.about_en, &b.about_en),
        ("vision_en", &a.vision_en, &b.vision_en),
        ("mission_en", &a.mission_en, &b.mission_en),
        ("opening_hours_en", &a.opening_hours_en, &b.opening_hours_en),
    ];
    pairs
        .iter()
        .filter(|(_, x, y)| x != y)
        .map(|(n, _, _)| n.to_string())
        .collect()
}

/// A visitor (or a sign-up in an area not covered yet) joins the waiting list, audited in the
/// same transaction. `false` when this phone is already on the list for that area.
pub async fn join_waiting_list(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    entry: &store::WaitingEntry<'_>,
) -> crate::error::AppResult<bool> {
    let mut tx = db.begin().await?;
    let Some(id) = store::add_to_waiting_list(&mut tx, entry, now).await? else {
        return Ok(false);
    };
    let detail = Detail::new()
        .with("phone", entry.phone)
        .with("area", entry.area_text.trim());
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::WaitingListJoined,
        Some(("waiting_list", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
