//! Staff pages of the site domain: the company profile (`/staff/company`) and the coverage
//! waiting list (`/staff/areas/waiting-list`).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::service::{self, ImageChange};
use super::store::{self, Company, WaitingRow};
use crate::audit::Actor;
use crate::catalog::store as catalog;
use crate::error::AppResult;
use crate::state::AppState;
use crate::types::{fmt_datetime, Email, PhoneNumber};
use crate::uploads::form::{self, Submitted};
use crate::uploads::process::{self, Accept, Shape};
use crate::uploads::ImageRef;
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Paging, Query};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CompanyForm {
    name: String,
    tagline: String,
    about: String,
    vision: String,
    mission: String,
    address: String,
    phone: String,
    whatsapp: String,
    email: String,
    opening_hours: String,
    map_url: String,
    tagline_en: String,
    about_en: String,
    vision_en: String,
    mission_en: String,
    opening_hours_en: String,
    /// Checkboxes: drop the current logo / hero image.
    remove_logo: Option<String>,
    remove_hero: Option<String>,
    /// `1` once the removal was confirmed.
    confirm: String,
}

impl CompanyForm {
    fn from_company(c: &Company) -> CompanyForm {
        CompanyForm {
            name: c.name.clone(),
            tagline: c.tagline.clone(),
            about: c.about.clone(),
            vision: c.vision.clone(),
            mission: c.mission.clone(),
            address: c.address.clone(),
            phone: c.phone.clone(),
            whatsapp: c.whatsapp.clone(),
            email: c.email.clone(),
            opening_hours: c.opening_hours.clone(),
            map_url: c.map_url.clone(),
            tagline_en: c.tagline_en.clone(),
            about_en: c.about_en.clone(),
            vision_en: c.vision_en.clone(),
            mission_en: c.mission_en.clone(),
            opening_hours_en: c.opening_hours_en.clone(),
            remove_logo: None,
            remove_hero: None,
            confirm: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "site/company_form.html")]
struct CompanyPage {
    ctx: Ctx,
    form: CompanyForm,
    errors: FieldErrors,
    /// The images in place now (a refused upload leaves them as they were).
    logo: Option<ImageRef>,
    hero: Option<ImageRef>,
    /// Images about to be removed, waiting for "yes" (the texts of what goes).
    removing: Vec<&'static str>,
}

pub async fn company_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let company = store::company(&state.db).await?;
    page(&CompanyPage {
        ctx,
        form: CompanyForm::from_company(&company),
        errors: FieldErrors::default(),
        logo: company.logo.clone(),
        hero: company.hero.clone(),
        removing: Vec::new(),
    })
}

/// A link people may follow from the public site: only http(s), no spaces or quotes.
fn web_link(input: &str) -> Result<String, &'static str> {
    let s = input.trim();
    let ok = (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > "https://".len()
        && s.len() <= 500
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>');
    if ok {
        Ok(s.to_string())
    } else {
        Err("validation.url_format")
    }
}

fn optional_with<T>(
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, &'static str>,
) -> Result<Option<T>, &'static str> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

fn validate(form: &CompanyForm, errors: &mut FieldErrors) -> Option<Company> {
    let text = |errors: &mut FieldErrors, field: &'static str, value: &str, max: usize| {
        errors
            .check(field, web::optional(value, max))
            .map(Option::unwrap_or_default)
    };
    let name = errors.check("name", web::required(&form.name, 100));
    let tagline = text(errors, "tagline", &form.tagline, 200);
    let about = text(errors, "about", &form.about, 10_000);
    let vision = text(errors, "vision", &form.vision, 2_000);
    let mission = text(errors, "mission", &form.mission, 4_000);
    let address = text(errors, "address", &form.address, 300);
    let opening_hours = text(errors, "opening_hours", &form.opening_hours, 300);
    let tagline_en = text(errors, "tagline_en", &form.tagline_en, 200);
    let about_en = text(errors, "about_en", &form.about_en, 10_000);
    let vision_en = text(errors, "vision_en", &form.vision_en, 2_000);
    let mission_en = text(errors, "mission_en", &form.mission_en, 4_000);
    let opening_hours_en = text(errors, "opening_hours_en", &form.opening_hours_en, 300);
    let phone = errors.check(
        "phone",
        optional_with(&form.phone, |p| {
            PhoneNumber::parse(p)?;
            web::required(p, 50)
        }),
    );
    let whatsapp = errors.check(
        "whatsapp",
        optional_with(&form.whatsapp, |p| {
            PhoneNumber::parse(p).map(|n| n.as_str().to_string())
        }),
    );
    let email = errors.check(
        "email",
        optional_with(&form.email, |e| Email::parse(e).map(|e| e.to_string())),
    );
    let map_url = errors.check("map_url", optional_with(&form.map_url, web_link));
    Some(Company {
        name: name?,
        tagline: tagline?,
        about: about?,
        vision: vision?,
        mission: mission?,
        address: address?,
        phone: phone?.unwrap_or_default(),
        whatsapp: whatsapp?.unwrap_or_default(),
        email: email?.unwrap_or_default(),
        opening_hours: opening_hours?,
        map_url: map_url?.unwrap_or_default(),
        tagline_en: tagline_en?,
        about_en: about_en?,
        vision_en: vision_en?,
        mission_en: mission_en?,
        opening_hours_en: opening_hours_en?,
        ..Company::default()
    })
}

/// Saves the profile; the form is multipart (logo and hero image files) or, without files,
/// urlencoded.
pub async fn save_company(
    State(state): State<AppState>,
    ctx: Ctx,
    req: Request,
) -> AppResult<Response> {
    let mut submitted = match form::read::<CompanyForm>(req).await {
        Ok(s) => s,
        Err(e) => return Ok(e.into_response()),
    };
    let mut errors = FieldErrors::default();
    let company = validate(&submitted.fields, &mut errors);
    let logo = image_change(&mut submitted, "logo", "remove_logo", &mut errors).await;
    let hero = image_change(&mut submitted, "hero", "remove_hero", &mut errors).await;
    let form = submitted.fields;
    let (Some(company), Some(logo), Some(hero)) = (company, logo, hero) else {
        let current = store::company(&state.db).await?;
        return web::invalid(&CompanyPage {
            ctx,
            form,
            errors,
            logo: current.logo.clone(),
            hero: current.hero.clone(),
            removing: Vec::new(),
        });
    };
    // Removing the logo or the hero image shows at once on every page: ask first. The form
    // comes back with everything typed and a "yes" button (a chosen file must be chosen again).
    let removing: Vec<&'static str> = [
        (&logo, "confirm.logo_remove"),
        (&hero, "confirm.hero_remove"),
    ]
    .into_iter()
    .filter(|(change, _)| matches!(change, ImageChange::Remove))
    .map(|(_, text)| text)
    .collect();
    if !removing.is_empty() && form.confirm != "1" {
        let current = store::company(&state.db).await?;
        return page(&CompanyPage {
            ctx,
            form,
            errors,
            logo: current.logo.clone(),
            hero: current.hero.clone(),
            removing,
        });
    }
    service::save_profile(
        &state.db,
        Actor::from(&ctx),
        state.clock.now(),
        &company,
        logo,
        hero,
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        "/staff/company",
        "flash.company_saved",
    ))
}

/// A new file in `field` replaces the image; else the `remove` checkbox removes it. A refused
/// file becomes an error at its field.
async fn image_change(
    submitted: &mut Submitted<CompanyForm>,
    field: &'static str,
    remove: &str,
    errors: &mut FieldErrors,
) -> Option<ImageChange> {
    if let Some(file) = submitted.take_file(field) {
        // The logo is shown small in every header; the hero large on the home page, as WebP.
        let shape = match field {
            "logo" => Shape::Logo,
            _ => Shape::Hero,
        };
        return match process::prepare_shaped(file, Accept::Images, shape).await {
            Ok(p) => Some(ImageChange::Replace(p)),
            Err(e) => {
                errors.add(field, e.message_key());
                None
            }
        };
    }
    let f = &submitted.fields;
    let removing = match remove {
        "remove_logo" => f.remove_logo.is_some(),
        _ => f.remove_hero.is_some(),
    };
    Some(if removing {
        ImageChange::Remove
    } else {
        ImageChange::Keep
    })
}

const WAITING_PER_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "site/waiting_list.html")]
struct WaitingPage {
    ctx: Ctx,
    rows: Vec<WaitingRow>,
    paging: Paging,
    areas: HashMap<i64, String>,
    packages: HashMap<i64, String>,
}

impl WaitingPage {
    fn area(&self, row: &WaitingRow) -> String {
        row.area_id
            .and_then(|id| self.areas.get(&id).cloned())
            .unwrap_or_else(|| row.area_text.clone())
    }

    fn package(&self, row: &WaitingRow) -> String {
        row.package_id
            .and_then(|id| self.packages.get(&id).cloned())
            .unwrap_or_else(|| "-".into())
    }

    fn when(&self, row: &WaitingRow) -> String {
        fmt_datetime(&row.created_at)
    }

    fn whatsapp(&self, row: &WaitingRow) -> String {
        let digits: String = row.phone.chars().filter(char::is_ascii_digit).collect();
        format!("https://wa.me/{digits}")
    }
}

pub async fn waiting_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let total = store::count_waiting(&state.db).await?;
    let paging = Paging::new(q.page, WAITING_PER_PAGE, total);
    let rows = store::list_waiting(&state.db, paging.per_page, paging.offset()).await?;
    let areas = catalog::all_areas(&state.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.label()))
        .collect();
    let packages = catalog::all_packages(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    page(&WaitingPage {
        ctx,
        rows,
        paging,
        areas,
        packages,
    })
}
