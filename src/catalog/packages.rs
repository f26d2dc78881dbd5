//! Staff pages for service packages (`/staff/packages`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::model::{checked, whole_number};
use super::service::{self, PackageInput};
use super::store::{self, PackageRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::Rupiah;
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Flash, Form, Path};

#[derive(Template)]
#[template(path = "catalog/package_list.html")]
struct ListPage {
    ctx: Ctx,
    packages: Vec<PackageRow>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let packages = store::all_packages(&state.db).await?;
    page(&ListPage { ctx, packages })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PackageForm {
    name: String,
    download_mbps: String,
    upload_mbps: String,
    price: String,
    features: String,
    features_en: String,
    sort_order: String,
    published: String,
}

impl PackageForm {
    fn from_row(p: &PackageRow) -> PackageForm {
        PackageForm {
            name: p.name.clone(),
            download_mbps: p.download_mbps.to_string(),
            upload_mbps: p.upload_mbps.to_string(),
            price: p.price.to_string(),
            features: p.features.clone(),
            features_en: p.features_en.clone(),
            sort_order: p.sort_order.to_string(),
            published: if p.published {
                "1".into()
            } else {
                String::new()
            },
        }
    }

    fn is_published(&self) -> bool {
        checked(&self.published)
    }
}

#[derive(Template)]
#[template(path = "catalog/package_form.html")]
struct FormPage {
    ctx: Ctx,
    /// `None` when creating.
    package: Option<PackageRow>,
    form: PackageForm,
    errors: FieldErrors,
}

impl FormPage {
    fn render_page(self, valid: bool) -> AppResult<Response> {
        web::page_or_invalid(&self, valid)
    }
}

pub async fn new_form(ctx: Ctx) -> AppResult<Response> {
    FormPage {
        ctx,
        package: None,
        form: PackageForm {
            sort_order: "0".into(),
            ..Default::default()
        },
        errors: FieldErrors::default(),
    }
    .render_page(true)
}

fn validate(form: &PackageForm, errors: &mut FieldErrors) -> Option<PackageInput> {
    let name = errors.check("name", web::required(&form.name, 100));
    let download = errors.check(
        "download_mbps",
        whole_number(&form.download_mbps, 1, 100_000),
    );
    let upload = errors.check("upload_mbps", whole_number(&form.upload_mbps, 1, 100_000));
    let price = errors.check("price", Rupiah::parse(&form.price));
    let features = errors.check("features", web::optional(&form.features, 2000));
    let features_en = errors.check("features_en", web::optional(&form.features_en, 2000));
    let sort_order = if form.sort_order.trim().is_empty() {
        Some(0)
    } else {
        errors.check("sort_order", whole_number(&form.sort_order, -9999, 9999))
    };
    Some(PackageInput {
        name: name?,
        download_mbps: download?,
        upload_mbps: upload?,
        price: price?,
        features: features?.unwrap_or_default(),
        features_en: features_en?.unwrap_or_default(),
        sort_order: sort_order?,
        published: form.is_published(),
    })
}

/// Re-renders the form when the service refused the input; any other error stays as it is.
fn refused(
    ctx: Ctx,
    package: Option<PackageRow>,
    form: PackageForm,
    err: AppError,
) -> AppResult<Response> {
    match err {
        AppError::Validation(errors) => FormPage {
            ctx,
            package,
            form,
            errors,
        }
        .render_page(false),
        e => Err(e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PackageForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &mut errors) else {
        return refused(ctx, None, form, AppError::Validation(errors));
    };
    match service::create_package(&state.db, ctx.actor(), state.now(), &v).await {
        Ok(id) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/packages/{id}"),
            saved(&v),
        )),
        Err(e) => refused(ctx, None, form, e),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let package = service::package(&state.db, id).await?;
    FormPage {
        ctx,
        form: PackageForm::from_row(&package),
        package: Some(package),
        errors: FieldErrors::default(),
    }
    .render_page(true)
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<PackageForm>,
) -> AppResult<Response> {
    let before = service::package(&state.db, id).await?;
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &mut errors) else {
        return refused(ctx, Some(before), form, AppError::Validation(errors));
    };
    match service::update_package(&state.db, ctx.actor(), state.now(), id, &v).await {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/packages/{id}"),
            saved(&v),
        )),
        Err(e) => refused(ctx, Some(before), form, e),
    }
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let package = service::package(&state.db, id).await?;
    service::publish_package(&state.db, ctx.actor(), state.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/packages/{id}"),
        Flash::new("flash.package_published").with("name", &package.name),
    ))
}

pub async fn unpublish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let package = service::package(&state.db, id).await?;
    service::unpublish_package(&state.db, ctx.actor(), state.now(), id).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/packages/{id}"),
        Flash::new("flash.package_hidden").with("name", &package.name),
    ))
}

/// "Paket … disimpan", and whether visitors see it.
fn saved(v: &service::PackageInput) -> Flash {
    let next = if v.published {
        "flash.next.package_published"
    } else {
        "flash.next.content_draft"
    };
    Flash::new("flash.package_saved")
        .with("name", &v.name)
        .with_key("next", next)
}
