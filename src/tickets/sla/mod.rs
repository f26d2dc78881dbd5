//! SLA: targets per priority, business hours and holidays, and the clock arithmetic.
//! (Temporary 24/7 stand-in while the real calendar is built on the `sla` branch.)

use chrono::{DateTime, Duration, Utc};

use super::model::Priority;
use crate::db::{Conn, DbResult};
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}

pub struct Calendar;

impl Calendar {
    pub fn add(&self, start: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        start + Duration::seconds(secs)
    }
    pub fn between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        (b - a).num_seconds()
    }
}

pub struct Targets;

impl Targets {
    pub fn first_response(&self, p: Priority) -> i64 {
        match p {
            Priority::Urgent => 3600,
            Priority::High => 7200,
            Priority::Normal => 4 * 3600,
            Priority::Low => 8 * 3600,
        }
    }
    pub fn resolution(&self, p: Priority) -> i64 {
        match p {
            Priority::Urgent => 8 * 3600,
            Priority::High => 24 * 3600,
            Priority::Normal => 72 * 3600,
            Priority::Low => 120 * 3600,
        }
    }
}

pub struct Policy {
    pub targets: Targets,
    pub calendar: Calendar,
}

impl Policy {
    pub async fn load(_c: impl Into<Conn<'_>>) -> DbResult<Policy> {
        Ok(Policy {
            targets: Targets,
            calendar: Calendar,
        })
    }
    pub fn deadlines(&self, p: Priority, at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.calendar.add(at, self.targets.first_response(p)),
            self.calendar.add(at, self.targets.resolution(p)),
        )
    }
}
