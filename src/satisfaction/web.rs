//! The rating link (`/rate/{token}`, no login), the portal's rating form post, and the staff
//! list of low ratings to call back.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::link::{self, LinkError};
use super::model::{self, star_symbols, stars_label_key, Stars, SubjectKind, Via};
use super::service::{self, RateInput, ALREADY_FOLLOWED_UP, ALREADY_RATED, NOT_RATEABLE};
use super::store::{self, LowFilter, LowRow, Subject};
use crate::customers::store as customers;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::fmt_datetime;
use crate::web::{
    self, no_store, redirect_with_flash, Ctx, CurrentUser, FieldErrors, Flash, Form, Path, Query,
};

/// The rating form's fields (the portal's ticket page posts the same two).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RateForm {
    stars: String,
    comment: String,
}

/// The stars and comment of a form, or its field errors.
fn parse_form(form: &RateForm) -> Result<(Stars, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let stars = errors.check("stars", Stars::parse(&form.stars));
    let comment = errors.check("comment", model::comment(&form.comment));
    match (stars, comment) {
        (Some(s), Some(c)) if errors.is_empty() => Ok((s, c)),
        _ => Err(errors),
    }
}

/// The translation key of a rated subject's category (the tickets area names them).
fn category_key(kind: SubjectKind, category: Option<&str>) -> Option<String> {
    match kind {
        SubjectKind::Ticket => category.map(|c| format!("ticket.category.{c}")),
        SubjectKind::Installation => Some("visit.kind.installation".into()),
    }
}

// ---- the rating link ----

#[derive(Template)]
#[template(path = "satisfaction/rate.html")]
struct RatePage {
    ctx: Ctx,
    action: String,
    number: String,
    category_key: Option<String>,
    form: RateForm,
    errors: FieldErrors,
}

/// A page about the link or the rating instead of the form: invalid, expired, already rated,
/// not rateable, thanks.
#[derive(Template)]
#[template(path = "satisfaction/message.html")]
struct MessagePage {
    ctx: Ctx,
    testid: &'static str,
    title_key: &'static str,
    message: String,
    /// The rating just given or found (stars), shown under the message.
    stars: Option<i64>,
    /// A follow-up line (a low rating will be called back).
    note_key: Option<&'static str>,
    /// Where to go next: the portal.
    portal: bool,
}

impl MessagePage {
    fn stars_text(&self, n: i64) -> String {
        format!(
            "{} {n}/5 · {}",
            star_symbols(n),
            self.ctx.t(stars_label_key(n))
        )
    }
}

fn message(status: StatusCode, page: MessagePage) -> AppResult<Response> {
    Ok(no_store((status, Html(page.render()?)).into_response()))
}

fn link_invalid(ctx: Ctx, why: LinkError) -> AppResult<Response> {
    let (status, testid, title_key, key) = match why {
        LinkError::Forged => (
            StatusCode::NOT_FOUND,
            "rating-invalid",
            "rating.invalid_title",
            "rating.invalid_forged",
        ),
        LinkError::Expired => (
            StatusCode::GONE,
            "rating-expired",
            "rating.expired_title",
            "rating.expired",
        ),
    };
    let message = ctx.t(key).to_string();
    self::message(
        status,
        MessagePage {
            ctx,
            testid,
            title_key,
            message,
            stars: None,
            note_key: None,
            portal: why == LinkError::Expired,
        },
    )
}

fn already_rated(ctx: Ctx, status: StatusCode, stars: Option<i64>) -> AppResult<Response> {
    let message = ctx.t(ALREADY_RATED).to_string();
    self::message(
        status,
        MessagePage {
            ctx,
            testid: "rating-already",
            title_key: "rating.already_title",
            message,
            stars,
            note_key: None,
            portal: false,
        },
    )
}

fn not_rateable(ctx: Ctx) -> AppResult<Response> {
    let message = ctx.t(NOT_RATEABLE).to_string();
    self::message(
        StatusCode::CONFLICT,
        MessagePage {
            ctx,
            testid: "rating-not-rateable",
            title_key: "rating.not_rateable_title",
            message,
            stars: None,
            note_key: None,
            portal: true,
        },
    )
}

/// What a token leads to: the subject to rate, or the page that says why not.
enum Linked {
    Open(SubjectKind, Subject),
    Answer(AppResult<Response>),
}

async fn linked(state: &AppState, ctx: &Ctx, token: &str) -> AppResult<Linked> {
    let (kind, id) = match link::verify(&state.secret, token, state.now()) {
        Ok(named) => named,
        Err(why) => return Ok(Linked::Answer(link_invalid(ctx.clone(), why))),
    };
    let Some(subject) = store::subject(&state.db, kind, id).await? else {
        return Ok(Linked::Answer(link_invalid(ctx.clone(), LinkError::Forged)));
    };
    if let Some(r) = store::for_subject(&state.db, kind, id).await? {
        return Ok(Linked::Answer(already_rated(
            ctx.clone(),
            StatusCode::OK,
            Some(r.stars),
        )));
    }
    if !subject.rateable(kind) {
        return Ok(Linked::Answer(not_rateable(ctx.clone())));
    }
    Ok(Linked::Open(kind, subject))
}

fn rate_page(
    ctx: Ctx,
    token: &str,
    kind: SubjectKind,
    subject: &Subject,
    form: RateForm,
    errors: FieldErrors,
) -> RatePage {
    RatePage {
        ctx,
        action: format!("/rate/{token}"),
        number: subject.label.clone(),
        category_key: category_key(kind, subject.category.as_deref()),
        form,
        errors,
    }
}

pub async fn link_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (kind, subject) = match linked(&state, &ctx, &token).await? {
        Linked::Open(kind, subject) => (kind, subject),
        Linked::Answer(page) => return page,
    };
    let page = rate_page(
        ctx,
        &token,
        kind,
        &subject,
        RateForm::default(),
        FieldErrors::default(),
    );
    Ok(no_store(web::page(&page)?))
}

fn thanks(ctx: Ctx, number: &str, stars: Stars) -> AppResult<Response> {
    let message = ctx.tf("rating.thanks", [("number", number)]);
    self::message(
        StatusCode::OK,
        MessagePage {
            ctx,
            testid: "rating-thanks",
            title_key: "rating.thanks_title",
            message,
            stars: Some(stars.get()),
            note_key: stars.is_low().then_some("rating.thanks_low"),
            portal: false,
        },
    )
}

pub async fn link_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<RateForm>,
) -> AppResult<Response> {
    let (kind, subject) = match linked(&state, &ctx, &token).await? {
        Linked::Open(kind, subject) => (kind, subject),
        // A second submission meets the "already rated" page, now as a refusal.
        Linked::Answer(page) => {
            return page.map(|mut r| {
                if r.status() == StatusCode::OK {
                    *r.status_mut() = StatusCode::CONFLICT;
                }
                r
            })
        }
    };
    let (stars, comment) = match parse_form(&form) {
        Ok(v) => v,
        Err(errors) => {
            let page = rate_page(ctx, &token, kind, &subject, form, errors);
            return Ok(no_store(web::invalid(&page)?));
        }
    };
    let input = RateInput {
        kind,
        subject_id: subject.id,
        customer_id: subject.customer_id,
        stars,
        comment: &comment,
        via: Via::Link,
    };
    match service::rate(&state.db, ctx.actor(), state.now(), input).await {
        Ok(_) => thanks(ctx, &subject.label, stars),
        Err(AppError::Conflict(k)) if k == ALREADY_RATED => {
            already_rated(ctx, StatusCode::CONFLICT, None)
        }
        Err(AppError::Conflict(k)) if k == NOT_RATEABLE => not_rateable(ctx),
        Err(e) => Err(e),
    }
}

// ---- the portal ----

#[derive(Template)]
#[template(path = "satisfaction/portal_rate.html")]
struct PortalRatePage {
    ctx: Ctx,
    ticket_id: i64,
    action: String,
    number: String,
    form: RateForm,
    errors: FieldErrors,
}

/// `POST /portal/tickets/{id}/rate`: the customer rates their resolved ticket from its page.
pub async fn portal_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<RateForm>,
) -> AppResult<Response> {
    let customer = customers::by_user(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = SubjectKind::Ticket;
    let subject = store::subject(&state.db, kind, id)
        .await?
        .filter(|s| s.customer_id == customer.id)
        .ok_or(AppError::NotFound)?;
    let back = format!("/portal/tickets/{id}");
    let (stars, comment) = match parse_form(&form) {
        Ok(v) => v,
        Err(errors) => {
            return web::invalid(&PortalRatePage {
                ctx,
                ticket_id: id,
                action: format!("{back}/rate"),
                number: subject.label,
                form,
                errors,
            })
        }
    };
    let input = RateInput {
        kind,
        subject_id: id,
        customer_id: customer.id,
        stars,
        comment: &comment,
        via: Via::Portal,
    };
    match service::rate(&state.db, ctx.actor(), state.now(), input).await {
        Ok(_) => Ok(redirect_with_flash(&state, &back, "flash.rating_thanks")),
        Err(AppError::Conflict(k)) if k == ALREADY_RATED => {
            Ok(redirect_with_flash(&state, &back, "flash.rating_already"))
        }
        Err(e) => Err(e),
    }
}

// ---- staff: low ratings to call back ----

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    /// `todo` (default), `done` or `all`.
    show: String,
    #[serde(skip_serializing)]
    before: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> LowFilter {
        match self.show.as_str() {
            "done" => LowFilter::Done,
            "all" => LowFilter::All,
            _ => LowFilter::ToCallBack,
        }
    }
}

const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "satisfaction/low_list.html")]
struct LowListPage {
    ctx: Ctx,
    q: ListQuery,
    filter: LowFilter,
    rows: Vec<LowRow>,
    next_cursor: Option<i64>,
    can_follow_up: bool,
}

impl LowListPage {
    fn tabs(&self) -> [(&'static str, &'static str, bool); 3] {
        [
            (
                "todo",
                "rating.show_todo",
                self.filter == LowFilter::ToCallBack,
            ),
            ("done", "rating.show_done", self.filter == LowFilter::Done),
            ("all", "rating.show_all", self.filter == LowFilter::All),
        ]
    }
    fn next_link(&self, before: i64) -> String {
        format!(
            "/staff/ratings?{}&before={before}",
            serde_urlencoded::to_string(&self.q).unwrap_or_default()
        )
    }
    fn first_link(&self) -> String {
        format!(
            "/staff/ratings?{}",
            serde_urlencoded::to_string(&self.q).unwrap_or_default()
        )
    }
    fn subject_link(&self, r: &LowRow) -> String {
        match r.subject_kind {
            SubjectKind::Ticket => format!("/staff/tickets/{}", r.subject_id),
            SubjectKind::Installation => format!("/staff/visits/{}", r.subject_id),
        }
    }
    fn subject_label(&self, r: &LowRow) -> String {
        r.subject_label
            .clone()
            .unwrap_or_else(|| format!("#{}", r.subject_id))
    }
    fn category(&self, r: &LowRow) -> String {
        match category_key(r.subject_kind, r.category.as_deref()) {
            Some(k) => self.ctx.t(&k).to_string(),
            None => r.category.clone().unwrap_or_default(),
        }
    }
    fn stars_text(&self, r: &LowRow) -> String {
        format!("{} {}/5", star_symbols(r.stars), r.stars)
    }
    fn followed_up(&self, r: &LowRow) -> String {
        let when = r
            .followed_up_at
            .as_ref()
            .map(fmt_datetime)
            .unwrap_or_default();
        let name = r.followed_up_by_name.as_deref().unwrap_or("-");
        self.ctx.tf(
            "rating.followed_up_by",
            [("when", when.as_str()), ("name", name)],
        )
    }
}

pub async fn low_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let filter = q.filter();
    let mut rows = store::low_ratings(&state.db, filter, q.before, PER_PAGE + 1).await?;
    let next_cursor = if rows.len() as i64 > PER_PAGE {
        rows.truncate(PER_PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    web::page(&LowListPage {
        can_follow_up: ctx.role() == Some(crate::auth::Role::Admin),
        ctx,
        q,
        filter,
        rows,
        next_cursor,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowUpForm {
    note: String,
}

/// `POST /staff/ratings/{id}/follow-up`: the customer was called back.
pub async fn follow_up(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<FollowUpForm>,
) -> AppResult<Response> {
    let note = web::optional(&form.note, model::MAX_COMMENT_CHARS)
        .map_err(|k| AppError::field("note", k))?
        .unwrap_or_default();
    match service::follow_up(&state.db, ctx.actor(), state.now(), id, &note).await {
        Ok(r) => {
            let label = store::subject(&state.db, r.subject_kind, r.subject_id)
                .await?
                .map(|s| s.label)
                .unwrap_or_default();
            let flash = Flash::new("flash.rating_followed_up")
                .with("number", label)
                .with("stars", r.stars.to_string());
            Ok(redirect_with_flash(&state, "/staff/ratings", flash))
        }
        Err(AppError::Conflict(k)) if k == ALREADY_FOLLOWED_UP => Ok(redirect_with_flash(
            &state,
            "/staff/ratings",
            "flash.rating_already_followed_up",
        )),
        Err(e) => Err(e),
    }
}
