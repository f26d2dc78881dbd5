//! Competitor pages: everyone in the office reads them, the director maintains them.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::service::{self, CompetitorInput, OfferInput};
use super::store::{self, CompetitorRow, OfferRow};
use crate::auth::Role;
use crate::catalog::store::{self as catalog, PackageRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::Rupiah;
use crate::web::{
    self, redirect_with_flash, Confirm, ConfirmForm, Ctx, FieldErrors, Flash, Form, Path,
};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CompetitorForm {
    name: String,
    notes: String,
}

#[derive(Template)]
#[template(path = "retention/list.html")]
struct ListPage {
    ctx: Ctx,
    competitors: Vec<CompetitorRow>,
    offers: Vec<OfferRow>,
    packages: Vec<PackageRow>,
    form: CompetitorForm,
    errors: FieldErrors,
    can_manage: bool,
}

async fn render_list(
    state: &AppState,
    ctx: Ctx,
    form: CompetitorForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let valid = errors.is_empty();
    let p = ListPage {
        competitors: store::competitors(&state.db).await?,
        offers: store::offers(&state.db, None).await?,
        packages: catalog::published_packages(&state.db).await?,
        can_manage: ctx.role() == Some(Role::Director),
        ctx,
        form,
        errors,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render_list(
        &state,
        ctx,
        CompetitorForm::default(),
        FieldErrors::default(),
    )
    .await
}

fn validate(form: &CompetitorForm, errors: &mut FieldErrors) -> Option<CompetitorInput> {
    let name = errors.check("name", web::required(&form.name, 100));
    let notes = errors
        .check("notes", web::optional(&form.notes, 1000))
        .flatten()
        .unwrap_or_default();
    Some(CompetitorInput { name: name?, notes })
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<CompetitorForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let result = match validate(&form, &mut errors) {
        Some(input) => {
            service::create_competitor(&state.db, ctx.actor(), state.now(), &input).await
        }
        None => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(id) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/competitors/{id}"),
            Flash::new("flash.competitor_added").with("name", form.name.trim()),
        )),
        Err(AppError::Validation(errors)) => render_list(&state, ctx, form, errors).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OfferForm {
    name: String,
    download_mbps: String,
    price: String,
    notes: String,
}

#[derive(Template)]
#[template(path = "retention/show.html")]
struct ShowPage {
    ctx: Ctx,
    competitor: CompetitorRow,
    offers: Vec<OfferRow>,
    form: CompetitorForm,
    offer: OfferForm,
    errors: FieldErrors,
    can_manage: bool,
}

async fn render_show(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    form: Option<CompetitorForm>,
    offer: OfferForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let competitor = service::competitor(&state.db, id).await?;
    let form = form.unwrap_or_else(|| CompetitorForm {
        name: competitor.name.clone(),
        notes: competitor.notes.clone(),
    });
    let valid = errors.is_empty();
    let p = ShowPage {
        offers: store::offers(&state.db, Some(id)).await?,
        can_manage: ctx.role() == Some(Role::Director),
        ctx,
        competitor,
        form,
        offer,
        errors,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_show(
        &state,
        ctx,
        id,
        None,
        OfferForm::default(),
        FieldErrors::default(),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<CompetitorForm>,
) -> AppResult<Response> {
    service::competitor(&state.db, id).await?;
    let mut errors = FieldErrors::default();
    let result = match validate(&form, &mut errors) {
        Some(input) => {
            service::update_competitor(&state.db, ctx.actor(), state.now(), id, &input).await
        }
        None => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/competitors/{id}"),
            Flash::new("flash.competitor_saved").with("name", form.name.trim()),
        )),
        Err(AppError::Validation(errors)) => {
            render_show(&state, ctx, id, Some(form), OfferForm::default(), errors).await
        }
        Err(e) => Err(e),
    }
}

fn parse_mbps(s: &str) -> Result<i64, &'static str> {
    match s.trim().parse::<i64>() {
        Ok(v) if (1..=100_000).contains(&v) => Ok(v),
        _ => Err("validation.speed_invalid"),
    }
}

fn validate_offer(offer: &OfferForm, errors: &mut FieldErrors) -> Option<OfferInput> {
    let name = errors.check("offer_name", web::required(&offer.name, 100));
    let speed = errors.check("download_mbps", parse_mbps(&offer.download_mbps));
    let price = errors.check("price", Rupiah::parse(&offer.price));
    let notes = errors
        .check("offer_notes", web::optional(&offer.notes, 500))
        .flatten()
        .unwrap_or_default();
    Some(OfferInput {
        name: name?,
        download_mbps: speed?,
        price: price?,
        notes,
    })
}

pub async fn add_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(offer): Form<OfferForm>,
) -> AppResult<Response> {
    let competitor = service::competitor(&state.db, id).await?;
    let mut errors = FieldErrors::default();
    let result = match validate_offer(&offer, &mut errors) {
        Some(input) => service::add_offer(&state.db, ctx.actor(), state.now(), id, &input).await,
        None => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(_) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/competitors/{id}"),
            Flash::new("flash.offer_added")
                .with("offer", offer.name.trim())
                .with("name", &competitor.name),
        )),
        Err(AppError::Validation(errors)) => {
            render_show(&state, ctx, id, None, offer, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_offer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, offer_id)): Path<(i64, i64)>,
    Form(f): Form<ConfirmForm>,
) -> AppResult<Response> {
    if !f.given() {
        let offer = service::offer(&state.db, id, offer_id).await?;
        let speed = format!("{} Mbps", offer.download_mbps);
        return Confirm::new(
            ctx,
            "confirm.offer_delete",
            &[
                ("offer", &offer.name),
                ("competitor", &offer.competitor_name),
                ("speed", &speed),
            ],
        )
        .back_to(format!("/staff/competitors/{id}"))
        .page();
    }
    let offer = service::delete_offer(&state.db, ctx.actor(), state.now(), id, offer_id).await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/staff/competitors/{id}"),
        Flash::new("flash.offer_deleted").with("offer", offer),
    ))
}
