//! The public sign-up form and its confirmation page.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use serde::Deserialize;

use super::contact::{validate_contact, SignupForm};
use super::pipeline::{self, NewSignup, SignupError};
use super::progress::owned_registration;
use super::store::RegistrationRow;
use crate::auth::{password, session};
use crate::catalog::store::{AreaRow, PackageRow};
use crate::customers::store as customers;
use crate::error::{AppError, AppResult};
use crate::site::store::WaitingEntry;
use crate::state::AppState;
use crate::types::Email;
use crate::web::{self, page, redirect, Ctx, CurrentUser, FieldErrors, Form, Path, Query};

#[derive(Template)]
#[template(path = "signup/form.html")]
struct FormPage {
    ctx: Ctx,
    form: SignupForm,
    errors: FieldErrors,
    packages: Vec<PackageRow>,
    /// The running promos and their packages, shown beside each package.
    promos: Vec<crate::catalog::store::PromoPackage>,
    areas: Vec<AreaRow>,
    /// Set when the phone or email is already registered.
    already_registered: bool,
}

impl FormPage {
    fn promos_for(&self, package_id: &i64) -> String {
        crate::catalog::model::deal_for(&self.promos, *package_id, self.ctx.lang)
            .titles
            .join(", ")
    }
    /// The running promos of the package chosen (or preselected), shown under the choice.
    fn chosen_promos(&self) -> String {
        self.form
            .package_id
            .parse()
            .map(|id| self.promos_for(&id))
            .unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignupQuery {
    package: String,
    area: String,
    #[serde(rename = "ref")]
    referral: String,
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SignupQuery>,
) -> AppResult<Response> {
    let form = SignupForm {
        package_id: q.package,
        area_id: q.area,
        referral_code: q.referral,
        ..Default::default()
    };
    render_form(&state, ctx, form, FieldErrors::default(), false, true).await
}

async fn render_form(
    state: &AppState,
    ctx: Ctx,
    form: SignupForm,
    errors: FieldErrors,
    already_registered: bool,
    valid: bool,
) -> AppResult<Response> {
    let shown = crate::catalog::shown(state, crate::types::wib_date(state.now())).await?;
    let p = FormPage {
        ctx,
        form,
        errors,
        packages: shown.packages.clone(),
        promos: shown.promo_packages.clone(),
        areas: shown.areas.clone(),
        already_registered,
    };
    web::page_or_invalid(&p, valid)
}

#[derive(Template)]
#[template(path = "signup/waitlisted.html")]
struct WaitlistedPage {
    ctx: Ctx,
    area: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(mut form): Form<SignupForm>,
) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Err(AppError::Conflict("signup.already_logged_in"));
    }
    // Taken out of the form so it is never echoed back into the page.
    let password = std::mem::take(&mut form.password);
    let mut errors = FieldErrors::default();
    let contact = validate_contact(&state.db, &form, &mut errors).await?;
    let inputs = [form.name.as_str(), form.phone.as_str(), form.email.as_str()];
    errors.check("password", password::check_policy_for(&password, &inputs));
    if form.consent.is_empty() {
        errors.add("consent", "validation.consent_required");
    }
    // An unknown referral code is ignored with a message; it never blocks the sign-up.
    let code = form.referral_code.trim().to_uppercase();
    let referrer = if code.is_empty() {
        None
    } else {
        customers::by_referral_code(&state.db, &code).await?
    };
    let referral_ignored = !code.is_empty() && referrer.is_none();
    let (Some(c), true) = (contact, errors.is_empty()) else {
        return render_form(&state, ctx, form, errors, false, false).await;
    };

    // Already a customer: one notice that names neither the field nor anything about the
    // account, only "log in or reset your password" (probing it is held to the sign-up rate
    // limit). A staff email is not a customer's: it is never reported as registered.
    let known = customers::signup_contact(
        &state.db,
        c.phone.as_str(),
        c.email.as_ref().map(Email::as_str),
    )
    .await?;
    if known.phone_taken || known.email_taken {
        return render_form(&state, ctx, form, errors, true, false).await;
    }

    if !c.area.covered {
        // Already on the list for this area: the same answer, nothing added.
        let actor = crate::audit::Actor {
            id: None,
            name: &c.name,
            ip: &ctx.ip,
        };
        crate::site::service::join_waiting_list(
            &state.db,
            actor,
            state.now(),
            &WaitingEntry {
                name: &c.name,
                phone: c.phone.as_str(),
                email: c.email.as_ref().map(Email::as_str),
                area_id: Some(c.area.id),
                area_text: &c.area.label(),
                address: &c.address,
                package_id: Some(c.package.id),
            },
        )
        .await?;
        return page(&WaitlistedPage {
            ctx,
            area: c.area.label(),
        });
    }

    let hash = state.hashing.hash(password).await?;
    let actor = crate::audit::Actor {
        id: None,
        name: &c.name,
        ip: &ctx.ip,
    };
    let result = pipeline::register(
        &state.db,
        actor,
        state.now(),
        &NewSignup {
            name: &c.name,
            phone: &c.phone,
            email: c.email.as_ref(),
            address: &c.address,
            area: &c.area,
            package: &c.package,
            referrer: referrer.as_ref(),
            password_hash: &hash,
            must_change_password: false,
            channel: "online",
            lang: ctx.lang,
            actor_name: &c.name,
        },
    )
    .await;
    let created = match result {
        Ok(c) => c,
        Err(SignupError::PhoneTaken | SignupError::EmailTaken) => {
            return render_form(&state, ctx, form, errors, true, false).await;
        }
        Err(SignupError::Other(e)) => return Err(e),
    };
    // Logged in at once, with a fresh session.
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token =
        session::start(&state.db, state.now(), created.user_id, &ctx.ip, user_agent).await?;
    let mut target = format!("/signup/done/{}", created.registration_id);
    if referral_ignored {
        target.push_str("?referral=unknown");
    }
    let mut res = redirect(&target);
    session::set_cookies(&state, &mut res, &token);
    Ok(res)
}

#[derive(Template)]
#[template(path = "signup/done.html")]
struct DonePage {
    ctx: Ctx,
    reg: RegistrationRow,
    referral_unknown: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DoneQuery {
    referral: String,
}

pub async fn done(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let reg = owned_registration(&state.db, user.id, id).await?;
    page(&DonePage {
        ctx,
        reg,
        referral_unknown: q.referral == "unknown",
    })
}
