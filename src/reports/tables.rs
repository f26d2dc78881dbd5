//! The four reports as tables: each reads its figures once (`queries`) and lays them out as
//! [`Table`]s, which the page, the CSV and the XLSX all render.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveTime, TimeZone};

use super::days::Days;
use super::export::{Cell, Row, Table};
use super::period::{next_month, Period, Scope};
use super::queries::{self, By, KeyCount};
use super::stats::{csat, median, nps, percent, percentile};
use crate::catalog::store as catalog;
use crate::db::{Db, DbResult};
use crate::i18n::Lang;
use crate::retention::store as retention;
use crate::types::{wib, Rupiah};

/// Which report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Complaints,
    Satisfaction,
    Technicians,
    Retention,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Complaints,
        Kind::Satisfaction,
        Kind::Technicians,
        Kind::Retention,
    ];

    /// The path segment: `/staff/reports/complaints`.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Complaints => "complaints",
            Kind::Satisfaction => "satisfaction",
            Kind::Technicians => "technicians",
            Kind::Retention => "retention",
        }
    }

    /// The download's file name stem (Indonesian, as the office says it).
    pub fn file_stem(self) -> &'static str {
        match self {
            Kind::Complaints => "laporan-keluhan",
            Kind::Satisfaction => "laporan-kepuasan",
            Kind::Technicians => "laporan-teknisi",
            Kind::Retention => "laporan-retensi",
        }
    }

    pub fn title_key(self) -> &'static str {
        match self {
            Kind::Complaints => "report.complaints.title",
            Kind::Satisfaction => "report.satisfaction.title",
            Kind::Technicians => "report.technicians.title",
            Kind::Retention => "report.retention.title",
        }
    }

    pub fn intro_key(self) -> &'static str {
        match self {
            Kind::Complaints => "report.complaints.intro",
            Kind::Satisfaction => "report.satisfaction.intro",
            Kind::Technicians => "report.technicians.intro",
            Kind::Retention => "report.retention.intro",
        }
    }
}

/// The tables of report `kind` over `period` and `scope`, texts in `lang`.
pub async fn build(
    db: &Db,
    kind: Kind,
    period: &Period,
    scope: Scope,
    lang: Lang,
) -> DbResult<Vec<Table>> {
    match kind {
        Kind::Complaints => complaints(db, period, scope, lang).await,
        Kind::Satisfaction => satisfaction(db, period, scope, lang).await,
        Kind::Technicians => technicians(db, period, scope, lang).await,
        Kind::Retention => retention_tables(db, period, scope, lang).await,
    }
}

/// `2026-11` → `11/2026`.
fn month_label(key: &str) -> String {
    match key.split_once('-') {
        Some((y, m)) => format!("{m}/{y}"),
        None => key.to_string(),
    }
}

/// A "label | count | %" table from counts, most first, with a total row.
fn share_table(
    id: &'static str,
    title_key: &'static str,
    first_header: &'static str,
    counts: Vec<(String, i64)>,
    lang: Lang,
) -> Table {
    let mut counts = counts;
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: i64 = counts.iter().map(|c| c.1).sum();
    let mut t = Table::new(
        id,
        title_key,
        vec![first_header, "report.col.count", "report.col.share"],
    );
    for (label, n) in counts {
        t.push(Row::new(vec![
            Cell::Text(label),
            Cell::Count(n),
            Cell::Percent(percent(n, total)),
        ]));
    }
    t.push(
        Row::new(vec![
            Cell::text(lang.t("report.total")),
            Cell::Count(total),
            Cell::Percent(percent(total, total)),
        ])
        .total(),
    );
    t
}

fn add(map: &mut BTreeMap<String, i64>, key: String, n: i64) {
    *map.entry(key).or_default() += n;
}

fn key_label(lang: Lang, prefix: &str, key: &str) -> String {
    let k = format!("{prefix}.{key}");
    let t = lang.t(&k);
    if t == k {
        key.to_string()
    } else {
        t.to_string()
    }
}

// ---- complaints ----

/// Median and p90 in hours of some durations in seconds.
fn times_row(label: String, secs: &[f64]) -> Row {
    let mut hours: Vec<f64> = secs.iter().map(|s| s / 3600.0).collect();
    Row::new(vec![
        Cell::Text(label),
        Cell::Count(hours.len() as i64),
        Cell::Hours(median(&mut hours)),
        Cell::Hours(percentile(&mut hours, 90)),
    ])
}

/// Complaints: tickets opened in the period by category, area, channel and priority (count and
/// share); first response (tickets opened in the period and answered) and resolution (tickets
/// resolved in the period) times as median and p90; the reopen rate = tickets opened in the
/// period that were reopened after being resolved ÷ those of them resolved at least once (a
/// reopen is the move resolved → open, counted in `tickets.reopen_count`).
async fn complaints(db: &Db, p: &Period, scope: Scope, lang: Lang) -> DbResult<Vec<Table>> {
    let (from, to) = (p.start(), p.end());
    let groups = queries::ticket_groups(db, from, to, scope).await?;
    // Times from the daily summary the dashboard reads (the same definitions, and exact).
    let times = Days::load(db, p.first, p.last, &scope)
        .await?
        .sum(p.first, p.last);

    let (mut cat, mut area, mut chan, mut prio) = Default::default();
    let (mut opened, mut ever_resolved, mut reopened) = (0, 0, 0);
    for g in &groups {
        add(
            &mut cat,
            key_label(lang, "ticket.category", &g.category),
            g.n,
        );
        let a = g
            .area_name
            .clone()
            .unwrap_or_else(|| lang.t("report.no_area").to_string());
        add(&mut area, a, g.n);
        add(
            &mut chan,
            key_label(lang, "ticket.channel", &g.channel),
            g.n,
        );
        add(
            &mut prio,
            key_label(lang, "ticket.priority", &g.priority),
            g.n,
        );
        opened += g.n;
        ever_resolved += g.resolved;
        reopened += g.reopened;
    }
    let by = |m: BTreeMap<String, i64>| m.into_iter().collect::<Vec<_>>();

    let mut summary = Table::new(
        "complaints-times",
        "report.complaints.times",
        vec![
            "report.col.measure",
            "report.col.count",
            "report.col.median_hours",
            "report.col.p90_hours",
        ],
    )
    .note("report.complaints.times_note");
    summary.push(times_row(
        lang.t("report.complaints.first_response").into(),
        &times.first_responses,
    ));
    summary.push(times_row(
        lang.t("report.complaints.resolution").into(),
        &times.resolutions,
    ));

    let mut reopen = Table::new(
        "complaints-reopen",
        "report.complaints.reopen",
        vec![
            "report.col.opened",
            "report.col.resolved_once",
            "report.col.reopened",
            "report.col.reopen_rate",
        ],
    )
    .note("report.complaints.reopen_note");
    reopen.push(Row::new(vec![
        Cell::Count(opened),
        Cell::Count(ever_resolved),
        Cell::Count(reopened),
        Cell::Percent(percent(reopened, ever_resolved)),
    ]));

    Ok(vec![
        share_table(
            "complaints-category",
            "report.complaints.by_category",
            "report.col.category",
            by(cat),
            lang,
        ),
        share_table(
            "complaints-area",
            "report.complaints.by_area",
            "report.col.area",
            by(area),
            lang,
        ),
        share_table(
            "complaints-channel",
            "report.complaints.by_channel",
            "report.col.channel",
            by(chan),
            lang,
        ),
        share_table(
            "complaints-priority",
            "report.complaints.by_priority",
            "report.col.priority",
            by(prio),
            lang,
        ),
        summary,
        reopen,
    ])
}

// ---- satisfaction ----

fn csat_cells(n: i64, stars: i64, satisfied: i64) -> [Cell; 3] {
    let c = csat(stars, satisfied, n);
    [
        Cell::Count(n),
        Cell::Number(c.map(|c| c.0), 2),
        Cell::Percent(c.map(|c| c.1)),
    ]
}

fn nps_cells(n: i64, promoters: i64, detractors: i64) -> [Cell; 2] {
    [
        Cell::Count(n),
        Cell::Number(nps(promoters, detractors, n), 1),
    ]
}

const CSAT_HEADERS: [&str; 3] = [
    "report.col.ratings",
    "report.col.avg_stars",
    "report.col.satisfied",
];
const NPS_HEADERS: [&str; 2] = ["report.col.nps_answers", "report.col.nps"];

/// Satisfaction: CSAT (ratings created in the period: count, average stars, % of 4–5) and NPS
/// (answers given in the period: % promoters 9–10 − % detractors 0–6) by month; CSAT by
/// category and by staff member rated (`ratings.staff_id`); CSAT and NPS by area; the latest
/// comments, lowest stars first.
async fn satisfaction(db: &Db, p: &Period, scope: Scope, lang: Lang) -> DbResult<Vec<Table>> {
    let (from, to) = (p.start(), p.end());
    let none = |k: Option<String>, missing: &str| k.unwrap_or_else(|| lang.t(missing).into());

    // By month: every month of the period, even without ratings.
    let csat_m = queries::csat_by(db, By::Month, from, to, scope).await?;
    let nps_m = queries::nps_by(db, By::Month, from, to, scope).await?;
    let mut months: Vec<String> = Vec::new();
    let mut m = p.first.with_day(1).expect("day 1");
    while m <= p.last {
        months.push(m.format("%Y-%m").to_string());
        m = next_month(m);
    }
    let mut by_month = Table::new(
        "satisfaction-month",
        "report.satisfaction.by_month",
        [&["report.col.month"][..], &CSAT_HEADERS, &NPS_HEADERS].concat(),
    );
    let (mut tn, mut ts, mut tsat, mut qn, mut qp, mut qd) = (0, 0, 0, 0, 0, 0);
    for key in &months {
        let c = csat_m.iter().find(|r| r.key.as_deref() == Some(key));
        let q = nps_m.iter().find(|r| r.key.as_deref() == Some(key));
        let (n, s, sat) = c.map_or((0, 0, 0), |c| (c.n, c.stars, c.satisfied));
        let (a, pr, de) = q.map_or((0, 0, 0), |q| (q.n, q.promoters, q.detractors));
        (tn, ts, tsat, qn, qp, qd) = (tn + n, ts + s, tsat + sat, qn + a, qp + pr, qd + de);
        let mut cells = vec![Cell::Text(month_label(key))];
        cells.extend(csat_cells(n, s, sat));
        cells.extend(nps_cells(a, pr, de));
        by_month.push(Row::new(cells));
    }
    let mut cells = vec![Cell::text(lang.t("report.total"))];
    cells.extend(csat_cells(tn, ts, tsat));
    cells.extend(nps_cells(qn, qp, qd));
    by_month.push(Row::new(cells).total());
    by_month.note_key = Some("report.satisfaction.note");

    let csat_table =
        |id, title, first, rows: Vec<queries::CsatRow>, prefix: Option<&str>, missing| {
            let mut t = Table::new(id, title, [&[first][..], &CSAT_HEADERS].concat());
            for r in rows {
                let label = match (prefix, r.key) {
                    (Some(pre), Some(k)) => key_label(lang, pre, &k),
                    (_, k) => none(k, missing),
                };
                let mut cells = vec![Cell::Text(label)];
                cells.extend(csat_cells(r.n, r.stars, r.satisfied));
                t.push(Row::new(cells));
            }
            t
        };
    let by_category = csat_table(
        "satisfaction-category",
        "report.satisfaction.by_category",
        "report.col.category",
        queries::csat_by(db, By::Category, from, to, scope).await?,
        Some("ticket.category"),
        "report.no_category",
    );
    let by_staff = csat_table(
        "satisfaction-staff",
        "report.satisfaction.by_staff",
        "report.col.staff",
        queries::csat_by(db, By::Staff, from, to, scope).await?,
        None,
        "report.no_staff",
    )
    .note("report.satisfaction.staff_note");

    let csat_a = queries::csat_by(db, By::Area, from, to, scope).await?;
    let nps_a = queries::nps_by(db, By::Area, from, to, scope).await?;
    let mut areas: Vec<Option<String>> = csat_a.iter().map(|r| r.key.clone()).collect();
    for q in &nps_a {
        if !areas.contains(&q.key) {
            areas.push(q.key.clone());
        }
    }
    areas.sort();
    let mut by_area = Table::new(
        "satisfaction-area",
        "report.satisfaction.by_area",
        [&["report.col.area"][..], &CSAT_HEADERS, &NPS_HEADERS].concat(),
    );
    for key in areas {
        let c = csat_a.iter().find(|r| r.key == key);
        let q = nps_a.iter().find(|r| r.key == key);
        let mut cells = vec![Cell::Text(none(key.clone(), "report.no_area"))];
        cells.extend(csat_cells(
            c.map_or(0, |c| c.n),
            c.map_or(0, |c| c.stars),
            c.map_or(0, |c| c.satisfied),
        ));
        cells.extend(nps_cells(
            q.map_or(0, |q| q.n),
            q.map_or(0, |q| q.promoters),
            q.map_or(0, |q| q.detractors),
        ));
        by_area.push(Row::new(cells));
    }

    let mut comments = Table::new(
        "satisfaction-comments",
        "report.satisfaction.comments",
        vec![
            "report.col.customer",
            "report.col.subject",
            "report.col.stars",
            "report.col.comment",
            "report.col.date",
        ],
    )
    .note("report.satisfaction.comments_note");
    for c in queries::comments(db, from, to, scope, 20).await? {
        let href = if c.subject_kind == "ticket" {
            format!("/staff/tickets/{}", c.subject_id)
        } else {
            format!("/staff/visits/{}", c.subject_id)
        };
        comments.push(
            Row::new(vec![
                Cell::Link {
                    text: c.customer_name,
                    href: format!("/staff/customers/{}", c.customer_id),
                },
                Cell::Link {
                    text: c.subject_label,
                    href,
                },
                Cell::Count(c.stars),
                Cell::Text(c.comment),
                Cell::Date(c.created_at),
            ])
            .marked(c.stars <= 2),
        );
    }

    Ok(vec![by_month, by_category, by_staff, by_area, comments])
}

// ---- technicians ----

/// Whether work on a done visit started by the end of its planned window (WIB). A visit without
/// an appointment or a start time is not on time.
pub fn on_time(v: &queries::DoneVisit) -> bool {
    let (Some(day), Some(end), Some(started)) = (v.planned_date, &v.window_end, v.started_at)
    else {
        return false;
    };
    let Ok(end) = NaiveTime::parse_from_str(end, "%H:%M") else {
        return false;
    };
    match wib().from_local_datetime(&day.and_time(end)).single() {
        Some(deadline) => started <= deadline.to_utc(),
        None => false,
    }
}

#[derive(Default)]
struct TechLine {
    name: String,
    done: i64,
    failed: i64,
    cancelled: i64,
    on_time: i64,
    ratings: i64,
    stars: i64,
}

/// Technicians: per technician the visits that ended in the period (done, failed, cancelled),
/// failures by reason, the on-time rate = done visits whose work started (`started_at`) no later
/// than the planned window's end ÷ done visits, and the average of the ratings created in the
/// period that name them (`ratings.staff_id`: installations they did, tickets assigned to them).
async fn technicians(db: &Db, p: &Period, scope: Scope, lang: Lang) -> DbResult<Vec<Table>> {
    let (from, to) = (p.start(), p.end());
    let mut lines: BTreeMap<i64, TechLine> = BTreeMap::new();
    let mut reasons: BTreeMap<(String, String), i64> = BTreeMap::new();
    for r in queries::visit_outcomes(db, from, to, scope).await? {
        let line = lines.entry(r.technician_id).or_default();
        line.name.clone_from(&r.technician_name);
        match r.status.as_str() {
            "done" => line.done += r.n,
            "failed" => {
                line.failed += r.n;
                let reason = key_label(
                    lang,
                    "visit.fail",
                    r.fail_reason.as_deref().unwrap_or("other"),
                );
                *reasons
                    .entry((r.technician_name.clone(), reason))
                    .or_default() += r.n;
            }
            _ => line.cancelled += r.n,
        }
    }
    for v in queries::done_visits(db, from, to, scope).await? {
        if on_time(&v) {
            lines.entry(v.technician_id).or_default().on_time += 1;
        }
    }
    for r in queries::technician_ratings(db, from, to, scope).await? {
        let line = lines.entry(r.technician_id).or_default();
        line.name = r.technician_name;
        line.ratings = r.n;
        line.stars = r.stars;
    }
    let mut lines: Vec<TechLine> = lines.into_values().collect();
    lines.sort_by(|a, b| a.name.cmp(&b.name));

    let mut t = Table::new(
        "technicians",
        "report.technicians.per_technician",
        vec![
            "report.col.technician",
            "report.col.done",
            "report.col.failed",
            "report.col.cancelled",
            "report.col.on_time",
            "report.col.on_time_rate",
            "report.col.ratings",
            "report.col.avg_stars",
        ],
    )
    .note("report.technicians.note");
    let mut total = TechLine::default();
    for l in &lines {
        t.push(Row::new(tech_cells(l.name.clone(), l)));
        total.done += l.done;
        total.failed += l.failed;
        total.cancelled += l.cancelled;
        total.on_time += l.on_time;
        total.ratings += l.ratings;
        total.stars += l.stars;
    }
    t.push(Row::new(tech_cells(lang.t("report.total").into(), &total)).total());

    let mut f = Table::new(
        "technicians-failures",
        "report.technicians.failures",
        vec![
            "report.col.technician",
            "report.col.reason",
            "report.col.count",
        ],
    );
    let mut all = 0;
    for ((name, reason), n) in reasons {
        all += n;
        f.push(Row::new(vec![
            Cell::Text(name),
            Cell::Text(reason),
            Cell::Count(n),
        ]));
    }
    f.push(
        Row::new(vec![
            Cell::text(lang.t("report.total")),
            Cell::Empty,
            Cell::Count(all),
        ])
        .total(),
    );
    Ok(vec![t, f])
}

fn tech_cells(name: String, l: &TechLine) -> Vec<Cell> {
    vec![
        Cell::Text(name),
        Cell::Count(l.done),
        Cell::Count(l.failed),
        Cell::Count(l.cancelled),
        Cell::Count(l.on_time),
        Cell::Percent(percent(l.on_time, l.done)),
        Cell::Count(l.ratings),
        Cell::Number(
            (l.ratings > 0).then(|| l.stars as f64 / l.ratings as f64),
            2,
        ),
    ]
}

// ---- retention ----

/// The tenure bucket of a subscription from `start` to `end`: 0 under 6 months, 1 from 6 to
/// under 12 months, 2 from 1 to 2 years (2 years included), 3 over 2 years.
pub fn tenure_bucket(start: NaiveDate, end: NaiveDate) -> usize {
    let after = |m: u32| start.checked_add_months(Months::new(m)).unwrap_or(start);
    if end < after(6) {
        0
    } else if end < after(12) {
        1
    } else if end <= after(24) {
        2
    } else {
        3
    }
}

const TENURE_KEYS: [&str; 4] = [
    "report.tenure.under_6m",
    "report.tenure.6_12m",
    "report.tenure.1_2y",
    "report.tenure.over_2y",
];

fn counts_of(rows: Vec<KeyCount>, f: impl Fn(Option<String>) -> String) -> Vec<(String, i64)> {
    rows.into_iter().map(|r| (f(r.key), r.n)).collect()
}

/// Retention: per month of the period, terminations (status 'terminated', `ended_on` in the
/// month's part of the period) and the churn rate = terminations ÷ customers active at the
/// start of that part; reasons, competitors moved to, tenure of leavers; and our published
/// packages beside the competitors' offers by speed tier (download Mbps) with price per Mbps.
async fn retention_tables(db: &Db, p: &Period, scope: Scope, lang: Lang) -> DbResult<Vec<Table>> {
    let days = queries::terminations_by_day(db, p.first, p.last, scope).await?;
    let mut churn = Table::new(
        "retention-churn",
        "report.retention.churn",
        vec![
            "report.col.month",
            "report.col.active_start",
            "report.col.terminations",
            "report.col.churn_rate",
        ],
    )
    .note("report.retention.churn_note");
    let mut start = p.first;
    let mut total = 0;
    while start <= p.last {
        let end = (next_month(start) - Duration::days(1)).min(p.last);
        let active = queries::active_at_start(db, start, scope).await?;
        let n: i64 = days
            .iter()
            .filter(|d| d.day >= start && d.day <= end)
            .map(|d| d.n)
            .sum();
        total += n;
        churn.push(Row::new(vec![
            Cell::Text(start.format("%m/%Y").to_string()),
            Cell::Count(active),
            Cell::Count(n),
            Cell::Percent(percent(n, active)),
        ]));
        start = end + Duration::days(1);
    }
    let active_first = queries::active_at_start(db, p.first, scope).await?;
    churn.push(
        Row::new(vec![
            Cell::text(lang.t("report.whole_period")),
            Cell::Count(active_first),
            Cell::Count(total),
            Cell::Percent(percent(total, active_first)),
        ])
        .total(),
    );

    let reasons = share_table(
        "retention-reasons",
        "report.retention.reasons",
        "report.col.reason",
        counts_of(
            queries::termination_reasons(db, p.first, p.last, scope).await?,
            |k| key_label(lang, "reason", k.as_deref().unwrap_or("other")),
        ),
        lang,
    );
    let competitors = share_table(
        "retention-competitors",
        "report.retention.competitors",
        "report.col.competitor",
        counts_of(
            queries::competitors_moved_to(db, p.first, p.last, scope).await?,
            |k| k.unwrap_or_default(),
        ),
        lang,
    );

    let mut buckets = [0i64; 4];
    for t in queries::leaver_tenures(db, p.first, p.last, scope).await? {
        let start = t.started_on.unwrap_or(t.ended_on);
        buckets[tenure_bucket(start, t.ended_on)] += 1;
    }
    let sum: i64 = buckets.iter().sum();
    let mut tenure = Table::new(
        "retention-tenure",
        "report.retention.tenure",
        vec!["report.col.tenure", "report.col.count", "report.col.share"],
    );
    for (key, n) in TENURE_KEYS.iter().zip(buckets) {
        tenure.push(Row::new(vec![
            Cell::text(lang.t(key)),
            Cell::Count(n),
            Cell::Percent(percent(n, sum)),
        ]));
    }

    let (glance, offers) = price_tiers(db, lang).await?;
    Ok(vec![churn, reasons, competitors, tenure, glance, offers])
}

/// One offer at a speed tier: ours or a competitor's.
struct Offer {
    mbps: i64,
    ours: bool,
    provider: String,
    name: String,
    price: Rupiah,
}

/// Price per Mbps, to the nearest rupiah.
fn per_mbps(price: Rupiah, mbps: i64) -> Rupiah {
    Rupiah(if mbps > 0 {
        (price.0 + mbps / 2) / mbps
    } else {
        0
    })
}

/// Our published packages and every competitor offer, grouped by download speed: a one-line
/// comparison per tier (our cheapest vs theirs) and the full list with the cheapest marked.
async fn price_tiers(db: &Db, lang: Lang) -> DbResult<(Table, Table)> {
    let brand = lang.t("report.ours").to_string();
    let mut offers: Vec<Offer> = catalog::published_packages(db)
        .await?
        .into_iter()
        .map(|p| Offer {
            mbps: p.download_mbps,
            ours: true,
            provider: brand.clone(),
            name: p.name,
            price: p.price,
        })
        .collect();
    offers.extend(
        retention::offers(db, None)
            .await?
            .into_iter()
            .map(|o| Offer {
                mbps: o.download_mbps,
                ours: false,
                provider: o.competitor_name,
                name: o.name,
                price: o.price,
            }),
    );
    offers.sort_by(|a, b| {
        (a.mbps, a.price.0, !a.ours, &a.provider).cmp(&(b.mbps, b.price.0, !b.ours, &b.provider))
    });

    let mut glance = Table::new(
        "retention-tiers",
        "report.retention.tiers",
        vec![
            "report.col.tier",
            "report.col.our_price",
            "report.col.their_price",
            "report.col.difference",
            "report.col.cheaper",
        ],
    )
    .note("report.retention.tiers_note");
    let mut list = Table::new(
        "retention-offers",
        "report.retention.offers",
        vec![
            "report.col.tier",
            "report.col.provider",
            "report.col.offer",
            "report.col.price",
            "report.col.per_mbps",
            "report.col.cheapest",
        ],
    );
    let mut i = 0;
    while i < offers.len() {
        let mbps = offers[i].mbps;
        let tier: Vec<&Offer> = offers[i..].iter().take_while(|o| o.mbps == mbps).collect();
        i += tier.len();
        let cheapest = tier.iter().map(|o| o.price.0).min().unwrap_or(0);
        let tier_label = format!("{mbps} Mbps");
        for o in &tier {
            let is_cheapest = o.price.0 == cheapest;
            list.push(
                Row::new(vec![
                    Cell::Text(tier_label.clone()),
                    Cell::Text(o.provider.clone()),
                    Cell::Text(o.name.clone()),
                    Cell::Money(o.price),
                    Cell::Money(per_mbps(o.price, o.mbps)),
                    Cell::text(if is_cheapest {
                        lang.t("report.cheapest")
                    } else {
                        ""
                    }),
                ])
                .marked(is_cheapest),
            );
        }
        let ours = tier.iter().filter(|o| o.ours).map(|o| o.price.0).min();
        let theirs = tier.iter().filter(|o| !o.ours).map(|o| o.price.0).min();
        let money = |v: Option<i64>| v.map_or(Cell::Empty, |v| Cell::Money(Rupiah(v)));
        let (diff, cheaper) = match (ours, theirs) {
            (Some(o), Some(t)) => (
                Cell::Money(Rupiah(o - t)),
                lang.t(if o < t {
                    "report.cheaper_ours"
                } else if o > t {
                    "report.cheaper_theirs"
                } else {
                    "report.cheaper_same"
                }),
            ),
            _ => (Cell::Empty, ""),
        };
        glance.push(
            Row::new(vec![
                Cell::Text(tier_label),
                money(ours),
                money(theirs),
                diff,
                Cell::text(cheaper),
            ])
            .marked(matches!((ours, theirs), (Some(o), Some(t)) if o > t)),
        );
    }
    Ok((glance, list))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn tenure_buckets_by_hand() {
        assert_eq!(tenure_bucket(d(2026, 1, 1), d(2026, 6, 30)), 0);
        assert_eq!(tenure_bucket(d(2026, 1, 1), d(2026, 7, 1)), 1);
        assert_eq!(tenure_bucket(d(2025, 1, 1), d(2026, 1, 1)), 2);
        assert_eq!(tenure_bucket(d(2024, 1, 1), d(2026, 1, 1)), 2);
        assert_eq!(tenure_bucket(d(2024, 1, 1), d(2026, 1, 2)), 3);
        assert_eq!(per_mbps(Rupiah(250_000), 20), Rupiah(12_500));
        assert_eq!(month_label("2026-11"), "11/2026");
    }
}
