//! Value types that parse their input once, so code holding one never re-checks it.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// An Indonesian phone number in E.164 form (`+62812…`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts the common ways people write Indonesian numbers: `0812-3456-7890`,
    /// `+62 812 3456 7890`, `62812…`, `(022) 123 4567`, `+62 (0)812…`.
    pub fn parse(input: &str) -> Result<PhoneNumber, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("validation.phone_required");
        }
        let mut digits = String::new();
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err("validation.phone_invalid"),
            }
        }
        let national = if let Some(rest) = digits.strip_prefix("62") {
            rest.strip_prefix('0').unwrap_or(rest)
        } else if trimmed.starts_with('+') {
            return Err("validation.phone_not_indonesian");
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            &digits
        };
        let valid_start = national.starts_with(|c: char| ('1'..='9').contains(&c));
        if !valid_start || !(8..=12).contains(&national.len()) {
            return Err("validation.phone_invalid");
        }
        Ok(PhoneNumber(format!("+62{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A syntactically plausible e-mail address, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err("validation.email_required");
        }
        let valid = s.len() <= 254
            && !s.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
            })
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                }
                None => false,
            };
        if valid {
            Ok(Email(s))
        } else {
            Err("validation.email_invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount of rupiah (no fractions in practice). Stored as a BIGINT column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, sqlx::Type)]
#[sqlx(transparent)]
pub struct Rupiah(pub i64);

impl From<Rupiah> for crate::db::Arg {
    fn from(v: Rupiah) -> Self {
        crate::db::Arg::from(v.0)
    }
}

impl Rupiah {
    /// Parses `250000`, `250.000`, `Rp 250.000`. Dots must group thousands properly, so a typo
    /// such as `1.5` or `25.0000` is refused rather than read as another amount.
    pub fn parse(input: &str) -> Result<Rupiah, &'static str> {
        let s = input.trim();
        let s = s
            .strip_prefix("Rp")
            .or_else(|| s.strip_prefix("rp"))
            .unwrap_or(s)
            .trim();
        let groups: Vec<&str> = s.split('.').collect();
        let grouped = groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3));
        if s.is_empty() || !grouped || !s.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err("validation.amount_invalid");
        }
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        match digits.parse::<i64>() {
            Ok(v) if v <= 1_000_000_000_000 => Ok(Rupiah(v)),
            _ => Err("validation.amount_invalid"),
        }
    }
}

impl fmt::Display for Rupiah {
    /// `Rp 250.000`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(c);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "Rp {sign}{grouped}")
    }
}

/// Western Indonesia Time, in which all times are shown.
pub fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

/// The WIB calendar day of an instant ("today" for promos, start dates, appointments).
pub fn wib_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&wib()).date_naive()
}

/// A `YYYY-MM-DD` day typed in WIB, as the UTC instant it starts; empty input is `None`.
pub fn parse_wib_day(s: &str) -> Result<Option<DateTime<Utc>>, &'static str> {
    use chrono::TimeZone;
    if s.trim().is_empty() {
        return Ok(None);
    }
    let d = parse_day(s)?;
    let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
    Ok(wib()
        .from_local_datetime(&midnight)
        .single()
        .map(|t| t.to_utc()))
}

/// A day as staff type it: `25/12/2026` (day first, as Indonesians write dates; also
/// `25-12-2026`, `25.12.2026`), or `2026-12-25`. Date fields are text inputs showing
/// `DD/MM/YYYY`, never `type=date`, whose display follows the browser's locale and could be read
/// month-first on an English browser.
pub fn parse_day(input: &str) -> Result<NaiveDate, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        return Err("validation.required");
    }
    let bad = "validation.date_invalid";
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(bad);
    };
    if ![a, b, c]
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(bad);
    }
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    if y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return Err(bad);
    }
    let n = |t: &str| t.parse::<u32>().map_err(|_| bad);
    NaiveDate::from_ymd_opt(n(y)? as i32, n(m)?, n(d)?).ok_or(bad)
}

/// `28/11/2026 10:00` in WIB.
pub fn fmt_datetime(t: &DateTime<Utc>) -> String {
    t.with_timezone(&wib()).format("%d/%m/%Y %H:%M").to_string()
}

pub fn fmt_date(t: &DateTime<Utc>) -> String {
    t.with_timezone(&wib()).format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_forms_normalise_to_e164() {
        let cases = [
            ("0812-3456-7890", "+6281234567890"),
            ("+62 812 3456 7890", "+6281234567890"),
            ("6281234567890", "+6281234567890"),
            ("081234567890", "+6281234567890"),
            ("+62 (0)812 3456 7890", "+6281234567890"),
            ("0812.3456.7890", "+6281234567890"),
            ("812 3456 7890", "+6281234567890"),
            ("(022) 665 1234", "+62226651234"),
            ("+62-857-2000-111", "+628572000111"),
        ];
        for (input, want) in cases {
            assert_eq!(
                PhoneNumber::parse(input).map(|p| p.0).as_deref(),
                Ok(want),
                "{input}"
            );
        }
        for bad in [
            "",
            "12",
            "0812-abc-7890",
            "+1 415 555 0100",
            "0000000000",
            "08123456789012345",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn rupiah_formats_with_dots() {
        assert_eq!(Rupiah(250_000).to_string(), "Rp 250.000");
        assert_eq!(Rupiah(1_500_000).to_string(), "Rp 1.500.000");
        assert_eq!(Rupiah(0).to_string(), "Rp 0");
        assert_eq!(Rupiah::parse("Rp 250.000"), Ok(Rupiah(250_000)));
        assert_eq!(Rupiah::parse("1.500.000"), Ok(Rupiah(1_500_000)));
        assert_eq!(Rupiah::parse("250000"), Ok(Rupiah(250_000)));
        for typo in ["1.5", "25.0000", ".500", "250.", "12a", ""] {
            assert!(Rupiah::parse(typo).is_err(), "{typo}");
        }
    }

    #[test]
    fn email_validation() {
        assert_eq!(
            Email::parse(" Budi@Example.co.id ").unwrap().as_str(),
            "budi@example.co.id"
        );
        for bad in ["budi", "budi@", "@x.id", "budi@x", "bu di@x.id", "a@b@c.id"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
