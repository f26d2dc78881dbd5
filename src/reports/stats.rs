//! Small statistics every report shares, so one figure is computed one way: medians, nearest-rank
//! percentiles, percentages, CSAT and NPS.

/// The median of the values (the mean of the two middle ones for an even count); `None` when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    // Selection, not a sort: linear in the values (a year of tickets is half a million).
    let n = values.len();
    let (below, mid, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    let mid = *mid;
    Some(if n % 2 == 1 {
        mid
    } else {
        let lower = below.iter().copied().max_by(f64::total_cmp).unwrap_or(mid);
        (lower + mid) / 2.0
    })
}

/// The nearest-rank percentile `p` (0 < p ≤ 100): the value at rank ⌈p/100 · n⌉ of the sorted
/// values; `None` when empty.
pub fn percentile(values: &mut [f64], p: u32) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let rank = (u64::from(p.clamp(1, 100)) * n as u64).div_ceil(100) as usize;
    Some(values[rank.clamp(1, n) - 1])
}

/// `part` of `whole` in percent; `None` when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// Net Promoter Score from answer counts: % promoters (9–10) − % detractors (0–6), −100…100.
pub fn nps(promoters: i64, detractors: i64, answers: i64) -> Option<f64> {
    (answers != 0).then(|| (promoters - detractors) as f64 * 100.0 / answers as f64)
}

/// CSAT as (average stars, % of 4–5 star ratings) from the sum of stars, the count of 4–5 star
/// ratings and the number of ratings.
pub fn csat(stars_sum: i64, satisfied: i64, ratings: i64) -> Option<(f64, f64)> {
    (ratings != 0).then(|| {
        (
            stars_sum as f64 / ratings as f64,
            satisfied as f64 * 100.0 / ratings as f64,
        )
    })
}

/// `12,5%` / `12.5%` — one decimal, the reader's decimal mark; `–` for none.
pub fn fmt_percent(v: Option<f64>, lang: crate::i18n::Lang) -> String {
    match v {
        None => "–".into(),
        Some(v) => {
            let s = format!("{v:.1}");
            let s = if lang == crate::i18n::Lang::Id {
                s.replace('.', ",")
            } else {
                s
            };
            format!("{s}%")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles_by_hand() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        // 10 values 1..=10: p90 is rank 9 → 9; p50 rank 5 → 5.
        let mut v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(percentile(&mut v, 90), Some(9.0));
        assert_eq!(percentile(&mut v, 50), Some(5.0));
        // 11 values: rank ceil(9.9) = 10.
        let mut v: Vec<f64> = (1..=11).map(f64::from).collect();
        assert_eq!(percentile(&mut v, 90), Some(10.0));
        assert_eq!(percentile(&mut [7.0], 90), Some(7.0));
    }

    #[test]
    fn rates() {
        assert_eq!(percent(1, 8), Some(12.5));
        assert_eq!(percent(1, 0), None);
        // 5 answers: 3 promoters, 1 passive, 1 detractor → 60 − 20 = 40.
        assert_eq!(nps(3, 1, 5), Some(40.0));
        assert_eq!(csat(4 + 5 + 2, 2, 3), Some((11.0 / 3.0, 200.0 / 3.0)));
        assert_eq!(fmt_percent(Some(12.5), crate::i18n::Lang::Id), "12,5%");
        assert_eq!(fmt_percent(Some(12.5), crate::i18n::Lang::En), "12.5%");
        assert_eq!(fmt_percent(None, crate::i18n::Lang::En), "–");
    }
}
