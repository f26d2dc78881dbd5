//! The staff home page (`/staff`): what each role needs to see first — the director their
//! dashboard, the admin what needs action now, the technician their day.

mod store;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::{groups, Role};
use crate::error::AppResult;
use crate::reports::period::PeriodQuery;
use crate::satisfaction::store::{self as ratings, LowFilter, LowRow};
use crate::signup::store::{self as registrations, Filter, RegistrationRow};
use crate::state::AppState;
use crate::types::wib_date;
use crate::web::routes::{Access, Routes};
use crate::web::{page, Ctx, CurrentUser, Query};

pub fn routes() -> Routes {
    // The director's home is the dashboard.
    Routes::new()
        .get("/staff", Access::Roles(groups::STAFF), home)
        .heavy_for(groups::DIRECTOR)
}

/// Rows of each "needs action" list on the admin's home.
const LIST: i64 = 5;

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    ctx: Ctx,
    /// The admin's lists (none for the system admin).
    action: Option<Action>,
    now: chrono::DateTime<chrono::Utc>,
}

struct Action {
    waiting: Vec<RegistrationRow>,
    waiting_total: i64,
    /// The complaint desk: (open, unassigned, due within the hour, breached).
    desk: (i64, i64, i64, i64),
    visits: Vec<store::StuckVisit>,
    low: Vec<LowRow>,
}

impl HomePage {
    /// How long `r` has been in its step.
    fn waited(&self, r: &RegistrationRow) -> String {
        self.ctx.span((self.now - r.waiting_since()).num_seconds())
    }
    fn overdue(&self, r: &RegistrationRow) -> bool {
        r.status
            .overdue_after()
            .is_some_and(|limit| self.now - r.waiting_since() > limit)
    }
    /// `★★` and the number, so the count is read as text too.
    fn stars(&self, n: &i64) -> String {
        format!("{} ({n})", "★".repeat((*n).clamp(0, 5) as usize))
    }
    fn day(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map_or("–".into(), |d| d.format("%d/%m/%Y").to_string())
    }
}

async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let now = state.now();
    let action = match user.role {
        // A technician's home is their day of visits.
        Role::Technician => return crate::dispatch::field::day(State(state), ctx, user).await,
        // The director's home is the dashboard.
        Role::Director => {
            return crate::reports::web::render_dashboard(&state, ctx, q, "/staff").await
        }
        Role::Admin => {
            let waiting = Filter::default();
            Some(Action {
                waiting: registrations::list(&state.db, &waiting, LIST, 0).await?,
                waiting_total: registrations::count(&state.db, &waiting).await?,
                desk: crate::tickets::list::desk_counts(&state.db, now).await?,
                visits: store::stuck_visits(&state.db, wib_date(now), LIST).await?,
                low: ratings::low_ratings(&state.db, LowFilter::ToCallBack, None, LIST).await?,
            })
        }
        _ => None,
    };
    page(&HomePage { ctx, action, now })
}
