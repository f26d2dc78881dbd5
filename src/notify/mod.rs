//! Outgoing notifications. Mail is queued in `mail_outbox` inside the transaction that caused it,
//! together with a `mail.deliver` job; the job worker sends it by SMTP ([`deliver`]).
//!
//! Each outbox row is sent at most once: the job claims the row (pending → sending, with a claim
//! token, by a conditional update) before talking to the SMTP server and marks it sent after.
//! Only a worker that crashed between sending and marking can cause a second send, of the same
//! message with the same `Message-ID`, which receiving systems use to drop duplicates.

pub mod inbox;
pub mod signed;
pub mod smtp;
pub mod store;

use chrono::{DateTime, Duration, Utc};

use crate::db::{Db, DbResult, Tx};
pub use smtp::Mailer;

/// The job kind that delivers one outbox row (`{"outbox_id": n}`).
pub const DELIVER_JOB: &str = "mail.deliver";

/// A `sending` claim older than this belongs to a crashed worker and may be taken over. It is
/// far longer than the SMTP timeout, so a live worker never loses its claim.
pub const SENDING_TIMEOUT: Duration = Duration::minutes(10);

/// Queues a mail and its delivery job inside `tx`. Returns the outbox id.
pub async fn queue_mail(
    tx: &mut Tx,
    to: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let id = store::insert(tx, to, subject, body, now).await?;
    crate::jobs::enqueue(
        tx,
        DELIVER_JOB,
        &serde_json::json!({ "outbox_id": id }),
        now,
        now,
    )
    .await?;
    Ok(id)
}

/// One mail to queue with [`queue_mails`].
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// How many mails one statement inserts.
const MAILS_PER_STATEMENT: usize = 300;

/// Queues many mails and their delivery jobs inside `tx`, a few hundred rows per statement
/// (a survey mails a whole segment at once; a notice, every recipient of it). Returns how many
/// were queued.
pub async fn queue_mails(tx: &mut Tx, mails: &[Mail], now: DateTime<Utc>) -> DbResult<usize> {
    for chunk in mails.chunks(MAILS_PER_STATEMENT) {
        let ids = store::insert_many(tx, chunk, now).await?;
        let payloads: Vec<serde_json::Value> = ids
            .iter()
            .map(|id| serde_json::json!({ "outbox_id": id }))
            .collect();
        crate::jobs::enqueue_many(tx, DELIVER_JOB, &payloads, now, now).await?;
    }
    Ok(mails.len())
}

/// Sends outbox row `id` once. Already sent (a job that ran again): nothing happens. Someone
/// else is sending it right now: an error, so the job tries again later.
pub async fn deliver(db: &Db, mailer: &Mailer, id: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
    let token = uuid::Uuid::new_v4().simple().to_string();
    let Some(mail) = store::claim(db, id, &token, now, now - SENDING_TIMEOUT).await? else {
        return match store::status(db, id).await?.as_deref() {
            Some("sent") | None => Ok(()),
            Some(other) => anyhow::bail!("mail {id} is {other} by another worker"),
        };
    };
    match mailer.send(&mail).await {
        Ok(()) => {
            // The server has the mail: recording that must not fail on a passing database
            // hiccup, or the row would be sent again once its claim goes stale.
            let mut tries = 0;
            loop {
                match store::mark_sent(db, id, &token, now).await {
                    Ok(_) => return Ok(()),
                    Err(e) if tries < 4 => {
                        tries += 1;
                        tracing::warn!(mail = id, error = %e, "marking a sent mail failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(250 << tries)).await;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Err(e) => {
            let error: String = format!("{e:#}").chars().take(1000).collect();
            store::release(db, id, &token, &error).await?;
            Err(e)
        }
    }
}

/// What a message needs to link back into the app: the public base URL, and the key that signs
/// links which work without logging in (rating links).
#[derive(Clone)]
pub struct Links {
    pub base_url: String,
    pub secret: std::sync::Arc<Vec<u8>>,
}
