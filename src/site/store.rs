//! SQL for the company profile and the coverage waiting list.

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{Conn, Db, DbResult, Tx};
use crate::i18n::Lang;
use crate::uploads::{self, ImageRef};

#[derive(Clone, Debug, Default, sqlx::FromRow, crate::db::LiteRow)]
pub struct Company {
    pub name: String,
    pub tagline: String,
    pub about: String,
    pub vision: String,
    pub mission: String,
    pub address: String,
    pub phone: String,
    /// E.164 (`+62…`), or empty.
    pub whatsapp: String,
    pub email: String,
    pub opening_hours: String,
    pub map_url: String,
    /// The English texts of the tagline, about, vision, mission and opening hours; empty when
    /// not translated (readers then see the Indonesian ones, see [`Lang::pick`]).
    pub tagline_en: String,
    pub about_en: String,
    pub vision_en: String,
    pub mission_en: String,
    pub opening_hours_en: String,
    /// The logo shown in the header of every page.
    #[sqlx(skip)]
    pub logo: Option<ImageRef>,
    /// The picture at the top of the home page.
    #[sqlx(skip)]
    pub hero: Option<ImageRef>,
}

impl Company {
    /// `https://wa.me/62812…`, or `None` without a WhatsApp number.
    pub fn whatsapp_link(&self) -> Option<String> {
        let digits: String = self.whatsapp.chars().filter(char::is_ascii_digit).collect();
        (!digits.is_empty()).then(|| format!("https://wa.me/{digits}"))
    }
}

/// The company profile; a placeholder named "Setia" until an admin fills it in.
pub async fn company(db: &Db) -> DbResult<Company> {
    let mut company = company_text(db).await?.unwrap_or_else(|| Company {
        name: "Setia".into(),
        ..Company::default()
    });
    let (logo, hero) = image_ids(db).await?;
    if let Some(id) = logo {
        company.logo = uploads::store::image_ref(db, id).await?;
    }
    if let Some(id) = hero {
        company.hero = uploads::store::image_ref(db, id).await?;
    }
    Ok(company)
}

type ImageIds = (Option<i64>, Option<i64>);

/// The uploads attached as logo and hero image. Inside a transaction that replaces them, lock
/// the row first (`tx.lock_row("company_settings", 1)`), so that two admins replacing the logo
/// at once cannot both delete the same old one.
pub async fn image_ids(c: impl Into<Conn<'_>>) -> DbResult<ImageIds> {
    let row: Option<ImageIds> = c
        .into()
        .fetch_optional(
            "SELECT logo_upload_id, hero_upload_id FROM company_settings WHERE id = 1",
            args![],
        )
        .await?;
    Ok(row.unwrap_or_default())
}

/// The editable text of the profile as stored (`None` before the first save).
pub async fn company_text(c: impl Into<Conn<'_>>) -> DbResult<Option<Company>> {
    c.into()
        .fetch_optional(
            "SELECT name, tagline, about, vision, mission, address, phone, whatsapp, email, opening_hours, map_url, \
             tagline_en, about_en, vision_en, mission_en, opening_hours_en FROM company_settings WHERE id = 1",
            args![],
        )
        .await
}

/// Points the profile at its logo and hero image (the row exists: save the text first).
pub async fn set_images_in(tx: &mut Tx, logo: Option<i64>, hero: Option<i64>) -> DbResult<()> {
    tx.execute(
        "UPDATE company_settings SET logo_upload_id = $1, hero_upload_id = $2 WHERE id = 1",
        args![logo, hero],
    )
    .await?;
    Ok(())
}

pub async fn save_company(
    conn: impl Into<Conn<'_>>,
    c: &Company,
    now: DateTime<Utc>,
) -> DbResult<()> {
    conn.into().execute(
        "INSERT INTO company_settings (id, name, tagline, about, vision, mission, address, phone, whatsapp, email, \
         opening_hours, map_url, updated_at, tagline_en, about_en, vision_en, mission_en, opening_hours_en) \
         VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (id) DO UPDATE SET name = $1, tagline = $2, about = $3, vision = $4, mission = $5, address = $6, \
         phone = $7, whatsapp = $8, email = $9, opening_hours = $10, map_url = $11, updated_at = $12, \
         tagline_en = $13, about_en = $14, vision_en = $15, mission_en = $16, opening_hours_en = $17",
        args![
            &c.name, &c.tagline, &c.about, &c.vision, &c.mission, &c.address, &c.phone, &c.whatsapp, &c.email,
            &c.opening_hours, &c.map_url, now, &c.tagline_en, &c.about_en, &c.vision_en, &c.mission_en,
            &c.opening_hours_en
        ],
    )
    .await?;
    Ok(())
}

pub struct WaitingEntry<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub email: Option<&'a str>,
    pub area_id: Option<i64>,
    pub area_text: &'a str,
    pub address: &'a str,
    pub package_id: Option<i64>,
}

/// Adds an entry; `false` (and nothing added) when this phone is already on the list for this
/// area (one entry per phone and area, kept by a unique index).
pub async fn add_to_waiting_list(
    tx: &mut Tx,
    e: &WaitingEntry<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    // One entry per phone and area: the listed area's id, or the name as typed.
    let area_key = match e.area_id {
        Some(id) => id.to_string(),
        None => e.area_text.trim().to_lowercase(),
    };
    tx.fetch_optional::<(i64,)>(
        "INSERT INTO waiting_list (name, phone, email, area_id, area_text, address, package_id, created_at, area_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
        args![e.name, e.phone, e.email, e.area_id, e.area_text.trim(), e.address, e.package_id, now, area_key],
    )
    .await
    .map(|row| row.map(|(id,)| id))
}

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct WaitingRow {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub area_id: Option<i64>,
    pub area_text: String,
    pub address: String,
    pub package_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

pub async fn count_waiting(db: &Db) -> DbResult<i64> {
    db.scalar("SELECT COUNT(*) FROM waiting_list", args![])
        .await
}

/// The waiting list, newest first.
pub async fn list_waiting(db: &Db, limit: i64, offset: i64) -> DbResult<Vec<WaitingRow>> {
    db.fetch_all(
        "SELECT id, name, phone, email, area_id, area_text, address, package_id, created_at FROM waiting_list \
         ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2",
        args![limit, offset],
    )
    .await
}

impl Company {
    /// `tel:+62…` for the contact phone, when it is a valid number.
    pub fn phone_link(&self) -> Option<String> {
        crate::types::PhoneNumber::parse(&self.phone)
            .ok()
            .map(|p| format!("tel:{}", p.as_str()))
    }

    /// The tagline in the reader's language.
    pub fn tagline_in(&self, lang: &Lang) -> &str {
        lang.pick(&self.tagline, &self.tagline_en)
    }

    /// The "about us" Markdown in the reader's language.
    pub fn about_in(&self, lang: &Lang) -> &str {
        lang.pick(&self.about, &self.about_en)
    }

    pub fn opening_lines(&self, lang: &Lang) -> Vec<&str> {
        non_empty_lines(lang.pick(&self.opening_hours, &self.opening_hours_en))
    }

    pub fn mission_lines(&self, lang: &Lang) -> Vec<&str> {
        non_empty_lines(lang.pick(&self.mission, &self.mission_en))
    }

    /// The vision as paragraphs (one per line).
    pub fn vision_lines(&self, lang: &Lang) -> Vec<&str> {
        non_empty_lines(lang.pick(&self.vision, &self.vision_en))
    }

    /// Whether any contact detail is filled in.
    pub fn has_contact(&self) -> bool {
        !(self.address.is_empty()
            && self.phone.is_empty()
            && self.whatsapp.is_empty()
            && self.email.is_empty()
            && self.opening_hours.is_empty())
    }
}

fn non_empty_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}
