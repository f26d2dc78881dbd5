//! SQL for packages, promos and coverage areas.

use chrono::{DateTime, NaiveDate, Utc};

use crate::args;
use crate::db::{Conn, Db, DbResult, Tx};
use crate::i18n::Lang;
use crate::types::Rupiah;

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct PackageRow {
    pub id: i64,
    pub name: String,
    pub download_mbps: i64,
    pub upload_mbps: i64,
    pub price: Rupiah,
    /// One feature per line.
    pub features: String,
    /// The same in English; empty when not translated.
    pub features_en: String,
    pub published: bool,
    pub sort_order: i64,
}

impl PackageRow {
    pub fn price_text(&self) -> String {
        self.price.to_string()
    }

    /// The features in the reader's language (see [`Lang::pick`]), one per line.
    pub fn feature_list(&self, lang: &Lang) -> Vec<&str> {
        lang.pick(&self.features, &self.features_en)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    }
}

const PACKAGE_COLUMNS: &str =
    "id, name, download_mbps, upload_mbps, price, features, features_en, published, sort_order";

pub struct NewPackage<'a> {
    pub name: &'a str,
    pub download_mbps: i64,
    pub upload_mbps: i64,
    pub price: Rupiah,
    pub features: &'a str,
    pub features_en: &'a str,
    pub published: bool,
    pub sort_order: i64,
}

pub async fn create_package(
    c: impl Into<Conn<'_>>,
    p: &NewPackage<'_>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    c.into().insert_returning(
        "INSERT INTO packages (name, download_mbps, upload_mbps, price, features, published, sort_order, created_at, updated_at, \
         features_en) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
        args![p.name, p.download_mbps, p.upload_mbps, p.price, p.features, p.published, p.sort_order, now, p.features_en],
    )
    .await
}

/// Packages the public can see and sign up for.
pub async fn published_packages(db: &Db) -> DbResult<Vec<PackageRow>> {
    db.fetch_all(
        &format!("SELECT {PACKAGE_COLUMNS} FROM packages WHERE published = TRUE ORDER BY sort_order, price, id"),
        args![],
    )
    .await
}

/// Every package, drafts and retired ones included (staff selects and lists).
pub async fn all_packages(db: &Db) -> DbResult<Vec<PackageRow>> {
    db.fetch_all(
        &format!(
            "SELECT {PACKAGE_COLUMNS} FROM packages ORDER BY published DESC, sort_order, price, id"
        ),
        args![],
    )
    .await
}

pub async fn get_package(db: &Db, id: i64) -> DbResult<Option<PackageRow>> {
    db.fetch_optional(
        &format!("SELECT {PACKAGE_COLUMNS} FROM packages WHERE id = $1"),
        args![id],
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct AreaRow {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub covered: bool,
    pub published: bool,
}

impl AreaRow {
    pub fn label(&self) -> String {
        if self.city.is_empty() {
            self.name.clone()
        } else {
            format!("{}, {}", self.name, self.city)
        }
    }
}

const AREA_COLUMNS: &str = "id, name, city, covered, published";

pub async fn create_area(
    c: impl Into<Conn<'_>>,
    name: &str,
    city: &str,
    covered: bool,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    c.into().insert_returning(
        "INSERT INTO areas (name, city, covered, published, created_at) VALUES ($1, $2, $3, TRUE, $4) RETURNING id",
        args![name, city, covered, now],
    )
    .await
}

/// Areas shown to the public (in the coverage check and the sign-up form), covered or not.
pub async fn published_areas(db: &Db) -> DbResult<Vec<AreaRow>> {
    db.fetch_all(
        &format!("SELECT {AREA_COLUMNS} FROM areas WHERE published = TRUE ORDER BY city, name"),
        args![],
    )
    .await
}

pub async fn all_areas(db: &Db) -> DbResult<Vec<AreaRow>> {
    db.fetch_all(
        &format!("SELECT {AREA_COLUMNS} FROM areas ORDER BY city, name"),
        args![],
    )
    .await
}

pub async fn get_area(db: &Db, id: i64) -> DbResult<Option<AreaRow>> {
    db.fetch_optional(
        &format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"),
        args![id],
    )
    .await
}

pub async fn update_package(
    c: impl Into<Conn<'_>>,
    id: i64,
    p: &NewPackage<'_>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    c.into().execute(
        "UPDATE packages SET name = $2, download_mbps = $3, upload_mbps = $4, price = $5, features = $6, \
         published = $7, sort_order = $8, updated_at = $9, features_en = $10 WHERE id = $1",
        args![id, p.name, p.download_mbps, p.upload_mbps, p.price, p.features, p.published, p.sort_order, now, p.features_en],
    )
    .await
}

pub async fn set_package_published(
    c: impl Into<Conn<'_>>,
    id: i64,
    published: bool,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    c.into()
        .execute(
            "UPDATE packages SET published = $2, updated_at = $3 WHERE id = $1",
            args![id, published, now],
        )
        .await
}

pub async fn update_area(
    c: impl Into<Conn<'_>>,
    id: i64,
    name: &str,
    city: &str,
    covered: bool,
    published: bool,
) -> DbResult<u64> {
    c.into()
        .execute(
            "UPDATE areas SET name = $2, city = $3, covered = $4, published = $5 WHERE id = $1",
            args![id, name, city, covered, published],
        )
        .await
}

pub async fn set_area_published(c: impl Into<Conn<'_>>, id: i64, published: bool) -> DbResult<u64> {
    c.into()
        .execute(
            "UPDATE areas SET published = $2 WHERE id = $1",
            args![id, published],
        )
        .await
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct PromoRow {
    pub id: i64,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// The English title and body; empty when not translated.
    pub title_en: String,
    pub body_en: String,
    /// WIB days, both inclusive.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub published: bool,
}

/// Where a promo stands on a given WIB day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromoState {
    Draft,
    Upcoming,
    Running,
    Ended,
}

impl PromoState {
    pub fn label_key(self) -> &'static str {
        match self {
            PromoState::Draft => "content.draft",
            PromoState::Upcoming => "promos.upcoming",
            PromoState::Running => "promos.running",
            PromoState::Ended => "promos.ended",
        }
    }

    pub fn badge(self) -> &'static str {
        match self {
            PromoState::Draft => "",
            PromoState::Upcoming => "info",
            PromoState::Running => "ok",
            PromoState::Ended => "warn",
        }
    }
}

impl PromoRow {
    pub fn state(&self, today: NaiveDate) -> PromoState {
        if !self.published {
            PromoState::Draft
        } else if today < self.starts_on {
            PromoState::Upcoming
        } else if today > self.ends_on {
            PromoState::Ended
        } else {
            PromoState::Running
        }
    }

    /// The title in the reader's language (see [`Lang::pick`]).
    pub fn title_in(&self, lang: &Lang) -> &str {
        lang.pick(&self.title, &self.title_en)
    }

    /// The Markdown body in the reader's language.
    pub fn body_in(&self, lang: &Lang) -> &str {
        lang.pick(&self.body, &self.body_en)
    }

    pub fn starts_text(&self) -> String {
        self.starts_on.format("%d/%m/%Y").to_string()
    }

    pub fn ends_text(&self) -> String {
        self.ends_on.format("%d/%m/%Y").to_string()
    }
}

const PROMO_COLUMNS: &str = "id, title, body, title_en, body_en, starts_on, ends_on, published";

/// A package of a promo, with the monthly price the promo gives it (`None`: the normal price).
pub type PromoLink = (i64, Option<Rupiah>);

pub struct NewPromo<'a> {
    pub title: &'a str,
    pub title_en: &'a str,
    pub body: &'a str,
    pub body_en: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub published: bool,
    pub packages: &'a [PromoLink],
}

async fn set_promo_packages(tx: &mut Tx, promo_id: i64, packages: &[PromoLink]) -> DbResult<()> {
    tx.execute(
        "DELETE FROM promo_packages WHERE promo_id = $1",
        args![promo_id],
    )
    .await?;
    for (package_id, price) in packages {
        tx.execute(
            "INSERT INTO promo_packages (promo_id, package_id, promo_price) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
            args![promo_id, *package_id, price.map(|p| p.0)],
        )
        .await?;
    }
    Ok(())
}

/// Creates a promo with its package links, inside the caller's transaction.
pub async fn create_promo(tx: &mut Tx, p: &NewPromo<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    let id: i64 = tx
        .scalar(
            "INSERT INTO promos (title, body, starts_on, ends_on, published, created_at, updated_at, title_en, body_en) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8) RETURNING id",
            args![p.title, p.body, p.starts_on, p.ends_on, p.published, now, p.title_en, p.body_en],
        )
        .await?;
    set_promo_packages(tx, id, p.packages).await?;
    Ok(id)
}

/// Rewrites a promo and its package links, inside the caller's transaction.
pub async fn update_promo(
    tx: &mut Tx,
    id: i64,
    p: &NewPromo<'_>,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let n = tx
        .execute(
            "UPDATE promos SET title = $2, body = $3, starts_on = $4, ends_on = $5, published = $6, updated_at = $7, \
             title_en = $8, body_en = $9 WHERE id = $1",
            args![id, p.title, p.body, p.starts_on, p.ends_on, p.published, now, p.title_en, p.body_en],
        )
        .await?;
    set_promo_packages(tx, id, p.packages).await?;
    Ok(n)
}

pub async fn set_promo_published(
    c: impl Into<Conn<'_>>,
    id: i64,
    published: bool,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    c.into()
        .execute(
            "UPDATE promos SET published = $2, updated_at = $3 WHERE id = $1",
            args![id, published, now],
        )
        .await
}

/// Removes a promo and its package links, inside the caller's transaction.
pub async fn delete_promo(tx: &mut Tx, id: i64) -> DbResult<u64> {
    tx.execute("DELETE FROM promo_packages WHERE promo_id = $1", args![id])
        .await?;
    tx.execute("DELETE FROM promos WHERE id = $1", args![id])
        .await
}

pub async fn get_promo(db: &Db, id: i64) -> DbResult<Option<PromoRow>> {
    db.fetch_optional(
        &format!("SELECT {PROMO_COLUMNS} FROM promos WHERE id = $1"),
        args![id],
    )
    .await
}

/// Every promo, newest period first (staff list).
pub async fn all_promos(db: &Db) -> DbResult<Vec<PromoRow>> {
    db.fetch_all(
        &format!(
            "SELECT {PROMO_COLUMNS} FROM promos ORDER BY ends_on DESC, starts_on DESC, id DESC"
        ),
        args![],
    )
    .await
}

/// Published promos whose window contains `today` (a WIB day).
pub async fn running_promos(db: &Db, today: NaiveDate) -> DbResult<Vec<PromoRow>> {
    db.fetch_all(
        &format!(
            "SELECT {PROMO_COLUMNS} FROM promos WHERE published = TRUE AND starts_on <= $1 AND ends_on >= $1 \
             ORDER BY ends_on, id"
        ),
        args![today],
    )
    .await
}

/// The packages of a promo with their promo prices, by package id.
pub async fn promo_packages(db: &Db, promo_id: i64) -> DbResult<Vec<PromoLink>> {
    let rows: Vec<(i64, Option<i64>)> = db
        .fetch_all(
            "SELECT package_id, promo_price FROM promo_packages WHERE promo_id = $1 ORDER BY package_id",
            args![promo_id],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, price)| (id, price.map(Rupiah)))
        .collect())
}

/// A published package linked to a running promo.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct PromoPackage {
    pub promo_id: i64,
    pub promo_title: String,
    pub promo_title_en: String,
    pub package_id: i64,
    pub package_name: String,
    /// The package's normal monthly price.
    pub price: Rupiah,
    /// The monthly price during the promo, when the promo lowers it.
    pub promo_price: Option<Rupiah>,
}

impl PromoPackage {
    pub fn price_text(&self) -> String {
        self.price.to_string()
    }

    /// The promo's title in the reader's language.
    pub fn promo_title_in(&self, lang: &Lang) -> &str {
        lang.pick(&self.promo_title, &self.promo_title_en)
    }

    /// The promo price when it is below the normal one.
    pub fn lower_price(&self) -> Option<Rupiah> {
        self.promo_price.filter(|p| *p < self.price)
    }
}

/// The published packages of the promos running on `today`.
pub async fn running_promo_packages(db: &Db, today: NaiveDate) -> DbResult<Vec<PromoPackage>> {
    db.fetch_all(
        "SELECT pr.id AS promo_id, pr.title AS promo_title, pr.title_en AS promo_title_en, p.id AS package_id, \
         p.name AS package_name, p.price, pp.promo_price \
         FROM promo_packages pp JOIN promos pr ON pr.id = pp.promo_id JOIN packages p ON p.id = pp.package_id \
         WHERE pr.published = TRUE AND pr.starts_on <= $1 AND pr.ends_on >= $1 AND p.published = TRUE \
         ORDER BY pr.id, p.sort_order, p.price, p.id",
        args![today],
    )
    .await
}
