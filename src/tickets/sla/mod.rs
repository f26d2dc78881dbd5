//! SLA: targets per priority, business hours and holidays, and the clock arithmetic.
//!
//! The ticket core asks [`Policy::load`] for the settings and [`Policy::deadlines`] for a new
//! ticket's deadlines. While a ticket waits on the customer its resolution clock is paused:
//! at the pause it keeps `calendar.between(now, resolution_due)` seconds, on resuming the new
//! deadline is `calendar.add(now, left)` (both work with negative values for a ticket paused
//! when already overdue).

mod calendar;
pub mod service;
pub mod store;
mod web;

pub use calendar::{BusinessHours, Calendar, MAX_DAYS};

use chrono::{DateTime, Utc};

use super::model::Priority;
use crate::auth::groups;
use crate::db::{Conn, DbResult};
use crate::web::routes::{Access, Routes};

pub fn routes() -> Routes {
    let read = Access::Roles(groups::OFFICE);
    let admin = Access::Roles(groups::ADMIN);
    Routes::new()
        .get("/staff/settings/sla", read, web::show)
        .post("/staff/settings/sla/targets", admin, web::save_targets)
        .post("/staff/settings/sla/hours", admin, web::save_hours)
        .post("/staff/settings/sla/holidays", admin, web::add_holiday)
        .post(
            "/staff/settings/sla/holidays/{date}/remove",
            admin,
            web::remove_holiday,
        )
}

/// The longest target accepted, in minutes (1000 hours).
pub const MAX_TARGET_MINUTES: i64 = 1000 * 60;

/// Time allowed for one priority, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
}

/// Targets per priority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    /// In the order of [`Priority::ALL`].
    by_priority: [Target; 4],
}

impl Default for Targets {
    /// Urgent 1 h / 8 h, high 2 h / 24 h, normal 4 h / 72 h, low 8 h / 120 h.
    fn default() -> Targets {
        let mut t = Targets {
            by_priority: [Target {
                first_response_minutes: 0,
                resolution_minutes: 0,
            }; 4],
        };
        for (p, first, resolution) in [
            (Priority::Urgent, 1, 8),
            (Priority::High, 2, 24),
            (Priority::Normal, 4, 72),
            (Priority::Low, 8, 120),
        ] {
            t.set(
                p,
                Target {
                    first_response_minutes: first * 60,
                    resolution_minutes: resolution * 60,
                },
            );
        }
        t
    }
}

fn index(p: Priority) -> usize {
    Priority::ALL
        .iter()
        .position(|x| *x == p)
        .expect("every priority is in ALL")
}

impl Targets {
    pub fn get(&self, p: Priority) -> Target {
        self.by_priority[index(p)]
    }

    pub fn set(&mut self, p: Priority, t: Target) {
        self.by_priority[index(p)] = t;
    }

    /// Seconds of counted time to the first response.
    pub fn first_response(&self, p: Priority) -> i64 {
        self.get(p).first_response_minutes * 60
    }

    /// Seconds of counted time to the resolution.
    pub fn resolution(&self, p: Priority) -> i64 {
        self.get(p).resolution_minutes * 60
    }
}

/// Everything the SLA clocks need: targets and the calendar they count in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub targets: Targets,
    pub calendar: Calendar,
}

impl Policy {
    /// The settings as stored (`sla_targets`, `sla_settings`, `sla_holidays`). A priority
    /// without a row keeps its default; business hours that are switched off (or describe no
    /// time at all) count around the clock. Holidays never count, with or without business
    /// hours.
    pub async fn load(c: impl Into<Conn<'_>>) -> DbResult<Policy> {
        let mut c = c.into();
        let targets = store::targets(store::reborrow(&mut c)).await?;
        let hours = store::hours(store::reborrow(&mut c)).await?;
        let holidays = store::holidays(store::reborrow(&mut c)).await?;
        Ok(Policy {
            targets,
            calendar: Calendar::new(
                hours.enabled.then_some(hours.hours),
                holidays.into_iter().map(|h| h.date),
            ),
        })
    }

    /// Deadlines of a ticket created at `at` with priority `p`: (first response due,
    /// resolution due).
    pub fn deadlines(&self, p: Priority, at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.calendar.add(at, self.targets.first_response(p)),
            self.calendar.add(at, self.targets.resolution(p)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn default_targets_are_the_documented_ones() {
        let t = Targets::default();
        assert_eq!(t.first_response(Priority::Urgent), 3600);
        assert_eq!(t.resolution(Priority::Urgent), 8 * 3600);
        assert_eq!(t.first_response(Priority::High), 2 * 3600);
        assert_eq!(t.resolution(Priority::High), 24 * 3600);
        assert_eq!(t.first_response(Priority::Normal), 4 * 3600);
        assert_eq!(t.resolution(Priority::Normal), 72 * 3600);
        assert_eq!(t.first_response(Priority::Low), 8 * 3600);
        assert_eq!(t.resolution(Priority::Low), 120 * 3600);
    }

    #[test]
    fn deadlines_count_in_the_calendar() {
        let policy = Policy {
            targets: Targets::default(),
            calendar: Calendar::new(Some(BusinessHours::DEFAULT), []),
        };
        // Saturday 28 November 2026, 19:30 WIB.
        let at = crate::types::wib()
            .with_ymd_and_hms(2026, 11, 28, 19, 30, 0)
            .unwrap()
            .to_utc();
        let (first, resolution) = policy.deadlines(Priority::Urgent, at);
        let wib = |d, h, m| {
            crate::types::wib()
                .with_ymd_and_hms(2026, 11, d, h, m, 0)
                .unwrap()
                .to_utc()
        };
        assert_eq!(first, wib(30, 8, 30));
        assert_eq!(resolution, wib(30, 15, 30));
        let plain = Policy::default();
        assert_eq!(
            plain.deadlines(Priority::Low, at),
            (
                at + chrono::Duration::hours(8),
                at + chrono::Duration::hours(120)
            )
        );
    }
}
