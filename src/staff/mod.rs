//! The staff home page (`/staff`): what each role needs to see first.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::auth::{groups, Role};
use crate::customers::model::status_key;
use crate::customers::store as customers;
use crate::error::AppResult;
use crate::signup::model::RegStatus;
use crate::signup::store::{self as registrations, Filter};
use crate::state::AppState;
use crate::web::routes::{Access, Routes};
use crate::web::{page, Ctx, CurrentUser};

pub fn routes() -> Routes {
    Routes::new().get("/staff", Access::Roles(groups::STAFF), home)
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    ctx: Ctx,
    /// Customers per status and sign-ups waiting per step (office roles).
    customer_counts: Vec<(String, i64)>,
    waiting: Vec<(&'static str, i64)>,
    /// The complaint desk: (open, unassigned, due within the hour, breached).
    desk: Option<(i64, i64, i64, i64)>,
}

impl HomePage {
    fn status_label(&self, s: &dyn std::fmt::Display) -> String {
        self.ctx.t(&status_key(s)).to_string()
    }
    fn step_key(&self, s: &str) -> &'static str {
        crate::signup::model::RegStatus::parse(s)
            .map(|s| s.label_key())
            .unwrap_or("step.submitted")
    }
}

async fn home(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> AppResult<Response> {
    let mut p = HomePage {
        ctx,
        customer_counts: Vec::new(),
        waiting: Vec::new(),
        desk: None,
    };
    match user.role {
        Role::Admin | Role::Director => {
            p.desk = Some(crate::tickets::store::desk_counts(&state.db, state.now()).await?);
            p.customer_counts = customers::count_by_status(&state.db).await?;
            for status in [
                RegStatus::Submitted,
                RegStatus::Verified,
                RegStatus::Scheduled,
            ] {
                let f = Filter {
                    status: Some(status),
                    ..Default::default()
                };
                p.waiting
                    .push((status.as_str(), registrations::count(&state.db, &f).await?));
            }
        }
        _ => {}
    }
    page(&p)
}
