//! The period a report covers, picked as a preset (this month, last month, last 90 days, this
//! year) or a custom range of WIB days, and the previous period of the same length it is
//! compared with; plus the area/package scope. Every report, chart and export reads these.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;

use crate::error::FieldErrors;
use crate::types::{parse_day, parse_wib_day};

/// What the period picker and the scope filters send (`?period=…&from=…&to=…&area=…&package=…`).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct PeriodQuery {
    pub period: String,
    pub from: String,
    pub to: String,
    pub area: String,
    pub package: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    ThisMonth,
    LastMonth,
    Last90Days,
    ThisYear,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 5] = [
        Preset::ThisMonth,
        Preset::LastMonth,
        Preset::Last90Days,
        Preset::ThisYear,
        Preset::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::ThisMonth => "this_month",
            Preset::LastMonth => "last_month",
            Preset::Last90Days => "last_90_days",
            Preset::ThisYear => "this_year",
            Preset::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The i18n key of its name ("Bulan ini", "This month").
    pub fn label_key(self) -> &'static str {
        match self {
            Preset::ThisMonth => "period.this_month",
            Preset::LastMonth => "period.last_month",
            Preset::Last90Days => "period.last_90_days",
            Preset::ThisYear => "period.this_year",
            Preset::Custom => "period.custom",
        }
    }
}

/// Whole WIB days from `first` to `last`, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub preset: Preset,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).expect("day 1 exists")
}

/// The UTC instant a WIB day starts.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    parse_wib_day(&d.format("%Y-%m-%d").to_string())
        .ok()
        .flatten()
        .expect("a valid day starts at a valid instant")
}

impl Period {
    /// The period asked for; this month when nothing is asked. A custom range needs both days,
    /// `to` not before `from`, and at most five years; field errors name what is wrong.
    pub fn parse(q: &PeriodQuery, today: NaiveDate) -> Result<Period, FieldErrors> {
        let mut errors = FieldErrors::default();
        let preset = if q.period.trim().is_empty() {
            if q.from.trim().is_empty() && q.to.trim().is_empty() {
                Preset::ThisMonth
            } else {
                Preset::Custom
            }
        } else {
            match Preset::parse(q.period.trim()) {
                Some(p) => p,
                None => {
                    errors.add("period", "period.error.unknown");
                    return Err(errors);
                }
            }
        };
        let p = match preset {
            Preset::ThisMonth => Period {
                preset,
                first: first_of_month(today),
                last: today,
            },
            Preset::LastMonth => {
                let last = first_of_month(today) - Duration::days(1);
                Period {
                    preset,
                    first: first_of_month(last),
                    last,
                }
            }
            Preset::Last90Days => Period {
                preset,
                first: today - Duration::days(89),
                last: today,
            },
            Preset::ThisYear => Period {
                preset,
                first: NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January exists"),
                last: today,
            },
            Preset::Custom => {
                let from = errors.check("from", parse_day(&q.from));
                let to = errors.check("to", parse_day(&q.to));
                let (Some(first), Some(last)) = (from, to) else {
                    return Err(errors);
                };
                if last < first {
                    errors.add("to", "period.error.order");
                } else if (last - first).num_days() > 5 * 366 {
                    errors.add("from", "period.error.too_long");
                }
                Period {
                    preset,
                    first,
                    last,
                }
            }
        };
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(errors)
        }
    }

    /// The period of the same number of days that ends the day before this one starts.
    pub fn previous(&self) -> Period {
        let last = self.first - Duration::days(1);
        Period {
            preset: Preset::Custom,
            first: last - Duration::days(self.days() - 1),
            last,
        }
    }

    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// The instant the first day starts (included).
    pub fn start(&self) -> DateTime<Utc> {
        day_start(self.first)
    }

    /// The instant after the last day ends (excluded).
    pub fn end(&self) -> DateTime<Utc> {
        day_start(self.last + Duration::days(1))
    }

    /// The first day of each of the `n` calendar months ending with the month of `last`,
    /// oldest first: the x axis of the monthly charts.
    pub fn months_back(&self, n: u32) -> Vec<NaiveDate> {
        let mut m = first_of_month(self.last);
        let mut out = vec![m];
        for _ in 1..n {
            m = first_of_month(m - Duration::days(1));
            out.push(m);
        }
        out.reverse();
        out
    }

    /// The query string that asks for this period again (for links to the lists behind a figure).
    pub fn query(&self) -> String {
        match self.preset {
            Preset::Custom => format!(
                "period=custom&from={}&to={}",
                self.first.format("%d/%m/%Y"),
                self.last.format("%d/%m/%Y")
            ),
            p => format!("period={}", p.as_str()),
        }
    }

    /// `01/11/2026 – 28/11/2026`.
    pub fn label(&self) -> String {
        format!(
            "{} – {}",
            self.first.format("%d/%m/%Y"),
            self.last.format("%d/%m/%Y")
        )
    }
}

/// The first day of the month after the one `d` is in.
pub fn next_month(d: NaiveDate) -> NaiveDate {
    first_of_month(first_of_month(d) + Duration::days(32))
}

/// Which customers a report covers: one area, one package, or all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub area_id: Option<i64>,
    pub package_id: Option<i64>,
}

impl Scope {
    /// Unknown or malformed ids are a field error, not "all".
    pub fn parse(q: &PeriodQuery) -> Result<Scope, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut id = |s: &str, field: &'static str| {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match s.parse::<i64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.add(field, "period.error.scope");
                    None
                }
            }
        };
        let scope = Scope {
            area_id: id(&q.area, "area"),
            package_id: id(&q.package, "package"),
        };
        if errors.is_empty() {
            Ok(scope)
        } else {
            Err(errors)
        }
    }

    pub fn query(&self) -> String {
        let mut s = String::new();
        if let Some(a) = self.area_id {
            s.push_str(&format!("&area={a}"));
        }
        if let Some(p) = self.package_id {
            s.push_str(&format!("&package={p}"));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn q(period: &str, from: &str, to: &str) -> PeriodQuery {
        PeriodQuery {
            period: period.into(),
            from: from.into(),
            to: to.into(),
            ..Default::default()
        }
    }

    #[test]
    fn presets_and_their_previous_periods() {
        let today = d(2026, 11, 28);
        let p = Period::parse(&q("", "", ""), today).unwrap();
        assert_eq!((p.first, p.last, p.days()), (d(2026, 11, 1), today, 28));
        assert_eq!(p.previous().first, d(2026, 10, 4));
        assert_eq!(p.previous().last, d(2026, 10, 31));
        let p = Period::parse(&q("last_month", "", ""), today).unwrap();
        assert_eq!((p.first, p.last), (d(2026, 10, 1), d(2026, 10, 31)));
        assert_eq!(p.previous().first, d(2026, 8, 31));
        let p = Period::parse(&q("last_90_days", "", ""), today).unwrap();
        assert_eq!((p.first, p.days()), (d(2026, 8, 31), 90));
        let p = Period::parse(&q("this_year", "", ""), today).unwrap();
        assert_eq!(p.first, d(2026, 1, 1));
        assert_eq!(p.months_back(12).len(), 12);
        assert_eq!(p.months_back(12)[0], d(2025, 12, 1));
        // WIB midnight is 17:00 UTC the day before.
        assert_eq!(p.start().to_rfc3339(), "2025-12-31T17:00:00+00:00");
    }

    #[test]
    fn custom_ranges_are_checked() {
        let today = d(2026, 11, 28);
        let p = Period::parse(&q("custom", "01/02/2026", "28/02/2026"), today).unwrap();
        assert_eq!(p.days(), 28);
        assert_eq!(p.query(), "period=custom&from=01/02/2026&to=28/02/2026");
        assert!(
            Period::parse(&q("custom", "28/02/2026", "01/02/2026"), today)
                .unwrap_err()
                .has("to")
        );
        assert!(Period::parse(&q("custom", "31/02/2026", ""), today)
            .unwrap_err()
            .has("from"));
        assert!(Period::parse(&q("forever", "", ""), today)
            .unwrap_err()
            .has("period"));
        assert_eq!(next_month(d(2026, 12, 15)), d(2027, 1, 1));
    }
}
