//! Customer and subscription states, and why subscriptions end.

crate::text_enum! {
    /// A customer's status, derived from their subscriptions (prospect until the first one).
    pub enum CustomerStatus {
        Prospect = "prospect",
        Active = "active",
        Suspended = "suspended",
        Terminated = "terminated",
    }
}

impl CustomerStatus {
    /// Active if any subscription is, else suspended if any is, else terminated if any is.
    pub fn derived_from(subscriptions: &[SubStatus]) -> CustomerStatus {
        let has = |s| subscriptions.contains(&s);
        if has(SubStatus::Active) {
            CustomerStatus::Active
        } else if has(SubStatus::Suspended) {
            CustomerStatus::Suspended
        } else if has(SubStatus::Terminated) {
            CustomerStatus::Terminated
        } else {
            CustomerStatus::Prospect
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            CustomerStatus::Prospect => "status.prospect",
            CustomerStatus::Active => "status.active",
            CustomerStatus::Suspended => "status.suspended",
            CustomerStatus::Terminated => "status.terminated",
        }
    }

    /// The badge's classes (one colour meaning everywhere, see `static/app.css`).
    pub fn badge(self) -> &'static str {
        crate::web::badge(self.as_str())
    }
}

crate::text_enum! {
    /// Why a subscription is suspended ("diisolir").
    pub enum SuspendReason {
        Arrears = "arrears",
        CustomerRequest = "customer_request",
        Abuse = "abuse",
        Other = "other",
    }
}

impl SuspendReason {
    pub fn label_key(self) -> &'static str {
        match self {
            SuspendReason::Arrears => "suspend_reason.arrears",
            SuspendReason::CustomerRequest => "suspend_reason.customer_request",
            SuspendReason::Abuse => "suspend_reason.abuse",
            SuspendReason::Other => "suspend_reason.other",
        }
    }
}

crate::text_enum! {
    pub enum SubStatus {
        Active = "active",
        Suspended = "suspended",
        Terminated = "terminated",
    }
}

impl SubStatus {
    /// The badge's classes (one colour meaning everywhere, see `static/app.css`).
    pub fn badge(self) -> &'static str {
        crate::web::badge(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TerminationReason {
    Price,
    Quality,
    Relocation,
    Competitor,
    Other,
}

impl TerminationReason {
    pub const ALL: [TerminationReason; 5] = [
        TerminationReason::Price,
        TerminationReason::Quality,
        TerminationReason::Relocation,
        TerminationReason::Competitor,
        TerminationReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TerminationReason::Price => "price",
            TerminationReason::Quality => "quality",
            TerminationReason::Relocation => "relocation",
            TerminationReason::Competitor => "competitor",
            TerminationReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<TerminationReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    pub fn label_key(self) -> &'static str {
        match self {
            TerminationReason::Price => "reason.price",
            TerminationReason::Quality => "reason.quality",
            TerminationReason::Relocation => "reason.relocation",
            TerminationReason::Competitor => "reason.competitor",
            TerminationReason::Other => "reason.other",
        }
    }
}

/// The label key of a stored status (customer, subscription or registration).
pub fn status_key(status: &dyn std::fmt::Display) -> String {
    format!("status.{status}")
}

/// A short code for referrals: easy to say on the phone, no 0/O or 1/I.
pub fn new_referral_code() -> String {
    use rand::seq::SliceRandom;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..6)
        .map(|_| *ALPHABET.choose(&mut rng).expect("non-empty") as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{status_key, CustomerStatus};

    /// The list's static label keys are the keys every other page formats.
    #[test]
    fn a_status_label_key_is_the_formatted_key() {
        for s in CustomerStatus::ALL {
            assert_eq!(s.label_key(), status_key(s));
        }
    }
}
