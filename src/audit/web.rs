//! The audit log browser.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::actions::{self, Action};
use super::store::{self, Entry, Filter};
use crate::error::AppResult;
use crate::state::AppState;
use crate::types::parse_wib_day;
use crate::web::{page, Ctx, Paging, Query};

const PER_PAGE: i64 = 50;

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    from: String,
    to: String,
    #[serde(skip_serializing)]
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct ListPage {
    ctx: Ctx,
    q: AuditQuery,
    entries: Vec<Entry>,
    paging: Paging,
    date_error: Option<&'static str>,
}

impl ListPage {
    /// An entry as a sentence in the reader's language.
    fn said(&self, e: &Entry) -> crate::words::Said {
        actions::read(self.ctx.reader(), e)
    }

    /// The filter's choices: every action by its name, grouped.
    fn groups(&self) -> Vec<(&'static str, Vec<Action>)> {
        Action::grouped()
    }

    fn page_link(&self, page: i64) -> String {
        format!(
            "/staff/audit?{}&page={page}",
            serde_urlencoded::to_string(&self.q).unwrap_or_default()
        )
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let from = parse_wib_day(&q.from);
    // "to" is inclusive: up to the end of that day.
    let to = parse_wib_day(&q.to).map(|t| t.map(|t| t + chrono::Duration::days(1)));
    let date_error = from.as_ref().err().or(to.as_ref().err()).copied();
    let filter = Filter {
        actor: q.actor.clone(),
        action: q.action.clone(),
        entity: q.entity.clone(),
        entity_id: q.entity_id.clone(),
        from: from.unwrap_or(None),
        to: to.unwrap_or(None),
    };
    let total = store::count(&state.db, &filter).await?;
    let paging = Paging::new(q.page, PER_PAGE, total);
    let entries = store::list(&state.db, &filter, paging.per_page, paging.offset()).await?;
    page(&ListPage {
        ctx,
        q,
        entries,
        paging,
        date_error,
    })
}
