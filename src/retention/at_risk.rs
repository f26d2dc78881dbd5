//! The at-risk customers page and the retention contact form. Read-only parts go to the stores;
//! recording a contact goes through [`service::record_contact`].

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::model::{Offer, Outcome, MAX_NOTE_CHARS};
use super::risk::{Assessment, Reason};
use super::risk_store::{self, Subject};
use super::service::{self, ContactInput};
use super::store::{self, ContactOutcomes, ContactRow, CustomerCard};
use crate::catalog::store::{self as catalog, AreaRow, PackageRow, PromoRow};
use crate::customers::store as customers;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::wib_date;
use crate::web::{self, page, redirect_with_flash, Ctx, FieldErrors, Flash, Form, Path, Query};

/// How many customers the list shows at most, in pages (pages stay small on a phone).
pub const LIST_LIMIT: usize = 100;
const PAGE_SIZE: usize = 25;

/// The window of the contact figures at the top of the list.
const OUTCOME_DAYS: i64 = 365;

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    area: String,
    package: String,
    #[serde(skip_serializing)]
    page: String,
}

/// One listed customer.
pub struct RiskRow {
    pub card: CustomerCard,
    pub assessment: Assessment,
    pub package: String,
    pub area: String,
    pub last: Option<ContactRow>,
}

#[derive(Template)]
#[template(path = "retention/at_risk.html")]
struct ListPage {
    ctx: Ctx,
    q: ListQuery,
    rows: Vec<RiskRow>,
    /// Customers at or above the threshold (the list shows the first [`LIST_LIMIT`]).
    above: usize,
    min_score: i64,
    outcomes: ContactOutcomes,
    areas: std::sync::Arc<Vec<AreaRow>>,
    packages: std::sync::Arc<Vec<PackageRow>>,
    /// 1-based; the rank of the first row is `(page - 1) * PAGE_SIZE + 1`.
    page: usize,
    has_next: bool,
}

impl ListPage {
    fn page_link(&self, page: usize) -> String {
        format!(
            "/staff/at-risk?{}&page={page}",
            serde_urlencoded::to_string(&self.q).unwrap_or_default()
        )
    }
    fn first_rank(&self) -> usize {
        (self.page - 1) * PAGE_SIZE + 1
    }
    fn reason(&self, r: &Reason) -> String {
        said(&self.ctx, r)
    }
    fn outcome(&self, c: &ContactRow) -> String {
        self.ctx.t(&c.outcome.label_key()).to_string()
    }
}

/// A reason in the reader's language: "3 keluhan dalam 30 hari (+30)".
fn said(ctx: &Ctx, r: &Reason) -> String {
    format!("{} (+{})", ctx.tf(r.key, r.pairs()), r.points)
}

fn parse_id(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let now = state.now();
    let weights = &state.config.risk;
    let subject = Subject::Scoped {
        area_id: parse_id(&q.area),
        package_id: parse_id(&q.package),
    };
    let prices = super::prices(&state).await?;
    let scored = risk_store::scored(&state.db, subject, weights, &prices, now).await?;
    let listed: Vec<_> = scored
        .into_iter()
        .filter(|s| s.assessment.score > 0 && s.assessment.score >= weights.min_score)
        .collect();
    let above = listed.len();
    let pages = LIST_LIMIT.min(above).div_ceil(PAGE_SIZE).max(1);
    let page_no = q.page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
    let has_next = page_no < pages;
    let top: Vec<_> = listed
        .into_iter()
        .take(LIST_LIMIT)
        .skip((page_no - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let ids: Vec<i64> = top.iter().map(|s| s.customer_id).collect();
    let mut cards = store::customer_cards(&state.db, &ids).await?;
    let mut last = store::last_contacts(&state.db, &ids).await?;
    let areas = crate::catalog::areas(&state).await?;
    let area_names: HashMap<i64, String> = areas.iter().map(|a| (a.id, a.label())).collect();
    let package_names: HashMap<i64, String> = prices
        .packages
        .iter()
        .map(|p| (p.id, p.name.clone()))
        .collect();
    let rows = top
        .into_iter()
        .filter_map(|s| {
            Some(RiskRow {
                card: cards.remove(&s.customer_id)?,
                package: package_names
                    .get(&s.package_id)
                    .cloned()
                    .unwrap_or_default(),
                area: s
                    .area_id
                    .and_then(|a| area_names.get(&a).cloned())
                    .unwrap_or_else(|| "-".into()),
                last: last.remove(&s.customer_id),
                assessment: s.assessment,
            })
        })
        .collect();
    let outcomes = store::contact_outcomes(
        &state.db,
        now - Duration::days(OUTCOME_DAYS),
        // The period's end is exclusive; a contact made this very second counts.
        now + Duration::seconds(1),
    )
    .await?;
    page(&ListPage {
        ctx,
        q,
        rows,
        above,
        min_score: weights.min_score,
        outcomes,
        areas,
        packages: prices.packages.clone(),
        page: page_no,
        has_next,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ContactForm {
    outcome: String,
    offer: String,
    note: String,
}

#[derive(Template)]
#[template(path = "retention/contact.html")]
struct ContactPage {
    ctx: Ctx,
    customer: customers::CustomerRow,
    assessment: Option<Assessment>,
    contacts: Vec<ContactRow>,
    promos: Vec<PromoRow>,
    packages: Vec<PackageRow>,
    outcomes: &'static [Outcome],
    form: ContactForm,
    errors: FieldErrors,
}

impl ContactPage {
    fn reason(&self, r: &Reason) -> String {
        said(&self.ctx, r)
    }
    fn outcome(&self, c: &ContactRow) -> String {
        self.ctx.t(&c.outcome.label_key()).to_string()
    }
    fn outcome_label(&self, o: &Outcome) -> String {
        self.ctx.t(&o.label_key()).to_string()
    }
}

async fn render_contact(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    form: ContactForm,
    errors: FieldErrors,
) -> AppResult<Response> {
    let customer = customers::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.now();
    let valid = errors.is_empty();
    let prices = super::prices(state).await?;
    let p = ContactPage {
        assessment: risk_store::score_of(&state.db, id, &state.config.risk, &prices, now).await?,
        contacts: store::contacts_of(&state.db, id, 10).await?,
        promos: catalog::running_promos(&state.db, wib_date(now)).await?,
        packages: prices
            .packages
            .iter()
            .filter(|p| p.published)
            .cloned()
            .collect(),
        outcomes: Outcome::ALL,
        ctx,
        customer,
        form,
        errors,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn contact_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render_contact(
        &state,
        ctx,
        id,
        ContactForm::default(),
        FieldErrors::default(),
    )
    .await
}

fn validate(id: i64, form: &ContactForm, errors: &mut FieldErrors) -> Option<ContactInput> {
    let outcome = errors.check(
        "outcome",
        Outcome::parse(&form.outcome).ok_or("risk.error.outcome"),
    );
    let offer = errors.check("offer", Offer::parse(&form.offer));
    let note = errors
        .check("note", web::optional(&form.note, MAX_NOTE_CHARS))
        .flatten()
        .unwrap_or_default();
    Some(ContactInput {
        customer_id: id,
        outcome: outcome?,
        offer: offer?,
        note,
    })
}

pub async fn record_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let result = match validate(id, &form, &mut errors) {
        Some(input) => {
            service::record_contact(
                &state.db,
                ctx.actor(),
                state.now(),
                &state.config.risk,
                &input,
            )
            .await
        }
        None => Err(AppError::Validation(errors)),
    };
    match result {
        Ok(done) => Ok(match (done.change_subscription, &done.offer_name) {
            // Accepted a package change: to the customer's change-package form, which the
            // staff member submits (the package never changes by itself).
            (Some(sub), Some(package)) => redirect_with_flash(
                &state,
                &format!("/staff/customers/{id}#pkg-{sub}"),
                Flash::new("risk.flash.accepted_package")
                    .with("name", &done.customer_name)
                    .with("package", package),
            ),
            _ => redirect_with_flash(
                &state,
                "/staff/at-risk",
                Flash::new("risk.flash.recorded")
                    .with("name", &done.customer_name)
                    .with_key(
                        "outcome",
                        Outcome::parse(&form.outcome)
                            .map_or_else(|| "risk.outcome.called".to_string(), |o| o.label_key()),
                    ),
            ),
        }),
        Err(AppError::Validation(errors)) => render_contact(&state, ctx, id, form, errors).await,
        Err(e) => Err(e),
    }
}
