//! The director's dashboard (`/staff/reports`) and the monthly report. Read-only: web → store
//! directly.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;

use super::charts::{self, BarChart, HBarChart, Item, LineChart, MaybeItem};
use super::dashboard::Dashboard;
use super::figures::Numbers;
use super::period::{next_month, Period, PeriodQuery, Preset, Scope};
use super::stats::fmt_percent;
use crate::catalog::{
    self,
    store::{AreaRow, PackageRow},
};
use crate::customers::model::TerminationReason;
use crate::error::{AppResult, FieldErrors};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::tickets::model::Category;
use crate::types::wib_date;
use crate::web::{page, Ctx, Query};

/// `1.204` / `1,204`.
pub fn fmt_int(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = if lang == Lang::Id { '.' } else { ',' };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// One decimal with the reader's decimal mark.
fn fmt_dec(v: f64, lang: Lang) -> String {
    let s = format!("{v:.1}");
    if lang == Lang::Id {
        s.replace('.', ",")
    } else {
        s
    }
}

/// A figure's change against the previous period: arrow and difference as text, and whether it
/// is good news (the colour only repeats what the words say).
pub struct Change {
    pub arrow: &'static str,
    pub text: String,
    /// `good`, `bad` or `flat`.
    pub class: &'static str,
}

fn change(diff: f64, text: String, higher_is_good: bool) -> Change {
    let (arrow, class) = if diff.abs() < 1e-9 {
        ("=", "flat")
    } else if (diff > 0.0) == higher_is_good {
        (if diff > 0.0 { "▲" } else { "▼" }, "good")
    } else {
        (if diff > 0.0 { "▲" } else { "▼" }, "bad")
    };
    Change { arrow, text, class }
}

pub struct Figure {
    /// `fig-churn` etc. for tests.
    pub id: &'static str,
    pub label_key: &'static str,
    pub value: String,
    /// The previous period's value; `None` for figures of today (the oldest waiting).
    pub prev: Option<String>,
    pub change: Option<Change>,
    pub href: String,
}

fn counts(
    ctx: &Ctx,
    id: &'static str,
    label_key: &'static str,
    now: i64,
    before: i64,
    higher_is_good: bool,
    href: String,
) -> Figure {
    let diff = now - before;
    Figure {
        id,
        label_key,
        value: fmt_int(now, ctx.lang),
        prev: Some(fmt_int(before, ctx.lang)),
        change: Some(change(
            diff as f64,
            fmt_int(diff.abs(), ctx.lang),
            higher_is_good,
        )),
        href,
    }
}

/// A percentage; its change in percentage points.
fn rate(
    ctx: &Ctx,
    id: &'static str,
    label_key: &'static str,
    now: Option<f64>,
    before: Option<f64>,
    higher_is_good: bool,
    href: String,
) -> Figure {
    Figure {
        id,
        label_key,
        value: fmt_percent(now, ctx.lang),
        prev: Some(fmt_percent(before, ctx.lang)),
        change: now.zip(before).map(|(a, b)| {
            change(
                a - b,
                ctx.tf(
                    "dashboard.pp",
                    [("n", fmt_dec((a - b).abs(), ctx.lang).as_str())],
                ),
                higher_is_good,
            )
        }),
        href,
    }
}

fn duration(
    ctx: &Ctx,
    id: &'static str,
    label_key: &'static str,
    now: Option<f64>,
    before: Option<f64>,
    href: String,
) -> Figure {
    let show = |v: Option<f64>| v.map_or("–".to_string(), |s| ctx.span(s as i64));
    Figure {
        id,
        label_key,
        value: show(now),
        prev: Some(show(before)),
        change: now
            .zip(before)
            .map(|(a, b)| change(a - b, ctx.span((a - b).abs() as i64), false)),
        href,
    }
}

/// A score with one decimal (CSAT stars, NPS); its change in points.
fn score(
    ctx: &Ctx,
    id: &'static str,
    label_key: &'static str,
    now: Option<f64>,
    before: Option<f64>,
    href: String,
) -> Figure {
    let show = |v: Option<f64>| v.map_or("–".to_string(), |v| fmt_dec(v, ctx.lang));
    Figure {
        id,
        label_key,
        value: show(now),
        prev: Some(show(before)),
        change: now
            .zip(before)
            .map(|(a, b)| change(a - b, fmt_dec((a - b).abs(), ctx.lang), true)),
        href,
    }
}

fn oldest(
    ctx: &Ctx,
    id: &'static str,
    label_key: &'static str,
    row: &Option<(i64, String, DateTime<Utc>)>,
    href: &str,
    now: DateTime<Utc>,
) -> Figure {
    match row {
        Some((rid, number, since)) => Figure {
            id,
            label_key,
            value: ctx.tf(
                "dashboard.waiting_since",
                [
                    ("number", number.as_str()),
                    ("age", ctx.span((now - *since).num_seconds()).as_str()),
                ],
            ),
            prev: None,
            change: None,
            href: format!("{href}/{rid}"),
        },
        None => Figure {
            id,
            label_key,
            value: "–".into(),
            prev: None,
            change: None,
            href: href.trim_end_matches("/visits").to_string(),
        },
    }
}

/// The figures of the dashboard, each linking to the list behind it.
pub fn figures(ctx: &Ctx, d: &Dashboard, now: DateTime<Utc>) -> Vec<Figure> {
    let (a, b): (&Numbers, &Numbers) = (&d.now, &d.before);
    let q = format!("{}{}", d.period.query(), d.scope.query());
    let reg_q = format!(
        "status=any&from={}&to={}{}",
        d.period.first.format("%d/%m/%Y"),
        d.period.last.format("%d/%m/%Y"),
        d.scope.query()
    );
    let csat = |n: &Numbers| n.csat.map(|c| c.0);
    let happy = |n: &Numbers| n.csat.map(|c| c.1);
    vec![
        counts(
            ctx,
            "active",
            "dashboard.active",
            a.active_end,
            b.active_end,
            true,
            "/staff/customers?status=active".into(),
        ),
        counts(
            ctx,
            "signups",
            "dashboard.signups",
            a.signups,
            b.signups,
            true,
            format!("/staff/registrations?{reg_q}"),
        ),
        counts(
            ctx,
            "installations",
            "dashboard.installations",
            a.installations,
            b.installations,
            true,
            "/staff/registrations?status=installed".into(),
        ),
        counts(
            ctx,
            "terminations",
            "dashboard.terminations",
            a.terminations,
            b.terminations,
            false,
            format!("/staff/reports/terminations?{q}"),
        ),
        rate(
            ctx,
            "churn",
            "dashboard.churn",
            a.churn(),
            b.churn(),
            false,
            format!("/staff/reports/terminations?{q}"),
        ),
        counts(
            ctx,
            "growth",
            "dashboard.growth",
            a.net_growth(),
            b.net_growth(),
            true,
            "/staff/customers".into(),
        ),
        counts(
            ctx,
            "tickets",
            "dashboard.tickets",
            a.tickets,
            b.tickets,
            false,
            "/staff/tickets".into(),
        ),
        duration(
            ctx,
            "first-response",
            "dashboard.first_response",
            a.first_response,
            b.first_response,
            "/staff/tickets".into(),
        ),
        duration(
            ctx,
            "resolution",
            "dashboard.resolution",
            a.resolution,
            b.resolution,
            "/staff/tickets".into(),
        ),
        rate(
            ctx,
            "sla",
            "dashboard.sla",
            a.sla,
            b.sla,
            true,
            "/staff/tickets?sla=breached".into(),
        ),
        score(
            ctx,
            "csat",
            "dashboard.csat",
            csat(a),
            csat(b),
            "/staff/ratings".into(),
        ),
        rate(
            ctx,
            "csat-happy",
            "dashboard.csat_happy",
            happy(a),
            happy(b),
            true,
            "/staff/ratings".into(),
        ),
        score(
            ctx,
            "nps",
            "dashboard.nps",
            a.nps,
            b.nps,
            "/staff/surveys".into(),
        ),
        counts(
            ctx,
            "referrals",
            "dashboard.referrals",
            a.referrals,
            b.referrals,
            true,
            "/staff/referrals".into(),
        ),
        oldest(
            ctx,
            "oldest-signup",
            "dashboard.oldest_signup",
            &d.oldest_signup,
            "/staff/registrations",
            now,
        ),
        oldest(
            ctx,
            "oldest-visit",
            "dashboard.oldest_visit",
            &d.oldest_visit,
            "/staff/visits",
            now,
        ),
    ]
}

/// The charts, with labels in the reader's language.
pub struct Charts {
    pub active: BarChart,
    pub churn: LineChart,
    pub sources: HBarChart,
    pub categories: HBarChart,
    pub areas: HBarChart,
    pub csat: LineChart,
    pub nps: LineChart,
    pub sla: LineChart,
    pub reasons: HBarChart,
    pub competitors: HBarChart,
}

fn source_key(s: &str) -> &'static str {
    match s {
        "referral" => "dashboard.source_referral",
        "walk_in" => "channel.walk_in",
        "phone" => "channel.phone",
        _ => "channel.online",
    }
}

pub fn charts(ctx: &Ctx, d: &Dashboard) -> Charts {
    let lang = ctx.lang;
    let month = |m: NaiveDate| m.format("%m/%y").to_string();
    let items = |rows: &[(String, i64)], label: &dyn Fn(&str) -> String| -> Vec<Item> {
        rows.iter()
            .map(|(k, n)| Item::new(label(k), *n as f64, fmt_int(*n, lang)))
            .collect()
    };
    let line = |f: &dyn Fn(&super::series::Month) -> Option<f64>, show: &dyn Fn(f64) -> String| {
        d.months
            .iter()
            .map(|m| MaybeItem {
                label: month(m.first),
                value: f(m),
                text: f(m).map_or("–".into(), show),
            })
            .collect::<Vec<_>>()
    };
    let pct = |v: f64| fmt_percent(Some(v), lang);
    let dec = |v: f64| fmt_dec(v, lang);
    // Every source is shown, none as an empty chart.
    let mut sources: Vec<(String, i64)> = ["online", "walk_in", "phone", "referral"]
        .into_iter()
        .map(|s| {
            let n = d.now.by_source.iter().find(|r| r.0 == s).map_or(0, |r| r.1);
            (s.to_string(), n)
        })
        .collect();
    sources.retain(|(s, n)| *n > 0 || s != "phone");
    Charts {
        active: charts::bar_chart(
            &d.months
                .iter()
                .map(|m| Item::new(month(m.first), m.active as f64, fmt_int(m.active, lang)))
                .collect::<Vec<_>>(),
        ),
        churn: charts::line_chart(&line(&|m| m.churn, &pct), None),
        sources: charts::hbar_chart(&items(&sources, &|k| ctx.t(source_key(k)).to_string())),
        categories: charts::hbar_chart(&items(&d.now.by_category, &|k| {
            Category::parse(k).map_or(k.to_string(), |c| ctx.t(c.label_key()).to_string())
        })),
        areas: charts::hbar_chart(&items(&d.by_area, &|k| k.to_string())),
        csat: charts::line_chart(&line(&|m| m.csat, &dec), Some((1.0, 5.0))),
        nps: charts::line_chart(&line(&|m| m.nps, &dec), Some((-100.0, 100.0))),
        sla: charts::line_chart(&line(&|m| m.sla, &pct), Some((0.0, 100.0))),
        reasons: charts::hbar_chart(&items(&d.reasons, &|k| {
            TerminationReason::parse(k).map_or(k.to_string(), |r| ctx.t(r.label_key()).to_string())
        })),
        competitors: charts::hbar_chart(&items(&d.competitors, &|k| k.to_string())),
    }
}

/// What the period picker needs besides the query: the choices.
pub struct Picker {
    pub presets: &'static [Preset],
    pub areas: std::sync::Arc<Vec<AreaRow>>,
    pub packages: std::sync::Arc<Vec<PackageRow>>,
}

impl Picker {
    pub async fn load(state: &AppState) -> AppResult<Picker> {
        Ok(Picker {
            presets: &Preset::ALL,
            areas: catalog::areas(state).await?,
            packages: catalog::packages(state).await?,
        })
    }
}

/// The period and scope asked for, or the field errors of both.
pub(super) fn parse(q: &PeriodQuery, today: NaiveDate) -> Result<(Period, Scope), FieldErrors> {
    let period = Period::parse(q, today);
    let scope = Scope::parse(q);
    match (period, scope) {
        (Ok(p), Ok(s)) => Ok((p, s)),
        (p, s) => {
            let mut all = FieldErrors::default();
            for errors in [p.err(), s.err()].into_iter().flatten() {
                for (field, message) in errors.iter() {
                    all.add(field.to_string(), message);
                }
            }
            Err(all)
        }
    }
}

#[derive(Template)]
#[template(path = "reports/dashboard.html")]
pub struct DashboardPage {
    pub ctx: Ctx,
    pub q: PeriodQuery,
    pub picker: Picker,
    pub errors: FieldErrors,
    pub action: &'static str,
    pub period_label: String,
    pub previous_label: String,
    pub figures: Vec<Figure>,
    pub charts: Option<Charts>,
    /// The period and scope as a query string, for the report tabs.
    pub query: String,
}

pub(super) fn bad_request<T: Template>(t: &T) -> AppResult<Response> {
    Ok((StatusCode::BAD_REQUEST, Html(t.render()?)).into_response())
}

/// The dashboard page for `q`, at `action` (`/staff/reports`, or `/staff` for the director).
pub async fn render_dashboard(
    state: &AppState,
    ctx: Ctx,
    q: PeriodQuery,
    action: &'static str,
) -> AppResult<Response> {
    let now = state.now();
    let picker = Picker::load(state).await?;
    match parse(&q, wib_date(now)) {
        Err(errors) => bad_request(&DashboardPage {
            ctx,
            q,
            picker,
            errors,
            action,
            period_label: String::new(),
            previous_label: String::new(),
            figures: Vec::new(),
            charts: None,
            query: String::new(),
        }),
        Ok((period, scope)) => {
            let d = Dashboard::load(&state.db, period, scope).await?;
            page(&DashboardPage {
                figures: figures(&ctx, &d, now),
                charts: Some(charts(&ctx, &d)),
                period_label: d.period.label(),
                previous_label: d.previous.label(),
                query: format!("{}{}", d.period.query(), d.scope.query()),
                ctx,
                q,
                picker,
                errors: FieldErrors::default(),
                action,
            })
        }
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    render_dashboard(&state, ctx, q, "/staff/reports").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MonthQuery {
    month: String,
}

#[derive(Template)]
#[template(path = "reports/monthly.html")]
struct MonthlyPage {
    ctx: Ctx,
    month: String,
    error: Option<&'static str>,
    title: String,
    previous_label: String,
    figures: Vec<Figure>,
    charts: Option<Charts>,
    /// Top termination reasons and ticket categories (label, count).
    top_reasons: Vec<(String, String)>,
    top_categories: Vec<(String, String)>,
}

/// `YYYY-MM` → the month's first day.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 7 {
        return None;
    }
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok()
}

/// The month as a custom period (whole month).
pub fn month_period(first: NaiveDate) -> Period {
    Period {
        preset: Preset::Custom,
        first,
        last: next_month(first) - Duration::days(1),
    }
}

/// The month before the one `today` is in.
pub fn last_month(today: NaiveDate) -> NaiveDate {
    let first = today.with_day(1).expect("day 1");
    (first - Duration::days(1)).with_day(1).expect("day 1")
}

/// The monthly report of `?month=YYYY-MM` (last month by default), for printing.
pub async fn monthly(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<MonthQuery>,
) -> AppResult<Response> {
    let now = state.now();
    let mut p = MonthlyPage {
        ctx,
        month: q.month.clone(),
        error: None,
        title: String::new(),
        previous_label: String::new(),
        figures: Vec::new(),
        charts: None,
        top_reasons: Vec::new(),
        top_categories: Vec::new(),
    };
    let first = if q.month.trim().is_empty() {
        Some(last_month(wib_date(now)))
    } else {
        parse_month(&q.month)
    };
    let Some(first) = first else {
        p.error = Some("dashboard.error_month");
        return bad_request(&p);
    };
    let period = month_period(first);
    let d = Dashboard::load(&state.db, period, Scope::default()).await?;
    p.month = first.format("%Y-%m").to_string();
    p.title = p.ctx.tf(
        "dashboard.monthly_title",
        [("month", first.format("%m/%Y").to_string().as_str())],
    );
    p.previous_label = d.previous.label();
    p.figures = figures(&p.ctx, &d, now);
    p.charts = Some(charts(&p.ctx, &d));
    let lang = p.ctx.lang;
    p.top_reasons = d
        .reasons
        .iter()
        .take(5)
        .map(|(k, n)| {
            let label = TerminationReason::parse(k)
                .map_or(k.to_string(), |r| p.ctx.t(r.label_key()).to_string());
            (label, fmt_int(*n, lang))
        })
        .collect();
    p.top_categories = d
        .now
        .by_category
        .iter()
        .take(5)
        .map(|(k, n)| {
            let label =
                Category::parse(k).map_or(k.to_string(), |c| p.ctx.t(c.label_key()).to_string());
            (label, fmt_int(*n, lang))
        })
        .collect();
    page(&p)
}

/// A day as staff read it: DD/MM/YYYY.
pub fn day(d: &NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_months() {
        assert_eq!(fmt_int(1204, Lang::Id), "1.204");
        assert_eq!(fmt_int(-1204567, Lang::En), "-1,204,567");
        assert_eq!(fmt_int(12, Lang::En), "12");
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(parse_month("2026-10"), Some(d(2026, 10, 1)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("oktober"), None);
        assert_eq!(last_month(d(2026, 1, 15)), d(2025, 12, 1));
        assert_eq!(month_period(d(2026, 2, 1)).last, d(2026, 2, 28));
    }
}
