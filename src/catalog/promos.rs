//! Staff pages for promos (`/staff/promos`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::model::{checked, date, today_wib};
use super::store::{self, NewPromo, PackageRow, PromoRow};
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::news::render_markdown;
use crate::state::AppState;
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Form, Path};

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
    body: String,
    starts_on: String,
    ends_on: String,
    published: String,
    packages: Vec<String>,
}

impl PromoForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> PromoForm {
        let mut f = PromoForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => f.title = v,
                "body" => f.body = v,
                "starts_on" => f.starts_on = v,
                "ends_on" => f.ends_on = v,
                "published" => f.published = v,
                "package" => f.packages.push(v),
                _ => {}
            }
        }
        f
    }

    fn from_row(p: &PromoRow, package_ids: &[i64]) -> PromoForm {
        PromoForm {
            title: p.title.clone(),
            body: p.body.clone(),
            starts_on: p.starts_on.format("%Y-%m-%d").to_string(),
            ends_on: p.ends_on.format("%Y-%m-%d").to_string(),
            published: if p.published {
                "1".into()
            } else {
                String::new()
            },
            packages: package_ids.iter().map(i64::to_string).collect(),
        }
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
    if valid {
        page(&p)
    } else {
        web::invalid(&p)
    }
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let today = today_wib(state.clock.as_ref());
    let form = PromoForm {
        starts_on: today.format("%Y-%m-%d").to_string(),
        ends_on: (today + chrono::Days::new(30))
            .format("%Y-%m-%d")
            .to_string(),
        ..Default::default()
    };
    render(&state, ctx, None, form, FieldErrors::default()).await
}

struct ValidPromo {
    title: String,
    body: String,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
    published: bool,
    package_ids: Vec<i64>,
}

impl ValidPromo {
    fn as_new(&self) -> NewPromo<'_> {
        NewPromo {
            title: &self.title,
            body: &self.body,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            published: self.published,
            package_ids: &self.package_ids,
        }
    }
}

fn validate(
    form: &PromoForm,
    known: &[PackageRow],
    errors: &mut FieldErrors,
) -> Option<ValidPromo> {
    let title = errors.check("title", web::required(&form.title, 150));
    let body = errors.check("body", web::optional(&form.body, 20_000));
    let starts_on = errors.check("starts_on", date(&form.starts_on));
    let mut ends_on = errors.check("ends_on", date(&form.ends_on));
    if let (Some(s), Some(e)) = (starts_on, ends_on) {
        if e < s {
            errors.add("ends_on", "validation.date_order");
            ends_on = None;
        }
    }
    let mut package_ids = Vec::new();
    for p in &form.packages {
        match p.trim().parse::<i64>() {
            Ok(id) if known.iter().any(|k| k.id == id) => package_ids.push(id),
            _ => errors.add("packages", "validation.package_unknown"),
        }
    }
    package_ids.sort_unstable();
    package_ids.dedup();
    Some(ValidPromo {
        title: title?,
        body: body?.unwrap_or_default(),
        starts_on: starts_on?,
        ends_on: ends_on?,
        published: form.is_published(),
        package_ids,
    })
    .filter(|_| errors.is_empty())
}

fn detail(v: &ValidPromo) -> String {
    format!(
        "{} ({} – {}), packages {:?}{}",
        v.title,
        v.starts_on,
        v.ends_on,
        v.package_ids,
        if v.published { ", published" } else { "" }
    )
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
    let id = store::create_promo(&state.db, &v.as_new(), state.clock.now()).await?;
    audit::record(
        &state,
        &ctx,
        "promo.create",
        Some(("promo", id)),
        &detail(&v),
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/promos/{id}"),
        "flash.saved",
    ))
}

async fn load(state: &AppState, id: i64) -> AppResult<PromoRow> {
    store::get_promo(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let promo = load(&state, id).await?;
    let ids = store::promo_package_ids(&state.db, id).await?;
    let form = PromoForm::from_row(&promo, &ids);
    render(&state, ctx, Some(promo), form, FieldErrors::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let before = load(&state, id).await?;
    let form = PromoForm::from_pairs(pairs);
    let known = store::all_packages(&state.db).await?;
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &known, &mut errors) else {
        return render(&state, ctx, Some(before), form, errors).await;
    };
    store::update_promo(&state.db, id, &v.as_new(), state.clock.now()).await?;
    audit::record(
        &state,
        &ctx,
        "promo.update",
        Some(("promo", id)),
        &detail(&v),
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/promos/{id}"),
        "flash.saved",
    ))
}

async fn set_published(state: AppState, ctx: Ctx, id: i64, published: bool) -> AppResult<Response> {
    let promo = load(&state, id).await?;
    store::set_promo_published(&state.db, id, published, state.clock.now()).await?;
    crate::audit::published_changed(
        &state,
        &ctx,
        ("promo", id),
        &promo.title,
        published,
        &format!("/staff/promos/{id}"),
    )
    .await
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_published(state, ctx, id, true).await
}

pub async fn unpublish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_published(state, ctx, id, false).await
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let promo = load(&state, id).await?;
    store::delete_promo(&state.db, id).await?;
    audit::record(
        &state,
        &ctx,
        "promo.delete",
        Some(("promo", id)),
        &promo.title,
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        "/staff/promos",
        "flash.content_deleted",
    ))
}
