//! The risk score of a customer: explainable signals, each with the points it adds (weights from
//! [`RiskWeights`] in the configuration). A pure function of the signals; the SQL that gathers
//! them for every live customer at once is in [`super::risk_store`]. No I/O.

use chrono::{Months, NaiveDate};

pub use crate::config::RiskWeights;
use crate::types::Rupiah;

/// How long a customer counts as new: new customers leave most (they are still comparing, have
/// no habit yet and often signed up on a promo price).
pub const NEW_CUSTOMER_MONTHS: u32 = 6;

/// A competitor's offer at the customer's speed for less than their package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheaperOffer {
    pub package: String,
    pub mbps: i64,
    pub our_price: Rupiah,
    pub competitor: String,
    pub their_price: Rupiah,
}

/// What is known about one customer, as counts and facts (gathered over the whole customer set
/// by [`super::risk_store`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signals {
    /// Tickets opened in the last 30 days.
    pub tickets_30d: i64,
    /// Tickets opened in the last 90 days (the 30 days' included).
    pub tickets_90d: i64,
    /// Tickets not resolved or closed.
    pub unresolved: i64,
    /// Tickets of the last 90 days that breached a deadline.
    pub breached_90d: i64,
    /// Ratings of 1–2 stars in the last 90 days: stars and the WIB day, newest first.
    pub low_ratings: Vec<(i64, NaiveDate)>,
    /// The latest NPS answer of the last 180 days, when it is 0–6: score and WIB day.
    pub detractor: Option<(i64, NaiveDate)>,
    /// Failed technician visits in the last 90 days.
    pub failed_visits_90d: i64,
    /// A subscription is isolated (suspended) now.
    pub isolir_now: bool,
    /// The latest suspension in the last 180 days (WIB day).
    pub suspended_on: Option<NaiveDate>,
    /// When their service started (the earliest live subscription).
    pub started_on: Option<NaiveDate>,
    /// The cheapest competitor offer at their speed below their price.
    pub cheaper_offer: Option<CheaperOffer>,
}

/// Which signal a reason comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Tickets30d,
    Tickets90d,
    Unresolved,
    Breached,
    LowRating,
    Detractor,
    FailedVisit,
    Isolir,
    NewCustomer,
    CheaperOffer,
}

/// One line of "why": a sentence (translation key and its values) and the points it adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub signal: Signal,
    pub points: i64,
    /// `risk.reason.<...>` in `locales/risk.*.toml`.
    pub key: &'static str,
    pub vals: Vec<(&'static str, String)>,
}

impl Reason {
    /// The values as the translation functions take them.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.vals.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

/// A customer's score and the reasons that make it, largest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assessment {
    pub score: i64,
    pub reasons: Vec<Reason>,
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Scores `s` with weights `w` on WIB day `today`. A signal with no points (nothing counted, or
/// a weight of 0) gives no reason.
pub fn assess(s: &Signals, w: &RiskWeights, today: NaiveDate) -> Assessment {
    let mut reasons = Vec::new();
    let mut add = |signal, points: i64, key, vals: Vec<(&'static str, String)>| {
        if points > 0 {
            reasons.push(Reason {
                signal,
                points,
                key,
                vals,
            });
        }
    };
    let n = |v: i64| vec![("n", v.to_string())];
    add(
        Signal::Tickets30d,
        s.tickets_30d * w.ticket_30d,
        "risk.reason.tickets_30d",
        n(s.tickets_30d),
    );
    add(
        Signal::Tickets90d,
        s.tickets_90d * w.ticket_90d,
        "risk.reason.tickets_90d",
        n(s.tickets_90d),
    );
    add(
        Signal::Unresolved,
        s.unresolved * w.unresolved,
        "risk.reason.unresolved",
        n(s.unresolved),
    );
    add(
        Signal::Breached,
        s.breached_90d * w.breached,
        "risk.reason.breached",
        n(s.breached_90d),
    );
    for (stars, on) in &s.low_ratings {
        add(
            Signal::LowRating,
            w.low_rating,
            "risk.reason.low_rating",
            vec![("stars", stars.to_string()), ("date", day(*on))],
        );
    }
    if let Some((score, on)) = s.detractor {
        add(
            Signal::Detractor,
            w.detractor,
            "risk.reason.detractor",
            vec![("score", score.to_string()), ("date", day(on))],
        );
    }
    add(
        Signal::FailedVisit,
        s.failed_visits_90d * w.failed_visit,
        "risk.reason.failed_visits",
        n(s.failed_visits_90d),
    );
    if s.isolir_now {
        add(Signal::Isolir, w.isolir, "risk.reason.isolir_now", vec![]);
    } else if let Some(on) = s.suspended_on {
        add(
            Signal::Isolir,
            w.isolir,
            "risk.reason.suspended",
            vec![("date", day(on))],
        );
    }
    if let Some(started) = s.started_on {
        let cutoff = today.checked_sub_months(Months::new(NEW_CUSTOMER_MONTHS));
        if cutoff.is_some_and(|c| started > c) {
            add(
                Signal::NewCustomer,
                w.new_customer,
                "risk.reason.new_customer",
                vec![("date", day(started))],
            );
        }
    }
    if let Some(o) = &s.cheaper_offer {
        add(
            Signal::CheaperOffer,
            w.cheaper_offer,
            "risk.reason.cheaper_offer",
            vec![
                ("package", o.package.clone()),
                ("mbps", o.mbps.to_string()),
                ("ours", o.our_price.to_string()),
                ("competitor", o.competitor.clone()),
                ("theirs", o.their_price.to_string()),
            ],
        );
    }
    // Largest first; equal points keep the order above (the signals' order).
    reasons.sort_by_key(|r| std::cmp::Reverse(r.points));
    Assessment {
        score: reasons.iter().map(|r| r.points).sum(),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_signal_adds_its_weight_and_says_why() {
        let today = d(2026, 11, 28);
        let s = Signals {
            tickets_30d: 3,
            tickets_90d: 5,
            unresolved: 1,
            breached_90d: 2,
            low_ratings: vec![(1, d(2026, 11, 12)), (2, d(2026, 10, 1))],
            detractor: Some((4, d(2026, 9, 1))),
            failed_visits_90d: 1,
            isolir_now: true,
            suspended_on: Some(d(2026, 11, 1)),
            started_on: Some(d(2026, 7, 1)),
            cheaper_offer: Some(CheaperOffer {
                package: "Rumah 20".into(),
                mbps: 20,
                our_price: Rupiah(250_000),
                competitor: "KompetitorX".into(),
                their_price: Rupiah(199_000),
            }),
        };
        let a = assess(&s, &RiskWeights::default(), today);
        // 3×10 + 5×4 + 1×8 + 2×10 + 2×15 + 20 + 1×8 + 15 (isolated now; the earlier
        // suspension is the same signal) + 5 (started 01/07, within 6 months) + 10
        assert_eq!(a.score, 30 + 20 + 8 + 20 + 30 + 20 + 8 + 15 + 5 + 10);
        let points: Vec<(Signal, i64)> = a.reasons.iter().map(|r| (r.signal, r.points)).collect();
        assert_eq!(
            points,
            vec![
                (Signal::Tickets30d, 30),
                (Signal::Tickets90d, 20),
                (Signal::Breached, 20),
                (Signal::Detractor, 20),
                (Signal::LowRating, 15),
                (Signal::LowRating, 15),
                (Signal::Isolir, 15),
                (Signal::CheaperOffer, 10),
                (Signal::Unresolved, 8),
                (Signal::FailedVisit, 8),
                (Signal::NewCustomer, 5),
            ]
        );
        let rating = &a.reasons[4];
        assert_eq!(rating.key, "risk.reason.low_rating");
        assert_eq!(rating.pairs(), vec![("stars", "1"), ("date", "12/11/2026")]);
        let offer = a
            .reasons
            .iter()
            .find(|r| r.signal == Signal::CheaperOffer)
            .unwrap();
        assert!(offer
            .pairs()
            .contains(&("theirs", Rupiah(199_000).to_string().as_str())));
    }

    #[test]
    fn nothing_known_scores_zero_and_weights_decide() {
        let today = d(2026, 11, 28);
        assert_eq!(
            assess(&Signals::default(), &RiskWeights::default(), today),
            Assessment::default()
        );
        // Tenure: exactly 6 months ago is no longer new; a day later is.
        let at = |started| Signals {
            started_on: Some(started),
            ..Signals::default()
        };
        let w = RiskWeights::default();
        assert_eq!(assess(&at(d(2026, 5, 28)), &w, today).score, 0);
        assert_eq!(assess(&at(d(2026, 5, 29)), &w, today).score, 5);
        // A suspension in the past counts once, like isolation now.
        let s = Signals {
            suspended_on: Some(d(2026, 8, 1)),
            tickets_90d: 2,
            ..Signals::default()
        };
        assert_eq!(assess(&s, &w, today).score, 15 + 8);
        let a = assess(&s, &w, today);
        assert_eq!(a.reasons[0].key, "risk.reason.suspended");
        // A weight of 0 drops the signal and its reason.
        let quiet = RiskWeights {
            isolir: 0,
            ..RiskWeights::default()
        };
        let a = assess(&s, &quiet, today);
        assert_eq!(a.score, 8);
        assert_eq!(a.reasons.len(), 1);
    }
}
