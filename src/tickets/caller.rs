//! Staff filing a complaint for a caller (phone, WhatsApp, a walk-in): the customer is found
//! by phone number (or created from the call), and the ticket is filed as the customer's own.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::filing::{self, Caller, NewTicketInput};
use super::model::{Category, Channel, Priority};
use super::service;
use super::web::back;
use crate::catalog::store::{self as catalog, AreaRow};
use crate::customers::model::status_key;
use crate::customers::store::{self as customers, CustomerRow, SubscriptionRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::PhoneNumber;
use crate::web::{self, Ctx, FieldErrors, Flash, Form, Query};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewForm {
    customer: String,
    /// The caller's phone: finds the customer, or starts a new one.
    phone: String,
    name: String,
    address: String,
    area: String,
    subscription: String,
    category: String,
    priority: String,
    channel: String,
    body: String,
}

#[derive(Template)]
#[template(path = "tickets/new.html")]
struct NewPage {
    ctx: Ctx,
    form: NewForm,
    errors: FieldErrors,
    customer: Option<CustomerRow>,
    subscriptions: Vec<SubscriptionRow>,
    /// A phone was looked up and nobody has it.
    unknown_phone: bool,
    areas: std::sync::Arc<Vec<AreaRow>>,
}

impl NewPage {
    fn status_label(&self, s: &dyn std::fmt::Display) -> String {
        self.ctx.t(&status_key(s)).to_string()
    }
}

async fn new_page(
    state: &AppState,
    ctx: Ctx,
    mut form: NewForm,
    errors: FieldErrors,
) -> AppResult<NewPage> {
    let mut customer = match form.customer.parse::<i64>() {
        Ok(id) => Some(
            customers::get(&state.db, id)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        Err(_) => None,
    };
    let mut unknown_phone = false;
    if customer.is_none() && !form.phone.trim().is_empty() {
        if let Ok(phone) = PhoneNumber::parse(&form.phone) {
            customer = customers::by_phone(&state.db, phone.as_str()).await?;
            unknown_phone = customer.is_none();
        }
    }
    let subscriptions = match &customer {
        Some(c) => {
            let mut subs = customers::subscriptions_of(&state.db, c.id).await?;
            subs.retain(|s| s.status.as_str() != "terminated");
            if form.subscription.is_empty() && form.customer.is_empty() {
                form.subscription = subs.first().map(|s| s.id.to_string()).unwrap_or_default();
            }
            subs
        }
        None => Vec::new(),
    };
    if let Some(c) = &customer {
        form.customer = c.id.to_string();
    }
    if form.channel.is_empty() {
        form.channel = Channel::Phone.as_str().into();
    }
    Ok(NewPage {
        areas: crate::catalog::areas(state).await?,
        ctx,
        form,
        errors,
        customer,
        subscriptions,
        unknown_phone,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(form): Query<NewForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    if !form.phone.trim().is_empty() {
        errors.check("phone", PhoneNumber::parse(&form.phone));
    }
    let p = new_page(&state, ctx, form, errors).await?;
    web::page_or_invalid(&p, p.errors.is_empty())
}

pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<NewForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let caller = match f.customer.parse::<i64>() {
        Ok(id) => Some(Caller::Customer(id)),
        Err(_) => {
            let phone = errors.check("phone", PhoneNumber::parse(&f.phone));
            let name = errors.check("name", web::required(&f.name, 120));
            let address = errors.check("address", web::optional(&f.address, 500));
            let area_id = match f.area.trim() {
                "" => None,
                a => {
                    let known = catalog::all_areas(&state.db).await?;
                    let id = a
                        .parse::<i64>()
                        .ok()
                        .filter(|id| known.iter().any(|k| k.id == *id));
                    if id.is_none() {
                        errors.add("area", "ticket.error.area");
                    }
                    id
                }
            };
            match (phone, name, address) {
                (Some(phone), Some(name), Some(address)) => Some(Caller::New {
                    name,
                    phone,
                    address: address.unwrap_or_default(),
                    area_id,
                }),
                _ => None,
            }
        }
    };
    let category = Category::parse(&f.category);
    if category.is_none() {
        errors.add("category", "ticket.error.category");
    }
    let priority = Priority::parse(&f.priority);
    let channel = Channel::parse(&f.channel);
    if channel.is_none() {
        errors.add("channel", "ticket.error.channel");
    }
    errors.check("body", service::parse_body(&f.body));
    let subscription_id = match f.subscription.trim() {
        "" => None,
        s => s.parse().ok(),
    };
    let (Some(caller), Some(category), Some(channel), true) =
        (caller, category, channel, errors.is_empty())
    else {
        return web::invalid(&new_page(&state, ctx, f, errors).await?);
    };
    let result = filing::file(
        &state.db,
        &state.links(),
        ctx.actor(),
        state.now(),
        NewTicketInput {
            caller,
            subscription_id,
            category,
            priority,
            channel,
            body: f.body.clone(),
            photos: Vec::new(),
            hourly_limit: None,
        },
    )
    .await;
    match result {
        Ok(filed) => {
            let flash = Flash::new("ticket.flash.filed_staff").with("number", &filed.number);
            Ok(back(&state, filed.id, flash))
        }
        Err(AppError::Validation(errors)) => web::invalid(&new_page(&state, ctx, f, errors).await?),
        Err(e) => Err(e),
    }
}
