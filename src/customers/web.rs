//! Customer list, profile page, walk-in creation and profile edits.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::model::{status_key, CustomerStatus};
use super::search::{self, Filter};
use super::service::{self, ProfileInput};
use super::store::{self, CustomerRow, Referrer, SubscriptionRow, TimelineEntry};
use crate::auth::{password, Role};
use crate::catalog::store::{self as catalog, AreaRow, PackageRow};
use crate::error::{AppError, AppResult};
use crate::signup::contact::{validate_contact, SignupForm};
use crate::signup::pipeline::{self, NewSignup, SignupError};
use crate::signup::store::{self as registrations, RegistrationRow};
use crate::state::AppState;
use crate::types::{Email, PhoneNumber};
use crate::web::{
    self, no_store, page, redirect_with_flash, Ctx, CurrentUser, FieldErrors, Flash, Form, Path,
    Query,
};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    area: String,
    package: String,
    #[serde(skip_serializing)]
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "customers/list.html")]
struct ListPage {
    ctx: Ctx,
    q: ListQuery,
    rows: Vec<search::ListRow>,
    next_cursor: Option<i64>,
    statuses: &'static [CustomerStatus],
    areas: Arc<Vec<AreaRow>>,
    packages: Arc<Vec<PackageRow>>,
}

impl ListPage {
    fn next_link(&self, before: i64) -> String {
        format!(
            "/staff/customers?{}&before={before}",
            serde_urlencoded::to_string(&self.q).unwrap_or_default()
        )
    }
    fn first_query(&self) -> String {
        serde_urlencoded::to_string(&self.q).unwrap_or_default()
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let filter = Filter {
        q: q.q.clone(),
        status: CustomerStatus::parse(&q.status),
        area_id: q.area.parse().ok(),
        package_id: q.package.parse().ok(),
    };
    let mut rows = search::search(&state.db, &filter, q.before, PER_PAGE + 1).await?;
    let next_cursor = if rows.len() as i64 > PER_PAGE {
        rows.truncate(PER_PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    page(&ListPage {
        ctx,
        q,
        rows,
        next_cursor,
        statuses: CustomerStatus::ALL,
        areas: crate::catalog::areas(&state).await?,
        packages: crate::catalog::packages(&state).await?,
    })
}

#[derive(Template)]
#[template(path = "customers/show.html")]
struct ShowPage {
    ctx: Ctx,
    customer: CustomerRow,
    subscriptions: Vec<SubscriptionRow>,
    registrations: Vec<RegistrationRow>,
    timeline: Vec<TimelineEntry>,
    tickets: Vec<store::TicketLine>,
    visits: Vec<crate::visits::store::VisitRow>,
    packages: Arc<Vec<PackageRow>>,
    referrals: (i64, i64),
    can_edit: bool,
    /// The risk score now (live customers only) and the retention contacts made.
    risk: Option<crate::retention::risk::Assessment>,
    contacts: Vec<crate::retention::store::ContactRow>,
}

impl ShowPage {
    /// A risk reason in the reader's language, with its points.
    fn risk_reason(&self, r: &crate::retention::risk::Reason) -> String {
        format!("{} (+{})", self.ctx.tf(r.key, r.pairs()), r.points)
    }
    fn contact_outcome(&self, c: &crate::retention::store::ContactRow) -> String {
        self.ctx.t(&c.outcome.label_key()).to_string()
    }
    fn status_label(&self, s: &dyn std::fmt::Display) -> String {
        self.ctx.t(&status_key(s)).to_string()
    }
    fn reason_key(&self, reason: &str) -> &'static str {
        super::model::TerminationReason::parse(reason)
            .map(|r| r.label_key())
            .unwrap_or("reason.other")
    }
    /// A timeline entry as a sentence in the reader's language.
    fn said(&self, e: &TimelineEntry) -> crate::words::Said {
        super::events::read(self.ctx.reader(), e)
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let db = &state.db;
    // The independent reads side by side on the read pool.
    let (customer, subscriptions, registrations, timeline, tickets, visits, prices, referrals) = tokio::try_join!(
        store::get(db, id),
        store::subscriptions_of(db, id),
        registrations::of_customer(db, id),
        store::timeline(db, id),
        store::tickets_of(db, id, 20),
        crate::visits::store::serving(db, None, None, Some(id)),
        crate::retention::prices(&state),
        store::referral_counts(db, id),
    )?;
    let customer = customer.ok_or(AppError::NotFound)?;
    let (risk, contacts) = tokio::try_join!(
        crate::retention::risk_store::score_of(db, id, &state.config.risk, &prices, state.now()),
        crate::retention::store::contacts_of(db, id, 5),
    )?;
    page(&ShowPage {
        subscriptions,
        registrations,
        timeline,
        tickets,
        visits,
        packages: prices.packages.clone(),
        referrals,
        risk,
        contacts,
        can_edit: ctx.role() == Some(Role::Admin),
        ctx,
        customer,
    })
}

#[derive(Template)]
#[template(path = "customers/form.html")]
struct FormPage {
    ctx: Ctx,
    /// `None` when creating a walk-in customer.
    customer: Option<CustomerRow>,
    form: SignupForm,
    channel: String,
    errors: FieldErrors,
    areas: Arc<Vec<AreaRow>>,
    packages: Vec<PackageRow>,
}

async fn render_form(
    state: &AppState,
    ctx: Ctx,
    customer: Option<CustomerRow>,
    form: SignupForm,
    channel: String,
    errors: FieldErrors,
) -> AppResult<Response> {
    let valid = errors.is_empty();
    let p = FormPage {
        ctx,
        customer,
        form,
        channel,
        errors,
        areas: crate::catalog::areas(state).await?,
        packages: catalog::published_packages(&state.db).await?,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render_form(
        &state,
        ctx,
        None,
        SignupForm::default(),
        "walk_in".into(),
        FieldErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateForm {
    #[serde(flatten)]
    contact: SignupForm,
    channel: String,
}

#[derive(Template)]
#[template(path = "customers/created.html")]
struct CreatedPage {
    ctx: Ctx,
    /// `customers.created_title` or `customers.password_reset_title`.
    title_key: &'static str,
    /// An unknown referral code typed by staff, ignored.
    referral_ignored: bool,
    customer_id: i64,
    number: String,
    login: String,
    password: String,
}

/// A customer registered by staff (walk-in or phone): same checks as online, plus a one-time
/// password for the portal.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Form(f): Form<CreateForm>,
) -> AppResult<Response> {
    let channel = if f.channel == "phone" {
        "phone"
    } else {
        "walk_in"
    };
    let mut errors = FieldErrors::default();
    let contact = validate_contact(&state.db, &f.contact, &mut errors).await?;
    if let Some(c) = &contact {
        if !c.area.covered {
            errors.add("area_id", "signup.area_not_covered");
        }
    }
    let (Some(c), true) = (contact, errors.is_empty()) else {
        return render_form(&state, ctx, None, f.contact, channel.into(), errors).await;
    };
    let one_time = password::generate();
    let hash = state.hashing.hash(one_time.clone()).await?;
    let referrer = match f.contact.referral_code.trim() {
        "" => None,
        code => store::by_referral_code(&state.db, &code.to_uppercase()).await?,
    };
    let signup = NewSignup {
        name: &c.name,
        phone: &c.phone,
        email: c.email.as_ref(),
        address: &c.address,
        area: &c.area,
        package: &c.package,
        referrer: referrer.as_ref(),
        password_hash: &hash,
        must_change_password: true,
        channel,
        lang: ctx.lang,
        actor_name: &user.name,
    };
    let created = match pipeline::register(&state.db, ctx.actor(), state.now(), &signup).await {
        Ok(created) => created,
        Err(SignupError::PhoneTaken) => {
            errors.add("phone", "signup.phone_registered");
            return render_form(&state, ctx, None, f.contact, channel.into(), errors).await;
        }
        Err(SignupError::EmailTaken) => {
            errors.add("email", "signup.email_registered");
            return render_form(&state, ctx, None, f.contact, channel.into(), errors).await;
        }
        Err(SignupError::Other(e)) => return Err(e),
    };
    let customer = store::get(&state.db, created.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(no_store(page(&CreatedPage {
        ctx,
        title_key: "customers.created_title",
        referral_ignored: !f.contact.referral_code.trim().is_empty() && referrer.is_none(),
        customer_id: customer.id,
        number: customer.number,
        login: c.phone.to_string(),
        password: one_time,
    })?))
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let c = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let form = SignupForm {
        name: c.name.clone(),
        phone: c.phone.clone(),
        email: c.email.clone().unwrap_or_default(),
        address: c.address.clone(),
        area_id: c.area_id.map(|a| a.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    render_form(
        &state,
        ctx,
        Some(c),
        form,
        String::new(),
        FieldErrors::default(),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<SignupForm>,
) -> AppResult<Response> {
    let customer = store::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", web::required(&form.name, 100));
    let phone = errors.check("phone", PhoneNumber::parse(&form.phone));
    let email = if form.email.trim().is_empty() {
        Some(None)
    } else {
        errors.check("email", Email::parse(&form.email).map(Some))
    };
    let address = errors.check("address", web::required(&form.address, 300));
    let area = match form.area_id.parse::<i64>() {
        Ok(a) => catalog::get_area(&state.db, a).await?,
        Err(_) => None,
    };
    if area.is_none() {
        errors.add("area_id", "validation.area_required");
    }
    let input = match (name, phone, email, address, area) {
        (Some(name), Some(phone), Some(email), Some(address), Some(area)) if errors.is_empty() => {
            ProfileInput {
                name,
                phone,
                email,
                address,
                area,
            }
        }
        _ => return render_form(&state, ctx, Some(customer), form, String::new(), errors).await,
    };
    match service::update_profile(&state.db, ctx.actor(), state.now(), id, &input).await {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/staff/customers/{id}"),
            Flash::new("flash.customer_saved")
                .with("name", &input.name)
                .with("number", &customer.number),
        )),
        Err(AppError::Validation(errors)) => {
            render_form(&state, ctx, Some(customer), form, String::new(), errors).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "customers/referrals.html")]
struct ReferralsPage {
    ctx: Ctx,
    rows: Vec<Referrer>,
}

pub async fn referrals(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    page(&ReferralsPage {
        ctx,
        rows: store::top_referrers(&state.db, 50).await?,
    })
}

/// A new one-time password for a customer who forgot theirs (they change it at next login).
pub async fn reset_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (customer, one_time) =
        service::reset_password(&state.db, &state.hashing, ctx.actor(), state.now(), id).await?;
    Ok(no_store(page(&CreatedPage {
        ctx,
        title_key: "customers.password_reset_title",
        referral_ignored: false,
        customer_id: id,
        number: customer.number,
        login: customer.phone,
        password: one_time,
    })?))
}
