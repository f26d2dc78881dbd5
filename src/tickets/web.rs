//! The complaint desk for staff: lists with filters and search, the ticket with its thread,
//! replies and notes, status, assignment and priority (filing for a caller: [`super::caller`]).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::list::{self as lists, Cursor, Filter, ListRow, SlaFilter, Sort, StatusFilter};
use super::model::{Category, Channel, Priority, TicketStatus};
use super::service::{self, StaffReply};
use super::store::{self, SavedReply, TicketRow};
use super::thread::Thread;
use crate::auth::Role;
use crate::catalog::{self, store::AreaRow};
use crate::customers::model::status_key;
use crate::customers::store::{self as customers, CustomerRow, SubscriptionRow};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::users::{self, store::StaffName};
use crate::web::{
    self, page, redirect_with_flash, Confirm, Confirmed, Ctx, CurrentUser, FieldErrors, Flash,
    Form, Path, Query,
};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct ListQuery {
    /// `mine`, `unassigned` or empty (all).
    view: String,
    status: String,
    category: String,
    priority: String,
    channel: String,
    area: String,
    assignee: String,
    sla: String,
    q: String,
    sort: String,
    #[serde(skip_serializing)]
    after: String,
}

#[derive(Template)]
#[template(path = "tickets/list.html")]
struct ListPage {
    ctx: Ctx,
    q: ListQuery,
    rows: Vec<ListRow>,
    next: Option<String>,
    areas: Arc<Vec<AreaRow>>,
    admins: Arc<Vec<StaffName>>,
    now: DateTime<Utc>,
}

impl ListPage {
    fn link(&self, view: &str) -> String {
        format!("/staff/tickets?view={view}")
    }
    fn next_link(&self, after: &str) -> String {
        format!(
            "/staff/tickets?{}&after={after}",
            serde_urlencoded::to_string(&self.q).unwrap_or_default()
        )
    }
    fn clock(&self, t: &ListRow) -> String {
        clock_text(&self.ctx, t.due_at, t.sla_paused_at.is_some(), self.now)
    }
}

/// "2 j 10 m lagi" / "terlambat 3 j" / "berhenti", in the reader's language.
fn clock_text(
    ctx: &Ctx,
    due_at: Option<DateTime<Utc>>,
    paused: bool,
    now: DateTime<Utc>,
) -> String {
    match due_at {
        Some(due) if due >= now => {
            let s = ctx.span((due - now).num_seconds());
            ctx.tf("ticket.due_in", [("span", s.as_str())])
        }
        Some(due) => {
            let s = ctx.span((now - due).num_seconds());
            ctx.tf("ticket.overdue_by", [("span", s.as_str())])
        }
        None if paused => ctx.t("ticket.clock_paused").to_string(),
        None => String::new(),
    }
}

fn filter_of(q: &ListQuery, user: &CurrentUser) -> Filter {
    let assignee = match q.view.as_str() {
        "mine" => Some(Some(user.id)),
        "unassigned" => Some(None),
        _ => q.assignee.parse().ok().map(Some),
    };
    Filter {
        status: match q.status.as_str() {
            "" => StatusFilter::Active,
            "any" => StatusFilter::Any,
            s => TicketStatus::parse(s).map_or(StatusFilter::Active, StatusFilter::Is),
        },
        category: Category::parse(&q.category),
        priority: Priority::parse(&q.priority),
        channel: Channel::parse(&q.channel),
        area_id: q.area.parse().ok(),
        assignee,
        customer_id: None,
        sla: match q.sla.as_str() {
            "breached" => Some(SlaFilter::Breached),
            "due_soon" => Some(SlaFilter::DueSoon),
            _ => None,
        },
        q: q.q.chars().take(200).collect(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let now = state.now();
    let sort = if q.sort == "newest" {
        Sort::Newest
    } else {
        Sort::Due
    };
    let after = Cursor::decode(&q.after);
    let filter = filter_of(&q, &user);
    let ((rows, next), areas, admins) = tokio::try_join!(
        lists::page(&state.db, &filter, sort, after, PER_PAGE, now),
        catalog::areas(&state),
        users::active_of_role(&state, Role::Admin),
    )?;
    page(&ListPage {
        next: next.map(|c| c.encode()),
        areas,
        admins,
        ctx,
        q,
        rows,
        now,
    })
}

#[derive(Template)]
#[template(path = "tickets/show.html")]
struct ShowPage {
    ctx: Ctx,
    t: TicketRow,
    customer: CustomerRow,
    subscription: Option<SubscriptionRow>,
    thread: Thread,
    others: Vec<ListRow>,
    /// Technician visits for this ticket, newest first.
    visits: Vec<crate::visits::store::VisitRow>,
    admins: Arc<Vec<StaffName>>,
    saved: Arc<Vec<SavedReply>>,
    body: String,
    internal: bool,
    errors: FieldErrors,
    can_act: bool,
    me: i64,
    now: DateTime<Utc>,
}

impl ShowPage {
    fn clock(&self) -> String {
        clock_text(
            &self.ctx,
            self.t.due_at,
            self.t.sla_paused_at.is_some(),
            self.now,
        )
    }
    fn status_label(&self, s: &dyn std::fmt::Display) -> String {
        self.ctx.t(&status_key(s)).to_string()
    }
    /// The moves staff may make from here with a button.
    fn moves(&self) -> Vec<TicketStatus> {
        TicketStatus::ALL
            .iter()
            .copied()
            .filter(|&to| {
                self.t.status.can_move_to(to)
                    && !matches!(to, TicketStatus::Waiting | TicketStatus::VisitScheduled)
            })
            .collect()
    }
    fn move_key(&self, to: &TicketStatus) -> &'static str {
        match (self.t.status, to) {
            (TicketStatus::Resolved, TicketStatus::Open) => "ticket.action.reopen",
            (_, TicketStatus::Open) => "ticket.action.open",
            (_, TicketStatus::Resolved) => "ticket.action.resolve",
            (_, TicketStatus::Closed) => "ticket.action.close",
            _ => "ticket.action.wait",
        }
    }
    /// Whether the office may put a technician visit in the queue for it.
    fn may_request_visit(&self) -> bool {
        self.can_act && self.t.status.is_active() && !self.visits.iter().any(|v| v.status.is_open())
    }
    fn mine(&self) -> bool {
        self.t.assignee_id == Some(self.me)
    }
    fn assigned_to(&self, id: &i64) -> bool {
        self.t.assignee_id == Some(*id)
    }
}

async fn show_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    body: String,
    internal: bool,
    errors: FieldErrors,
) -> AppResult<ShowPage> {
    let db = &state.db;
    let t = store::get(db, id).await?.ok_or(AppError::NotFound)?;
    let now = state.now();
    let same_customer = Filter {
        customer_id: Some(t.customer_id),
        ..Filter::default()
    };
    // The ticket's independent reads side by side on the read pool: on PostgreSQL three round
    // trips' wait instead of seven (SQLite runs them inline, one after the other, either way).
    let (customer, subscription, thread, (mut others, _), visits, admins, saved) = tokio::try_join!(
        customers::get(db, t.customer_id),
        async {
            match t.subscription_id {
                Some(s) => customers::get_subscription(db, s).await,
                None => Ok(None),
            }
        },
        Thread::load(db, id, true),
        lists::page(db, &same_customer, Sort::Newest, None, 10, now),
        crate::visits::store::serving(db, None, Some(id), None),
        users::active_of_role(state, Role::Admin),
        super::replies::offered(state),
    )?;
    let customer = customer.ok_or(AppError::NotFound)?;
    others.retain(|o| o.id != id);
    Ok(ShowPage {
        visits,
        admins,
        saved,
        can_act: user.role == Role::Admin,
        me: user.id,
        now,
        ctx,
        t,
        customer,
        subscription,
        thread,
        others,
        body,
        internal,
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
            false,
            FieldErrors::default(),
        )
        .await?,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    body: String,
    /// `note` for an internal note.
    kind: String,
    /// `waiting` or `resolved` to move the ticket with a public reply.
    then: String,
    /// A saved reply to add to the text (the compose step).
    insert: Option<i64>,
}

/// Adds a saved reply to what is already typed and shows the form again; nothing is sent.
/// (A button in the reply form, so it works without JavaScript and keeps the typing.)
pub async fn compose(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> AppResult<Response> {
    let saved = match f.insert {
        Some(r) => store::saved_reply(&state.db, r).await?,
        None => None,
    };
    let body = match (f.body.trim(), saved) {
        (_, None) => f.body,
        ("", Some(s)) => s.body,
        (typed, Some(s)) => format!("{typed}\n\n{}", s.body),
    };
    let internal = f.kind == "note";
    page(
        &show_page(
            &state,
            ctx,
            &user,
            id,
            body,
            internal,
            FieldErrors::default(),
        )
        .await?,
    )
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReplyForm>,
) -> AppResult<Response> {
    let internal = f.kind == "note";
    let then = match f.then.as_str() {
        "" => None,
        s => Some(
            TicketStatus::parse(s)
                .filter(|s| matches!(s, TicketStatus::Waiting | TicketStatus::Resolved))
                .ok_or(AppError::BadRequest("error.bad_request"))?,
        ),
    };
    let result = service::staff_reply(
        &state.db,
        &state.links(),
        ctx.actor(),
        state.now(),
        id,
        StaffReply {
            body: f.body.clone(),
            internal,
            then: if internal { None } else { then },
        },
    )
    .await;
    match result {
        Ok(()) => {
            let key = if internal {
                "ticket.flash.noted"
            } else {
                "ticket.flash.sent"
            };
            let t = ticket(&state, id).await?;
            let flash = Flash::new(key)
                .with("number", &t.number)
                .with("name", &t.customer_name);
            Ok(back(&state, id, flash))
        }
        Err(AppError::Validation(errors)) => {
            web::invalid(&show_page(&state, ctx, &user, id, f.body, internal, errors).await?)
        }
        // Someone changed the ticket meanwhile: say so above what was typed, which is kept.
        Err(AppError::Conflict(key)) => {
            let mut errors = FieldErrors::default();
            errors.add("body", key);
            let page = show_page(&state, ctx, &user, id, f.body, internal, errors).await?;
            let mut res = web::invalid(&page)?;
            *res.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

pub(super) fn back(state: &AppState, id: i64, flash: Flash) -> Response {
    redirect_with_flash(state, &format!("/staff/tickets/{id}"), flash)
}

async fn ticket(state: &AppState, id: i64) -> AppResult<TicketRow> {
    store::get(&state.db, id).await?.ok_or(AppError::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    to: String,
    confirm: Confirmed,
}

pub async fn set_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StatusForm>,
) -> AppResult<Response> {
    let to = TicketStatus::parse(&f.to).ok_or(AppError::BadRequest("error.bad_request"))?;
    let t = ticket(&state, id).await?;
    // Closing is final (the customer can no longer reply to it): ask first.
    if to == TicketStatus::Closed && !f.confirm.given() {
        if !t.status.can_move_to(to) {
            return Err(AppError::Conflict("ticket.error.invalid_move"));
        }
        let vars = [
            ("number", t.number.as_str()),
            ("name", t.customer_name.as_str()),
        ];
        return Confirm::new(ctx, "confirm.ticket_close", &vars)
            .post_to(format!("/staff/tickets/{id}/status"))
            .back_to(format!("/staff/tickets/{id}"))
            .carry("to", to.as_str())
            .page();
    }
    service::set_status(&state.db, &state.links(), ctx.actor(), state.now(), id, to).await?;
    let flash = Flash::new("ticket.flash.status")
        .with("number", &t.number)
        .with_key("status", to.label_key());
    Ok(back(&state, id, flash))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AssignForm {
    assignee: String,
}

pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> AppResult<Response> {
    let assignee = match f.assignee.trim() {
        "" => None,
        s => Some(
            s.parse()
                .map_err(|_| AppError::BadRequest("error.bad_request"))?,
        ),
    };
    service::assign(
        &state.db,
        &state.links(),
        ctx.actor(),
        state.now(),
        id,
        assignee,
    )
    .await?;
    let t = ticket(&state, id).await?;
    let flash = match &t.assignee_name {
        Some(name) if assignee.is_some() => Flash::new("ticket.flash.assigned").with("name", name),
        _ => Flash::new("ticket.flash.unassigned"),
    };
    Ok(back(&state, id, flash.with("number", &t.number)))
}

pub async fn take(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    service::assign(
        &state.db,
        &state.links(),
        ctx.actor(),
        state.now(),
        id,
        Some(user.id),
    )
    .await?;
    let t = ticket(&state, id).await?;
    let flash = Flash::new("ticket.flash.taken").with("number", &t.number);
    Ok(back(&state, id, flash))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PriorityForm {
    priority: String,
}

pub async fn set_priority(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PriorityForm>,
) -> AppResult<Response> {
    let p = Priority::parse(&f.priority).ok_or(AppError::BadRequest("error.bad_request"))?;
    service::set_priority(&state.db, ctx.actor(), state.now(), id, p).await?;
    let t = ticket(&state, id).await?;
    let flash = Flash::new("ticket.flash.priority")
        .with("number", &t.number)
        .with_key("priority", p.label_key());
    Ok(back(&state, id, flash))
}
