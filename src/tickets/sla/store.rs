//! SQL for the SLA settings: `sla_targets`, `sla_settings`, `sla_holidays`.

use chrono::NaiveDate;

use super::{BusinessHours, Target, Targets};
use crate::args;
use crate::db::{Conn, DbResult, Tx};
use crate::tickets::model::Priority;

/// A second handle on the same connection, so one function can run several queries on the
/// `Conn` it was given.
pub(super) fn reborrow<'b>(c: &'b mut Conn<'_>) -> Conn<'b> {
    match c {
        Conn::Db(db) => Conn::Db(db),
        Conn::Tx(tx) => Conn::Tx(tx),
    }
}

/// The targets as stored; a priority without a row keeps its default, an unknown one is
/// ignored.
pub async fn targets(c: impl Into<Conn<'_>>) -> DbResult<Targets> {
    let rows: Vec<(String, i64, i64)> = c
        .into()
        .fetch_all(
            "SELECT priority, first_response_minutes, resolution_minutes FROM sla_targets",
            args![],
        )
        .await?;
    let mut targets = Targets::default();
    for (priority, first, resolution) in rows {
        if let Some(p) = Priority::parse(&priority) {
            targets.set(
                p,
                Target {
                    first_response_minutes: first,
                    resolution_minutes: resolution,
                },
            );
        }
    }
    Ok(targets)
}

pub async fn set_target(c: impl Into<Conn<'_>>, p: Priority, t: Target) -> DbResult<()> {
    c.into()
        .execute(
            "INSERT INTO sla_targets (priority, first_response_minutes, resolution_minutes) \
             VALUES ($1, $2, $3) ON CONFLICT (priority) DO UPDATE SET \
             first_response_minutes = excluded.first_response_minutes, \
             resolution_minutes = excluded.resolution_minutes",
            args![p, t.first_response_minutes, t.resolution_minutes],
        )
        .await?;
    Ok(())
}

/// The business hours as stored, and whether the clocks count in them. The hours are kept
/// while switched off, so switching them on again shows what was there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HoursSetting {
    pub enabled: bool,
    pub hours: BusinessHours,
}

/// `1,2,3,4,5,6` (ISO weekdays, 1 = Monday) as Monday-first flags; anything else is ignored.
pub fn parse_days(s: &str) -> [bool; 7] {
    let mut days = [false; 7];
    for part in s.split(',') {
        if let Ok(n @ 1..=7) = part.trim().parse::<usize>() {
            days[n - 1] = true;
        }
    }
    days
}

pub fn format_days(days: &[bool; 7]) -> String {
    (1..=7)
        .filter(|n| days[n - 1])
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub async fn hours(c: impl Into<Conn<'_>>) -> DbResult<HoursSetting> {
    let row: Option<(bool, i64, i64, String)> = c
        .into()
        .fetch_optional(
            "SELECT business_hours, day_start_minute, day_end_minute, work_days \
             FROM sla_settings WHERE id = 1",
            args![],
        )
        .await?;
    let Some((enabled, start, end, days)) = row else {
        return Ok(HoursSetting {
            enabled: false,
            hours: BusinessHours::DEFAULT,
        });
    };
    let minute = |m: i64| u32::try_from(m.clamp(0, 24 * 60)).unwrap_or(0);
    Ok(HoursSetting {
        enabled,
        hours: BusinessHours {
            start_minute: minute(start),
            end_minute: minute(end),
            days: parse_days(&days),
        },
    })
}

pub async fn save_hours(c: impl Into<Conn<'_>>, s: &HoursSetting) -> DbResult<()> {
    c.into()
        .execute(
            "INSERT INTO sla_settings (id, business_hours, day_start_minute, day_end_minute, work_days) \
             VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET \
             business_hours = excluded.business_hours, day_start_minute = excluded.day_start_minute, \
             day_end_minute = excluded.day_end_minute, work_days = excluded.work_days",
            args![
                s.enabled,
                i64::from(s.hours.start_minute),
                i64::from(s.hours.end_minute),
                format_days(&s.hours.days)
            ],
        )
        .await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, crate::db::LiteRow)]
pub struct Holiday {
    #[sqlx(rename = "holiday_date")]
    pub date: NaiveDate,
    pub name: String,
}

/// All holidays, oldest first.
pub async fn holidays(c: impl Into<Conn<'_>>) -> DbResult<Vec<Holiday>> {
    c.into()
        .fetch_all(
            "SELECT holiday_date, name FROM sla_holidays ORDER BY holiday_date",
            args![],
        )
        .await
}

/// Adds a holiday; `false` (and nothing changed) when that date is already one.
pub async fn add_holiday(c: impl Into<Conn<'_>>, date: NaiveDate, name: &str) -> DbResult<bool> {
    let n = c
        .into()
        .execute(
            "INSERT INTO sla_holidays (holiday_date, name) VALUES ($1, $2) \
             ON CONFLICT (holiday_date) DO NOTHING",
            args![date, name],
        )
        .await?;
    Ok(n == 1)
}

/// Removes a holiday and returns its name; `None` when that date was none.
pub async fn remove_holiday(tx: &mut Tx, date: NaiveDate) -> DbResult<Option<String>> {
    let row: Option<(String,)> = tx
        .fetch_optional(
            "DELETE FROM sla_holidays WHERE holiday_date = $1 RETURNING name",
            args![date],
        )
        .await?;
    Ok(row.map(|(name,)| name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_days_round_trip() {
        let days = parse_days("1,2,3,4,5,6");
        assert_eq!(days, [true, true, true, true, true, true, false]);
        assert_eq!(format_days(&days), "1,2,3,4,5,6");
        assert_eq!(
            parse_days(" 7 , x, 0, 9,3"),
            [false, false, true, false, false, false, true]
        );
        assert_eq!(format_days(&[false; 7]), "");
        assert_eq!(parse_days(""), [false; 7]);
    }
}
