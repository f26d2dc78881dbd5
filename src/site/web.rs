//! The public pages of the company: home, about, and the coverage check with its waiting list.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::store::{self, Company, WaitingEntry};
use crate::catalog::model::{deal_for, today_wib, Deal};
use crate::catalog::store::{self as catalog, AreaRow, PackageRow, PromoPackage, PromoRow};
use crate::error::AppResult;
use crate::news::render_markdown;
use crate::news::store::PostRow;
use crate::state::AppState;
use crate::types::{Email, PhoneNumber};
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Form, Query};

#[derive(Template)]
#[template(path = "site/home.html")]
struct HomePage {
    ctx: Ctx,
    company: Company,
    packages: Vec<PackageRow>,
    links: Vec<PromoPackage>,
    promos: Vec<PromoRow>,
    posts: Vec<PostRow>,
    /// The published areas, suggested in the hero's coverage check.
    areas: Vec<AreaRow>,
}

impl HomePage {
    fn deal(&self, package_id: &i64) -> Deal<'_> {
        deal_for(&self.links, *package_id, self.ctx.lang)
    }

    fn tagline(&self) -> &str {
        self.company.tagline_in(&self.ctx.lang)
    }
}

const HOME_POSTS: i64 = 3;

pub async fn home(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let today = today_wib(state.clock.as_ref());
    let (company, shown, posts) = tokio::try_join!(
        super::shown_company(&state),
        crate::catalog::shown(&state, today),
        crate::news::latest(&state, HOME_POSTS),
    )?;
    page(&HomePage {
        ctx,
        company: company.as_ref().clone(),
        packages: shown.packages.clone(),
        links: shown.promo_packages.clone(),
        promos: shown.promos.clone(),
        posts: posts.as_ref().clone(),
        areas: shown.areas.clone(),
    })
}

#[derive(Template)]
#[template(path = "site/about.html")]
struct AboutPage {
    ctx: Ctx,
    company: Company,
    about_html: String,
}

pub async fn about(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let company = store::company(&state.db).await?;
    let about_html = render_markdown(company.about_in(&ctx.lang));
    page(&AboutPage {
        ctx,
        company,
        about_html,
    })
}

/// What a visitor's area text matches among the published areas.
#[derive(Clone, Debug)]
pub enum AreaMatch {
    /// Nothing asked yet.
    Nothing,
    One(AreaRow),
    /// Several areas, or only partial matches: the visitor picks one.
    Several(Vec<AreaRow>),
    Unknown,
}

fn normalise(s: &str) -> String {
    s.to_lowercase()
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds `query` among `areas` by name or "name, city", ignoring case, commas and extra spaces.
pub fn find_area(areas: &[AreaRow], query: &str) -> AreaMatch {
    let q = normalise(query);
    if q.is_empty() {
        return AreaMatch::Nothing;
    }
    let exact: Vec<&AreaRow> = areas
        .iter()
        .filter(|a| normalise(&a.label()) == q)
        .collect();
    let exact = if exact.is_empty() {
        areas.iter().filter(|a| normalise(&a.name) == q).collect()
    } else {
        exact
    };
    match exact.as_slice() {
        [one] => return AreaMatch::One((*one).clone()),
        [] => {}
        several => return AreaMatch::Several(several.iter().map(|a| (*a).clone()).collect()),
    }
    if q.chars().count() < 3 {
        return AreaMatch::Unknown;
    }
    let partial: Vec<AreaRow> = areas
        .iter()
        .filter(|a| {
            let label = normalise(&a.label());
            label.contains(&q) || q.contains(&normalise(&a.name))
        })
        .take(10)
        .cloned()
        .collect();
    if partial.is_empty() {
        AreaMatch::Unknown
    } else {
        AreaMatch::Several(partial)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CoverageQuery {
    q: String,
    area: String,
    /// Set by "not in the list": go straight to the waiting list with the typed text.
    join: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct WaitingForm {
    name: String,
    phone: String,
    email: String,
    area_id: String,
    area_text: String,
    address: String,
    package_id: String,
}

#[derive(Template)]
#[template(path = "site/coverage.html")]
struct CoveragePage {
    ctx: Ctx,
    q: String,
    areas: Vec<AreaRow>,
    found: AreaMatch,
    form: WaitingForm,
    errors: FieldErrors,
    packages: Vec<PackageRow>,
}

impl CoveragePage {
    /// "Not in the list": the waiting list with what was typed.
    fn join_link(&self) -> String {
        let q = serde_urlencoded::to_string([("q", self.q.as_str()), ("join", "1")])
            .unwrap_or_default();
        format!("/coverage?{q}#waiting-list")
    }

    fn covered_areas(&self) -> Vec<&AreaRow> {
        self.areas.iter().filter(|a| a.covered).collect()
    }

    /// The waiting-list form is offered when the area is known to be uncovered or unknown.
    fn offer_waiting_list(&self) -> bool {
        match &self.found {
            AreaMatch::One(a) => !a.covered,
            AreaMatch::Unknown => true,
            _ => false,
        }
    }
}

async fn coverage_page(
    state: &AppState,
    ctx: Ctx,
    q: String,
    found: impl FnOnce(&[AreaRow]) -> AreaMatch,
    form: WaitingForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let areas = catalog::published_areas(&state.db).await?;
    let found = found(&areas);
    let packages = catalog::published_packages(&state.db).await?;
    let mut form = form;
    if form.area_text.is_empty() {
        match &found {
            AreaMatch::One(a) => {
                form.area_text = a.label();
                form.area_id = a.id.to_string();
            }
            AreaMatch::Unknown => form.area_text = q.trim().to_string(),
            _ => {}
        }
    }
    let p = CoveragePage {
        ctx,
        q,
        areas,
        found,
        form,
        errors,
        packages,
    };
    web::page_or_invalid(&p, p.errors.is_empty())
}

pub async fn coverage(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<CoverageQuery>,
) -> AppResult<Response> {
    let area_id = query.area.trim().parse::<i64>().ok();
    let join = !query.join.is_empty();
    let q = query.q.clone();
    let found = move |areas: &[AreaRow]| match area_id {
        _ if join => AreaMatch::Unknown,
        Some(id) => areas
            .iter()
            .find(|a| a.id == id)
            .cloned()
            .map(AreaMatch::One)
            .unwrap_or(AreaMatch::Unknown),
        None => find_area(areas, &query.q),
    };
    let q = match area_id {
        Some(_) => String::new(),
        None => q,
    };
    coverage_page(
        &state,
        ctx,
        q,
        found,
        WaitingForm::default(),
        FieldErrors::default(),
    )
    .await
}

struct ValidEntry {
    name: String,
    phone: PhoneNumber,
    email: Option<Email>,
    area_id: Option<i64>,
    area_text: String,
    address: String,
    package_id: Option<i64>,
}

fn validate(
    form: &WaitingForm,
    areas: &[AreaRow],
    packages: &[PackageRow],
    errors: &mut FieldErrors,
) -> Option<ValidEntry> {
    let name = errors.check("name", web::required(&form.name, 100));
    let phone = errors.check("phone", PhoneNumber::parse(&form.phone));
    let email = if form.email.trim().is_empty() {
        Some(None)
    } else {
        errors.check("email", Email::parse(&form.email).map(Some))
    };
    let area_text = errors.check("area_text", web::required(&form.area_text, 150));
    let address = errors.check("address", web::optional(&form.address, 300));
    // Ids come from hidden fields and a select: unknown ones are dropped, not errors.
    let area_id = form
        .area_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| areas.iter().any(|a| a.id == *id));
    let package_id = form
        .package_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| packages.iter().any(|p| p.id == *id));
    Some(ValidEntry {
        name: name?,
        phone: phone?,
        email: email?,
        area_id,
        area_text: area_text?,
        address: address?.unwrap_or_default(),
        package_id,
    })
}

pub async fn join_waiting_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<WaitingForm>,
) -> AppResult<Response> {
    let areas = catalog::published_areas(&state.db).await?;
    let packages = catalog::published_packages(&state.db).await?;
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &areas, &packages, &mut errors) else {
        let area_id = form.area_id.trim().parse::<i64>().ok();
        let found = move |areas: &[AreaRow]| {
            area_id
                .and_then(|id| areas.iter().find(|a| a.id == id).cloned())
                .map(AreaMatch::One)
                .unwrap_or(AreaMatch::Unknown)
        };
        let q = form.area_text.clone();
        return coverage_page(&state, ctx, q, found, form, errors).await;
    };
    let actor = crate::audit::Actor {
        id: None,
        name: &v.name,
        ip: &ctx.ip,
    };
    let added = super::service::join_waiting_list(
        &state.db,
        actor,
        state.now(),
        &WaitingEntry {
            name: &v.name,
            phone: v.phone.as_str(),
            email: v.email.as_ref().map(Email::as_str),
            area_id: v.area_id,
            area_text: &v.area_text,
            address: &v.address,
            package_id: v.package_id,
        },
    )
    .await?;
    let flash = if added {
        "flash.waiting_list_joined"
    } else {
        "flash.waiting_list_already"
    };
    Ok(redirect_with_flash(&state, "/coverage", flash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(id: i64, name: &str, city: &str, covered: bool) -> AreaRow {
        AreaRow {
            id,
            name: name.into(),
            city: city.into(),
            covered,
            published: true,
        }
    }

    #[test]
    fn area_matching() {
        let areas = [
            area(1, "Cibeber", "Cimahi", true),
            area(2, "Cibeber", "Cianjur", false),
            area(3, "Leuwigajah", "Cimahi", true),
        ];
        assert!(matches!(find_area(&areas, "  "), AreaMatch::Nothing));
        assert!(matches!(find_area(&areas, "leuwigajah"), AreaMatch::One(a) if a.id == 3));
        assert!(matches!(find_area(&areas, "Cibeber,  cianjur"), AreaMatch::One(a) if a.id == 2));
        assert!(matches!(find_area(&areas, "CIBEBER"), AreaMatch::Several(v) if v.len() == 2));
        assert!(matches!(find_area(&areas, "leuwi"), AreaMatch::Several(v) if v.len() == 1));
        assert!(matches!(find_area(&areas, "Kota Baru"), AreaMatch::Unknown));
    }
}
