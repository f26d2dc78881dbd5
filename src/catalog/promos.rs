//! Staff pages for promos (`/staff/promos`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::model::{checked, date, today_wib};
use super::service::{self, PromoInput};
use super::store::{self, PackageRow, PromoLink, PromoRow};
use crate::error::{AppError, AppResult};
use crate::news::render_markdown;
use crate::state::AppState;
use crate::types::Rupiah;
use crate::web::{
    self, page, redirect_with_flash, Confirm, ConfirmForm, Ctx, FieldErrors, Flash, Form, Path,
};

#[derive(Template)]
#[template(path = "catalog/promo_list.html")]
struct ListPage {
    ctx: Ctx,
    promos: Vec<PromoRow>,
    today: chrono::NaiveDate,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let promos = store::all_promos(&state.db).await?;
    page(&ListPage {
        ctx,
        promos,
        today: today_wib(state.clock.as_ref()),
    })
}

/// The promo form as typed. Built from the raw pairs because the package checkboxes repeat
/// one name (`package=3&package=5`), which a plain struct cannot take.
#[derive(Default, Clone)]
pub struct PromoForm {
    title: String,
    title_en: String,
    body: String,
    body_en: String,
    starts_on: String,
    ends_on: String,
    published: String,
    packages: Vec<String>,
    /// The promo prices as typed (`price_<package id>`), by package id.
    prices: Vec<(String, String)>,
}

impl PromoForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> PromoForm {
        let mut f = PromoForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v,
                "title_en" => f.title_en = v,
                "body" => f.body = v,
                "body_en" => f.body_en = v,
                "starts_on" => f.starts_on = v,
                "ends_on" => f.ends_on = v,
                "published" => f.published = v,
                "package" => f.packages.push(v),
                _ => {
                    if let Some(id) = k.strip_prefix("price_") {
                        f.prices.push((id.to_string(), v));
                    }
                }
            }
        }
        f
    }

    fn from_row(p: &PromoRow, packages: &[PromoLink]) -> PromoForm {
        PromoForm {
            title: p.title.clone(),
            title_en: p.title_en.clone(),
            body: p.body.clone(),
            body_en: p.body_en.clone(),
            starts_on: p.starts_on.format("%d/%m/%Y").to_string(),
            ends_on: p.ends_on.format("%d/%m/%Y").to_string(),
            published: if p.published {
                "1".into()
            } else {
                String::new()
            },
            packages: packages.iter().map(|(id, _)| id.to_string()).collect(),
            prices: packages
                .iter()
                .filter_map(|(id, price)| price.map(|p| (id.to_string(), p.to_string())))
                .collect(),
        }
    }

    /// The promo price typed for a package, as typed.
    fn price_of(&self, id: &i64) -> &str {
        let id = id.to_string();
        self.prices
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    fn is_published(&self) -> bool {
        checked(&self.published)
    }

    fn has_package(&self, id: &i64) -> bool {
        let id = id.to_string();
        self.packages.contains(&id)
    }
}

#[derive(Template)]
#[template(path = "catalog/promo_form.html")]
struct FormPage {
    ctx: Ctx,
    /// `None` when creating.
    promo: Option<PromoRow>,
    form: PromoForm,
    errors: FieldErrors,
    packages: Vec<PackageRow>,
    preview: String,
}

impl FormPage {
    /// The error at a package's promo price, if any.
    fn price_error(&self, id: &i64) -> Option<&'static str> {
        self.errors.get(&format!("price_{id}"))
    }
}

async fn render(
    state: &AppState,
    ctx: Ctx,
    promo: Option<PromoRow>,
    form: PromoForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let packages = store::all_packages(&state.db).await?;
    let preview = render_markdown(&form.body);
    let valid = errors.is_empty();
    let p = FormPage {
        ctx,
        promo,
        form,
        errors,
        packages,
        preview,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let today = today_wib(state.clock.as_ref());
    let form = PromoForm {
        starts_on: today.format("%d/%m/%Y").to_string(),
        ends_on: (today + chrono::Days::new(30))
            .format("%d/%m/%Y")
            .to_string(),
        ..Default::default()
    };
    render(&state, ctx, None, form, FieldErrors::default()).await
}

fn validate(
    form: &PromoForm,
    known: &[PackageRow],
    errors: &mut FieldErrors,
) -> Option<PromoInput> {
    let title = errors.check("title", web::required(&form.title, 150));
    let title_en = errors.check("title_en", web::optional(&form.title_en, 150));
    let body = errors.check("body", web::optional(&form.body, 20_000));
    let body_en = errors.check("body_en", web::optional(&form.body_en, 20_000));
    let starts_on = errors.check("starts_on", date(&form.starts_on));
    let mut ends_on = errors.check("ends_on", date(&form.ends_on));
    if let (Some(s), Some(e)) = (starts_on, ends_on) {
        if e < s {
            errors.add("ends_on", "validation.date_order");
            ends_on = None;
        }
    }
    let mut packages = Vec::new();
    for p in &form.packages {
        match p.trim().parse::<i64>() {
            Ok(id) => match known.iter().find(|k| k.id == id) {
                Some(k) => packages.push((id, promo_price(form, k, errors))),
                None => errors.add("packages", "validation.package_unknown"),
            },
            _ => errors.add("packages", "validation.package_unknown"),
        }
    }
    packages.sort_unstable_by_key(|p| p.0);
    packages.dedup_by_key(|p| p.0);
    Some(PromoInput {
        title: title?,
        title_en: title_en?.unwrap_or_default(),
        body: body?.unwrap_or_default(),
        body_en: body_en?.unwrap_or_default(),
        starts_on: starts_on?,
        ends_on: ends_on?,
        published: form.is_published(),
        packages,
    })
    .filter(|_| errors.is_empty())
}

/// The promo price typed beside a ticked package: empty for none, else an amount below the
/// package's normal price. An error lands at that package's price field.
fn promo_price(form: &PromoForm, package: &PackageRow, errors: &mut FieldErrors) -> Option<Rupiah> {
    let typed = form.price_of(&package.id).trim();
    if typed.is_empty() {
        return None;
    }
    let field = format!("price_{}", package.id);
    match Rupiah::parse(typed) {
        Ok(p) if p < package.price && p.0 > 0 => Some(p),
        Ok(_) => {
            errors.add(field, "validation.promo_price_high");
            None
        }
        Err(e) => {
            errors.add(field, e);
            None
        }
    }
}

/// Re-renders the form when the input was refused; any other error stays as it is.
async fn refused(
    state: &AppState,
    ctx: Ctx,
    promo: Option<PromoRow>,
    form: PromoForm,
    err: AppError,
) -> AppResult<Response> {
    match err {
        AppError::Validation(errors) => render(state, ctx, promo, form, errors).await,
        e => Err(e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = PromoForm::from_pairs(pairs);
    let known = store::all_packages(&state.db).await?;
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &known, &mut errors) else {
        return render(&state, ctx, None, form, errors).await;
    };
    match service::create_promo(&state.db, ctx.actor(), state.now(), &v).await {
        Ok(id) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/promos/{id}"),
            saved(&v),
        )),
        Err(e) => refused(&state, ctx, None, form, e).await,
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let promo = service::promo(&state.db, id).await?;
    let ids = store::promo_packages(&state.db, id).await?;
    let form = PromoForm::from_row(&promo, &ids);
    render(&state, ctx, Some(promo), form, FieldErrors::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let before = service::promo(&state.db, id).await?;
    let form = PromoForm::from_pairs(pairs);
    let known = store::all_packages(&state.db).await?;
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &known, &mut errors) else {
        return render(&state, ctx, Some(before), form, errors).await;
    };
    match service::update_promo(&state.db, ctx.actor(), state.now(), id, &v).await {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/promos/{id}"),
            saved(&v),
        )),
        Err(e) => refused(&state, ctx, Some(before), form, e).await,
    }
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let promo = service::promo(&state.db, id).await?;
    service::set_promo_published(&state.db, ctx.actor(), state.now(), id, true).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/promos/{id}"),
        Flash::new("flash.promo_published")
            .with("title", &promo.title)
            .with("from", promo.starts_on.format("%d/%m/%Y").to_string())
            .with("to", promo.ends_on.format("%d/%m/%Y").to_string()),
    ))
}

pub async fn unpublish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let promo = service::promo(&state.db, id).await?;
    service::set_promo_published(&state.db, ctx.actor(), state.now(), id, false).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/promos/{id}"),
        Flash::new("flash.promo_hidden").with("title", &promo.title),
    ))
}

/// Deleting cannot be undone: ask first.
pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    let promo = service::promo(&state.db, id).await?;
    if !f.given() {
        return Confirm::new(ctx, "confirm.promo_delete", &[("title", &promo.title)])
            .back_to(format!("/staff/promos/{id}"))
            .page();
    }
    service::delete_promo(&state.db, ctx.actor(), state.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        "/staff/promos",
        Flash::new("flash.promo_deleted").with("title", &promo.title),
    ))
}

/// "Promo «…» disimpan", and whether visitors see it.
fn saved(v: &service::PromoInput) -> Flash {
    let next = if v.published {
        "flash.next.promo_published"
    } else {
        "flash.next.content_draft"
    };
    Flash::new("flash.promo_saved")
        .with("title", &v.title)
        .with_key("next", next)
}
