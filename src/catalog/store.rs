//! SQL for packages, promos and coverage areas.

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Db, DbResult};
use crate::types::Rupiah;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PackageRow {
    pub id: i64,
    pub name: String,
    pub download_mbps: i64,
    pub upload_mbps: i64,
    pub price: i64,
    /// One feature per line.
    pub features: String,
    pub published: bool,
    pub sort_order: i64,
}

impl PackageRow {
    pub fn price_text(&self) -> String {
        Rupiah(self.price).to_string()
    }

    pub fn feature_list(&self) -> Vec<&str> {
        self.features.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
    }
}

const PACKAGE_COLUMNS: &str = "id, name, download_mbps, upload_mbps, price, features, published, sort_order";

pub struct NewPackage<'a> {
    pub name: &'a str,
    pub download_mbps: i64,
    pub upload_mbps: i64,
    pub price: i64,
    pub features: &'a str,
    pub published: bool,
    pub sort_order: i64,
}

pub async fn create_package(db: &Db, p: &NewPackage<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    db.insert_returning(
        "INSERT INTO packages (name, download_mbps, upload_mbps, price, features, published, sort_order, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        args![p.name, p.download_mbps, p.upload_mbps, p.price, p.features, p.published, p.sort_order, now],
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
    db.fetch_all(&format!("SELECT {PACKAGE_COLUMNS} FROM packages ORDER BY published DESC, sort_order, price, id"), args![])
        .await
}

pub async fn get_package(db: &Db, id: i64) -> DbResult<Option<PackageRow>> {
    db.fetch_optional(&format!("SELECT {PACKAGE_COLUMNS} FROM packages WHERE id = $1"), args![id]).await
}

#[derive(Clone, Debug, sqlx::FromRow)]
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

pub async fn create_area(db: &Db, name: &str, city: &str, covered: bool, now: DateTime<Utc>) -> DbResult<i64> {
    db.insert_returning(
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
    db.fetch_all(&format!("SELECT {AREA_COLUMNS} FROM areas ORDER BY city, name"), args![]).await
}

pub async fn get_area(db: &Db, id: i64) -> DbResult<Option<AreaRow>> {
    db.fetch_optional(&format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"), args![id]).await
}
