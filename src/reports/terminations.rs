//! The terminations behind the dashboard's churn figure: who left in the period, when, why and
//! to whom. The page shows them a hundred at a time, newest first; the CSV holds all of them.
//! Read-only: web → store directly.

use std::borrow::Cow;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, Duration};
use serde::Deserialize;

use super::export::{attachment, csv_text, csv_writer, file_name};
use super::figures::{self, Termination};
use super::period::{Period, PeriodQuery};
use super::web::{bad_request, day, parse, Picker};
use crate::customers::model::TerminationReason;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::types::wib_date;
use crate::web::{page, Ctx, Paging, Query};

const PER_PAGE: i64 = 100;

/// The period picker's fields and the page asked for.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TerminationsQuery {
    #[serde(flatten)]
    period: PeriodQuery,
    /// Text, as the flattened query hands every value over; anything but a number is page 1.
    page: String,
}

#[derive(Template)]
#[template(path = "reports/terminations.html")]
struct TerminationsPage {
    ctx: Ctx,
    q: PeriodQuery,
    picker: Picker,
    errors: FieldErrors,
    action: &'static str,
    period_label: String,
    rows: Vec<Termination>,
    paging: Paging,
    /// `period=…&area=…` asking for the same list again (pages and the download).
    query: String,
}

impl TerminationsPage {
    fn page_link(&self, n: i64) -> String {
        format!("/staff/reports/terminations?{}&page={n}", self.query)
    }
    fn reason(&self, r: &Option<String>) -> &'static str {
        reason(self.ctx.lang, r).unwrap_or("–")
    }
    fn tenure(&self, t: &Termination) -> String {
        t.tenure_months().map_or("–".into(), |m| {
            self.ctx
                .tf("dashboard.months", [("n", m.to_string().as_str())])
        })
    }
}

fn reason(lang: Lang, r: &Option<String>) -> Option<&'static str> {
    r.as_deref()
        .and_then(TerminationReason::parse)
        .map(|r| lang.t(r.label_key()))
}

/// The terminations of the period, a page at a time.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TerminationsQuery>,
) -> AppResult<Response> {
    let picker = Picker::load(&state).await?;
    let mut p = TerminationsPage {
        ctx,
        q: q.period,
        picker,
        errors: FieldErrors::default(),
        action: "/staff/reports/terminations",
        period_label: String::new(),
        rows: Vec::new(),
        paging: Paging::new(None, PER_PAGE, 0),
        query: String::new(),
    };
    match parse(&p.q, wib_date(state.now())) {
        Err(errors) => {
            p.errors = errors;
            bad_request(&p)
        }
        Ok((period, scope)) => {
            let days = (period.first, period.last);
            let total = figures::termination_count(&state.db, days, &scope).await?;
            p.paging = Paging::new(q.page.trim().parse().ok(), PER_PAGE, total);
            p.rows =
                figures::termination_list(&state.db, days, &scope, PER_PAGE, p.paging.offset())
                    .await?;
            p.period_label = period.label();
            p.query = format!("{}{}", period.query(), scope.query());
            page(&p)
        }
    }
}

/// Every termination of the period as CSV (UTF-8 with a byte-order mark, headers in the reader's
/// language, dates `DD/MM/YYYY`), newest first. The rows are read a month at a time, so that five
/// years of an ISP's terminations never sit in memory as rows at once; the file itself (about
/// 100 bytes a row) is assembled in memory while the request holds its heavy-read slot. An
/// unknown reason is an empty cell (the page shows "–"). A bad period gets the page with the
/// message.
pub async fn csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TerminationsQuery>,
) -> AppResult<Response> {
    let Ok((period, scope)) = parse(&q.period, wib_date(state.now())) else {
        return list(State(state), ctx, Query(q)).await;
    };
    let lang = ctx.lang;
    let mut w = csv_writer();
    let headers = [
        "dashboard.customer_number",
        "dashboard.customer",
        "period.package",
        "period.area",
        "dashboard.started_on",
        "dashboard.ended_on",
        "dashboard.reason",
        "dashboard.competitor",
        "dashboard.tenure_months",
    ];
    let csv_failed = |e: csv::Error| AppError::Internal(e.into());
    w.write_record(headers.iter().map(|h| lang.t(h)))
        .map_err(csv_failed)?;
    for (first, last) in months_newest_first(&period) {
        for t in figures::termination_list(&state.db, (first, last), &scope, i64::MAX, 0).await? {
            let cells: [Cow<str>; 9] = [
                csv_text(&t.customer_number),
                csv_text(&t.customer_name),
                csv_text(&t.package_name),
                csv_text(t.area_name.as_deref().unwrap_or("")),
                t.started_on.as_ref().map(day).unwrap_or_default().into(),
                day(&t.ended_on).into(),
                reason(lang, &t.reason).unwrap_or("").into(),
                csv_text(t.competitor.as_deref().unwrap_or("")),
                t.tenure_months()
                    .map(|m| m.to_string())
                    .unwrap_or_default()
                    .into(),
            ];
            w.write_record(cells.iter().map(|c| c.as_bytes()))
                .map_err(csv_failed)?;
        }
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::Internal(e.into_error().into()))?;
    attachment(
        body,
        "text/csv; charset=utf-8",
        &file_name("berhenti", &period, "csv"),
    )
}

/// The period's calendar months as day ranges, the last first, cut to the period.
fn months_newest_first(p: &Period) -> impl Iterator<Item = (chrono::NaiveDate, chrono::NaiveDate)> {
    let (first, last) = (p.first, p.last);
    std::iter::successors(Some(last), move |&end| {
        let start = end.with_day(1).expect("day 1 exists");
        (start > first).then(|| start - Duration::days(1))
    })
    .map(move |end| (end.with_day(1).expect("day 1 exists").max(first), end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::period::Preset;
    use chrono::NaiveDate;

    #[test]
    fn months_cover_the_period_newest_first_without_gaps() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let p = Period {
            preset: Preset::Custom,
            first: d(2025, 12, 15),
            last: d(2026, 2, 10),
        };
        let months: Vec<_> = months_newest_first(&p).collect();
        assert_eq!(
            months,
            [
                (d(2026, 2, 1), d(2026, 2, 10)),
                (d(2026, 1, 1), d(2026, 1, 31)),
                (d(2025, 12, 15), d(2025, 12, 31)),
            ]
        );
        let one_day = Period {
            preset: Preset::Custom,
            first: d(2026, 3, 1),
            last: d(2026, 3, 1),
        };
        assert_eq!(
            months_newest_first(&one_day).collect::<Vec<_>>(),
            [(d(2026, 3, 1), d(2026, 3, 1))]
        );
    }
}
