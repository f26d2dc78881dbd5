//! Staff pages for coverage areas (`/staff/areas`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::model::checked;
use super::service::{self, AreaInput};
use super::store::{self, AreaRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Flash, Form, Path};

#[derive(Template)]
#[template(path = "catalog/area_list.html")]
struct ListPage {
    ctx: Ctx,
    areas: Vec<AreaRow>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let areas = store::all_areas(&state.db).await?;
    page(&ListPage { ctx, areas })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AreaForm {
    name: String,
    city: String,
    covered: String,
    published: String,
}

impl AreaForm {
    fn from_row(a: &AreaRow) -> AreaForm {
        let flag = |b: bool| if b { "1".to_string() } else { String::new() };
        AreaForm {
            name: a.name.clone(),
            city: a.city.clone(),
            covered: flag(a.covered),
            published: flag(a.published),
        }
    }

    fn is_covered(&self) -> bool {
        checked(&self.covered)
    }

    fn is_published(&self) -> bool {
        checked(&self.published)
    }
}

#[derive(Template)]
#[template(path = "catalog/area_form.html")]
struct FormPage {
    ctx: Ctx,
    area: Option<AreaRow>,
    form: AreaForm,
    errors: FieldErrors,
}

impl FormPage {
    fn render_page(self) -> AppResult<Response> {
        web::page_or_invalid(&self, self.errors.is_empty())
    }
}

pub async fn new_form(ctx: Ctx) -> AppResult<Response> {
    FormPage {
        ctx,
        area: None,
        form: AreaForm {
            covered: "1".into(),
            published: "1".into(),
            ..Default::default()
        },
        errors: FieldErrors::default(),
    }
    .render_page()
}

fn validate(form: &AreaForm, errors: &mut FieldErrors) -> Option<AreaInput> {
    let name = errors.check("name", web::required(&form.name, 100));
    let city = errors.check("city", web::optional(&form.city, 100));
    Some(AreaInput {
        name: name?,
        city: city?.unwrap_or_default(),
        covered: form.is_covered(),
        published: form.is_published(),
    })
}

/// Re-renders the form when the input was refused; any other error stays as it is.
fn refused(ctx: Ctx, area: Option<AreaRow>, form: AreaForm, err: AppError) -> AppResult<Response> {
    match err {
        AppError::Validation(errors) => FormPage {
            ctx,
            area,
            form,
            errors,
        }
        .render_page(),
        e => Err(e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<AreaForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let Some(input) = validate(&form, &mut errors) else {
        return refused(ctx, None, form, AppError::Validation(errors));
    };
    match service::create_area(&state.db, ctx.actor(), state.now(), &input).await {
        Ok(_) => Ok(redirect_with_flash(&state, "/staff/areas", saved(&input))),
        Err(e) => refused(ctx, None, form, e),
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let area = service::area(&state.db, id).await?;
    FormPage {
        ctx,
        form: AreaForm::from_row(&area),
        area: Some(area),
        errors: FieldErrors::default(),
    }
    .render_page()
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<AreaForm>,
) -> AppResult<Response> {
    let before = service::area(&state.db, id).await?;
    let mut errors = FieldErrors::default();
    let Some(input) = validate(&form, &mut errors) else {
        return refused(ctx, Some(before), form, AppError::Validation(errors));
    };
    match service::update_area(&state.db, ctx.actor(), state.now(), id, &input).await {
        Ok(()) => Ok(redirect_with_flash(&state, "/staff/areas", saved(&input))),
        Err(e) => refused(ctx, Some(before), form, e),
    }
}

/// "Area … disimpan", and what it means for sign-ups there.
fn saved(a: &service::AreaInput) -> Flash {
    let next = if !a.published {
        "flash.next.area_hidden"
    } else if a.covered {
        "flash.next.area_covered"
    } else {
        "flash.next.area_waiting"
    };
    Flash::new("flash.area_saved")
        .with("name", &a.name)
        .with_key("next", next)
}
