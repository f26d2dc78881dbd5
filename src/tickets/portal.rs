//! The customer's complaints in the portal: the list, filing one with photos, the thread, a
//! reply, and "not fixed yet". Everything is looked up through the logged-in customer, so
//! another customer's ticket is "not found".

use askama::Template;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::filing::{self, Caller, NewTicketInput};
use super::model::{Category, Channel, TicketStatus};
use super::service::{self, CustomerReply};
use super::store::{self, TicketRow};
use super::thread::Thread;
use crate::customers::model::status_key;
use crate::customers::store::{self as customers, CustomerRow, SubscriptionRow};
use crate::error::{AppError, AppResult};
use crate::satisfaction::model::SubjectKind;
use crate::satisfaction::store::{self as ratings, RatingRow};
use crate::state::AppState;
use crate::uploads::form::{self, Submitted};
use crate::uploads::process::{self, Accept, Prepared};
use crate::web::{self, page, redirect_with_flash, Ctx, CurrentUser, FieldErrors, Flash, Path};

async fn me(state: &AppState, user: &CurrentUser) -> AppResult<CustomerRow> {
    customers::by_user(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "tickets/portal_list.html")]
struct ListPage {
    ctx: Ctx,
    tickets: Vec<TicketRow>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<Response> {
    let customer = me(&state, &user).await?;
    page(&ListPage {
        tickets: store::of_customer(&state.db, customer.id, 100).await?,
        ctx,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FileForm {
    subscription: String,
    category: String,
    body: String,
}

#[derive(Template)]
#[template(path = "tickets/portal_new.html")]
struct NewPage {
    ctx: Ctx,
    form: FileForm,
    errors: FieldErrors,
    subscriptions: Vec<SubscriptionRow>,
    categories: &'static [Category],
}

impl NewPage {
    fn status_label(&self, s: &dyn std::fmt::Display) -> String {
        self.ctx.t(&status_key(s)).to_string()
    }
}

async fn subscriptions(state: &AppState, customer_id: i64) -> AppResult<Vec<SubscriptionRow>> {
    let mut subs = customers::subscriptions_of(&state.db, customer_id).await?;
    subs.retain(|s| s.status.as_str() != "terminated");
    Ok(subs)
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<Response> {
    let customer = me(&state, &user).await?;
    let subscriptions = subscriptions(&state, customer.id).await?;
    let form = FileForm {
        subscription: subscriptions
            .first()
            .map(|s| s.id.to_string())
            .unwrap_or_default(),
        ..FileForm::default()
    };
    page(&NewPage {
        ctx,
        form,
        errors: FieldErrors::default(),
        subscriptions,
        categories: Category::ALL,
    })
}

/// The photos of a form, each made safe; a refused one becomes an error at `photos`.
pub async fn photos<T>(submitted: &mut Submitted<T>, errors: &mut FieldErrors) -> Vec<Prepared> {
    let mut out = Vec::new();
    while let Some(file) = submitted.take_file("photos") {
        match process::prepare(file, Accept::Images).await {
            Ok(p) => out.push(p),
            Err(e) => {
                if !errors.has("photos") {
                    errors.add("photos", e.message_key());
                }
            }
        }
    }
    out
}

pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    req: Request,
) -> AppResult<Response> {
    let customer = me(&state, &user).await?;
    let mut submitted = match form::read::<FileForm>(req).await {
        Ok(s) => s,
        Err(e) => return Ok(e.into_response()),
    };
    let mut errors = FieldErrors::default();
    let photos = photos(&mut submitted, &mut errors).await;
    let f = submitted.fields;
    let category = Category::parse(&f.category);
    if category.is_none() {
        errors.add("category", "ticket.error.category");
    }
    errors.check("body", service::parse_body(&f.body));
    let subscriptions = subscriptions(&state, customer.id).await?;
    let subscription = match f.subscription.trim() {
        "" => None,
        s => match s
            .parse::<i64>()
            .ok()
            .filter(|id| subscriptions.iter().any(|x| x.id == *id))
        {
            Some(id) => Some(id),
            None => {
                errors.add("subscription", "ticket.error.subscription");
                None
            }
        },
    };
    let result = match (category, errors.is_empty()) {
        (Some(category), true) => filing::file(
            &state.db,
            &state.links(),
            ctx.actor(),
            state.now(),
            NewTicketInput {
                caller: Caller::Customer(customer.id),
                subscription_id: subscription,
                category,
                priority: None,
                channel: Channel::Web,
                body: f.body.clone(),
                photos,
                hourly_limit: Some(i64::from(state.config.tickets_per_hour)),
            },
        )
        .await
        .map(Some),
        _ => Ok(None),
    };
    match result {
        Ok(Some(filed)) => Ok(redirect_with_flash(
            &state,
            &format!("/portal/tickets/{}", filed.id),
            Flash::new("ticket.flash.filed").with("number", &filed.number),
        )),
        Ok(None) => render_new(ctx, f, errors, subscriptions),
        Err(AppError::Validation(e)) => {
            let too_many = e.has("limit");
            let res = render_new(ctx, f, e, subscriptions)?;
            Ok(if too_many {
                (axum::http::StatusCode::TOO_MANY_REQUESTS, res).into_response()
            } else {
                res
            })
        }
        Err(e) => Err(e),
    }
}

fn render_new(
    ctx: Ctx,
    form: FileForm,
    errors: FieldErrors,
    subscriptions: Vec<SubscriptionRow>,
) -> AppResult<Response> {
    web::invalid(&NewPage {
        ctx,
        form,
        errors,
        subscriptions,
        categories: Category::ALL,
    })
}

#[derive(Template)]
#[template(path = "tickets/portal_show.html")]
struct ShowPage {
    ctx: Ctx,
    t: TicketRow,
    thread: Thread,
    subscription: Option<SubscriptionRow>,
    body: String,
    errors: FieldErrors,
    /// The customer's rating once given; a resolved or closed ticket without one offers the form.
    rating: Option<RatingRow>,
}

impl ShowPage {
    fn rateable(&self) -> bool {
        self.rating.is_none()
            && matches!(self.t.status, TicketStatus::Resolved | TicketStatus::Closed)
    }
    fn rate_action(&self) -> String {
        format!("/portal/tickets/{}/rate", self.t.id)
    }
    fn status_label(&self, s: &dyn std::fmt::Display) -> String {
        self.ctx.t(&status_key(s)).to_string()
    }
}

/// The customer's ticket with its public thread and photos.
async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    body: String,
    errors: FieldErrors,
) -> AppResult<ShowPage> {
    let customer = me(state, user).await?;
    let t = store::get_for_customer(&state.db, id, customer.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let thread = Thread::load(&state.db, id, false).await?;
    let subscription = match t.subscription_id {
        Some(s) => customers::get_subscription(&state.db, s).await?,
        None => None,
    };
    Ok(ShowPage {
        rating: ratings::for_subject(&state.db, SubjectKind::Ticket, id).await?,
        ctx,
        t,
        thread,
        subscription,
        body,
        errors,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    page(
        &show_page(
            &state,
            ctx,
            &user,
            id,
            String::new(),
            FieldErrors::default(),
        )
        .await?,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    body: String,
    /// "Not fixed yet" on a resolved ticket: the body may stay empty.
    not_fixed: String,
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    req: Request,
) -> AppResult<Response> {
    let customer = me(&state, &user).await?;
    let mut submitted = match form::read::<ReplyForm>(req).await {
        Ok(s) => s,
        Err(e) => return Ok(e.into_response()),
    };
    let mut errors = FieldErrors::default();
    let photos = photos(&mut submitted, &mut errors).await;
    let f = submitted.fields;
    let body = if f.not_fixed.is_empty() || !f.body.trim().is_empty() {
        f.body.clone()
    } else {
        ctx.t("ticket.not_fixed_message").to_string()
    };
    let result = if errors.is_empty() {
        service::customer_reply(
            &state.db,
            &state.links(),
            ctx.actor(),
            state.now(),
            CustomerReply {
                ticket_id: id,
                customer_id: customer.id,
                body: &body,
                photos,
            },
        )
        .await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/portal/tickets/{id}"),
            "ticket.flash.sent_customer",
        )),
        Err(AppError::Validation(errors)) => {
            web::invalid(&show_page(&state, ctx, &user, id, f.body, errors).await?)
        }
        Err(e) => Err(e),
    }
}
