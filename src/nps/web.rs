//! The staff survey pages (`/staff/surveys`), the answer form through the signed link
//! (`/nps/{token}`, no login) and through the portal (`/portal/nps/{id}`).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::link::{self, LinkError};
use super::model::{self, parse_months, Group, Score, Segment, SegmentKind};
use super::service::{self, Via, ALREADY_ANSWERED, EXPIRED, NONE_ELIGIBLE};
use super::store::{self, NpsCounts, Reach, ReasonRow, RequestRow, SurveyRow};
use crate::auth::Role;
use crate::catalog::store::{self as catalog, AreaRow, PackageRow};
use crate::customers::store as customers;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::reports::stats::{fmt_percent, percent};
use crate::state::AppState;
use crate::types::{fmt_date, fmt_datetime, wib_date};
use crate::web::{
    self, no_store, redirect_with_flash, Confirm, Confirmed, Ctx, CurrentUser, FieldErrors, Flash,
    Form, Path,
};

// ---- staff: the list and the start form ----

/// The "start a survey" form.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StartForm {
    segment: String,
    area: String,
    package: String,
    months: String,
    confirm: Confirmed,
}

impl StartForm {
    /// The segment asked for, or the field errors.
    fn parse(&self) -> Result<Segment, FieldErrors> {
        let mut errors = FieldErrors::default();
        let id = |v: &str| v.trim().parse::<i64>().ok().filter(|n| *n > 0);
        let segment = match SegmentKind::parse(&self.segment) {
            Some(SegmentKind::All) => Some(Segment::All),
            Some(SegmentKind::Area) => match id(&self.area) {
                Some(a) => Some(Segment::Area(a)),
                None => {
                    errors.add("area", "nps.area_required");
                    None
                }
            },
            Some(SegmentKind::Package) => match id(&self.package) {
                Some(p) => Some(Segment::Package(p)),
                None => {
                    errors.add("package", "nps.package_required");
                    None
                }
            },
            Some(SegmentKind::Tenure) => errors
                .check("months", parse_months(&self.months))
                .map(Segment::Tenure),
            None => {
                errors.add("segment", "nps.segment_required");
                None
            }
        };
        match segment {
            Some(s) if errors.is_empty() => Ok(s),
            _ => Err(errors),
        }
    }
}

#[derive(Template)]
#[template(path = "nps/list.html")]
struct ListPage {
    ctx: Ctx,
    surveys: Vec<SurveyRow>,
    can_start: bool,
    areas: std::sync::Arc<Vec<AreaRow>>,
    packages: std::sync::Arc<Vec<PackageRow>>,
    form: StartForm,
    errors: FieldErrors,
}

impl ListPage {
    fn segment_text(&self, s: &SurveyRow) -> String {
        segment_text(&self.ctx, s)
    }
    fn date(&self, s: &SurveyRow) -> String {
        fmt_date(&s.created_at)
    }
    fn rate(&self, s: &SurveyRow) -> String {
        fmt_percent(percent(s.answers, s.sent), self.ctx.lang)
    }
    fn nps(&self, s: &SurveyRow) -> String {
        nps_text(s.counts(), self.ctx.lang)
    }
    fn kinds(&self) -> &'static [SegmentKind] {
        SegmentKind::ALL
    }
    fn checked(&self, k: &SegmentKind) -> bool {
        self.form.segment == k.as_str() || (self.form.segment.is_empty() && *k == SegmentKind::All)
    }
}

/// The segment in words: "Area Cibabat", "Paket Rumah 20", "Pelanggan ≥ 12 bulan".
fn segment_text(ctx: &Ctx, s: &SurveyRow) -> String {
    match s.segment {
        SegmentKind::All => ctx.t("nps.segment_text.all").to_string(),
        SegmentKind::Area => ctx.tf(
            "nps.segment_text.area",
            [("area", s.area_name.as_deref().unwrap_or("-"))],
        ),
        SegmentKind::Package => ctx.tf(
            "nps.segment_text.package",
            [("package", s.package_name.as_deref().unwrap_or("-"))],
        ),
        SegmentKind::Tenure => ctx.tf(
            "nps.segment_text.tenure",
            [("months", s.min_months.unwrap_or(0).to_string().as_str())],
        ),
    }
}

/// The score with one decimal ("30,0"), "–" without answers.
fn nps_text(c: NpsCounts, lang: Lang) -> String {
    match c.nps() {
        None => "–".into(),
        Some(v) => {
            let s = format!("{v:.1}");
            if lang == Lang::Id {
                s.replace('.', ",")
            } else {
                s
            }
        }
    }
}

const LIST_LIMIT: i64 = 50;

async fn list_page(
    state: &AppState,
    ctx: Ctx,
    form: StartForm,
    errors: FieldErrors,
) -> AppResult<ListPage> {
    let can_start = ctx.role() == Some(Role::Admin);
    let (areas, packages) = if can_start {
        (
            crate::catalog::areas(state).await?,
            crate::catalog::packages(state).await?,
        )
    } else {
        Default::default()
    };
    Ok(ListPage {
        surveys: store::surveys(&state.db, LIST_LIMIT).await?,
        can_start,
        areas,
        packages,
        form,
        errors,
        ctx,
    })
}

/// `GET /staff/surveys`: the surveys so far, and (for admins) the form that starts one.
pub async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let page = list_page(&state, ctx, StartForm::default(), FieldErrors::default()).await?;
    web::page(&page)
}

/// `POST /staff/surveys`: first the reach of the segment as a confirmation; confirmed, the
/// survey starts (requests, mails) and the survey's page opens.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<StartForm>,
) -> AppResult<Response> {
    let refuse = |state: AppState, ctx: Ctx, form: StartForm, errors: FieldErrors| async move {
        let page = list_page(&state, ctx, form, errors).await?;
        web::invalid(&page)
    };
    let segment = match form.parse() {
        Ok(s) => s,
        Err(errors) => return refuse(state, ctx, form, errors).await,
    };
    let now = state.now();
    let (named, label) = match segment {
        Segment::Area(id) => match catalog::get_area(&state.db, id).await? {
            Some(a) => (true, a.name),
            None => (false, String::new()),
        },
        Segment::Package(id) => match catalog::get_package(&state.db, id).await? {
            Some(p) => (true, p.name),
            None => (false, String::new()),
        },
        _ => (true, String::new()),
    };
    if !named {
        let mut errors = FieldErrors::default();
        match segment {
            Segment::Area(_) => errors.add("area", "nps.area_unknown"),
            _ => errors.add("package", "nps.package_unknown"),
        }
        return refuse(state, ctx, form, errors).await;
    }
    let reach: Reach = store::reach(&state.db, segment, wib_date(now), now).await?;
    if reach.eligible == 0 {
        let mut errors = FieldErrors::default();
        errors.add("segment", NONE_ELIGIBLE);
        return refuse(state, ctx, form, errors).await;
    }
    if !form.confirm.given() {
        let eligible = reach.eligible.to_string();
        let segment_words = match segment {
            Segment::All => ctx.t("nps.segment_text.all").to_string(),
            Segment::Area(_) => ctx.tf("nps.segment_text.area", [("area", label.as_str())]),
            Segment::Package(_) => {
                ctx.tf("nps.segment_text.package", [("package", label.as_str())])
            }
            Segment::Tenure(n) => ctx.tf(
                "nps.segment_text.tenure",
                [("months", n.to_string().as_str())],
            ),
        };
        return Confirm::new(
            ctx,
            "nps.confirm_start",
            &[
                ("count", eligible.as_str()),
                ("segment", segment_words.as_str()),
            ],
        )
        .post_to("/staff/surveys")
        .back_to("/staff/surveys")
        .fact("nps.reach_segment", segment_words.clone())
        .fact("nps.reach_in_segment", reach.in_segment.to_string())
        .fact(
            "nps.reach_skipped",
            (reach.in_segment - reach.eligible).to_string(),
        )
        .fact("nps.reach_eligible", eligible.clone())
        .fact("nps.reach_email", reach.with_email.to_string())
        .fact(
            "nps.reach_portal",
            (reach.eligible - reach.with_email).to_string(),
        )
        .carry("segment", form.segment.clone())
        .carry("area", form.area.clone())
        .carry("package", form.package.clone())
        .carry("months", form.months.clone())
        .page();
    }
    match service::start(&state.db, &state.links(), ctx.actor(), now, segment).await {
        Ok(s) => {
            let flash = Flash::new("nps.started")
                .with("survey", format!("#{}", s.survey_id))
                .with("asked", s.asked.to_string())
                .with("mailed", s.mailed.to_string());
            Ok(redirect_with_flash(
                &state,
                &format!("/staff/surveys/{}", s.survey_id),
                flash,
            ))
        }
        Err(AppError::Conflict(k)) if k == NONE_ELIGIBLE => {
            let mut errors = FieldErrors::default();
            errors.add("segment", NONE_ELIGIBLE);
            refuse(state, ctx, form, errors).await
        }
        Err(AppError::Validation(errors)) => refuse(state, ctx, form, errors).await,
        Err(e) => Err(e),
    }
}

// ---- staff: one survey ----

#[derive(Template)]
#[template(path = "nps/show.html")]
struct ShowPage {
    ctx: Ctx,
    survey: SurveyRow,
    distribution: [i64; 11],
    reasons: Vec<ReasonRow>,
}

impl ShowPage {
    fn segment_text(&self) -> String {
        segment_text(&self.ctx, &self.survey)
    }
    fn rate(&self) -> String {
        fmt_percent(
            percent(self.survey.answers, self.survey.sent),
            self.ctx.lang,
        )
    }
    fn nps(&self) -> String {
        nps_text(self.survey.counts(), self.ctx.lang)
    }
    fn share(&self, n: &i64) -> String {
        fmt_percent(percent(*n, self.survey.answers), self.ctx.lang)
    }
    /// The bars of the distribution: score, count, width in percent of the largest, group.
    fn bars(&self) -> Vec<(usize, i64, i64, Group)> {
        let max = self.distribution.iter().copied().max().unwrap_or(0).max(1);
        self.distribution
            .iter()
            .enumerate()
            .map(|(score, &n)| (score, n, n * 100 / max, Group::of(score as i64)))
            .collect()
    }
    fn when(&self, r: &ReasonRow) -> String {
        fmt_datetime(&r.answered_at)
    }
    fn group(&self, score: &i64) -> Group {
        Group::of(*score)
    }
}

const REASONS_LIMIT: i64 = 50;

/// `GET /staff/surveys/{id}`: sent, answered, the score so far, its spread and the reasons.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let survey = store::survey(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let distribution = store::distribution(&state.db, id).await?;
    let reasons = store::reasons(&state.db, id, REASONS_LIMIT).await?;
    web::page(&ShowPage {
        ctx,
        survey,
        distribution,
        reasons,
    })
}

// ---- the answer form (link and portal) ----

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AnswerForm {
    score: String,
    reason: String,
}

fn parse_answer(form: &AnswerForm) -> Result<(Score, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let score = errors.check("score", Score::parse(&form.score));
    let reason = errors.check("reason", model::reason(&form.reason));
    match (score, reason) {
        (Some(s), Some(r)) if errors.is_empty() => Ok((s, r)),
        _ => Err(errors),
    }
}

#[derive(Template)]
#[template(path = "nps/answer.html")]
struct AnswerPage {
    ctx: Ctx,
    action: String,
    form: AnswerForm,
    errors: FieldErrors,
    /// Back to the portal (the portal's form).
    portal: bool,
}

impl AnswerPage {
    fn scores(&self) -> std::ops::RangeInclusive<i64> {
        0..=10
    }
    fn checked(&self, n: &i64) -> bool {
        self.form.score.trim() == n.to_string()
    }
}

/// A page about the link or the answer instead of the form.
#[derive(Template)]
#[template(path = "nps/message.html")]
struct MessagePage {
    ctx: Ctx,
    testid: &'static str,
    title_key: &'static str,
    message_key: &'static str,
    score: Option<i64>,
    portal: bool,
}

fn message(
    ctx: Ctx,
    status: StatusCode,
    testid: &'static str,
    title_key: &'static str,
    message_key: &'static str,
    score: Option<i64>,
) -> AppResult<Response> {
    let portal = ctx.role() == Some(Role::Customer);
    let page = MessagePage {
        ctx,
        testid,
        title_key,
        message_key,
        score,
        portal,
    };
    Ok(no_store((status, Html(page.render()?)).into_response()))
}

fn invalid_link(ctx: Ctx) -> AppResult<Response> {
    message(
        ctx,
        StatusCode::NOT_FOUND,
        "nps-invalid",
        "nps.invalid_title",
        "nps.invalid",
        None,
    )
}

fn expired(ctx: Ctx) -> AppResult<Response> {
    message(
        ctx,
        StatusCode::GONE,
        "nps-expired",
        "nps.expired_title",
        EXPIRED,
        None,
    )
}

fn already(ctx: Ctx, status: StatusCode, score: Option<i64>) -> AppResult<Response> {
    message(
        ctx,
        status,
        "nps-already",
        "nps.already_title",
        ALREADY_ANSWERED,
        score,
    )
}

fn thanks(ctx: Ctx, score: i64) -> AppResult<Response> {
    message(
        ctx,
        StatusCode::OK,
        "nps-thanks",
        "nps.thanks_title",
        "nps.thanks",
        Some(score),
    )
}

/// What a request leads to: the form, or the page that says why not (answered, expired).
fn state_of(
    ctx: &Ctx,
    req: &RequestRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<AppResult<Response>> {
    if req.answered_at.is_some() {
        return Some(already(ctx.clone(), StatusCode::OK, req.score));
    }
    if now >= req.expires_at() {
        return Some(expired(ctx.clone()));
    }
    None
}

/// The request a token names, or the page that says the link is no good.
async fn linked(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
) -> AppResult<Result<RequestRow, Response>> {
    let id = match link::verify(&state.secret, token, state.now()) {
        Ok(id) => id,
        Err(LinkError::Forged) => return Ok(Err(invalid_link(ctx.clone())?)),
        Err(LinkError::Expired) => return Ok(Err(expired(ctx.clone())?)),
    };
    match store::request(&state.db, id).await? {
        Some(r) => Ok(Ok(r)),
        None => Ok(Err(invalid_link(ctx.clone())?)),
    }
}

fn answer_page(ctx: Ctx, action: String, form: AnswerForm, errors: FieldErrors) -> AnswerPage {
    let portal = ctx.role() == Some(Role::Customer);
    AnswerPage {
        ctx,
        action,
        form,
        errors,
        portal,
    }
}

/// A refusal of a POST: what the GET shows, as a 409 when it was a plain page.
fn as_conflict(r: AppResult<Response>) -> AppResult<Response> {
    r.map(|mut r| {
        if r.status() == StatusCode::OK {
            *r.status_mut() = StatusCode::CONFLICT;
        }
        r
    })
}

/// Stores an answer and says thanks, or says why not.
async fn submit(
    state: &AppState,
    ctx: Ctx,
    req: &RequestRow,
    via: Via,
    action: String,
    form: AnswerForm,
) -> AppResult<Response> {
    if let Some(page) = state_of(&ctx, req, state.now()) {
        return as_conflict(page);
    }
    let (score, reason) = match parse_answer(&form) {
        Ok(v) => v,
        Err(errors) => {
            return Ok(no_store(web::invalid(&answer_page(
                ctx, action, form, errors,
            ))?))
        }
    };
    match service::answer(
        &state.db,
        ctx.actor(),
        state.now(),
        req.id,
        via,
        score,
        &reason,
    )
    .await
    {
        Ok(_) => thanks(ctx, score.get()),
        Err(AppError::Conflict(k)) if k == ALREADY_ANSWERED => {
            already(ctx, StatusCode::CONFLICT, None)
        }
        Err(AppError::Conflict(k)) if k == EXPIRED => expired(ctx),
        Err(e) => Err(e),
    }
}

/// `GET /nps/{token}`: the question, from the mail's link.
pub async fn link_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let req = match linked(&state, &ctx, &token).await? {
        Ok(r) => r,
        Err(page) => return Ok(page),
    };
    if let Some(page) = state_of(&ctx, &req, state.now()) {
        return page;
    }
    let page = answer_page(
        ctx,
        format!("/nps/{token}"),
        AnswerForm::default(),
        FieldErrors::default(),
    );
    Ok(no_store(web::page(&page)?))
}

/// `POST /nps/{token}`: the answer, once.
pub async fn link_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let req = match linked(&state, &ctx, &token).await? {
        Ok(r) => r,
        Err(page) => return Ok(page),
    };
    submit(&state, ctx, &req, Via::Link, format!("/nps/{token}"), form).await
}

/// The logged-in customer's own request `id`; someone else's is not found.
async fn own_request(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> AppResult<(RequestRow, i64)> {
    let customer = customers::by_user(&state.db, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let req = store::request(&state.db, id)
        .await?
        .filter(|r| r.customer_id == customer.id)
        .ok_or(AppError::NotFound)?;
    Ok((req, customer.id))
}

/// `GET /portal/nps/{id}`: the question, from the portal's card.
pub async fn portal_form(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (req, _) = own_request(&state, &user, id).await?;
    if let Some(page) = state_of(&ctx, &req, state.now()) {
        return page;
    }
    let page = answer_page(
        ctx,
        format!("/portal/nps/{id}"),
        AnswerForm::default(),
        FieldErrors::default(),
    );
    web::page(&page)
}

/// `POST /portal/nps/{id}`: the answer, once.
pub async fn portal_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let (req, customer_id) = own_request(&state, &user, id).await?;
    submit(
        &state,
        ctx,
        &req,
        Via::Portal { customer_id },
        format!("/portal/nps/{id}"),
        form,
    )
    .await
}
