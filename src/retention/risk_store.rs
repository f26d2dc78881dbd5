//! The SQL behind the risk score: one grouped query per signal over the whole customer set
//! (each bounded by an indexed time column), combined in Rust; never a query per customer.
//! With [`Subject::One`] the same queries serve one customer's page.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::risk::{assess, Assessment, CheaperOffer, RiskWeights, Signals};
use super::store::{self as competitors, OfferRow};
use crate::args;
use crate::catalog::store::{self as catalog, PackageRow};
use crate::db::{Arg, Db, DbResult};
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

impl Subject {
    /// ` AND <col> = $n` for one customer, with its argument.
    fn customer_filter(self, col: &str, next: usize, args: &mut Vec<Arg>) -> String {
        match self {
            Subject::One(id) => {
                args.push(id.into());
                format!(" AND {col} = ${next}")
            }
            _ => String::new(),
        }
    }
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

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct TicketCounts {
    customer_id: i64,
    t30: i64,
    t90: i64,
    breached: i64,
}

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct Count {
    customer_id: i64,
    n: i64,
}

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct Dated {
    customer_id: i64,
    value: i64,
    at: DateTime<Utc>,
}

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
    let d30 = now - Duration::days(30);
    let d90 = now - Duration::days(90);
    let d180 = now - Duration::days(180);

    // Tickets opened in 90 days (index tickets_created): all, the last 30 days', the breached.
    let mut args = args![d90, d30];
    let f = subject.customer_filter("customer_id", 3, &mut args);
    let rows: Vec<TicketCounts> = db
        .fetch_all(
            &format!(
                "SELECT customer_id, \
                 SUM(CASE WHEN created_at >= $2 THEN 1 ELSE 0 END) AS t30, COUNT(*) AS t90, \
                 SUM(CASE WHEN first_response_breached OR resolution_breached THEN 1 ELSE 0 END) AS breached \
                 FROM tickets WHERE created_at >= $1{f} GROUP BY customer_id"
            ),
            args,
        )
        .await?;
    for r in rows {
        if let Some(s) = out.get_mut(&r.customer_id) {
            s.tickets_30d = r.t30;
            s.tickets_90d = r.t90;
            s.breached_90d = r.breached;
        }
    }

    // Unresolved tickets of any age (index tickets_status; few are open at a time).
    let mut args = Vec::new();
    let f = subject.customer_filter("customer_id", 1, &mut args);
    let rows: Vec<Count> = db
        .fetch_all(
            &format!(
                "SELECT customer_id, COUNT(*) AS n FROM tickets \
                 WHERE status IN ('new', 'open', 'waiting', 'visit_scheduled'){f} GROUP BY customer_id"
            ),
            args,
        )
        .await?;
    for r in rows {
        if let Some(s) = out.get_mut(&r.customer_id) {
            s.unresolved = r.n;
        }
    }

    // Ratings of 1–2 stars in 90 days (index ratings_created), newest first.
    let mut args = args![d90];
    let f = subject.customer_filter("customer_id", 2, &mut args);
    let rows: Vec<Dated> = db
        .fetch_all(
            &format!(
                "SELECT customer_id, stars AS value, created_at AS at FROM ratings \
                 WHERE created_at >= $1 AND stars <= 2{f} ORDER BY created_at DESC, id DESC"
            ),
            args,
        )
        .await?;
    for r in rows {
        if let Some(s) = out.get_mut(&r.customer_id) {
            s.low_ratings.push((r.value, wib_date(r.at)));
        }
    }

    // NPS answers of 180 days (index nps_requests_answered): the latest decides.
    let mut args = args![d180];
    let f = subject.customer_filter("customer_id", 2, &mut args);
    let rows: Vec<Dated> = db
        .fetch_all(
            &format!(
                "SELECT customer_id, score AS value, answered_at AS at FROM nps_requests \
                 WHERE answered_at >= $1 AND score IS NOT NULL{f} ORDER BY answered_at, id"
            ),
            args,
        )
        .await?;
    let mut latest: HashMap<i64, (i64, NaiveDate)> = HashMap::new();
    for r in rows {
        latest.insert(r.customer_id, (r.value, wib_date(r.at)));
    }
    for (customer, (score, on)) in latest {
        if let Some(s) = out.get_mut(&customer) {
            s.detractor = (score <= 6).then_some((score, on));
        }
    }

    // Failed visits that ended in 90 days (index visits_failed, migration 0014).
    let mut args = args![d90];
    let f = subject.customer_filter("customer_id", 2, &mut args);
    let rows: Vec<Count> = db
        .fetch_all(
            &format!(
                "SELECT customer_id, COUNT(*) AS n FROM visits \
                 WHERE status = 'failed' AND finished_at >= $1{f} GROUP BY customer_id"
            ),
            args,
        )
        .await?;
    for r in rows {
        if let Some(s) = out.get_mut(&r.customer_id) {
            s.failed_visits_90d = r.n;
        }
    }

    // Suspensions in 180 days (index subscription_events_kind_at, migration 0014).
    let mut args = args![d180];
    let f = subject.customer_filter("s.customer_id", 2, &mut args);
    let rows: Vec<Dated> = db
        .fetch_all(
            &format!(
                "SELECT s.customer_id, e.id AS value, e.at FROM subscription_events e \
                 JOIN subscriptions s ON s.id = e.subscription_id \
                 WHERE e.kind = 'suspended' AND e.at >= $1{f} ORDER BY e.at"
            ),
            args,
        )
        .await?;
    for r in rows {
        if let Some(s) = out.get_mut(&r.customer_id) {
            s.suspended_on = Some(wib_date(r.at));
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
