//! Retention contacts: what came of a call to an at-risk customer, and what was offered. No I/O.

crate::text_enum! {
    /// What came of a retention contact.
    pub enum Outcome {
        /// Called (or messaged); no offer made.
        Called = "called",
        /// An offer was made; the customer will think about it.
        OfferMade = "offer_made",
        Accepted = "accepted",
        Declined = "declined",
    }
}

impl Outcome {
    /// Translation key of the outcome's name (also the timeline's and audit's code words).
    pub fn label_key(self) -> String {
        format!("risk.outcome.{}", self.as_str())
    }

    /// Whether the outcome is about an offer, so one must be named.
    pub fn needs_offer(self) -> bool {
        matches!(self, Outcome::OfferMade | Outcome::Accepted)
    }
}

/// What was offered: a running promo, or a change to another package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
    Promo(i64),
    Package(i64),
}

impl Offer {
    /// The form's value: `promo:ID` or `package:ID`; empty means no offer.
    pub fn parse(s: &str) -> Result<Option<Offer>, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let (kind, id) = s.split_once(':').ok_or("risk.error.offer")?;
        let id: i64 = id.parse().map_err(|_| "risk.error.offer")?;
        match kind {
            "promo" => Ok(Some(Offer::Promo(id))),
            "package" => Ok(Some(Offer::Package(id))),
            _ => Err("risk.error.offer"),
        }
    }
}

/// Longest note accepted.
pub const MAX_NOTE_CHARS: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_parse_from_the_form() {
        assert_eq!(Offer::parse(""), Ok(None));
        assert_eq!(Offer::parse("promo:3"), Ok(Some(Offer::Promo(3))));
        assert_eq!(Offer::parse("package:12"), Ok(Some(Offer::Package(12))));
        assert!(Offer::parse("package:x").is_err());
        assert!(Offer::parse("gift:1").is_err());
        assert_eq!(Outcome::parse("accepted"), Some(Outcome::Accepted));
        assert_eq!(Outcome::parse("maybe"), None);
    }
}
