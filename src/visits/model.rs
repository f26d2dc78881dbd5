//! What a visit is made of: its kind, its status and the only moves between statuses, why one
//! failed, the appointment (day and window) and the rules an appointment must keep. No I/O.

use chrono::{NaiveDate, NaiveTime};

crate::text_enum! {
    pub enum VisitKind {
        Installation = "installation",
        Repair = "repair",
        Relocation = "relocation",
        Dismantling = "dismantling",
    }
}

impl VisitKind {
    pub fn label_key(self) -> &'static str {
        match self {
            VisitKind::Installation => "visit.kind.installation",
            VisitKind::Repair => "visit.kind.repair",
            VisitKind::Relocation => "visit.kind.relocation",
            VisitKind::Dismantling => "visit.kind.dismantling",
        }
    }
}

crate::text_enum! {
    pub enum VisitStatus {
        /// Waiting in the dispatch queue for a technician and a time.
        Queued = "queued",
        Scheduled = "scheduled",
        OnTheWay = "on_the_way",
        InProgress = "in_progress",
        Done = "done",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}

impl VisitStatus {
    /// queued → scheduled → on the way → in progress → done | failed; scheduled → scheduled
    /// (rescheduled); queued or scheduled → cancelled. A technician on site who cannot work may
    /// also fail the visit from "on the way".
    pub fn can_move_to(self, to: VisitStatus) -> bool {
        use VisitStatus::*;
        matches!(
            (self, to),
            (Queued, Scheduled)
                | (Scheduled, Scheduled)
                | (Scheduled, OnTheWay)
                | (OnTheWay, InProgress)
                | (InProgress, Done)
                | (OnTheWay | InProgress, Failed)
                | (Queued | Scheduled, Cancelled)
        )
    }

    /// Holding a technician's time: these may not overlap for one technician.
    pub const BOOKED: &'static [VisitStatus] = &[
        VisitStatus::Scheduled,
        VisitStatus::OnTheWay,
        VisitStatus::InProgress,
    ];

    pub fn is_booked(self) -> bool {
        Self::BOOKED.contains(&self)
    }

    /// Still to happen (in the queue or booked).
    pub fn is_open(self) -> bool {
        self == VisitStatus::Queued || self.is_booked()
    }

    pub fn is_final(self) -> bool {
        !self.is_open()
    }

    /// The step a technician takes next, if the visit is theirs to move.
    pub fn next_field_step(self) -> Option<VisitStatus> {
        match self {
            VisitStatus::Scheduled => Some(VisitStatus::OnTheWay),
            VisitStatus::OnTheWay => Some(VisitStatus::InProgress),
            VisitStatus::InProgress => Some(VisitStatus::Done),
            _ => None,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            VisitStatus::Queued => "visit.status.queued",
            VisitStatus::Scheduled => "visit.status.scheduled",
            VisitStatus::OnTheWay => "visit.status.on_the_way",
            VisitStatus::InProgress => "visit.status.in_progress",
            VisitStatus::Done => "visit.status.done",
            VisitStatus::Failed => "visit.status.failed",
            VisitStatus::Cancelled => "visit.status.cancelled",
        }
    }

    /// CSS class of the status badge (colour plus text): waiting blue, booked amber, done green,
    /// failed or cancelled red.
    pub fn badge(self) -> &'static str {
        match self {
            VisitStatus::Queued => "badge info",
            VisitStatus::Scheduled | VisitStatus::OnTheWay | VisitStatus::InProgress => {
                "badge warn"
            }
            VisitStatus::Done => "badge ok",
            VisitStatus::Failed | VisitStatus::Cancelled => "badge danger",
        }
    }
}

crate::text_enum! {
    pub enum FailReason {
        CustomerAbsent = "customer_absent",
        NoAccess = "no_access",
        EquipmentMissing = "equipment_missing",
        Weather = "weather",
        Other = "other",
    }
}

impl FailReason {
    pub fn label_key(self) -> &'static str {
        match self {
            FailReason::CustomerAbsent => "visit.fail.customer_absent",
            FailReason::NoAccess => "visit.fail.no_access",
            FailReason::EquipmentMissing => "visit.fail.equipment_missing",
            FailReason::Weather => "visit.fail.weather",
            FailReason::Other => "visit.fail.other",
        }
    }
}

/// A time of day typed as `HH:MM` (or `H.MM`, as Indonesians often write it).
pub fn parse_time(s: &str) -> Result<NaiveTime, &'static str> {
    let s = s.trim().replace('.', ":");
    NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| "validation.time_invalid")
}

/// The office's working hours, inside which every visit window lies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkingHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl WorkingHours {
    /// From configuration (`HH:MM` each); falls back to 08:00–17:00 when either is unreadable.
    pub fn from_config(start: &str, end: &str) -> WorkingHours {
        match (parse_time(start), parse_time(end)) {
            (Ok(start), Ok(end)) if start < end => WorkingHours { start, end },
            _ => WorkingHours {
                start: NaiveTime::from_hms_opt(8, 0, 0).expect("valid"),
                end: NaiveTime::from_hms_opt(17, 0, 0).expect("valid"),
            },
        }
    }

    pub fn text(&self) -> String {
        format!(
            "{}–{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// A planned appointment: a day (WIB) and a window on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Slot {
    /// Checks the rules an appointment keeps by itself: the window ends after it starts, lies
    /// inside working hours, and is not in the past (`today`, `now_time`: WIB). Returns the field
    /// and message key of the first broken rule.
    pub fn check(
        &self,
        hours: WorkingHours,
        today: NaiveDate,
        now_time: NaiveTime,
    ) -> Result<(), (&'static str, &'static str)> {
        if self.date < today {
            return Err(("date", "validation.date_past"));
        }
        if self.end <= self.start {
            return Err(("window_end", "validation.window_order"));
        }
        if self.start < hours.start || self.end > hours.end {
            return Err(("window_start", "visit.error.outside_hours"));
        }
        if self.date == today && self.end <= now_time {
            return Err(("window_end", "visit.error.window_past"));
        }
        Ok(())
    }

    pub fn start_text(&self) -> String {
        self.start.format("%H:%M").to_string()
    }

    pub fn end_text(&self) -> String {
        self.end.format("%H:%M").to_string()
    }

    /// `30/11/2026 10:00–12:00`.
    pub fn text(&self) -> String {
        format!(
            "{} {}–{}",
            self.date.format("%d/%m/%Y"),
            self.start_text(),
            self.end_text()
        )
    }
}

/// The visit number shown to people: `KJG-2026-000123` (kunjungan).
pub fn number(year: i32, seq: i64) -> String {
    format!("KJG-{year}-{seq:06}")
}

/// Most photos on one report (the platform's upload rules apply to each).
pub const MAX_PHOTOS: usize = 5;
/// Most serial numbers on one report.
pub const MAX_SERIALS: usize = 10;

/// Serial numbers as typed, one per line or separated by commas: trimmed, upper-cased, no
/// duplicates, each 3–40 letters, digits, `-` or `:`.
pub fn parse_serials(input: &str) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for raw in input.split(['\n', ',', ';']) {
        let s = raw.trim().to_uppercase();
        if s.is_empty() {
            continue;
        }
        let ok = (3..=40).contains(&s.chars().count())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':');
        if !ok {
            return Err("visit.error.serial_invalid");
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.len() > MAX_SERIALS {
        return Err("visit.error.serials_too_many");
    }
    Ok(out)
}

/// An optional measured number (`-19,5` or `-19.5`) within `range`.
pub fn parse_measure(
    input: &str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<Option<f64>, &'static str> {
    let s = input.trim().replace(',', ".");
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && range.contains(&v) => Ok(Some(v)),
        _ => Err("visit.error.measure_invalid"),
    }
}

#[cfg(test)]
mod tests {
    use super::VisitStatus::*;
    use super::*;

    #[test]
    fn only_the_documented_moves_are_allowed() {
        let allowed = [
            (Queued, Scheduled),
            (Scheduled, Scheduled),
            (Scheduled, OnTheWay),
            (OnTheWay, InProgress),
            (InProgress, Done),
            (OnTheWay, Failed),
            (InProgress, Failed),
            (Queued, Cancelled),
            (Scheduled, Cancelled),
        ];
        for &from in VisitStatus::ALL {
            for &to in VisitStatus::ALL {
                assert_eq!(
                    from.can_move_to(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    fn t(s: &str) -> NaiveTime {
        parse_time(s).unwrap()
    }

    #[test]
    fn slots_keep_working_hours_and_the_future() {
        let hours = WorkingHours::from_config("08:00", "17:00");
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let slot = |d: u32, a: &str, b: &str| Slot {
            date: NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            start: t(a),
            end: t(b),
        };
        assert_eq!(
            slot(30, "10:00", "12:00").check(hours, today, t("09:00")),
            Ok(())
        );
        assert_eq!(
            slot(29, "10:00", "12:00").check(hours, today, t("09:00")),
            Err(("date", "validation.date_past"))
        );
        assert_eq!(
            slot(30, "12:00", "10:00")
                .check(hours, today, t("09:00"))
                .unwrap_err()
                .0,
            "window_end"
        );
        assert_eq!(
            slot(30, "07:00", "09:00")
                .check(hours, today, t("06:00"))
                .unwrap_err()
                .1,
            "visit.error.outside_hours"
        );
        assert_eq!(
            slot(30, "16:00", "18:00")
                .check(hours, today, t("06:00"))
                .unwrap_err()
                .1,
            "visit.error.outside_hours"
        );
        assert_eq!(
            slot(30, "08:00", "10:00")
                .check(hours, today, t("11:00"))
                .unwrap_err()
                .1,
            "visit.error.window_past"
        );
        assert_eq!(t("9.30"), t("09:30"));
        assert_eq!(WorkingHours::from_config("x", "17:00"), hours);
    }

    #[test]
    fn serials_and_measures_parse() {
        assert_eq!(
            parse_serials(" zte123456, ZTE123456\nhwtc-9f:01 \n\n").unwrap(),
            vec!["ZTE123456", "HWTC-9F:01"]
        );
        assert!(parse_serials("ab").is_err());
        assert!(parse_serials("<script>").is_err());
        assert_eq!(parse_measure("-19,5", -60.0..=10.0), Ok(Some(-19.5)));
        assert_eq!(parse_measure(" ", -60.0..=10.0), Ok(None));
        assert!(parse_measure("NaN", -60.0..=10.0).is_err());
        assert!(parse_measure("500", 0.0..=100.0).is_err());
        assert_eq!(number(2026, 7), "KJG-2026-000007");
    }
}
