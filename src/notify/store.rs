use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{DbResult, Tx};

pub async fn queue_mail(
    tx: &mut Tx,
    to: &str,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "INSERT INTO mail_outbox (to_addr, subject, body, created_at) VALUES ($1, $2, $3, $4)",
        args![to, subject, body, now],
    )
    .await?;
    Ok(())
}
