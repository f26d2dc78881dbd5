//! The office's lists of visits over a period: outcomes per technician per ISO week with the
//! completion rate, failed visits by reason, and how long installations and repairs took from
//! the job's start (registration verified, ticket opened) to the visit done — each with totals.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;

use crate::error::AppResult;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::types::{parse_day, parse_wib_day, wib_date};
use crate::visits::model::{FailReason, VisitStatus};
use crate::visits::stats::{self, SpanRow};
use crate::web::{self, page, Ctx, FieldErrors, Query};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PeriodQuery {
    pub from: String,
    pub to: String,
}

/// Done, failed and cancelled visits.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Counts {
    pub done: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl Counts {
    fn add(&mut self, status: VisitStatus, n: i64) {
        match status {
            VisitStatus::Done => self.done += n,
            VisitStatus::Failed => self.failed += n,
            VisitStatus::Cancelled => self.cancelled += n,
            _ => {}
        }
    }

    /// Done ÷ (done + failed), as a whole percentage; `–` when nothing was attempted.
    pub fn rate(&self) -> String {
        let tried = self.done + self.failed;
        if tried == 0 {
            "–".into()
        } else {
            format!("{}%", (self.done * 100 + tried / 2) / tried)
        }
    }
}

pub struct WeekRow {
    /// The Monday of the ISO week.
    pub monday: NaiveDate,
    pub counts: Counts,
}

pub struct TechWeeks {
    pub name: String,
    pub weeks: Vec<WeekRow>,
    pub total: Counts,
}

/// Durations in hours: how many, the median and the mean.
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct Spans {
    pub count: usize,
    pub median: Option<f64>,
    pub mean: Option<f64>,
}

impl Spans {
    pub fn of(rows: &[SpanRow]) -> Spans {
        let mut hours: Vec<f64> = rows
            .iter()
            .map(|r| (r.done - r.began).num_seconds().max(0) as f64 / 3600.0)
            .collect();
        hours.sort_by(f64::total_cmp);
        let n = hours.len();
        if n == 0 {
            return Spans::default();
        }
        let median = if n % 2 == 1 {
            hours[n / 2]
        } else {
            (hours[n / 2 - 1] + hours[n / 2]) / 2.0
        };
        Spans {
            count: n,
            median: Some(median),
            mean: Some(hours.iter().sum::<f64>() / n as f64),
        }
    }
}

#[derive(Template)]
#[template(path = "dispatch/lists.html")]
struct ListsPage {
    ctx: Ctx,
    q: PeriodQuery,
    errors: FieldErrors,
    techs: Vec<TechWeeks>,
    total: Counts,
    reasons: Vec<(&'static str, i64)>,
    reasons_total: i64,
    install: Spans,
    repair: Spans,
}

impl ListsPage {
    /// `Mg 48/2026 (23/11–29/11)`.
    fn week_label(&self, monday: &NaiveDate) -> String {
        let w = monday.iso_week();
        let sunday = *monday + Duration::days(6);
        self.ctx.tf(
            "dispatch.week_label",
            [
                ("week", w.week().to_string().as_str()),
                ("year", w.year().to_string().as_str()),
                ("from", monday.format("%d/%m").to_string().as_str()),
                ("to", sunday.format("%d/%m").to_string().as_str()),
            ],
        )
    }

    /// Hours with one decimal, in the reader's decimal mark; `–` without data.
    fn hours(&self, h: &Option<f64>) -> String {
        match h {
            None => "–".into(),
            Some(h) => {
                let s = format!("{h:.1}");
                let s = if self.ctx.lang == Lang::Id {
                    s.replace('.', ",")
                } else {
                    s
                };
                self.ctx.tf("dispatch.hours_value", [("h", s.as_str())])
            }
        }
    }
}

/// The period asked for, or the last four ISO weeks up to today; field errors otherwise.
fn period(q: &PeriodQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), FieldErrors> {
    let mut errors = FieldErrors::default();
    let day = |s: &str, field: &'static str, default: NaiveDate, errors: &mut FieldErrors| {
        if s.trim().is_empty() {
            return default;
        }
        parse_day(s).unwrap_or_else(|e| {
            errors.add(field, e);
            default
        })
    };
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let from = day(&q.from, "from", monday - Duration::days(21), &mut errors);
    let to = day(&q.to, "to", today, &mut errors);
    if errors.is_empty() && to < from {
        errors.add("to", "dispatch.error.period_order");
    }
    if errors.is_empty() {
        Ok((from, to))
    } else {
        Err(errors)
    }
}

fn instant(d: NaiveDate) -> DateTime<Utc> {
    parse_wib_day(&d.format("%Y-%m-%d").to_string())
        .ok()
        .flatten()
        .unwrap_or_default()
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let today = wib_date(state.now());
    let (range, errors) = match period(&q, today) {
        Ok(r) => (Some(r), FieldErrors::default()),
        Err(e) => (None, e),
    };
    let mut out = ListsPage {
        ctx,
        q,
        errors,
        techs: Vec::new(),
        total: Counts::default(),
        reasons: Vec::new(),
        reasons_total: 0,
        install: Spans::default(),
        repair: Spans::default(),
    };
    let Some((from, to)) = range else {
        return web::invalid(&out);
    };
    let (from, to) = (instant(from), instant(to + Duration::days(1)));
    let db = &state.db;

    for r in stats::outcomes(db, from, to).await? {
        let day = NaiveDate::parse_from_str(&r.day, "%Y-%m-%d").unwrap_or_default();
        let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        // Rows come ordered by technician, then day.
        if out.techs.last().is_none_or(|t| t.name != r.technician_name) {
            out.techs.push(TechWeeks {
                name: r.technician_name.clone(),
                weeks: Vec::new(),
                total: Counts::default(),
            });
        }
        let tech = out.techs.last_mut().expect("pushed above");
        if tech.weeks.last().is_none_or(|w| w.monday != monday) {
            tech.weeks.push(WeekRow {
                monday,
                counts: Counts::default(),
            });
        }
        tech.weeks
            .last_mut()
            .expect("pushed above")
            .counts
            .add(r.status, r.n);
        tech.total.add(r.status, r.n);
        out.total.add(r.status, r.n);
    }
    for r in stats::fail_reasons(db, from, to).await? {
        let key = r.reason.unwrap_or(FailReason::Other).label_key();
        out.reasons_total += r.n;
        match out.reasons.iter_mut().find(|(k, _)| *k == key) {
            Some(row) => row.1 += r.n,
            None => out.reasons.push((key, r.n)),
        }
    }
    out.install = Spans::of(&stats::install_spans(db, from, to).await?);
    out.repair = Spans::of(&stats::repair_spans(db, from, to).await?);
    page(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(h: i64) -> SpanRow {
        let t = DateTime::<Utc>::default();
        SpanRow {
            began: t,
            done: t + Duration::hours(h),
        }
    }

    #[test]
    fn medians_and_rates() {
        let s = Spans::of(&[span(10), span(2), span(30)]);
        assert_eq!((s.count, s.median, s.mean), (3, Some(10.0), Some(14.0)));
        let s = Spans::of(&[span(10), span(2)]);
        assert_eq!(s.median, Some(6.0));
        assert_eq!(Spans::of(&[]).median, None);
        let c = Counts {
            done: 2,
            failed: 1,
            cancelled: 5,
        };
        assert_eq!(c.rate(), "67%");
        assert_eq!(Counts::default().rate(), "–");
    }

    #[test]
    fn the_default_period_is_four_weeks() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(); // a Saturday
        let (from, to) = period(&PeriodQuery::default(), today).unwrap();
        assert_eq!(from, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        assert_eq!(to, today);
        let bad = PeriodQuery {
            from: "31/02/2026".into(),
            to: "01/01/2026".into(),
        };
        assert!(period(&bad, today).unwrap_err().has("from"));
    }
}
