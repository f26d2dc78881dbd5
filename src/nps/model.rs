//! What an NPS survey is made of: the segment it asks, the 0–10 score, the reason. No I/O.

use chrono::{Months, NaiveDate};

crate::text_enum! {
    /// Who a survey asks (always active customers).
    pub enum SegmentKind {
        All = "all",
        Area = "area",
        Package = "package",
        Tenure = "tenure",
    }
}

impl SegmentKind {
    /// The translation key of its name ("semua pelanggan aktif").
    pub fn label_key(self) -> &'static str {
        match self {
            SegmentKind::All => "nps.segment.all",
            SegmentKind::Area => "nps.segment.area",
            SegmentKind::Package => "nps.segment.package",
            SegmentKind::Tenure => "nps.segment.tenure",
        }
    }
}

/// A survey's segment, with what it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Every active customer.
    All,
    /// Active customers whose subscription is in the area.
    Area(i64),
    /// Active customers on the package.
    Package(i64),
    /// Active customers whose subscription started at least this many months ago.
    Tenure(u32),
}

impl Segment {
    pub fn kind(self) -> SegmentKind {
        match self {
            Segment::All => SegmentKind::All,
            Segment::Area(_) => SegmentKind::Area,
            Segment::Package(_) => SegmentKind::Package,
            Segment::Tenure(_) => SegmentKind::Tenure,
        }
    }

    pub fn area_id(self) -> Option<i64> {
        match self {
            Segment::Area(id) => Some(id),
            _ => None,
        }
    }

    pub fn package_id(self) -> Option<i64> {
        match self {
            Segment::Package(id) => Some(id),
            _ => None,
        }
    }

    pub fn min_months(self) -> Option<i64> {
        match self {
            Segment::Tenure(n) => Some(i64::from(n)),
            _ => None,
        }
    }
}

/// A customer is asked at most once in this many days (by any survey, answered or not).
pub const ASK_EVERY_DAYS: i64 = 90;

/// How long a survey link works.
pub const LINK_DAYS: i64 = 30;

/// Longest reason accepted.
pub const MAX_REASON_CHARS: usize = 1000;

/// Longest tenure a segment may ask for (50 years).
pub const MAX_MONTHS: u32 = 600;

/// The last day a subscription may have started on to be `months` old on `today`.
pub fn started_by(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// Tenure in whole months from a form value: 1 to [`MAX_MONTHS`].
pub fn parse_months(input: &str) -> Result<u32, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("nps.months_required");
    }
    match s.parse::<u32>() {
        Ok(n @ 1..=MAX_MONTHS) => Ok(n),
        _ => Err("nps.months_range"),
    }
}

/// A score from 0 to 10.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score(u8);

impl Score {
    /// From a form value: a whole number from 0 to 10.
    pub fn parse(input: &str) -> Result<Score, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("nps.score_required");
        }
        match s.parse::<u8>() {
            Ok(n @ 0..=10) => Ok(Score(n)),
            _ => Err("nps.score_range"),
        }
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

/// What an answer counts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// 9–10.
    Promoter,
    /// 7–8.
    Passive,
    /// 0–6.
    Detractor,
}

impl Group {
    pub fn of(score: i64) -> Group {
        match score {
            9.. => Group::Promoter,
            7..=8 => Group::Passive,
            _ => Group::Detractor,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Group::Promoter => "nps.promoters",
            Group::Passive => "nps.passives",
            Group::Detractor => "nps.detractors",
        }
    }

    /// The badge class (green, neutral, red).
    pub fn badge(self) -> &'static str {
        match self {
            Group::Promoter => "badge ok",
            Group::Passive => "badge",
            Group::Detractor => "badge danger",
        }
    }
}

/// The optional reason, trimmed; empty when none was given.
pub fn reason(input: &str) -> Result<String, &'static str> {
    let c = input.trim();
    if c.chars().count() > MAX_REASON_CHARS {
        Err("nps.reason_too_long")
    } else {
        Ok(c.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_zero_to_ten() {
        for ok in ["0", " 7 ", "10"] {
            assert!(Score::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Score::parse(" "), Err("nps.score_required"));
        for bad in ["11", "-1", "x", "9.5", "300"] {
            assert_eq!(Score::parse(bad), Err("nps.score_range"), "{bad}");
        }
        assert_eq!(Group::of(10), Group::Promoter);
        assert_eq!(Group::of(9), Group::Promoter);
        assert_eq!(Group::of(8), Group::Passive);
        assert_eq!(Group::of(7), Group::Passive);
        assert_eq!(Group::of(6), Group::Detractor);
        assert_eq!(Group::of(0), Group::Detractor);
    }

    #[test]
    fn tenure_counts_calendar_months() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(
            started_by(d, 12),
            NaiveDate::from_ymd_opt(2025, 11, 29).unwrap()
        );
        let end = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(
            started_by(end, 1),
            NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()
        );
        assert_eq!(parse_months("12"), Ok(12));
        assert_eq!(parse_months(""), Err("nps.months_required"));
        assert_eq!(parse_months("0"), Err("nps.months_range"));
        assert_eq!(parse_months("abc"), Err("nps.months_range"));
    }
}
