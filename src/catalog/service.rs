//! Catalog operations (packages, promos, coverage areas): each one transaction with its audit
//! row, callable from the staff pages, the CLI or a future API.

use chrono::{DateTime, NaiveDate, Utc};

use super::store::{self, AreaRow, NewPackage, NewPromo, PackageRow, PromoLink, PromoRow};
use crate::audit::{self, Action, Actor};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::types::Rupiah;
use crate::words::Detail;

/// `areas (name, city)` is unique: a second "Cibabat, Cimahi" is the name field's error.
const AREA_COLUMNS: &[(&str, &str, &str)] = &[("name", "name", "validation.area_taken")];

// ---- packages ----

/// A package as staff typed it, parsed.
pub struct PackageInput {
    pub name: String,
    pub download_mbps: i64,
    pub upload_mbps: i64,
    pub price: Rupiah,
    pub features: String,
    /// English, or empty.
    pub features_en: String,
    pub sort_order: i64,
    pub published: bool,
}

impl PackageInput {
    fn as_new(&self) -> NewPackage<'_> {
        NewPackage {
            name: &self.name,
            download_mbps: self.download_mbps,
            upload_mbps: self.upload_mbps,
            price: self.price,
            features: &self.features,
            features_en: &self.features_en,
            published: self.published,
            sort_order: self.sort_order,
        }
    }
}

/// A package (drafts and retired ones included), or 404.
pub async fn package(db: &Db, id: i64) -> AppResult<PackageRow> {
    store::get_package(db, id).await?.ok_or(AppError::NotFound)
}

pub async fn create_package(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    p: &PackageInput,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = store::create_package(&mut tx, &p.as_new(), now).await?;
    let detail = Detail::new()
        .record("package", id, &p.name)
        .with(
            "speed",
            format!("{}/{} Mbps", p.download_mbps, p.upload_mbps),
        )
        .with("price", p.price)
        .with("published", p.published);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PackageCreate,
        Some(("package", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_package(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    p: &PackageInput,
) -> AppResult<()> {
    let before = package(db, id).await?;
    let mut tx = db.begin().await?;
    if store::update_package(&mut tx, id, &p.as_new(), now).await? == 0 {
        return Err(AppError::NotFound);
    }
    let speed = |down: i64, up: i64| format!("{down}/{up} Mbps");
    let mut detail = Detail::new()
        .record("package", id, &p.name)
        .change("name", &before.name, &p.name)
        .change(
            "speed",
            speed(before.download_mbps, before.upload_mbps),
            speed(p.download_mbps, p.upload_mbps),
        )
        .change("price", before.price, p.price)
        .change("published", before.published, p.published);
    if before.features != p.features {
        detail = detail.text_changed("features");
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PackageUpdate,
        Some(("package", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Shows a package on the public site (and in the sign-up form), or hides it.
pub async fn set_package_published(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    published: bool,
) -> AppResult<()> {
    let package = package(db, id).await?;
    let mut tx = db.begin().await?;
    if store::set_package_published(&mut tx, id, published, now).await? == 0 {
        return Err(AppError::NotFound);
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        if published {
            Action::PackagePublish
        } else {
            Action::PackageUnpublish
        },
        Some(("package", id)),
        &Detail::new().record("package", id, &package.name),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn publish_package(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
) -> AppResult<()> {
    set_package_published(db, actor, now, id, true).await
}

pub async fn unpublish_package(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
) -> AppResult<()> {
    set_package_published(db, actor, now, id, false).await
}

// ---- coverage areas ----

/// A coverage area as staff typed it, parsed.
pub struct AreaInput {
    pub name: String,
    /// Empty when not given.
    pub city: String,
    pub covered: bool,
    pub published: bool,
}

/// An area, or 404.
pub async fn area(db: &Db, id: i64) -> AppResult<AreaRow> {
    store::get_area(db, id).await?.ok_or(AppError::NotFound)
}

pub async fn create_area(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    a: &AreaInput,
) -> AppResult<i64> {
    let mut tx = db.begin().await?;
    let id = store::create_area(&mut tx, &a.name, &a.city, a.covered, now)
        .await
        .map_err(|e| AppError::unique_to_field(e, AREA_COLUMNS))?;
    if !a.published {
        store::set_area_published(&mut tx, id, false).await?;
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::AreaCreate,
        Some(("area", id)),
        &Detail::new()
            .record("area", id, &a.name)
            .with("city", &a.city)
            .with("covered", a.covered)
            .with("published", a.published),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_area(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    a: &AreaInput,
) -> AppResult<()> {
    let before = area(db, id).await?;
    let mut tx = db.begin().await?;
    let n = store::update_area(&mut tx, id, &a.name, &a.city, a.covered, a.published)
        .await
        .map_err(|e| AppError::unique_to_field(e, AREA_COLUMNS))?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    let detail = Detail::new()
        .record("area", id, &a.name)
        .change("name", &before.name, &a.name)
        .change("city", &before.city, &a.city)
        .change("covered", before.covered, a.covered)
        .change("published", before.published, a.published);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::AreaUpdate,
        Some(("area", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- promos ----

/// A promo as staff typed it, parsed; `packages` are known packages (with the promo price, if
/// the promo lowers it), sorted by id, no repeats.
pub struct PromoInput {
    pub title: String,
    /// English, or empty.
    pub title_en: String,
    /// Markdown.
    pub body: String,
    pub body_en: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub published: bool,
    pub packages: Vec<PromoLink>,
}

impl PromoInput {
    fn as_new(&self) -> NewPromo<'_> {
        NewPromo {
            title: &self.title,
            title_en: &self.title_en,
            body: &self.body,
            body_en: &self.body_en,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            published: self.published,
            packages: &self.packages,
        }
    }

    fn detail(&self, id: i64) -> Detail {
        Detail::new()
            .record("promo", id, &self.title)
            .with("starts", self.starts_on.format("%d/%m/%Y"))
            .with("ends", self.ends_on.format("%d/%m/%Y"))
            .with("published", self.published)
    }
}

/// A promo, or 404.
pub async fn promo(db: &Db, id: i64) -> AppResult<PromoRow> {
    store::get_promo(db, id).await?.ok_or(AppError::NotFound)
}

/// The window must not end before it starts (the form checks it too; a program might not).
fn check_window(p: &PromoInput) -> AppResult<()> {
    if p.ends_on < p.starts_on {
        return Err(AppError::field("ends_on", "validation.date_order"));
    }
    Ok(())
}

pub async fn create_promo(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    p: &PromoInput,
) -> AppResult<i64> {
    check_window(p)?;
    let mut tx = db.begin().await?;
    let id = store::create_promo(&mut tx, &p.as_new(), now).await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PromoCreate,
        Some(("promo", id)),
        &p.detail(id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn update_promo(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    p: &PromoInput,
) -> AppResult<()> {
    check_window(p)?;
    let before = promo(db, id).await?;
    let mut tx = db.begin().await?;
    if store::update_promo(&mut tx, id, &p.as_new(), now).await? == 0 {
        return Err(AppError::NotFound);
    }
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let mut detail = Detail::new()
        .record("promo", id, &p.title)
        .change("title", &before.title, &p.title)
        .change("starts", day(before.starts_on), day(p.starts_on))
        .change("ends", day(before.ends_on), day(p.ends_on))
        .change("published", before.published, p.published);
    if before.body != p.body {
        detail = detail.text_changed("body");
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PromoUpdate,
        Some(("promo", id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_promo_published(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    id: i64,
    published: bool,
) -> AppResult<()> {
    let promo = promo(db, id).await?;
    let mut tx = db.begin().await?;
    if store::set_promo_published(&mut tx, id, published, now).await? == 0 {
        return Err(AppError::NotFound);
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        if published {
            Action::PromoPublish
        } else {
            Action::PromoUnpublish
        },
        Some(("promo", id)),
        &Detail::new().record("promo", id, &promo.title),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn delete_promo(db: &Db, actor: Actor<'_>, now: DateTime<Utc>, id: i64) -> AppResult<()> {
    let promo = promo(db, id).await?;
    let mut tx = db.begin().await?;
    if store::delete_promo(&mut tx, id).await? == 0 {
        return Err(AppError::NotFound);
    }
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::PromoDelete,
        Some(("promo", id)),
        &Detail::new().with("promo", &promo.title),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
