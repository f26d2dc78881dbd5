//! The time source. Production uses the system clock; tests inject a [`MockClock`] they can move.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, DurationRound, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

pub type SharedClock = Arc<dyn Clock>;

/// Microsecond precision, which both databases store exactly.
fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        truncate(Utc::now())
    }
}

/// A clock that stands still until told to move.
#[derive(Clone)]
pub struct MockClock(Arc<Mutex<DateTime<Utc>>>);

impl MockClock {
    pub fn new(start: DateTime<Utc>) -> MockClock {
        MockClock(Arc::new(Mutex::new(truncate(start))))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Clock for MockClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}
