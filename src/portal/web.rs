use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::customers::model::status_key;
use crate::customers::store::{self as customers, CustomerRow, PackageChange, SubscriptionRow};
use crate::error::{AppError, AppResult};
use crate::signup::model::RegStatus;
use crate::signup::progress::owned_registration;
use crate::signup::progress::{progress, Progress};
use crate::signup::store as registrations;
use crate::state::AppState;
use crate::types::Email;
use crate::web::{self, page, redirect_with_flash, Ctx, CurrentUser, FieldErrors, Form, Path};

async fn me(state: &AppState, user: &CurrentUser) -> AppResult<CustomerRow> {
    customers::by_user(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    ctx: Ctx,
    customer: CustomerRow,
    subscriptions: Vec<SubscriptionRow>,
    open: Vec<Progress>,
    referrals: (i64, i64),
    steps: &'static [RegStatus],
    promos: Vec<crate::catalog::store::PromoRow>,
    news: Vec<crate::news::store::PostRow>,
    /// The office's WhatsApp number (digits for wa.me) and phone, when the profile has them.
    whatsapp: String,
    office_phone: String,
    /// Technician visits booked (not installations, which show in their registration's steps).
    visits: Vec<crate::visits::store::VisitRow>,
    /// An NPS survey request still waiting for this customer's answer.
    nps_request: Option<i64>,
}

impl HomePage {
    /// The WhatsApp message that asks the office to subscribe again (URL-encoded).
    fn again_text(&self) -> String {
        let text = self.ctx.tf(
            "portal.subscribe_again_message",
            [("number", self.customer.number.as_str())],
        );
        serde_urlencoded::to_string([("t", text)])
            .unwrap_or_default()
            .trim_start_matches("t=")
            .to_string()
    }

    /// Every subscription ended: the customer may sign up again.
    fn all_ended(&self) -> bool {
        !self.subscriptions.is_empty()
            && self
                .subscriptions
                .iter()
                .all(|s| s.status.as_str() == "terminated")
    }
    fn status_label(&self, s: &dyn std::fmt::Display) -> String {
        self.ctx.t(&status_key(s)).to_string()
    }
}

pub async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<Response> {
    let customer = me(&state, &user).await?;
    let today = crate::types::wib_date(state.now());
    let db = &state.db;
    // Independent reads side by side; what every customer sees comes from this instance's cache.
    let (registrations, company, shown, news, visits, subscriptions, referrals, nps_request) = tokio::try_join!(
        registrations::of_customer(db, customer.id),
        crate::site::shown_company(&state),
        crate::catalog::shown(&state, today),
        crate::news::latest(&state, 3),
        crate::visits::store::serving(db, None, None, Some(customer.id)),
        customers::subscriptions_of(db, customer.id),
        customers::referral_counts(db, customer.id),
        crate::nps::store::open_request(db, customer.id, state.now()),
    )?;
    let mut open = Vec::new();
    for reg in registrations {
        // Installed registrations show up as subscriptions; the rest show their progress.
        if reg.status != RegStatus::Installed {
            open.push(progress(&state, reg).await?);
        }
    }
    page(&HomePage {
        whatsapp: crate::types::PhoneNumber::parse(&company.whatsapp)
            .map(|p| p.as_str().trim_start_matches('+').to_string())
            .unwrap_or_default(),
        office_phone: company.phone.clone(),
        visits: visits
            .into_iter()
            .filter(|v| {
                v.status.is_booked() && v.kind != crate::visits::model::VisitKind::Installation
            })
            .collect(),
        subscriptions,
        referrals,
        promos: shown.promos.clone(),
        news: news.as_ref().clone(),
        nps_request,
        steps: &RegStatus::STEPS,
        ctx,
        customer,
        open,
    })
}

#[derive(Template)]
#[template(path = "portal/registration.html")]
struct RegistrationPage {
    ctx: Ctx,
    p: Progress,
    steps: &'static [RegStatus],
}

pub async fn registration(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let reg = owned_registration(&state.db, user.id, id).await?;
    let p = progress(&state, reg).await?;
    page(&RegistrationPage {
        ctx,
        p,
        steps: &RegStatus::STEPS,
    })
}

#[derive(Template)]
#[template(path = "portal/subscription.html")]
struct SubscriptionPage {
    ctx: Ctx,
    sub: SubscriptionRow,
    history: Vec<PackageChange>,
}

pub async fn subscription(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let customer = me(&state, &user).await?;
    let sub = customers::get_subscription(&state.db, id)
        .await?
        .filter(|s| s.customer_id == customer.id)
        .ok_or(AppError::NotFound)?;
    let history = customers::package_history(&state.db, id).await?;
    page(&SubscriptionPage { ctx, sub, history })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProfileForm {
    name: String,
    email: String,
}

#[derive(Template)]
#[template(path = "portal/profile.html")]
struct ProfilePage {
    ctx: Ctx,
    customer: CustomerRow,
    form: ProfileForm,
    errors: FieldErrors,
}

pub async fn profile_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> AppResult<Response> {
    let customer = me(&state, &user).await?;
    let form = ProfileForm {
        name: customer.name.clone(),
        email: customer.email.clone().unwrap_or_default(),
    };
    page(&ProfilePage {
        ctx,
        customer,
        form,
        errors: FieldErrors::default(),
    })
}

/// Customers edit their name and email; the phone number identifies them and changes through staff.
pub async fn update_profile(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    let customer = me(&state, &user).await?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", web::required(&form.name, 100));
    let email = if form.email.trim().is_empty() {
        Some(None)
    } else {
        errors.check("email", Email::parse(&form.email).map(Some))
    };
    let (Some(name), Some(email)) = (name, email) else {
        return web::invalid(&ProfilePage {
            ctx,
            customer,
            form,
            errors,
        });
    };
    let result = crate::customers::service::update_own_profile(
        &state.db,
        ctx.actor(),
        state.now(),
        &customer,
        &name,
        email.as_ref(),
    )
    .await;
    match result {
        Ok(()) => {}
        Err(AppError::Validation(errors)) => {
            return web::invalid(&ProfilePage {
                ctx,
                customer,
                form,
                errors,
            })
        }
        Err(e) => return Err(e),
    }
    Ok(redirect_with_flash(
        &state,
        "/portal/profile",
        "flash.profile_saved",
    ))
}
