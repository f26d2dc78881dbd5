//! Chart geometry: pure functions from labelled values to shapes with coordinates, in the units
//! of an SVG `viewBox` (the markup is in `templates/reports/charts.html`). The charts scale to
//! the page's width; every value is also written as text, so nothing is read from colour or
//! length alone.

/// Width of every chart's `viewBox`.
pub const WIDTH: f64 = 320.0;
/// Height of the bar and line charts' `viewBox`.
pub const HEIGHT: f64 = 180.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 24.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
/// One row of a horizontal bar chart.
const ROW: f64 = 22.0;
/// Width kept for the labels of a horizontal bar chart.
const HLABEL: f64 = 110.0;
/// Width kept for the values after the bars.
const HVALUE: f64 = 44.0;

/// One labelled value: `text` is the value as shown (`12,5%`, `1.204`).
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub label: String,
    pub value: f64,
    pub text: String,
}

impl Item {
    pub fn new(label: impl Into<String>, value: f64, text: impl Into<String>) -> Item {
        Item {
            label: label.into(),
            value,
            text: text.into(),
        }
    }
}

/// A point of a series that may have no value (a month without data).
#[derive(Clone, Debug, PartialEq)]
pub struct MaybeItem {
    pub label: String,
    pub value: Option<f64>,
    pub text: String,
}

/// A gridline of the value axis with its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub y: f64,
    pub label: String,
}

/// A category label under the x axis.
#[derive(Clone, Debug, PartialEq)]
pub struct XLabel {
    pub x: f64,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Centre of the bar, for its labels.
    pub cx: f64,
    /// Baseline of the value text above the bar.
    pub value_y: f64,
    pub label: String,
    pub text: String,
}

/// Vertical bars over categories (months).
#[derive(Clone, Debug, PartialEq)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    /// The y of the axis (value 0).
    pub base: f64,
    /// The baseline of the category labels.
    pub label_y: f64,
    pub ticks: Vec<Tick>,
    pub bars: Vec<Bar>,
    pub empty: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HBar {
    /// Top of the bar.
    pub y: f64,
    pub w: f64,
    /// Baseline of the label and value texts.
    pub text_y: f64,
    pub value_x: f64,
    pub label: String,
    pub text: String,
}

/// Horizontal bars, one row per category, label on the left and value after the bar.
#[derive(Clone, Debug, PartialEq)]
pub struct HBarChart {
    pub width: f64,
    pub height: f64,
    /// Where the bars start (after the labels).
    pub bar_x: f64,
    pub bar_h: f64,
    pub bars: Vec<HBar>,
    pub empty: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

/// A line over categories (months); months without a value break the line.
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub base: f64,
    pub label_y: f64,
    pub ticks: Vec<Tick>,
    pub labels: Vec<XLabel>,
    /// Runs of consecutive points with a value.
    pub segments: Vec<Vec<Point>>,
    pub points: Vec<Point>,
    pub empty: bool,
}

fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `v` (1 for nothing), so the top gridline is round.
pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * mag >= v - 1e-9 {
            return m * mag;
        }
    }
    10.0 * mag
}

fn tick_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}")
    }
}

/// Gridlines at the bottom, middle and top of `[min, max]`.
fn ticks(min: f64, max: f64, y_of: impl Fn(f64) -> f64) -> Vec<Tick> {
    [min, (min + max) / 2.0, max]
        .into_iter()
        .map(|v| Tick {
            y: r1(y_of(v)),
            label: tick_label(v),
        })
        .collect()
}

/// Vertical bars from 0 to a round maximum; empty when every value is 0 or there are none.
pub fn bar_chart(items: &[Item]) -> BarChart {
    let base = HEIGHT - BOTTOM;
    let plot_h = base - TOP;
    let max = nice_max(items.iter().map(|i| i.value).fold(0.0, f64::max));
    let y_of = |v: f64| base - v.max(0.0) / max * plot_h;
    let slot = (WIDTH - LEFT - RIGHT) / items.len().max(1) as f64;
    let w = r1(slot * 0.7);
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let cx = LEFT + slot * (i as f64 + 0.5);
            let y = y_of(it.value);
            Bar {
                x: r1(cx - w / 2.0),
                y: r1(y),
                w,
                h: r1(base - y),
                cx: r1(cx),
                value_y: r1(y - 3.0),
                label: it.label.clone(),
                text: it.text.clone(),
            }
        })
        .collect();
    BarChart {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: WIDTH - RIGHT,
        base,
        label_y: HEIGHT - 8.0,
        ticks: ticks(0.0, max, y_of),
        bars,
        empty: items.iter().all(|i| i.value == 0.0),
    }
}

/// Horizontal bars, longest value filling the width; empty when every value is 0.
pub fn hbar_chart(items: &[Item]) -> HBarChart {
    let max = items.iter().map(|i| i.value).fold(0.0, f64::max);
    let span = WIDTH - HLABEL - HVALUE;
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let w = if max > 0.0 {
                r1(it.value.max(0.0) / max * span)
            } else {
                0.0
            };
            let y = 4.0 + ROW * i as f64;
            HBar {
                y,
                w,
                text_y: y + 12.0,
                value_x: r1(HLABEL + w + 4.0),
                label: it.label.clone(),
                text: it.text.clone(),
            }
        })
        .collect();
    HBarChart {
        width: WIDTH,
        height: 8.0 + ROW * items.len().max(1) as f64,
        bar_x: HLABEL,
        bar_h: 16.0,
        bars,
        empty: items.iter().all(|i| i.value == 0.0),
    }
}

/// A line over `items` on the value range `[min, max]` (`None`: from 0, or the lowest value
/// when negative, to a round maximum); empty when no month has a value.
pub fn line_chart(items: &[MaybeItem], range: Option<(f64, f64)>) -> LineChart {
    let base = HEIGHT - BOTTOM;
    let plot_h = base - TOP;
    let (min, max) = range.unwrap_or_else(|| {
        let hi = items.iter().filter_map(|i| i.value).fold(0.0, f64::max);
        let lo = items.iter().filter_map(|i| i.value).fold(0.0, f64::min);
        (if lo < 0.0 { -nice_max(-lo) } else { 0.0 }, nice_max(hi))
    });
    let span = if max > min { max - min } else { 1.0 };
    let y_of = |v: f64| base - (v.clamp(min, max) - min) / span * plot_h;
    let slot = (WIDTH - LEFT - RIGHT) / items.len().max(1) as f64;
    let x_of = |i: usize| r1(LEFT + slot * (i as f64 + 0.5));
    let mut segments: Vec<Vec<Point>> = Vec::new();
    let mut points = Vec::new();
    let mut run: Vec<Point> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        match it.value {
            Some(v) => {
                let p = Point {
                    x: x_of(i),
                    y: r1(y_of(v)),
                    text: it.text.clone(),
                };
                run.push(p.clone());
                points.push(p);
            }
            None if !run.is_empty() => segments.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        segments.push(run);
    }
    LineChart {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right: WIDTH - RIGHT,
        base,
        label_y: HEIGHT - 8.0,
        ticks: ticks(min, max, y_of),
        labels: items
            .iter()
            .enumerate()
            .map(|(i, it)| XLabel {
                x: x_of(i),
                text: it.label.clone(),
            })
            .collect(),
        empty: points.is_empty(),
        segments,
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(v: &[f64]) -> Vec<Item> {
        v.iter()
            .enumerate()
            .map(|(i, v)| Item::new(format!("m{i}"), *v, format!("{v}")))
            .collect()
    }

    #[test]
    fn round_maxima() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(10.0), 10.0);
        assert_eq!(nice_max(11.0), 20.0);
        assert_eq!(nice_max(180.0), 200.0);
        assert_eq!(nice_max(0.3), 0.5);
    }

    #[test]
    fn bars_stand_on_the_axis_in_proportion() {
        // Values 5 and 10 on a 0–10 axis; plot from y 18 to y 156 (138 high).
        let c = bar_chart(&items(&[5.0, 10.0]));
        assert!(!c.empty);
        assert_eq!(c.base, 156.0);
        let (a, b) = (&c.bars[0], &c.bars[1]);
        assert_eq!(b.y, 18.0);
        assert_eq!(b.h, 138.0);
        assert_eq!(a.h, 69.0);
        assert_eq!(a.y + a.h, c.base);
        // Two slots of 138 across x 36–312: centres at 105 and 243.
        assert_eq!((a.cx, b.cx), (105.0, 243.0));
        assert_eq!(a.value_y, a.y - 3.0);
        assert_eq!(
            c.ticks.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
            ["0", "5", "10"]
        );
        assert_eq!(c.ticks[2].y, 18.0);
    }

    #[test]
    fn nothing_or_zeros_is_an_empty_chart_without_dividing_by_zero() {
        let c = bar_chart(&[]);
        assert!(c.empty && c.bars.is_empty());
        let c = bar_chart(&items(&[0.0, 0.0]));
        assert!(c.empty);
        assert!(c.bars.iter().all(|b| b.h == 0.0 && b.y.is_finite()));
        let h = hbar_chart(&items(&[0.0]));
        assert!(h.empty && h.bars[0].w == 0.0);
        let l = line_chart(
            &[MaybeItem {
                label: "a".into(),
                value: None,
                text: "–".into(),
            }],
            None,
        );
        assert!(l.empty && l.segments.is_empty());
    }

    #[test]
    fn horizontal_bars_fill_the_width_for_the_largest() {
        // Bars may use 320 − 110 − 44 = 166 units.
        let c = hbar_chart(&items(&[4.0, 2.0]));
        assert_eq!(c.bars[0].w, 166.0);
        assert_eq!(c.bars[1].w, 83.0);
        assert_eq!(c.bars[1].y, 26.0);
        assert_eq!(c.bars[0].value_x, 110.0 + 166.0 + 4.0);
        assert_eq!(c.height, 8.0 + 44.0);
    }

    #[test]
    fn a_line_breaks_where_a_month_has_no_value() {
        let it = |v: Option<f64>| MaybeItem {
            label: "m".into(),
            value: v,
            text: String::new(),
        };
        // On 0–100: 50 is half way between y 156 and y 18 → 87.
        let c = line_chart(
            &[it(Some(50.0)), it(Some(100.0)), it(None), it(Some(0.0))],
            Some((0.0, 100.0)),
        );
        assert_eq!(c.segments.len(), 2);
        assert_eq!(c.segments[0].len(), 2);
        assert_eq!(c.segments[0][0].y, 87.0);
        assert_eq!(c.segments[0][1].y, 18.0);
        assert_eq!(c.segments[1][0].y, 156.0);
        assert_eq!(c.points.len(), 3);
        assert_eq!(c.labels.len(), 4);
        // A negative series (NPS) gets a range below 0: −40..60 → −50..100.
        let c = line_chart(&[it(Some(-40.0)), it(Some(60.0))], None);
        assert_eq!(c.ticks[0].label, "-50");
        assert_eq!(c.ticks[2].label, "100");
    }
}
