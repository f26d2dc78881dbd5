//! Operations of the NPS area: starting a survey for a segment, and a customer's answer. Each is
//! one transaction with its audit row.

use chrono::{DateTime, Utc};

use super::link;
use super::model::{Score, Segment};
use super::store;
use crate::audit::{self, Action, Actor};
use crate::customers::events::EventKind;
use crate::customers::store as customers;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::notify::{self, Links, Mail};
use crate::types::wib_date;
use crate::words::Detail;

/// Nobody in the segment can be asked (none active, or all asked in the last 90 days).
pub const NONE_ELIGIBLE: &str = "nps.none_eligible";
/// The request has its answer already.
pub const ALREADY_ANSWERED: &str = "nps.already_answered";
/// The link (30 days) has run out.
pub const EXPIRED: &str = "nps.expired";

/// Requests mailed per batch (bounded memory for a segment of 100,000).
const MAIL_BATCH: i64 = 500;

/// A started survey.
#[derive(Clone, Debug)]
pub struct Started {
    pub survey_id: i64,
    /// Requests made.
    pub asked: u64,
    /// Mails queued (customers with an email address).
    pub mailed: usize,
}

/// What the segment is called in the audit sentence (the area's or package's name, the months).
fn segment_note(db_name: Option<String>, segment: Segment) -> String {
    match segment {
        Segment::All => String::new(),
        Segment::Area(_) | Segment::Package(_) => db_name.unwrap_or_default(),
        Segment::Tenure(n) => format!("≥ {n}"),
    }
}

/// Starts a survey of `segment` at `now`: the survey, one request per active customer of the
/// segment not asked in the last 90 days (one `INSERT … SELECT`), one outbox mail with a signed
/// link per customer with an email, and the audit row `nps.start`, in one transaction. Unknown
/// area or package: a field error; nobody to ask: `Conflict(NONE_ELIGIBLE)` and nothing changes.
pub async fn start(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    segment: Segment,
) -> AppResult<Started> {
    let name = match segment {
        Segment::Area(id) => Some(
            crate::catalog::store::get_area(db, id)
                .await?
                .ok_or_else(|| AppError::field("area", "nps.area_unknown"))?
                .name,
        ),
        Segment::Package(id) => Some(
            crate::catalog::store::get_package(db, id)
                .await?
                .ok_or_else(|| AppError::field("package", "nps.package_unknown"))?
                .name,
        ),
        _ => None,
    };
    let today = wib_date(now);
    let mut tx = db.begin().await?;
    // Two surveys started at once must not both ask the same customer.
    tx.lock_table("nps_requests").await?;
    let survey_id = store::insert_survey(&mut tx, segment, actor.id, now).await?;
    let asked = store::insert_requests(&mut tx, survey_id, segment, today, now).await?;
    if asked == 0 {
        return Err(AppError::Conflict(NONE_ELIGIBLE));
    }
    let mut mailed = 0;
    let mut after = 0;
    loop {
        let batch = store::mail_targets(&mut tx, survey_id, after, MAIL_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.request_id;
        let mails: Vec<Mail> = batch
            .iter()
            .map(|t| {
                let lang = t.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
                let url = link::answer_url(links, t.request_id, now);
                let vars = [("name", t.name.as_str()), ("link", url.as_str())];
                Mail {
                    to: t.email.clone(),
                    subject: lang.tf("nps.mail_subject", &vars),
                    body: lang.tf("nps.mail_body", &vars),
                }
            })
            .collect();
        mailed += notify::queue_mails(&mut tx, &mails, now).await?;
    }
    let detail = Detail::new()
        .record("survey", survey_id, crate::types::fmt_date(&now))
        .with("nps_segment", segment.kind())
        .with("sent", asked)
        .note(&segment_note(name, segment));
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::NpsStart,
        Some(("nps_survey", survey_id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(Started {
        survey_id,
        asked,
        mailed,
    })
}

/// Where an answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The signed link: it vouches for the request's customer.
    Link,
    /// The portal: the logged-in customer, who must own the request.
    Portal { customer_id: i64 },
}

/// Stores the answer to request `request_id`, with a line on the customer's timeline and the
/// audit row `nps.answer`, in one transaction. Unknown or someone else's: `NotFound`; answered
/// before: `Conflict(ALREADY_ANSWERED)`; older than the link's 30 days: `Conflict(EXPIRED)`.
pub async fn answer(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    request_id: i64,
    via: Via,
    score: Score,
    reason: &str,
) -> AppResult<store::RequestRow> {
    let mut tx = db.begin().await?;
    let req = store::request(&mut tx, request_id)
        .await?
        .filter(|r| match via {
            Via::Link => true,
            Via::Portal { customer_id } => r.customer_id == customer_id,
        })
        .ok_or(AppError::NotFound)?;
    if req.answered_at.is_some() {
        return Err(AppError::Conflict(ALREADY_ANSWERED));
    }
    if now >= req.expires_at() {
        return Err(AppError::Conflict(EXPIRED));
    }
    // Two submissions at once: the second changes nothing.
    if store::answer(&mut tx, req.id, score.get(), reason, now).await? != 1 {
        return Err(AppError::Conflict(ALREADY_ANSWERED));
    }
    let actor = if actor.id.is_none() {
        Actor {
            name: &req.customer_name,
            ..actor
        }
    } else {
        actor
    };
    let detail = Detail::new().with("score", score.get()).note(reason);
    customers::add_event(
        &mut tx,
        req.customer_id,
        EventKind::NpsAnswered,
        &detail.stored(),
        actor.name,
        now,
    )
    .await?;
    let audit_detail = Detail::new()
        .record("customer", req.customer_id, &req.customer_name)
        .record(
            "survey",
            req.survey_id,
            crate::types::fmt_date(&req.sent_at),
        )
        .with("score", score.get());
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::NpsAnswer,
        Some(("nps_request", req.id)),
        &audit_detail,
    )
    .await?;
    let row = store::request(&mut tx, req.id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(row)
}
