//! What a rating is made of: the kind of thing rated, the stars, the comment, where it came
//! from. No I/O.

crate::text_enum! {
    /// What was rated: a resolved ticket, or an installation (its visit).
    pub enum SubjectKind {
        Ticket = "ticket",
        Installation = "installation",
    }
}

impl SubjectKind {
    /// The table the rated things live in (read, and row-locked while rating, never written).
    pub fn table(self) -> &'static str {
        match self {
            SubjectKind::Ticket => "tickets",
            SubjectKind::Installation => "visits",
        }
    }
}

crate::text_enum! {
    /// Where a rating was given: the signed link from the message, or the portal.
    pub enum Via {
        Link = "link",
        Portal = "portal",
    }
}

/// Ratings at or below this many stars are called back by the office.
pub const LOW_STARS: i64 = 2;

/// Longest comment accepted.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// How long a rating link works.
pub const LINK_DAYS: i64 = 14;

/// One to five stars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stars(u8);

impl Stars {
    /// From a form value: a whole number from 1 to 5.
    pub fn parse(input: &str) -> Result<Stars, &'static str> {
        let s = input.trim();
        if s.is_empty() {
            return Err("validation.stars_required");
        }
        match s.parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Stars(n)),
            _ => Err("validation.stars_range"),
        }
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }

    pub fn is_low(self) -> bool {
        self.get() <= LOW_STARS
    }
}

/// The optional comment, trimmed; empty when none was given.
pub fn comment(input: &str) -> Result<String, &'static str> {
    let c = input.trim();
    if c.chars().count() > MAX_COMMENT_CHARS {
        Err("validation.comment_too_long")
    } else {
        Ok(c.to_string())
    }
}

/// `★★★★☆` for 4 stars (with the number beside it in pages, never the symbols alone).
pub fn star_symbols(stars: i64) -> String {
    let n = stars.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
}

/// The label key of each star count, for the radio buttons and lists.
pub fn stars_label_key(stars: i64) -> &'static str {
    match stars {
        1 => "rating.stars_1",
        2 => "rating.stars_2",
        3 => "rating.stars_3",
        4 => "rating.stars_4",
        _ => "rating.stars_5",
    }
}

/// One of the five choices of the star picker.
pub struct StarChoice {
    pub value: i64,
    pub symbols: String,
    pub label_key: &'static str,
}

/// The star picker's choices, one to five.
pub fn star_choices() -> Vec<StarChoice> {
    (1..=5)
        .map(|n| StarChoice {
            value: n,
            symbols: star_symbols(n),
            label_key: stars_label_key(n),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_are_one_to_five() {
        for ok in ["1", " 3 ", "5"] {
            assert!(Stars::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Stars::parse(""), Err("validation.stars_required"));
        for bad in ["0", "6", "x", "-1", "2.5", "300"] {
            assert_eq!(Stars::parse(bad), Err("validation.stars_range"), "{bad}");
        }
        assert!(Stars::parse("2").unwrap().is_low());
        assert!(!Stars::parse("3").unwrap().is_low());
    }

    #[test]
    fn comments_are_trimmed_and_bounded() {
        assert_eq!(comment("  bagus \n").unwrap(), "bagus");
        assert_eq!(comment("").unwrap(), "");
        assert!(comment(&"a".repeat(MAX_COMMENT_CHARS)).is_ok());
        assert_eq!(
            comment(&"a".repeat(MAX_COMMENT_CHARS + 1)),
            Err("validation.comment_too_long")
        );
        assert_eq!(star_symbols(4), "★★★★☆");
    }
}
