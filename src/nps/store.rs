//! SQL of the NPS area. It writes only `nps_surveys` and `nps_requests`; it reads subscriptions,
//! customers and users to pick who is asked and where their mail goes.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::model::{started_by, Segment, SegmentKind, ASK_EVERY_DAYS, LINK_DAYS};
use crate::args;
use crate::db::{Arg, Conn, Db, DbResult, Tx};

/// The subscriptions of active customers in `segment` on `today`, as a `WHERE` for the alias `s`,
/// with its values bound from `$first` on. Active on a day D (the reports' definition):
/// `started_on <= D` and (`ended_on` IS NULL or `ended_on > D`); suspended ones count.
fn segment_where(segment: Segment, today: NaiveDate, first: usize) -> (String, Vec<Arg>) {
    let mut sql =
        format!("s.started_on <= ${first} AND (s.ended_on IS NULL OR s.ended_on > ${first})");
    let mut a: Vec<Arg> = args![today];
    let next = first + 1;
    match segment {
        Segment::All => {}
        Segment::Area(id) => {
            sql.push_str(&format!(" AND s.area_id = ${next}"));
            a.push(id.into());
        }
        Segment::Package(id) => {
            sql.push_str(&format!(" AND s.package_id = ${next}"));
            a.push(id.into());
        }
        Segment::Tenure(months) => {
            sql.push_str(&format!(" AND s.started_on <= ${next}"));
            a.push(started_by(today, months).into());
        }
    }
    (sql, a)
}

/// Requests sent after this were made too recently to ask again at `now`.
pub fn asked_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(ASK_EVERY_DAYS)
}

/// Who a survey for a segment would reach, before it is started.
#[derive(Clone, Debug, Default, sqlx::FromRow, crate::db::LiteRow)]
pub struct Reach {
    /// Active customers in the segment.
    pub in_segment: i64,
    /// Of them, those not asked in the last 90 days: who gets a request.
    pub eligible: i64,
    /// Of the eligible, those with an email address (the rest see the question in the portal).
    pub with_email: i64,
}

/// The email a customer's mail goes to: the customer record's, else their login's.
const EMAIL: &str = "COALESCE(NULLIF(c.email, ''), NULLIF(u.email, ''))";

/// How many active customers `segment` holds on `today` and how many of them would be asked at
/// `now` (not asked by any survey in the last 90 days).
pub async fn reach(
    c: impl Into<Conn<'_>>,
    segment: Segment,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> DbResult<Reach> {
    let (filter, mut a) = segment_where(segment, today, 2);
    a.insert(0, asked_since(now).into());
    let sql = format!(
        "SELECT COUNT(*) AS in_segment, \
         COALESCE(SUM(CASE WHEN x.recent = 0 THEN 1 ELSE 0 END), 0) AS eligible, \
         COALESCE(SUM(CASE WHEN x.recent = 0 AND x.email IS NOT NULL THEN 1 ELSE 0 END), 0) AS with_email \
         FROM (SELECT c.id, {EMAIL} AS email, \
           CASE WHEN EXISTS (SELECT 1 FROM nps_requests r WHERE r.customer_id = c.id AND r.sent_at > $1) THEN 1 ELSE 0 END AS recent \
           FROM customers c LEFT JOIN users u ON u.id = c.user_id \
           WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id AND {filter})) x"
    );
    c.into().fetch_one(&sql, a).await
}

/// Inserts a survey; its id.
pub async fn insert_survey(
    tx: &mut Tx,
    segment: Segment,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx.scalar(
        "INSERT INTO nps_surveys (segment, area_id, package_id, min_months, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        args![segment.kind(), segment.area_id(), segment.package_id(), segment.min_months(), created_by, now],
    )
    .await
}

/// One request per active customer of `segment` on `today` not asked since 90 days before
/// `now`, in one `INSERT … SELECT`, with the area and package of the customer's oldest
/// subscription in the segment copied onto it. Returns how many were made.
pub async fn insert_requests(
    tx: &mut Tx,
    survey_id: i64,
    segment: Segment,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    let (filter, seg_args) = segment_where(segment, today, 4);
    let mut a = args![survey_id, now, asked_since(now)];
    a.extend(seg_args);
    let sql = format!(
        "INSERT INTO nps_requests (survey_id, customer_id, area_id, package_id, sent_at) \
         SELECT $1, x.customer_id, x.area_id, x.package_id, $2 FROM ( \
           SELECT s.customer_id, s.area_id, s.package_id, \
             ROW_NUMBER() OVER (PARTITION BY s.customer_id ORDER BY s.started_on, s.id) AS rn \
           FROM subscriptions s WHERE {filter}) x \
         WHERE x.rn = 1 AND NOT EXISTS \
           (SELECT 1 FROM nps_requests r WHERE r.customer_id = x.customer_id AND r.sent_at > $3)"
    );
    tx.execute(&sql, a).await
}

/// A request whose customer gets the question by mail.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct MailTarget {
    pub request_id: i64,
    pub name: String,
    pub email: String,
    /// The customer's login's language, if they have one.
    pub lang: Option<String>,
}

/// The requests of survey `survey_id` after request `after` whose customer has an email, by id,
/// at most `limit` (keyset paging, so a large survey is mailed in bounded batches).
pub async fn mail_targets(
    tx: &mut Tx,
    survey_id: i64,
    after: i64,
    limit: i64,
) -> DbResult<Vec<MailTarget>> {
    tx.fetch_all(
        &format!(
            "SELECT r.id AS request_id, c.name, {EMAIL} AS email, u.lang \
             FROM nps_requests r JOIN customers c ON c.id = r.customer_id \
             LEFT JOIN users u ON u.id = c.user_id \
             WHERE r.survey_id = $1 AND r.id > $2 AND {EMAIL} IS NOT NULL \
             ORDER BY r.id LIMIT $3"
        ),
        args![survey_id, after, limit],
    )
    .await
}

/// One request, with its customer.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct RequestRow {
    pub id: i64,
    pub survey_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_number: String,
    pub sent_at: DateTime<Utc>,
    pub score: Option<i64>,
    pub reason: String,
    pub answered_at: Option<DateTime<Utc>>,
}

impl RequestRow {
    /// The link stops working this long after the request was sent.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.sent_at + Duration::days(LINK_DAYS)
    }
}

pub async fn request(c: impl Into<Conn<'_>>, id: i64) -> DbResult<Option<RequestRow>> {
    c.into()
        .fetch_optional(
            "SELECT r.id, r.survey_id, r.customer_id, c.name AS customer_name, \
             c.number AS customer_number, r.sent_at, r.score, r.reason, r.answered_at \
             FROM nps_requests r JOIN customers c ON c.id = r.customer_id WHERE r.id = $1",
            args![id],
        )
        .await
}

/// Stores the answer of request `id` unless it has one. Returns the rows changed: 0 when it was
/// answered already, so an answer is never stored twice.
pub async fn answer(
    tx: &mut Tx,
    id: i64,
    score: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> DbResult<u64> {
    tx.execute(
        "UPDATE nps_requests SET score = $2, reason = $3, answered_at = $4 \
         WHERE id = $1 AND answered_at IS NULL",
        args![id, score, reason, now],
    )
    .await
}

/// The customer's newest request still open at `now` (unanswered, link not expired): the
/// portal's card.
pub async fn open_request(db: &Db, customer_id: i64, now: DateTime<Utc>) -> DbResult<Option<i64>> {
    let rows: Vec<(i64,)> = db
        .fetch_all(
            "SELECT id FROM nps_requests WHERE customer_id = $1 AND answered_at IS NULL \
             AND sent_at > $2 ORDER BY sent_at DESC, id DESC LIMIT 1",
            args![customer_id, now - Duration::days(LINK_DAYS)],
        )
        .await?;
    Ok(rows.first().map(|r| r.0))
}

/// Answers by group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, sqlx::FromRow, crate::db::LiteRow)]
pub struct NpsCounts {
    /// Scores 9–10.
    pub promoters: i64,
    /// Scores 7–8.
    pub passives: i64,
    /// Scores 0–6.
    pub detractors: i64,
    pub answers: i64,
}

impl NpsCounts {
    /// % promoters − % detractors; `None` without answers.
    pub fn nps(&self) -> Option<f64> {
        crate::reports::stats::nps(self.promoters, self.detractors, self.answers)
    }
}

const COUNTS: &str = "COALESCE(SUM(CASE WHEN r.score >= 9 THEN 1 ELSE 0 END), 0) AS promoters, \
     COALESCE(SUM(CASE WHEN r.score BETWEEN 7 AND 8 THEN 1 ELSE 0 END), 0) AS passives, \
     COALESCE(SUM(CASE WHEN r.score <= 6 THEN 1 ELSE 0 END), 0) AS detractors, \
     COUNT(r.score) AS answers";

/// NPS: the answers of requests answered in `[from, to)`, by group, optionally of one area or
/// package (as copied onto the request when it was sent). Reads through the `answered_at` index.
pub async fn score(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    area_id: Option<i64>,
    package_id: Option<i64>,
) -> DbResult<NpsCounts> {
    let mut sql = format!(
        "SELECT {COUNTS} FROM nps_requests r WHERE r.answered_at >= $1 AND r.answered_at < $2"
    );
    let mut a = args![from, to];
    if let Some(id) = area_id {
        a.push(id.into());
        sql.push_str(&format!(" AND r.area_id = ${}", a.len()));
    }
    if let Some(id) = package_id {
        a.push(id.into());
        sql.push_str(&format!(" AND r.package_id = ${}", a.len()));
    }
    db.fetch_one(&sql, a).await
}

/// A survey with its counts so far.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct SurveyRow {
    pub id: i64,
    pub segment: SegmentKind,
    pub area_id: Option<i64>,
    pub area_name: Option<String>,
    pub package_id: Option<i64>,
    pub package_name: Option<String>,
    pub min_months: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub created_by_name: Option<String>,
    pub sent: i64,
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
    pub answers: i64,
}

impl SurveyRow {
    pub fn counts(&self) -> NpsCounts {
        NpsCounts {
            promoters: self.promoters,
            passives: self.passives,
            detractors: self.detractors,
            answers: self.answers,
        }
    }
}

const SURVEY_SELECT: &str =
    "SELECT v.id, v.segment, v.area_id, a.name AS area_name, v.package_id, \
     p.name AS package_name, v.min_months, v.created_at, us.name AS created_by_name, \
     COUNT(r.id) AS sent, ";
const SURVEY_FROM: &str = " FROM nps_surveys v \
     LEFT JOIN areas a ON a.id = v.area_id LEFT JOIN packages p ON p.id = v.package_id \
     LEFT JOIN users us ON us.id = v.created_by \
     LEFT JOIN nps_requests r ON r.survey_id = v.id";
const SURVEY_GROUP: &str = " GROUP BY v.id, v.segment, v.area_id, a.name, v.package_id, p.name, \
     v.min_months, v.created_at, us.name";

/// The newest surveys, at most `limit`, with their counts.
pub async fn surveys(db: &Db, limit: i64) -> DbResult<Vec<SurveyRow>> {
    db.fetch_all(
        &format!(
            "{SURVEY_SELECT}{COUNTS}{SURVEY_FROM} \
             WHERE v.id IN (SELECT id FROM nps_surveys ORDER BY created_at DESC, id DESC LIMIT $1)\
             {SURVEY_GROUP} ORDER BY v.created_at DESC, v.id DESC"
        ),
        args![limit],
    )
    .await
}

pub async fn survey(db: &Db, id: i64) -> DbResult<Option<SurveyRow>> {
    db.fetch_optional(
        &format!("{SURVEY_SELECT}{COUNTS}{SURVEY_FROM} WHERE v.id = $1{SURVEY_GROUP}"),
        args![id],
    )
    .await
}

/// How many answers of survey `id` gave each score: index 0 to 10.
pub async fn distribution(db: &Db, id: i64) -> DbResult<[i64; 11]> {
    let rows: Vec<(i64, i64)> = db
        .fetch_all(
            "SELECT score, COUNT(*) FROM nps_requests WHERE survey_id = $1 AND score IS NOT NULL \
             GROUP BY score",
            args![id],
        )
        .await?;
    let mut out = [0; 11];
    for (score, n) in rows {
        if let Ok(i) = usize::try_from(score) {
            if i <= 10 {
                out[i] = n;
            }
        }
    }
    Ok(out)
}

/// An answer with a reason, as the survey page lists it.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct ReasonRow {
    pub customer_id: i64,
    pub customer_name: String,
    pub score: i64,
    pub reason: String,
    pub answered_at: DateTime<Utc>,
}

/// The reasons given in survey `id`, lowest scores first, then newest, at most `limit`.
pub async fn reasons(db: &Db, id: i64, limit: i64) -> DbResult<Vec<ReasonRow>> {
    db.fetch_all(
        "SELECT r.customer_id, c.name AS customer_name, r.score, r.reason, r.answered_at \
         FROM nps_requests r JOIN customers c ON c.id = r.customer_id \
         WHERE r.survey_id = $1 AND r.answered_at IS NOT NULL AND r.reason <> '' \
         ORDER BY r.score, r.answered_at DESC, r.id DESC LIMIT $2",
        args![id, limit],
    )
    .await
}
