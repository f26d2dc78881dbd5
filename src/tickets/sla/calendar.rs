//! The SLA clock: which moments count (business hours in WIB, minus holidays) and the
//! arithmetic over them. Pure, no I/O.
//!
//! A day counts from `start_minute` to `end_minute` (WIB) when it is one of the working days
//! and not a holiday; without business hours every day counts whole, except holidays.
//! [`Calendar::add`] and [`Calendar::between`] walk day by day (never minute by minute), so a
//! target of 120 hours over a holiday week costs a few dozen steps. Only the first
//! [`MAX_DAYS`] days from the starting moment are walked; time beyond them counts as 24/7,
//! which keeps a calendar that (through bad data) has no working day at all from looping.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::types::wib;

/// Days walked before the rest of a span counts as plain time (about 27 years).
pub const MAX_DAYS: i64 = 10_000;

const MINUTES_PER_DAY: u32 = 24 * 60;

/// Working hours of a week, in WIB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BusinessHours {
    /// Minutes after midnight the working day starts (480 = 08:00).
    pub start_minute: u32,
    /// Minutes after midnight the working day ends (1200 = 20:00; 1440 = midnight).
    pub end_minute: u32,
    /// Monday first.
    pub days: [bool; 7],
}

impl BusinessHours {
    /// 08:00–20:00, Monday to Saturday: what the settings start with.
    pub const DEFAULT: BusinessHours = BusinessHours {
        start_minute: 8 * 60,
        end_minute: 20 * 60,
        days: [true, true, true, true, true, true, false],
    };

    /// Whether these hours describe any time at all: the day ends after it starts, within the
    /// day, and at least one day is selected.
    pub fn is_valid(&self) -> bool {
        self.start_minute < self.end_minute
            && self.end_minute <= MINUTES_PER_DAY
            && self.days.iter().any(|d| *d)
    }

    /// Counted seconds in a full day that is a working day.
    pub fn day_secs(&self) -> i64 {
        i64::from(self.end_minute.saturating_sub(self.start_minute)) * 60
    }
}

/// Which moments the SLA clocks count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    /// `None`: around the clock.
    hours: Option<BusinessHours>,
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Around the clock, no holidays.
    pub fn always() -> Calendar {
        Calendar::default()
    }

    /// A calendar of `hours` (`None` for around the clock) without the `holidays`. Hours that
    /// describe no time at all (no day selected, end not after start) count as around the clock
    /// rather than as a clock that never runs.
    pub fn new(
        hours: Option<BusinessHours>,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Calendar {
        Calendar {
            hours: hours.filter(BusinessHours::is_valid),
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn hours(&self) -> Option<&BusinessHours> {
        self.hours.as_ref()
    }

    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// The counted part of WIB day `d`, as local times: `None` when nothing of it counts.
    fn window(&self, d: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        if self.holidays.contains(&d) {
            return None;
        }
        let midnight = d.and_time(NaiveTime::MIN);
        match &self.hours {
            None => Some((midnight, midnight + Duration::days(1))),
            Some(h) if h.days[d.weekday().num_days_from_monday() as usize] => Some((
                midnight + Duration::minutes(i64::from(h.start_minute)),
                midnight + Duration::minutes(i64::from(h.end_minute)),
            )),
            Some(_) => None,
        }
    }

    /// `start` plus `secs` of counted time (business time when configured; WIB days and
    /// hours). Moves backwards for negative `secs`. Filed outside the counted hours, the clock
    /// starts at the next counted moment (06:00 with a 1 h target under 08:00–20:00 is due
    /// 09:00); a target that ends exactly at the close of a day is due at the close (19:00 plus
    /// 1 h is due 20:00 that day, not at 08:00 the next).
    pub fn add(&self, start: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        if secs == 0 {
            return start;
        }
        let forward = secs > 0;
        let mut left = secs.unsigned_abs().min(i64::MAX as u64) as i64;
        let mut cursor = local(start);
        let mut day = cursor.date();
        for _ in 0..MAX_DAYS {
            if let Some((open, close)) = self.window(day) {
                let (from, to) = if forward {
                    (cursor.max(open), close)
                } else {
                    (open, cursor.min(close))
                };
                let available = (to - from).num_seconds();
                if available > 0 {
                    if available >= left {
                        return utc(if forward {
                            from + Duration::seconds(left)
                        } else {
                            to - Duration::seconds(left)
                        });
                    }
                    left -= available;
                }
            }
            let next = if forward {
                day.succ_opt()
            } else {
                day.pred_opt()
            };
            let Some(next) = next else {
                return clamp_end(forward);
            };
            day = next;
            cursor = if forward {
                day.and_time(NaiveTime::MIN)
            } else {
                (day + Duration::days(1)).and_time(NaiveTime::MIN)
            };
        }
        // Beyond the walked days the rest counts as plain time.
        let rest = Duration::try_seconds(if forward { left } else { -left });
        rest.and_then(|r| utc(cursor).checked_add_signed(r))
            .unwrap_or_else(|| clamp_end(forward))
    }

    /// Counted seconds from `a` to `b` (negative when `b` is before `a`).
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b < a {
            return -self.between(b, a);
        }
        let (a, b) = (local(a), local(b));
        let mut total: i64 = 0;
        let mut day = a.date();
        for _ in 0..MAX_DAYS {
            if day > b.date() {
                return total;
            }
            if let Some((open, close)) = self.window(day) {
                let from = open.max(a);
                let to = close.min(b);
                if to > from {
                    total = total.saturating_add((to - from).num_seconds());
                }
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => return total,
            }
        }
        // Beyond the walked days the rest counts as plain time, as in `add`.
        let walked_to = day.and_time(NaiveTime::MIN);
        total.saturating_add((b - walked_to).num_seconds().max(0))
    }
}

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&wib()).naive_local()
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    // WIB is a fixed offset: every local time exists exactly once.
    wib()
        .from_local_datetime(&t)
        .single()
        .map(|t| t.to_utc())
        .unwrap_or_else(|| t.and_utc() - Duration::hours(7))
}

fn clamp_end(forward: bool) -> DateTime<Utc> {
    if forward {
        DateTime::<Utc>::MAX_UTC
    } else {
        DateTime::<Utc>::MIN_UTC
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;

    /// A WIB wall-clock time as the UTC instant.
    fn wib_at(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
        wib()
            .with_ymd_and_hms(y, m, d, hh, mm, 0)
            .single()
            .unwrap()
            .to_utc()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// 08:00–20:00 WIB, Monday–Saturday, with the given holidays.
    fn office(holidays: &[NaiveDate]) -> Calendar {
        Calendar::new(Some(BusinessHours::DEFAULT), holidays.iter().copied())
    }

    // 2026-11-28 is a Saturday; 2026-11-30 a Monday.

    #[test]
    fn around_the_clock_is_plain_time() {
        let c = Calendar::always();
        let t = wib_at(2026, 11, 28, 19, 30);
        assert_eq!(c.add(t, H), t + Duration::hours(1));
        assert_eq!(c.add(t, 120 * H), t + Duration::hours(120));
        assert_eq!(c.add(t, -5 * H), t - Duration::hours(5));
        assert_eq!(c.between(t, t + Duration::hours(30)), 30 * H);
        assert_eq!(c.between(t + Duration::hours(30), t), -30 * H);
        assert_eq!(c.add(t, 0), t);
    }

    #[test]
    fn saturday_evening_is_due_monday_morning() {
        let c = office(&[]);
        assert_eq!(
            c.add(wib_at(2026, 11, 28, 19, 30), H),
            wib_at(2026, 11, 30, 8, 30)
        );
    }

    #[test]
    fn before_opening_the_clock_starts_at_opening() {
        let c = office(&[]);
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 6, 0), H),
            wib_at(2026, 11, 30, 9, 0)
        );
        // After closing: the next morning.
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 22, 15), 2 * H),
            wib_at(2026, 12, 1, 10, 0)
        );
        // Sunday: Monday.
        assert_eq!(
            c.add(wib_at(2026, 11, 29, 12, 0), 4 * H),
            wib_at(2026, 11, 30, 12, 0)
        );
    }

    #[test]
    fn exact_boundaries() {
        let c = office(&[]);
        // Ends exactly at closing: due at closing, not the next morning.
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 19, 0), H),
            wib_at(2026, 11, 30, 20, 0)
        );
        // Filed at the opening minute.
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 8, 0), H),
            wib_at(2026, 11, 30, 9, 0)
        );
        // Filed at the closing minute: the next working day.
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 20, 0), H),
            wib_at(2026, 12, 1, 9, 0)
        );
        // A whole working day.
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 8, 0), 12 * H),
            wib_at(2026, 11, 30, 20, 0)
        );
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 8, 0), 12 * H + 1),
            wib_at(2026, 12, 1, 8, 0) + Duration::seconds(1)
        );
    }

    #[test]
    fn holidays_do_not_count() {
        // Monday 30 November is a holiday.
        let c = office(&[date(2026, 11, 30)]);
        assert_eq!(
            c.add(wib_at(2026, 11, 28, 19, 30), H),
            wib_at(2026, 12, 1, 8, 30)
        );
        // Filed on the holiday itself.
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 10, 0), 2 * H),
            wib_at(2026, 12, 1, 10, 0)
        );
        // Around the clock, a holiday still stops it.
        let c = Calendar::new(None, [date(2026, 11, 30)]);
        assert_eq!(
            c.add(wib_at(2026, 11, 29, 23, 0), 2 * H),
            wib_at(2026, 12, 1, 1, 0)
        );
        assert_eq!(
            c.between(wib_at(2026, 11, 29, 23, 0), wib_at(2026, 12, 1, 1, 0)),
            2 * H
        );
    }

    #[test]
    fn across_midnight_without_business_hours_and_with_late_hours() {
        let c = Calendar::always();
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 23, 30), H),
            wib_at(2026, 12, 1, 0, 30)
        );
        // Open until midnight: 23:30 plus 1 h is 08:30 the next day.
        let late = BusinessHours {
            start_minute: 8 * 60,
            end_minute: 24 * 60,
            days: [true; 7],
        };
        let c = Calendar::new(Some(late), []);
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 23, 30), H),
            wib_at(2026, 12, 1, 8, 30)
        );
        assert_eq!(
            c.add(wib_at(2026, 11, 30, 23, 0), H),
            wib_at(2026, 12, 1, 0, 0)
        );
        // WIB days, not UTC days: 06:00 WIB is 23:00 UTC of the day before.
        assert_eq!(
            c.between(wib_at(2026, 11, 30, 6, 0), wib_at(2026, 11, 30, 9, 0)),
            H
        );
    }

    #[test]
    fn a_long_target_over_holidays_walks_days() {
        // 120 business hours from Monday 08:00 = 10 working days of 12 h; with two holidays
        // in the first week and Sundays off that is Saturday 12 December, 20:00.
        let c = office(&[date(2026, 12, 1), date(2026, 12, 2)]);
        let start = wib_at(2026, 11, 30, 8, 0);
        let due = c.add(start, 120 * H);
        assert_eq!(due, wib_at(2026, 12, 12, 20, 0));
        assert_eq!(c.between(start, due), 120 * H);
    }

    #[test]
    fn between_counts_only_business_time() {
        let c = office(&[]);
        // Saturday 19:00 to Monday 09:00: one hour on Saturday, one on Monday.
        assert_eq!(
            c.between(wib_at(2026, 11, 28, 19, 0), wib_at(2026, 11, 30, 9, 0)),
            2 * H
        );
        assert_eq!(
            c.between(wib_at(2026, 11, 30, 9, 0), wib_at(2026, 11, 28, 19, 0)),
            -2 * H
        );
        // Both ends outside the hours.
        assert_eq!(
            c.between(wib_at(2026, 11, 29, 3, 0), wib_at(2026, 11, 29, 23, 0)),
            0
        );
        assert_eq!(
            c.between(wib_at(2026, 11, 30, 9, 0), wib_at(2026, 11, 30, 9, 0)),
            0
        );
    }

    #[test]
    fn between_is_the_inverse_of_add() {
        let calendars = [
            Calendar::always(),
            office(&[]),
            office(&[date(2026, 12, 1), date(2026, 12, 25), date(2026, 12, 26)]),
            Calendar::new(
                Some(BusinessHours {
                    start_minute: 7 * 60 + 30,
                    end_minute: 16 * 60 + 45,
                    days: [true, false, true, false, true, false, false],
                }),
                [date(2026, 12, 2)],
            ),
        ];
        let starts = [
            wib_at(2026, 11, 28, 19, 30),
            wib_at(2026, 11, 29, 12, 0),
            wib_at(2026, 11, 30, 6, 0),
            wib_at(2026, 11, 30, 8, 0),
            wib_at(2026, 11, 30, 20, 0),
            wib_at(2026, 12, 24, 23, 59),
        ];
        let spans = [
            1,
            59,
            H,
            90 * 60,
            8 * H,
            12 * H,
            24 * H,
            72 * H,
            120 * H,
            500 * H,
        ];
        for c in &calendars {
            for &s in &starts {
                for &secs in &spans {
                    let due = c.add(s, secs);
                    assert!(due > s, "{c:?} {s} +{secs}");
                    assert_eq!(c.between(s, due), secs, "{c:?} {s} +{secs}");
                    // And backwards.
                    let back = c.add(due, -secs);
                    assert_eq!(c.between(back, due), secs, "{c:?} {due} -{secs}");
                    assert!(back >= s, "{c:?} back {back} before {s}");
                    // add after between lands on the instant itself when it is counted time.
                    assert_eq!(c.add(s, c.between(s, due)), due);
                }
            }
        }
    }

    #[test]
    fn a_pause_over_the_weekend_keeps_the_time_left() {
        let c = office(&[]);
        // Filed Friday 27 November 10:00 with 8 h to resolve: due Friday 18:00.
        let filed = wib_at(2026, 11, 27, 10, 0);
        let due = c.add(filed, 8 * H);
        assert_eq!(due, wib_at(2026, 11, 27, 18, 0));
        // Waiting on the customer from Friday 15:00 (3 h left) ...
        let paused = wib_at(2026, 11, 27, 15, 0);
        let left = c.between(paused, due);
        assert_eq!(left, 3 * H);
        // ... until Monday 09:00: due Monday 12:00.
        let resumed = wib_at(2026, 11, 30, 9, 0);
        assert_eq!(c.add(resumed, left), wib_at(2026, 11, 30, 12, 0));
        // Resumed on Sunday: the clock starts Monday 08:00.
        assert_eq!(
            c.add(wib_at(2026, 11, 29, 16, 0), left),
            wib_at(2026, 11, 30, 11, 0)
        );
        // Paused Saturday 10:00, already 4 business hours overdue (Friday 18–20, Saturday
        // 08–10): resumed Monday 09:00 it is still 4 business hours overdue.
        let late = wib_at(2026, 11, 28, 10, 0);
        let left = c.between(late, due);
        assert_eq!(left, -4 * H);
        let resumed = wib_at(2026, 11, 30, 9, 0);
        let new_due = c.add(resumed, left);
        assert_eq!(c.between(new_due, resumed), 4 * H);
        assert_eq!(new_due, wib_at(2026, 11, 28, 17, 0));
    }

    #[test]
    fn invalid_hours_fall_back_to_around_the_clock() {
        let none = BusinessHours {
            days: [false; 7],
            ..BusinessHours::DEFAULT
        };
        let backwards = BusinessHours {
            start_minute: 20 * 60,
            end_minute: 8 * 60,
            ..BusinessHours::DEFAULT
        };
        let t = wib_at(2026, 11, 28, 19, 30);
        for h in [none, backwards] {
            assert!(!h.is_valid());
            let c = Calendar::new(Some(h), []);
            assert_eq!(c.hours(), None);
            assert_eq!(c.add(t, H), t + Duration::hours(1));
        }
    }

    #[test]
    fn the_walk_is_bounded() {
        // Every day a holiday: the first MAX_DAYS days are skipped, then time runs plainly.
        let start = wib_at(2026, 11, 28, 0, 0);
        let all: Vec<NaiveDate> = (0..MAX_DAYS + 5)
            .map(|i| date(2026, 11, 28) + Duration::days(i))
            .collect();
        let c = Calendar::new(None, all);
        let due = c.add(start, H);
        assert_eq!(due, start + Duration::days(MAX_DAYS) + Duration::hours(1));
        assert_eq!(c.between(start, due), H);
        // Huge spans neither panic nor overflow.
        let c = office(&[]);
        assert_eq!(c.add(start, i64::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(c.add(start, i64::MIN), DateTime::<Utc>::MIN_UTC);
        let (far_past, far_future) = (wib_at(1900, 1, 1, 0, 0), wib_at(2300, 1, 1, 0, 0));
        assert!(c.between(far_past, far_future) > 0);
        assert!(c.between(far_future, far_past) < 0);
    }
}
