//! The SQL behind the risk score: one read per signal over the whole customer set (grouped where
//! a count suffices; all but the open tickets bounded by an indexed time column), sent as one
//! statement and combined in Rust; never a query per customer. With [`Subject::One`] the same statement serves one customer's page.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::risk::{assess, Assessment, CheaperOffer, RiskWeights, Signals};
use super::store::{self as competitors, OfferRow};
use crate::args;
use crate::catalog::store::{self as catalog, PackageRow};
use crate::db::{Arg, Backend, Db, DbResult};
use crate::types::wib_date;

/// Whom to score.
#[derive(Clone, Copy, Debug, Default)]
pub enum Subject {
    /// Every live customer, optionally of one area and one package (the subscription's).
    #[default]
    All,
    Scoped {
        area_id: Option<i64>,
        package_id: Option<i64>,
    },
    One(i64),
}

/// One live (active or isolated) subscription.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct LiveSub {
    pub customer_id: i64,
    pub subscription_id: i64,
    pub status: String,
    pub package_id: i64,
    pub area_id: Option<i64>,
    pub started_on: Option<NaiveDate>,
}

/// A scored customer: their first live subscription (area and package shown) and the score.
#[derive(Clone, Debug)]
pub struct Scored {
    pub customer_id: i64,
    pub subscription_id: i64,
    pub package_id: i64,
    pub area_id: Option<i64>,
    pub assessment: Assessment,
}

/// What the cheaper-offer signal compares: every package of ours and every competitor's offer.
/// The staff pages pass the instance cache's lists ([`crate::retention::prices`]); a service
/// that records a score reads them from the database ([`Prices::read`]), so a score stored
/// may differ from the one shown when another instance changed a price in the last seconds.
pub struct Prices {
    pub packages: Arc<Vec<PackageRow>>,
    pub offers: Arc<Vec<OfferRow>>,
}

impl Prices {
    pub async fn read(db: &Db) -> DbResult<Prices> {
        let (packages, offers) =
            tokio::try_join!(catalog::all_packages(db), competitors::offers(db, None))?;
        Ok(Prices {
            packages: Arc::new(packages),
            offers: Arc::new(offers),
        })
    }
}

/// Live subscriptions: status active or suspended (isolir); terminated and pending ones are not
/// customers at risk.
async fn live_subs(db: &Db, subject: Subject) -> DbResult<Vec<LiveSub>> {
    let mut sql = String::from(
        "SELECT customer_id, id AS subscription_id, status, package_id, area_id, started_on \
         FROM subscriptions WHERE status IN ('active', 'suspended')",
    );
    let mut args: Vec<Arg> = Vec::new();
    match subject {
        Subject::All => {}
        Subject::Scoped {
            area_id,
            package_id,
        } => {
            if let Some(a) = area_id {
                args.push(a.into());
                sql.push_str(&format!(" AND area_id = ${}", args.len()));
            }
            if let Some(p) = package_id {
                args.push(p.into());
                sql.push_str(&format!(" AND package_id = ${}", args.len()));
            }
        }
        Subject::One(id) => {
            args.push(id.into());
            sql.push_str(" AND customer_id = $1");
        }
    }
    sql.push_str(" ORDER BY customer_id, id");
    db.fetch_all(&sql, args).await
}

/// One row of [`signals_sql`]: what `kind` says of one customer.
#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct SignalRow {
    kind: i32,
    customer_id: i64,
    a: i64,
    b: i64,
    c: i64,
    at: Option<DateTime<Utc>>,
    id: i64,
}

/// The signals of every customer (or of the one at `$4`) as one statement: each part is the
/// grouped or filtered read of one table through its indexed time column, as before, but the
/// page pays one statement instead of six (bench/README.md, finding 39). `$1`–`$3`: 90, 30 and
/// 180 days ago. The parts' rows come in no particular order; the caller orders what needs it.
/// (PostgreSQL matches a union's column types part by part: an untyped NULL would be text.)
/// - 1: tickets opened in 90 days (index tickets_created): a = all, b = the last 30 days', c =
///   the breached;
/// - 2: unresolved tickets of any age (a status index; few are open at a time): a;
/// - 3: ratings of 1–2 stars in 90 days (index ratings_created): a = stars, at, id;
/// - 4: NPS answers of 180 days (index nps_requests_answered): a = score, at, id;
/// - 5: failed visits that ended in 90 days (index visits_failed, migration 0014): a;
/// - 6: suspensions in 180 days (index subscription_events_kind_at, migration 0014): at.
///
/// `group`: what the grouped parts group by. Over every customer, SQLite is given
/// `+customer_id`: grouping by the bare column, it chose to walk all million tickets in the
/// order of an index starting with `customer_id` (the grouping's order) rather than read the
/// 90 days' through `tickets_created` (or the open ones through their status) and sort those:
/// 3.3 s a page against about 0.4 (bench/README.md, finding 54).
fn signals_sql(one: bool, group: &str) -> String {
    let f = |col: &str| {
        if one {
            format!(" AND {col} = $4")
        } else {
            String::new()
        }
    };
    format!(
        "SELECT 1 AS kind, customer_id, COUNT(*) AS a, \
         SUM(CASE WHEN created_at >= $2 THEN 1 ELSE 0 END) AS b, \
         SUM(CASE WHEN first_response_breached OR resolution_breached THEN 1 ELSE 0 END) AS c, \
         CAST(NULL AS TIMESTAMPTZ) AS at, 0 AS id \
         FROM tickets WHERE created_at >= $1{c} GROUP BY {group} \
         UNION ALL SELECT 2, customer_id, COUNT(*), 0, 0, CAST(NULL AS TIMESTAMPTZ), 0 FROM tickets \
         WHERE status IN ('new', 'open', 'waiting', 'visit_scheduled'){c} GROUP BY {group} \
         UNION ALL SELECT 3, customer_id, stars, 0, 0, created_at, id FROM ratings \
         WHERE created_at >= $1 AND stars <= 2{c} \
         UNION ALL SELECT 4, customer_id, score, 0, 0, answered_at, id FROM nps_requests \
         WHERE answered_at >= $3 AND score IS NOT NULL{c} \
         UNION ALL SELECT 5, customer_id, COUNT(*), 0, 0, CAST(NULL AS TIMESTAMPTZ), 0 FROM visits \
         WHERE status = 'failed' AND finished_at >= $1{c} GROUP BY {group} \
         UNION ALL SELECT 6, s.customer_id, 0, 0, 0, e.at, 0 FROM subscription_events e \
         JOIN subscriptions s ON s.id = e.subscription_id \
         WHERE e.kind = 'suspended' AND e.at >= $3{s}",
        c = f("customer_id"),
        s = f("s.customer_id"),
    )
}

static SIGNALS_ALL_SQLITE: LazyLock<String> =
    LazyLock::new(|| signals_sql(false, &Backend::Sqlite.not_indexed("customer_id")));
static SIGNALS_ALL_POSTGRES: LazyLock<String> = LazyLock::new(|| signals_sql(false, "customer_id"));
static SIGNALS_ONE: LazyLock<String> = LazyLock::new(|| signals_sql(true, "customer_id"));

/// Gathers every customer's signals at `now` (WIB days), `subject` limiting whom.
pub async fn signals(
    db: &Db,
    subject: Subject,
    prices: &Prices,
    now: DateTime<Utc>,
) -> DbResult<(Vec<LiveSub>, HashMap<i64, Signals>)> {
    let subs = live_subs(db, subject).await?;
    let mut out: HashMap<i64, Signals> = HashMap::new();
    for s in &subs {
        let sig = out.entry(s.customer_id).or_default();
        sig.isolir_now |= s.status == "suspended";
        if let Some(d) = s.started_on {
            sig.started_on = Some(sig.started_on.map_or(d, |o| o.min(d)));
        }
    }
    if out.is_empty() {
        return Ok((subs, out));
    }
    let mut args = args![
        now - Duration::days(90),
        now - Duration::days(30),
        now - Duration::days(180)
    ];
    let sql = match subject {
        Subject::One(id) => {
            args.push(id.into());
            &SIGNALS_ONE
        }
        _ => match db.backend() {
            Backend::Sqlite => &SIGNALS_ALL_SQLITE,
            Backend::Postgres => &SIGNALS_ALL_POSTGRES,
        },
    };
    let rows: Vec<SignalRow> = db.fetch_all(sql, args).await?;
    // Low ratings newest first; of NPS answers and suspensions the latest decides.
    let mut ratings: HashMap<i64, Vec<(DateTime<Utc>, i64, i64)>> = HashMap::new();
    let mut nps: HashMap<i64, (DateTime<Utc>, i64, i64)> = HashMap::new();
    for r in rows {
        let Some(s) = out.get_mut(&r.customer_id) else {
            continue;
        };
        match (r.kind, r.at) {
            (1, _) => {
                s.tickets_90d = r.a;
                s.tickets_30d = r.b;
                s.breached_90d = r.c;
            }
            (2, _) => s.unresolved = r.a,
            (3, Some(at)) => ratings
                .entry(r.customer_id)
                .or_default()
                .push((at, r.id, r.a)),
            (4, Some(at)) => {
                let latest = nps.entry(r.customer_id).or_insert((at, r.id, r.a));
                if (at, r.id) > (latest.0, latest.1) {
                    *latest = (at, r.id, r.a);
                }
            }
            (5, _) => s.failed_visits_90d = r.a,
            (6, Some(at)) => {
                let on = wib_date(at);
                s.suspended_on = Some(s.suspended_on.map_or(on, |o| o.max(on)));
            }
            (kind, at) => unreachable!("signals_sql has no kind {kind} with time {at:?}"),
        }
    }
    for (customer, mut list) in ratings {
        list.sort_unstable_by_key(|r| std::cmp::Reverse((r.0, r.1)));
        if let Some(s) = out.get_mut(&customer) {
            s.low_ratings = list
                .into_iter()
                .map(|(at, _, stars)| (stars, wib_date(at)))
                .collect();
        }
    }
    for (customer, (at, _, score)) in nps {
        if let Some(s) = out.get_mut(&customer) {
            s.detractor = (score <= 6).then_some((score, wib_date(at)));
        }
    }

    // A competitor's cheaper offer at the speed of the customer's package. Offers have no area
    // (the table has none), so every offer counts for every area.
    let packages: HashMap<i64, &PackageRow> = prices.packages.iter().map(|p| (p.id, p)).collect();
    let offers = &prices.offers;
    let mut cheaper: HashMap<i64, Option<CheaperOffer>> = HashMap::new();
    for s in &subs {
        let best = cheaper.entry(s.package_id).or_insert_with(|| {
            let p = packages.get(&s.package_id)?;
            offers
                .iter()
                .filter(|o| o.download_mbps == p.download_mbps && o.price.0 < p.price.0)
                .min_by_key(|o| (o.price.0, o.id))
                .map(|o| CheaperOffer {
                    package: p.name.clone(),
                    mbps: p.download_mbps,
                    our_price: p.price,
                    competitor: o.competitor_name.clone(),
                    their_price: o.price,
                })
        });
        if let (Some(offer), Some(sig)) = (best.clone(), out.get_mut(&s.customer_id)) {
            if sig.cheaper_offer.is_none() {
                sig.cheaper_offer = Some(offer);
            }
        }
    }
    Ok((subs, out))
}

/// Every live customer in `subject` scored at `now`, highest first (then by customer id).
pub async fn scored(
    db: &Db,
    subject: Subject,
    weights: &RiskWeights,
    prices: &Prices,
    now: DateTime<Utc>,
) -> DbResult<Vec<Scored>> {
    let today = wib_date(now);
    let (subs, signals) = signals(db, subject, prices, now).await?;
    let mut out: Vec<Scored> = Vec::with_capacity(signals.len());
    let mut seen = std::collections::HashSet::new();
    for s in &subs {
        if !seen.insert(s.customer_id) {
            continue;
        }
        let Some(sig) = signals.get(&s.customer_id) else {
            continue;
        };
        out.push(Scored {
            customer_id: s.customer_id,
            subscription_id: s.subscription_id,
            package_id: s.package_id,
            area_id: s.area_id,
            assessment: assess(sig, weights, today),
        });
    }
    out.sort_by(|a, b| {
        b.assessment
            .score
            .cmp(&a.assessment.score)
            .then(a.customer_id.cmp(&b.customer_id))
    });
    Ok(out)
}

/// One customer's score now, when they have a live subscription.
pub async fn score_of(
    db: &Db,
    customer_id: i64,
    weights: &RiskWeights,
    prices: &Prices,
    now: DateTime<Utc>,
) -> DbResult<Option<Assessment>> {
    Ok(scored(db, Subject::One(customer_id), weights, prices, now)
        .await?
        .into_iter()
        .next()
        .map(|s| s.assessment))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without statistics (as in a real office's database), SQLite reads every customer's
    /// ticket signals through the time and status indexes, never the whole tickets table
    /// (bench/README.md, finding 54).
    #[tokio::test]
    async fn every_customers_signals_read_no_whole_table() {
        let now = Utc::now();
        let plan =
            crate::db::sqlite_plan_without_statistics(&SIGNALS_ALL_SQLITE, args![now, now, now])
                .await;
        assert!(!plan.iter().any(|d| d.starts_with("SCAN")), "{plan:?}");
        assert!(
            plan.iter()
                .any(|d| d.contains("USING INDEX tickets_created (created_at>?)")),
            "{plan:?}"
        );
    }
}
