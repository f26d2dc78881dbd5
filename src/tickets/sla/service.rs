//! Changes to the SLA settings, each one transaction with its audit row. New settings apply to
//! tickets filed (or resumed) from then on; deadlines already set stay as they are.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::store::{self, HoursSetting};
use super::{BusinessHours, Target, MAX_TARGET_MINUTES};
use crate::audit::{self, Action, Actor};
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::tickets::model::Priority;
use crate::words::Detail;

/// Longest holiday name accepted.
pub const MAX_HOLIDAY_NAME: usize = 100;
/// Holidays are accepted between these years.
pub const HOLIDAY_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

const ENTITY: Option<(&str, i64)> = Some(("sla_settings", 1));

/// The form field of a priority's first-response target (`first_urgent`).
pub fn first_field(p: Priority) -> String {
    format!("first_{p}")
}

/// The form field of a priority's resolution target (`resolution_urgent`).
pub fn resolution_field(p: Priority) -> String {
    format!("resolution_{p}")
}

fn check_minutes(errors: &mut FieldErrors, field: String, minutes: i64) -> bool {
    let key = if minutes <= 0 {
        "sla.validation.target_positive"
    } else if minutes > MAX_TARGET_MINUTES {
        "sla.validation.target_too_long"
    } else {
        return true;
    };
    errors.add(field, key);
    false
}

/// Sets the targets of the given priorities (minutes of counted time); the others stay. Each
/// must be a positive whole number of minutes up to [`MAX_TARGET_MINUTES`], and the first
/// response no later than the resolution.
pub async fn save_targets(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    targets: &[(Priority, i64, i64)],
) -> AppResult<()> {
    let mut errors = FieldErrors::default();
    for &(p, first, resolution) in targets {
        let first_ok = check_minutes(&mut errors, first_field(p), first);
        let resolution_ok = check_minutes(&mut errors, resolution_field(p), resolution);
        if first_ok && resolution_ok && first > resolution {
            errors.add(first_field(p), "sla.validation.first_after_resolution");
        }
    }
    errors.into_result()?;
    let mut tx = db.begin().await?;
    let before = store::targets(&mut tx).await?;
    let mut detail = Detail::new();
    for &(p, first, resolution) in targets {
        let new = Target {
            first_response_minutes: first,
            resolution_minutes: resolution,
        };
        let old = before.get(p);
        detail = detail.change(
            p.as_str(),
            format!("{}/{}", old.first_response_minutes, old.resolution_minutes),
            format!("{first}/{resolution}"),
        );
        store::set_target(&mut tx, p, new).await?;
    }
    audit::record_in(&mut tx, now, actor, Action::SlaTargets, ENTITY, &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// `08:00`
pub fn fmt_minute(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Switches business hours on with `hours`, or off (`None`: the clocks count around the
/// clock; the hours last set are kept for switching on again). The day must end after it
/// starts and at least one day must be selected.
pub async fn save_hours(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    hours: Option<BusinessHours>,
) -> AppResult<()> {
    if let Some(h) = &hours {
        let mut errors = FieldErrors::default();
        if h.start_minute >= 24 * 60 {
            errors.add("start", "sla.validation.time_format");
        }
        if h.end_minute > 24 * 60 {
            errors.add("end", "sla.validation.time_format");
        } else if h.end_minute <= h.start_minute {
            errors.add("end", "sla.validation.end_before_start");
        }
        if !h.days.iter().any(|d| *d) {
            errors.add("days", "sla.validation.no_day");
        }
        errors.into_result()?;
    }
    let mut tx = db.begin().await?;
    tx.lock_row("sla_settings", 1).await?;
    let before = store::hours(&mut tx).await?;
    let after = match hours {
        Some(h) => HoursSetting {
            enabled: true,
            hours: h,
        },
        None => HoursSetting {
            enabled: false,
            ..before
        },
    };
    store::save_hours(&mut tx, &after).await?;
    // Off: the clocks count around the clock, every day.
    let show = |s: &HoursSetting| {
        if s.enabled {
            (
                format!(
                    "{}–{}",
                    fmt_minute(s.hours.start_minute),
                    fmt_minute(s.hours.end_minute)
                ),
                store::format_days(&s.hours.days),
            )
        } else {
            ("00:00–24:00".to_string(), store::format_days(&[true; 7]))
        }
    };
    let (hours_from, days_from) = show(&before);
    let (hours_to, days_to) = show(&after);
    let detail = Detail::new()
        .with("hours_from", hours_from)
        .with("days_from", days_from)
        .with("hours_to", hours_to)
        .with("days_to", days_to);
    audit::record_in(&mut tx, now, actor, Action::SlaHours, ENTITY, &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a holiday (a WIB day on which the clocks stop). A date that is already a holiday is
/// the `date` field's error; the name is optional, at most [`MAX_HOLIDAY_NAME`] characters.
pub async fn add_holiday(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    date: NaiveDate,
    name: &str,
) -> AppResult<()> {
    let name = name.trim();
    let mut errors = FieldErrors::default();
    if !HOLIDAY_YEARS.contains(&date.year()) {
        errors.add("date", "sla.validation.date_range");
    }
    if name.chars().count() > MAX_HOLIDAY_NAME {
        errors.add("name", "validation.too_long");
    }
    errors.into_result()?;
    let mut tx = db.begin().await?;
    if !store::add_holiday(&mut tx, date, name).await? {
        return Err(AppError::field("date", "sla.validation.holiday_taken"));
    }
    let detail = Detail::new()
        .with("date", date.format("%d/%m/%Y"))
        .with("name", name);
    audit::record_in(&mut tx, now, actor, Action::SlaHolidayAdd, ENTITY, &detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a holiday; 404 when that date is none.
pub async fn remove_holiday(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    date: NaiveDate,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    let Some(name) = store::remove_holiday(&mut tx, date).await? else {
        return Err(AppError::NotFound);
    };
    let detail = Detail::new()
        .with("date", date.format("%d/%m/%Y"))
        .with("name", name);
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::SlaHolidayRemove,
        ENTITY,
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
