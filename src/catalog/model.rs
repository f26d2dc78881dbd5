//! Parsing of the catalog forms' text inputs.

use chrono::NaiveDate;

use crate::clock::Clock;

/// A whole number typed into a form, within `min..=max`.
pub fn whole_number(input: &str, min: i64, max: i64) -> Result<i64, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("validation.required");
    }
    match s.parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err("validation.whole_number"),
    }
}

/// A day as typed (`DD/MM/YYYY`, see [`crate::types::parse_day`]).
pub fn date(input: &str) -> Result<NaiveDate, &'static str> {
    crate::types::parse_day(input)
}

/// Today in WIB, the calendar the promo windows are written in.
pub fn today_wib(clock: &dyn Clock) -> NaiveDate {
    crate::types::wib_date(clock.now())
}

/// A checkbox is sent only when ticked.
pub fn checked(value: &str) -> bool {
    !value.is_empty()
}

/// Titles of the running promos that include `package_id`.
pub fn promos_for(links: &[super::store::PromoPackage], package_id: i64) -> Vec<&str> {
    links
        .iter()
        .filter(|l| l.package_id == package_id)
        .map(|l| l.promo_title.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates() {
        assert_eq!(whole_number(" 20 ", 1, 100), Ok(20));
        assert_eq!(whole_number("0", 1, 100), Err("validation.whole_number"));
        assert_eq!(whole_number("2,5", 1, 100), Err("validation.whole_number"));
        assert_eq!(whole_number("", 1, 100), Err("validation.required"));
        assert_eq!(
            date("2026-12-01"),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        );
        // Day first, as staff type it.
        assert_eq!(
            date("01/12/2026"),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        );
        assert_eq!(date("12/31/2026"), Err("validation.date_invalid"));
    }

    #[test]
    fn today_is_the_wib_day() {
        use chrono::{TimeZone, Utc};
        // 17:30 UTC on 30 Nov is 00:30 WIB on 1 Dec.
        let clock =
            crate::clock::MockClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 17, 30, 0).unwrap());
        assert_eq!(
            today_wib(&clock),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
    }
}
