//! Staff pages for service packages (`/staff/packages`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::model::{checked, whole_number};
use super::store::{self, NewPackage, PackageRow};
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::Rupiah;
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Form, Path};

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
        if valid {
            page(&self)
        } else {
            web::invalid(&self)
        }
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

struct ValidPackage {
    name: String,
    download_mbps: i64,
    upload_mbps: i64,
    price: i64,
    features: String,
    sort_order: i64,
    published: bool,
}

impl ValidPackage {
    fn as_new(&self) -> NewPackage<'_> {
        NewPackage {
            name: &self.name,
            download_mbps: self.download_mbps,
            upload_mbps: self.upload_mbps,
            price: self.price,
            features: &self.features,
            published: self.published,
            sort_order: self.sort_order,
        }
    }
}

fn validate(form: &PackageForm, errors: &mut FieldErrors) -> Option<ValidPackage> {
    let name = errors.check("name", web::required(&form.name, 100));
    let download = errors.check(
        "download_mbps",
        whole_number(&form.download_mbps, 1, 100_000),
    );
    let upload = errors.check("upload_mbps", whole_number(&form.upload_mbps, 1, 100_000));
    let price = errors.check("price", Rupiah::parse(&form.price));
    let features = errors.check("features", web::optional(&form.features, 2000));
    let sort_order = if form.sort_order.trim().is_empty() {
        Some(0)
    } else {
        errors.check("sort_order", whole_number(&form.sort_order, -9999, 9999))
    };
    Some(ValidPackage {
        name: name?,
        download_mbps: download?,
        upload_mbps: upload?,
        price: price?.0,
        features: features?.unwrap_or_default(),
        sort_order: sort_order?,
        published: form.is_published(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<PackageForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &mut errors) else {
        return FormPage {
            ctx,
            package: None,
            form,
            errors,
        }
        .render_page(false);
    };
    let id = store::create_package(&state.db, &v.as_new(), state.clock.now()).await?;
    let detail = format!(
        "{} {}/{} Mbps {}{}",
        v.name,
        v.download_mbps,
        v.upload_mbps,
        Rupiah(v.price),
        if v.published { ", published" } else { "" }
    );
    audit::record(
        &state,
        &ctx,
        "package.create",
        Some(("package", id)),
        &detail,
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/packages/{id}"),
        "flash.saved",
    ))
}

async fn load(state: &AppState, id: i64) -> AppResult<PackageRow> {
    store::get_package(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let package = load(&state, id).await?;
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
    let before = load(&state, id).await?;
    let mut errors = FieldErrors::default();
    let Some(v) = validate(&form, &mut errors) else {
        return FormPage {
            ctx,
            package: Some(before),
            form,
            errors,
        }
        .render_page(false);
    };
    store::update_package(&state.db, id, &v.as_new(), state.clock.now()).await?;
    let detail = format!(
        "{} -> {}; {}/{} -> {}/{} Mbps; {} -> {}; published {} -> {}",
        before.name,
        v.name,
        before.download_mbps,
        before.upload_mbps,
        v.download_mbps,
        v.upload_mbps,
        before.price_text(),
        Rupiah(v.price),
        before.published,
        v.published
    );
    audit::record(
        &state,
        &ctx,
        "package.update",
        Some(("package", id)),
        &detail,
    )
    .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/packages/{id}"),
        "flash.saved",
    ))
}

async fn set_published(state: AppState, ctx: Ctx, id: i64, published: bool) -> AppResult<Response> {
    let package = load(&state, id).await?;
    store::set_package_published(&state.db, id, published, state.clock.now()).await?;
    crate::audit::published_changed(
        &state,
        &ctx,
        ("package", id),
        &package.name,
        published,
        &format!("/staff/packages/{id}"),
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
