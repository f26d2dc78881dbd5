//! Parsing of the catalog forms' text inputs.

use chrono::NaiveDate;

use super::store::PromoPackage;
use crate::clock::Clock;
use crate::i18n::Lang;
use crate::types::Rupiah;

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

/// What the running promos give one package, as the site shows it beside the package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deal<'a> {
    /// The promos' titles in the reader's language.
    pub titles: Vec<&'a str>,
    /// The lowest promo price below the normal price, if a promo lowers it.
    pub price: Option<Rupiah>,
}

impl Deal<'_> {
    pub fn price_text(&self) -> String {
        self.price.map(|p| p.to_string()).unwrap_or_default()
    }
}

/// The [`Deal`] of `package_id` among the running promos' packages.
pub fn deal_for(links: &[PromoPackage], package_id: i64, lang: Lang) -> Deal<'_> {
    let mine = links.iter().filter(|l| l.package_id == package_id);
    Deal {
        titles: mine.clone().map(|l| l.promo_title_in(&lang)).collect(),
        price: mine.filter_map(PromoPackage::lower_price).min(),
    }
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
    fn a_deal_takes_the_lowest_promo_price_below_the_normal_one_and_titles_by_language() {
        let link = |promo_id, title: &str, title_en: &str, package_id, promo_price: Option<i64>| {
            PromoPackage {
                promo_id,
                promo_title: title.into(),
                promo_title_en: title_en.into(),
                package_id,
                package_name: "Rumah 20".into(),
                price: Rupiah(250_000),
                promo_price: promo_price.map(Rupiah),
            }
        };
        let links = [
            link(1, "Gratis pasang", "Free installation", 7, None),
            link(2, "Diskon", "", 7, Some(199_000)),
            link(3, "Aneh", "", 7, Some(300_000)),
            link(4, "Lain", "", 8, Some(100_000)),
        ];
        assert_eq!(
            deal_for(&links, 7, Lang::En),
            Deal {
                titles: vec!["Free installation", "Diskon", "Aneh"],
                price: Some(Rupiah(199_000)),
            }
        );
        assert_eq!(deal_for(&links, 7, Lang::Id).titles[0], "Gratis pasang");
        assert_eq!(deal_for(&links, 9, Lang::Id), Deal::default());
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
