//! The SLA settings page (`/staff/settings/sla`): the office reads it, admins change targets,
//! business hours and holidays with three small forms.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::service::{self, first_field, fmt_minute, resolution_field};
use super::store::{self, Holiday};
use super::BusinessHours;
use crate::auth::Role;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::tickets::model::Priority;
use crate::types::wib_date;
use crate::web::{self, redirect_with_flash, Ctx, FieldErrors, Flash, Form, Path};

const PAGE: &str = "/staff/settings/sla";

/// Weekday names, Monday first.
const DAY_KEYS: [&str; 7] = [
    "sla.day.1",
    "sla.day.2",
    "sla.day.3",
    "sla.day.4",
    "sla.day.5",
    "sla.day.6",
    "sla.day.7",
];

/// One row of the targets table, as shown or as typed.
pub struct TargetRow {
    pub label_key: &'static str,
    pub first_field: String,
    pub resolution_field: String,
    pub first: String,
    pub resolution: String,
}

/// The business-hours form as shown or as typed.
#[derive(Clone, Default)]
pub struct HoursForm {
    pub enabled: bool,
    pub start: String,
    pub end: String,
    pub days: [bool; 7],
}

impl HoursForm {
    fn from_setting(s: &store::HoursSetting) -> HoursForm {
        HoursForm {
            enabled: s.enabled,
            start: fmt_minute(s.hours.start_minute),
            end: fmt_minute(s.hours.end_minute),
            days: s.hours.days,
        }
    }

    /// `(value, label key, checked)` per weekday, Monday first.
    pub fn day_list(&self) -> Vec<(usize, &'static str, bool)> {
        (0..7).map(|i| (i + 1, DAY_KEYS[i], self.days[i])).collect()
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct HolidayForm {
    date: String,
    name: String,
}

pub struct HolidayRow {
    /// `25/12/2026`
    pub shown: String,
    /// `2026-12-25`, for the remove link.
    pub iso: String,
    pub weekday_key: &'static str,
    pub name: String,
    pub past: bool,
}

#[derive(Template)]
#[template(path = "tickets/sla.html")]
struct SlaPage {
    ctx: Ctx,
    can_edit: bool,
    targets: Vec<TargetRow>,
    hours: HoursForm,
    /// Whether business hours are on as stored (the form may show what was typed).
    hours_on: bool,
    holiday: HolidayForm,
    holidays: Vec<HolidayRow>,
    errors: FieldErrors,
}

impl SlaPage {
    /// ` disabled` on the inputs of a reader who may not change the settings.
    fn disabled(&self) -> &'static str {
        if self.can_edit {
            ""
        } else {
            " disabled"
        }
    }
}

/// What a refused form brings back as typed; the other forms show what is stored.
#[derive(Default)]
struct Typed {
    targets: Option<Vec<TargetRow>>,
    hours: Option<HoursForm>,
    holiday: HolidayForm,
}

async fn render(
    state: &AppState,
    ctx: Ctx,
    typed: Typed,
    errors: FieldErrors,
) -> AppResult<Response> {
    let targets = match typed.targets {
        Some(t) => t,
        None => {
            let stored = store::targets(&state.db).await?;
            Priority::ALL
                .iter()
                .rev()
                .map(|&p| {
                    let t = stored.get(p);
                    TargetRow {
                        label_key: p.label_key(),
                        first_field: first_field(p),
                        resolution_field: resolution_field(p),
                        first: fmt_hours(t.first_response_minutes, ctx.lang),
                        resolution: fmt_hours(t.resolution_minutes, ctx.lang),
                    }
                })
                .collect()
        }
    };
    let stored = store::hours(&state.db).await?;
    let hours = typed
        .hours
        .unwrap_or_else(|| HoursForm::from_setting(&stored));
    let today = wib_date(state.now());
    let holidays = store::holidays(&state.db)
        .await?
        .into_iter()
        .map(|Holiday { date, name }| HolidayRow {
            shown: date.format("%d/%m/%Y").to_string(),
            iso: date.format("%Y-%m-%d").to_string(),
            weekday_key: DAY_KEYS[date.weekday().num_days_from_monday() as usize],
            name,
            past: date < today,
        })
        .collect();
    let valid = errors.is_empty();
    let p = SlaPage {
        can_edit: ctx.role() == Some(Role::Admin),
        ctx,
        targets,
        hours,
        hours_on: stored.enabled,
        holiday: typed.holiday,
        holidays,
        errors,
    };
    web::page_or_invalid(&p, valid)
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render(&state, ctx, Typed::default(), FieldErrors::default()).await
}

/// Minutes as hours the way people type them: `4`, `0,5` (Indonesian) / `0.5` (English), at
/// most two decimals (which [`parse_hours`] reads back to the same minute).
pub fn fmt_hours(minutes: i64, lang: Lang) -> String {
    let text = if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        let hundredths = (minutes * 100 + 30) / 60;
        let s = format!("{}.{:02}", hundredths / 100, hundredths % 100);
        s.trim_end_matches('0').to_string()
    };
    match lang {
        Lang::Id => text.replace('.', ","),
        Lang::En => text,
    }
}

/// Hours as typed (`4`, `0.5`, `0,5`, `1.25`) to whole minutes, rounded to the nearest one.
/// Zero or negative amounts are left to the service, which refuses them with a message.
pub fn parse_hours(input: &str) -> Result<i64, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("validation.required");
    }
    if s.starts_with('-') {
        return Err("sla.validation.target_positive");
    }
    let (whole, frac) = match s.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    let digits = |t: &str| t.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty())
        || !digits(whole)
        || !digits(frac)
        || whole.len() > 6
        || frac.len() > 6
    {
        return Err("sla.validation.hours_format");
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| "sla.validation.hours_format")?
    };
    let scale = 10_i64.pow(frac.len() as u32);
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| "sla.validation.hours_format")?
    };
    Ok(whole * 60 + (frac * 60 + scale / 2) / scale)
}

/// `08:00`, `8:00` or `08.00` to minutes after midnight; `24:00` is the end of the day.
pub fn parse_time(input: &str) -> Result<u32, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("validation.required");
    }
    let bad = "sla.validation.time_format";
    let (h, m) = s.split_once([':', '.']).ok_or(bad)?;
    let ok = |t: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&t.len()) && t.chars().all(|c| c.is_ascii_digit())
    };
    if !ok(h, 1..=2) || !ok(m, 2..=2) {
        return Err(bad);
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad)?, m.parse().map_err(|_| bad)?);
    if m > 59 || h > 24 || (h == 24 && m > 0) {
        return Err(bad);
    }
    Ok(h * 60 + m)
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

pub async fn save_targets(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut errors = FieldErrors::default();
    let mut rows = Vec::new();
    let mut parsed = Vec::new();
    for &p in Priority::ALL.iter().rev() {
        let (ff, rf) = (first_field(p), resolution_field(p));
        let (first, resolution) = (value(&pairs, &ff), value(&pairs, &rf));
        let f = parse_hours(first).map_err(|k| errors.add(ff.clone(), k));
        let r = parse_hours(resolution).map_err(|k| errors.add(rf.clone(), k));
        if let (Ok(f), Ok(r)) = (f, r) {
            parsed.push((p, f, r));
        }
        rows.push(TargetRow {
            label_key: p.label_key(),
            first_field: ff,
            resolution_field: rf,
            first: first.to_string(),
            resolution: resolution.to_string(),
        });
    }
    let result = if errors.is_empty() {
        service::save_targets(&state.db, ctx.actor(), state.now(), &parsed).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&state, PAGE, "sla.flash.targets")),
        Err(AppError::Validation(errors)) => {
            let typed = Typed {
                targets: Some(rows),
                ..Typed::default()
            };
            render(&state, ctx, typed, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn save_hours(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut form = HoursForm {
        enabled: !value(&pairs, "enabled").is_empty(),
        start: value(&pairs, "start").to_string(),
        end: value(&pairs, "end").to_string(),
        days: [false; 7],
    };
    for (k, v) in &pairs {
        if let (true, Ok(n @ 1..=7)) = (k == "day", v.trim().parse::<usize>()) {
            form.days[n - 1] = true;
        }
    }
    let mut errors = FieldErrors::default();
    let hours = if form.enabled {
        let start = errors.check("start", parse_time(&form.start));
        let end = errors.check("end", parse_time(&form.end));
        match (start, end) {
            (Some(start_minute), Some(end_minute)) => Some(BusinessHours {
                start_minute,
                end_minute,
                days: form.days,
            }),
            _ => None,
        }
    } else {
        None
    };
    let result = if errors.is_empty() {
        service::save_hours(&state.db, ctx.actor(), state.now(), hours).await
    } else {
        Err(AppError::Validation(errors))
    };
    match result {
        Ok(()) => Ok(redirect_with_flash(&state, PAGE, "sla.flash.hours")),
        Err(AppError::Validation(errors)) => {
            let typed = Typed {
                hours: Some(form),
                ..Typed::default()
            };
            render(&state, ctx, typed, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn add_holiday(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<HolidayForm>,
) -> AppResult<Response> {
    let result = match crate::types::parse_day(&form.date) {
        Ok(date) => {
            service::add_holiday(&state.db, ctx.actor(), state.now(), date, &form.name).await
        }
        Err(k) => {
            let mut errors = FieldErrors::default();
            errors.add("date", k);
            if form.name.trim().chars().count() > service::MAX_HOLIDAY_NAME {
                errors.add("name", "validation.too_long");
            }
            Err(AppError::Validation(errors))
        }
    };
    match result {
        Ok(()) => {
            let day = crate::types::parse_day(&form.date)
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default();
            let flash = Flash::new("sla.flash.holiday_added").with("date", day);
            Ok(redirect_with_flash(&state, PAGE, flash))
        }
        Err(AppError::Validation(errors)) => {
            let typed = Typed {
                holiday: form,
                ..Typed::default()
            };
            render(&state, ctx, typed, errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn remove_holiday(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(date): Path<String>,
) -> AppResult<Response> {
    let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| AppError::NotFound)?;
    service::remove_holiday(&state.db, ctx.actor(), state.now(), date).await?;
    let flash =
        Flash::new("sla.flash.holiday_removed").with("date", date.format("%d/%m/%Y").to_string());
    Ok(redirect_with_flash(&state, PAGE, flash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_read_as_people_type_them() {
        assert_eq!(parse_hours("4"), Ok(240));
        assert_eq!(parse_hours(" 0.5 "), Ok(30));
        assert_eq!(parse_hours("0,5"), Ok(30));
        assert_eq!(parse_hours(",25"), Ok(15));
        assert_eq!(parse_hours("1.25"), Ok(75));
        assert_eq!(parse_hours("120"), Ok(7200));
        assert_eq!(parse_hours("0.33"), Ok(20));
        assert_eq!(parse_hours("0"), Ok(0));
        assert_eq!(parse_hours("0.001"), Ok(0));
        assert_eq!(parse_hours(""), Err("validation.required"));
        assert_eq!(parse_hours("-1"), Err("sla.validation.target_positive"));
        for bad in [
            "abc", "1e3", "1.2.3", "1,5,0", ".", "inf", "NaN", "4 jam", "+4", "9999999",
        ] {
            assert_eq!(
                parse_hours(bad),
                Err("sla.validation.hours_format"),
                "{bad}"
            );
        }
    }

    #[test]
    fn shown_hours_read_back_to_the_same_minutes() {
        for m in 1..=600 {
            for lang in Lang::ALL {
                let shown = fmt_hours(m, lang);
                assert_eq!(parse_hours(&shown), Ok(m), "{m} shown as {shown}");
            }
        }
        assert_eq!(fmt_hours(30, Lang::Id), "0,5");
        assert_eq!(fmt_hours(30, Lang::En), "0.5");
        assert_eq!(fmt_hours(480, Lang::Id), "8");
        assert_eq!(fmt_hours(75, Lang::En), "1.25");
    }

    #[test]
    fn times_and_dates() {
        assert_eq!(parse_time("08:00"), Ok(480));
        assert_eq!(parse_time("8:30"), Ok(510));
        assert_eq!(parse_time("20.00"), Ok(1200));
        assert_eq!(parse_time("24:00"), Ok(1440));
        for bad in [
            "24:01", "25:00", "08:60", "8", "08:0", "ab:cd", "08:00:00", "-1:00",
        ] {
            assert_eq!(parse_time(bad), Err("sla.validation.time_format"), "{bad}");
        }
        let d = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        for ok in [
            "25/12/2026",
            "25-12-2026",
            "25.12.2026",
            "2026-12-25",
            " 25/12/2026 ",
        ] {
            assert_eq!(crate::types::parse_day(ok), Ok(d), "{ok}");
        }
        assert_eq!(
            crate::types::parse_day("1/2/2027"),
            Ok(NaiveDate::from_ymd_opt(2027, 2, 1).unwrap())
        );
        for bad in [
            "31/02/2026",
            "25/13/2026",
            "25/12/26",
            "2026/12",
            "hari raya",
            "00/01/2026",
        ] {
            assert_eq!(
                crate::types::parse_day(bad),
                Err("validation.date_invalid"),
                "{bad}"
            );
        }
        assert_eq!(crate::types::parse_day(""), Err("validation.required"));
    }
}
