//! The dispatch board: each active technician's visits laid out in their time windows over a
//! day (a table of half-hour columns, blocks spanning their window) or a week (a column per day),
//! and the queue of jobs waiting for a technician, longest waiting first. Plain HTML: no script,
//! no inline styles (the CSP forbids them), so a block's place is its cell's `colspan`; on a
//! phone the same table reads as a list per technician (see `.board` in `app.css`).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::catalog::{self, store::AreaRow};
use crate::error::AppResult;
use crate::state::AppState;
use crate::types::{parse_day, wib, wib_date};
use crate::users;
use crate::visits::model::WorkingHours;
use crate::visits::store::{self as visits, VisitRow};
use crate::web::{self, page, Ctx, Query};

/// Minutes in one column of the day view.
const STEP: i64 = 30;
/// Most jobs listed in the queue.
const QUEUE_LIMIT: i64 = 200;

#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
pub struct BoardQuery {
    /// `day` (default) or `week`.
    pub view: String,
    /// `DD/MM/YYYY`; today by default.
    pub date: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub area: String,
}

/// A visit on the board.
pub struct Block {
    pub v: VisitRow,
    /// Booked and its window is over.
    pub overdue: bool,
}

impl Block {
    fn new(v: VisitRow, now: DateTime<Utc>) -> Block {
        let today = wib_date(now);
        let time = now.with_timezone(&wib()).time();
        let overdue = v.status.is_booked()
            && v.slot()
                .is_some_and(|s| s.date < today || (s.date == today && s.end <= time));
        Block { v, overdue }
    }
}

/// One cell of a day-view lane: free time, or a visit spanning its window.
pub struct Cell {
    pub span: usize,
    pub block: Option<Block>,
}

/// A technician's row: in the day view one lane per set of non-overlapping blocks (a done or
/// failed visit may share time with a later booking), in the week view one list per day.
pub struct TechRow {
    pub name: String,
    pub active: bool,
    pub lanes: Vec<Vec<Cell>>,
    pub days: Vec<Vec<Block>>,
    pub count: usize,
}

#[derive(Template)]
#[template(path = "dispatch/board.html")]
struct BoardPage {
    ctx: Ctx,
    q: BoardQuery,
    week: bool,
    date: NaiveDate,
    days: Vec<NaiveDate>,
    today: NaiveDate,
    date_error: bool,
    hours: WorkingHours,
    /// Day view header: an hour label and the columns it covers.
    header: Vec<(String, usize)>,
    rows: Vec<TechRow>,
    queue: Vec<VisitRow>,
    areas: std::sync::Arc<Vec<AreaRow>>,
    can_book: bool,
    now: DateTime<Utc>,
}

impl BoardPage {
    fn link(&self, view: &str, date: NaiveDate) -> String {
        let q = BoardQuery {
            view: view.to_string(),
            date: date.format("%d/%m/%Y").to_string(),
            area: self.q.area.clone(),
        };
        format!(
            "/staff/dispatch?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    }

    fn view(&self) -> &'static str {
        if self.week {
            "week"
        } else {
            "day"
        }
    }

    fn prev_link(&self) -> String {
        let by = if self.week { 7 } else { 1 };
        self.link(self.view(), self.date - Duration::days(by))
    }

    fn next_link(&self) -> String {
        let by = if self.week { 7 } else { 1 };
        self.link(self.view(), self.date + Duration::days(by))
    }

    fn today_link(&self) -> String {
        self.link(self.view(), self.today)
    }

    fn day_link(&self) -> String {
        self.link("day", self.date)
    }

    fn week_link(&self) -> String {
        self.link("week", self.date)
    }

    /// The period shown: `Sen, 30/11/2026` or `30/11/2026 – 06/12/2026`.
    fn period(&self) -> String {
        if self.week {
            format!(
                "{} – {}",
                self.days[0].format("%d/%m/%Y"),
                self.days[6].format("%d/%m/%Y")
            )
        } else {
            format!(
                "{}, {}",
                self.weekday(self.date),
                self.date.format("%d/%m/%Y")
            )
        }
    }

    fn weekday(&self, d: NaiveDate) -> &str {
        self.ctx
            .t(WEEKDAYS[d.weekday().num_days_from_monday() as usize])
    }

    /// The week view's column head for day `i` of the week: `Sen 30/11`.
    fn day_head(&self, i: &usize) -> String {
        let d = self.days[*i];
        format!("{} {}", self.weekday(d), d.format("%d/%m"))
    }

    fn waited(&self, v: &VisitRow) -> String {
        self.ctx.span((self.now - v.queued_at).num_seconds())
    }

    /// Where the job the visit serves is handled.
    fn serves_href(&self, v: &VisitRow) -> String {
        match (v.ticket_id, v.registration_id) {
            (Some(t), _) => format!("/staff/tickets/{t}"),
            (None, Some(r)) => format!("/staff/registrations/{r}"),
            _ => String::new(),
        }
    }
}

const WEEKDAYS: [&str; 7] = [
    "dispatch.mon",
    "dispatch.tue",
    "dispatch.wed",
    "dispatch.thu",
    "dispatch.fri",
    "dispatch.sat",
    "dispatch.sun",
];

fn minutes(t: NaiveTime) -> i64 {
    i64::from(t.hour()) * 60 + i64::from(t.minute())
}

/// The day's columns: each `STEP` minutes of working hours.
fn column_count(hours: WorkingHours) -> usize {
    let span = minutes(hours.end) - minutes(hours.start);
    ((span + STEP - 1) / STEP).max(1) as usize
}

/// Hour labels over the columns: `("08:00", 2)`, `("09:00", 2)` …
fn header(hours: WorkingHours, columns: usize) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut last_hour = None;
    for i in 0..columns {
        let m = minutes(hours.start) + i as i64 * STEP;
        let hour = m / 60;
        if last_hour == Some(hour) {
            if let Some(h) = out.last_mut() {
                h.1 += 1;
            }
        } else {
            out.push((format!("{:02}:{:02}", hour, m % 60), 1));
            last_hour = Some(hour);
        }
    }
    out
}

/// The columns `[a, b)` a visit's window covers, kept inside the day.
fn columns_of(v: &VisitRow, hours: WorkingHours, columns: usize) -> (usize, usize) {
    let day = minutes(hours.start);
    let (a, b) = v
        .slot()
        .map(|s| (minutes(s.start) - day, minutes(s.end) - day))
        .unwrap_or((0, STEP));
    let max = columns as i64;
    let a = (a.div_euclid(STEP)).clamp(0, max - 1);
    let b = ((b + STEP - 1).div_euclid(STEP)).clamp(a + 1, max);
    (a as usize, b as usize)
}

/// Lays one technician's visits of a day into lanes of cells: each visit goes into the first
/// lane where it fits after the previous one; free time between becomes free cells.
fn lanes(blocks: Vec<Block>, hours: WorkingHours, columns: usize) -> Vec<Vec<Cell>> {
    let mut placed: Vec<(usize, Vec<Cell>)> = Vec::new();
    let mut with_cols: Vec<((usize, usize), Block)> = blocks
        .into_iter()
        .map(|b| (columns_of(&b.v, hours, columns), b))
        .collect();
    with_cols.sort_by_key(|((a, b), _)| (*a, *b));
    for ((a, b), block) in with_cols {
        let lane = match placed.iter_mut().find(|(end, _)| *end <= a) {
            Some(lane) => lane,
            None => {
                placed.push((0, Vec::new()));
                placed.last_mut().expect("just pushed")
            }
        };
        if a > lane.0 {
            lane.1.push(Cell {
                span: a - lane.0,
                block: None,
            });
        }
        lane.1.push(Cell {
            span: b - a,
            block: Some(block),
        });
        lane.0 = b;
    }
    if placed.is_empty() {
        placed.push((0, Vec::new()));
    }
    placed
        .into_iter()
        .map(|(end, mut cells)| {
            if end < columns {
                cells.push(Cell {
                    span: columns - end,
                    block: None,
                });
            }
            cells
        })
        .collect()
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BoardQuery>,
) -> AppResult<Response> {
    let now = state.now();
    let today = wib_date(now);
    let (date, date_error) = if q.date.trim().is_empty() {
        (today, false)
    } else {
        match parse_day(&q.date) {
            Ok(d) => (d, false),
            Err(_) => (today, true),
        }
    };
    let week = q.view == "week";
    let area_id: Option<i64> = q.area.trim().parse().ok();
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let (from, to) = if week {
        (days[0], days[6])
    } else {
        (date, date)
    };
    let hours =
        WorkingHours::from_config(&state.config.visit_day_start, &state.config.visit_day_end);
    let columns = column_count(hours);

    let planned = visits::planned_between(&state.db, from, to, area_id).await?;
    // One row per active technician (as this instance last read them, at most LISTS_TTL ago),
    // and one for anyone deactivated who still has visits here.
    let mut techs: Vec<(i64, String, bool)> = users::active_of_role(&state, Role::Technician)
        .await?
        .iter()
        .map(|u| (u.id, u.name.clone(), true))
        .collect();
    for v in &planned {
        if let Some(id) = v.technician_id {
            if !techs.iter().any(|t| t.0 == id) {
                techs.push((id, v.technician_name.clone().unwrap_or_default(), false));
            }
        }
    }
    let mut per_tech: Vec<Vec<Block>> = techs.iter().map(|_| Vec::new()).collect();
    for v in planned {
        if let Some(i) = techs.iter().position(|t| Some(t.0) == v.technician_id) {
            per_tech[i].push(Block::new(v, now));
        }
    }
    let rows = techs
        .into_iter()
        .zip(per_tech)
        .map(|((_, name, active), blocks)| {
            let count = blocks.len();
            if week {
                let mut by_day: Vec<Vec<Block>> = days.iter().map(|_| Vec::new()).collect();
                for b in blocks {
                    if let Some(i) = days.iter().position(|d| Some(*d) == b.v.planned_date) {
                        by_day[i].push(b);
                    }
                }
                TechRow {
                    name,
                    active,
                    lanes: Vec::new(),
                    days: by_day,
                    count,
                }
            } else {
                TechRow {
                    name,
                    active,
                    lanes: lanes(blocks, hours, columns),
                    days: Vec::new(),
                    count,
                }
            }
        })
        .collect();

    let board = BoardPage {
        queue: visits::queue(&state.db, area_id, QUEUE_LIMIT).await?,
        areas: catalog::areas(&state).await?,
        can_book: ctx.role() == Some(Role::Admin),
        ctx,
        q,
        week,
        date,
        days,
        today,
        date_error,
        hours,
        header: header(hours, columns),
        rows,
        now,
    };
    if date_error {
        web::invalid(&board)
    } else {
        page(&board)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_labels_cover_every_column() {
        let hours = WorkingHours::from_config("08:30", "17:00");
        let cols = column_count(hours);
        assert_eq!(cols, 17);
        let h = header(hours, cols);
        assert_eq!(h[0], ("08:30".to_string(), 1));
        assert_eq!(h[1], ("09:00".to_string(), 2));
        assert_eq!(h.iter().map(|x| x.1).sum::<usize>(), cols);
    }
}
