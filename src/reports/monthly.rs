//! The monthly report mail: on the first day of each month (WIB) every active director gets a
//! short summary of the month before with a link to its page. One recurring job; a row in
//! `report_mails` written with each mail makes a second run of the same month mail no one again.

use chrono::{DateTime, Duration, Utc};

use super::days::Days;
use super::figures::{Numbers, Subscriptions};
use super::period::{day_start, next_month, Scope};
use super::stats::fmt_percent;
use super::web::{fmt_int, last_month, month_period};
use crate::args;
use crate::db::{Db, DbResult, Tx};
use crate::i18n::Lang;
use crate::types::wib_date;

/// The recurring job that mails the monthly report.
pub const MONTHLY_JOB: &str = "reports.monthly";

/// The next run: 07:00 WIB on the first day of the month after `now`'s.
pub fn next_run(now: DateTime<Utc>) -> DateTime<Utc> {
    day_start(next_month(wib_date(now))) + Duration::hours(7)
}

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct Director {
    id: i64,
    name: String,
    email: String,
    lang: Option<String>,
}

/// Active directors with an e-mail address.
async fn directors(db: &Db) -> DbResult<Vec<Director>> {
    db.fetch_all(
        "SELECT id, name, email, lang FROM users \
         WHERE role = 'director' AND active = TRUE AND email IS NOT NULL ORDER BY id",
        args![],
    )
    .await
}

/// Claims the month's mail for a director: 1 when it was not mailed before, 0 when it was.
async fn claim(tx: &mut Tx, month: &str, user_id: i64, now: DateTime<Utc>) -> DbResult<u64> {
    tx.execute(
        "INSERT INTO report_mails (month, user_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
        args![month, user_id, now],
    )
    .await
}

/// Mails the report of the month before `now`'s to every active director not yet mailed it;
/// returns how many mails were queued.
pub async fn mail_directors(db: &Db, base_url: &str, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let first = last_month(wib_date(now));
    let period = month_period(first);
    let month = first.format("%Y-%m").to_string();
    let scope = Scope::default();
    let subs = Subscriptions::load(db, period.first, period.last, &scope).await?;
    let days = Days::load(db, period.first, period.last, &scope).await?;
    let n = Numbers::of(db, &period, &scope, &subs, &days).await?;
    let link = format!(
        "{}/staff/reports/monthly?month={month}",
        base_url.trim_end_matches('/')
    );
    let shown = first.format("%m/%Y").to_string();
    let mut sent = 0;
    for d in directors(db).await? {
        let lang = d.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
        let dec = |v: Option<f64>| {
            v.map_or("–".to_string(), |v| {
                let s = format!("{v:.1}");
                if lang == Lang::Id {
                    s.replace('.', ",")
                } else {
                    s
                }
            })
        };
        let subject = lang.tf("dashboard.mail_subject", &[("month", shown.as_str())]);
        let body = lang.tf(
            "dashboard.mail_body",
            &[
                ("name", d.name.as_str()),
                ("month", shown.as_str()),
                ("active", fmt_int(n.active_end, lang).as_str()),
                ("terminations", fmt_int(n.terminations, lang).as_str()),
                ("churn", fmt_percent(n.churn(), lang).as_str()),
                ("csat", dec(n.csat.map(|c| c.0)).as_str()),
                ("nps", dec(n.nps).as_str()),
                ("tickets", fmt_int(n.tickets, lang).as_str()),
                ("link", link.as_str()),
            ],
        );
        let mut tx = db.begin().await?;
        if claim(&mut tx, &month, d.id, now).await? == 1 {
            crate::notify::queue_mail(&mut tx, &d.email, &subject, &body, now).await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn runs_at_seven_wib_on_the_first() {
        // 28 Nov 2026 10:00 WIB → 1 Dec 2026 07:00 WIB = 00:00 UTC.
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap();
        assert_eq!(
            next_run(now),
            Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
        );
        // 31 Dec 20:00 UTC is already 1 Jan 03:00 WIB: the next run is 1 February.
        let now = Utc.with_ymd_and_hms(2026, 12, 31, 20, 0, 0).unwrap();
        assert_eq!(
            next_run(now),
            Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap()
        );
    }
}
