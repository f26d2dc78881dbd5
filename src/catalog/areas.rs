//! Staff pages for coverage areas (`/staff/areas`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::model::checked;
use super::store::{self, AreaRow};
use crate::audit;
use crate::db::is_unique_violation;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Form, Path};

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
        if self.errors.is_empty() {
            page(&self)
        } else {
            web::invalid(&self)
        }
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

fn validate(form: &AreaForm, errors: &mut FieldErrors) -> Option<(String, String)> {
    let name = errors.check("name", web::required(&form.name, 100));
    let city = errors.check("city", web::optional(&form.city, 100));
    Some((name?, city?.unwrap_or_default()))
}

fn detail(name: &str, city: &str, covered: bool, published: bool) -> String {
    format!("{name}, {city}: covered {covered}, published {published}")
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<AreaForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let Some((name, city)) = validate(&form, &mut errors) else {
        return FormPage {
            ctx,
            area: None,
            form,
            errors,
        }
        .render_page();
    };
    let (covered, published) = (form.is_covered(), form.is_published());
    let id = match store::create_area(&state.db, &name, &city, covered, state.clock.now()).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            errors.add("name", "validation.area_taken");
            return FormPage {
                ctx,
                area: None,
                form,
                errors,
            }
            .render_page();
        }
        Err(e) => return Err(e.into()),
    };
    if !published {
        store::set_area_published(&state.db, id, false).await?;
    }
    audit::record(
        &state,
        &ctx,
        "area.create",
        Some(("area", id)),
        &detail(&name, &city, covered, published),
    )
    .await?;
    Ok(redirect_with_flash(&state, "/staff/areas", "flash.saved"))
}

async fn load(state: &AppState, id: i64) -> AppResult<AreaRow> {
    store::get_area(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let area = load(&state, id).await?;
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
    let before = load(&state, id).await?;
    let mut errors = FieldErrors::default();
    let Some((name, city)) = validate(&form, &mut errors) else {
        return FormPage {
            ctx,
            area: Some(before),
            form,
            errors,
        }
        .render_page();
    };
    let (covered, published) = (form.is_covered(), form.is_published());
    match store::update_area(&state.db, id, &name, &city, covered, published).await {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            errors.add("name", "validation.area_taken");
            return FormPage {
                ctx,
                area: Some(before),
                form,
                errors,
            }
            .render_page();
        }
        Err(e) => return Err(e.into()),
    }
    let detail = format!(
        "{} -> {}",
        detail(&before.name, &before.city, before.covered, before.published),
        detail(&name, &city, covered, published)
    );
    audit::record(&state, &ctx, "area.update", Some(("area", id)), &detail).await?;
    Ok(redirect_with_flash(&state, "/staff/areas", "flash.saved"))
}
