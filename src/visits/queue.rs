//! Jobs entering and leaving the dispatch queue, inside the operation that causes them (a
//! registration verified or rejected, a subscription terminated, a ticket resolved): these run
//! in the caller's transaction, whose audit row covers them.

use chrono::{DateTime, Datelike, Utc};

use super::model::VisitStatus;
use super::store::{self, NewVisit};
use crate::audit::Actor;
use crate::db::{DbResult, Tx};
use crate::types::wib_date;

/// Puts a job in the dispatch queue as a queued visit; returns its id and number.
pub async fn enqueue(
    tx: &mut Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    v: &NewVisit<'_>,
) -> DbResult<(i64, String)> {
    let (id, number) = store::insert(tx, v, wib_date(now).year(), now).await?;
    store::add_event(tx, id, "queued", "", (actor.id, actor.name), now).await?;
    Ok((id, number))
}

/// Cancels every open visit serving the registration or the ticket (the job is gone: the
/// registration was rejected or installed without a visit, the ticket was resolved). Returns
/// the numbers of the visits cancelled.
pub async fn cancel_open(
    tx: &mut Tx,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    registration_id: Option<i64>,
    ticket_id: Option<i64>,
    reason: &str,
) -> DbResult<Vec<String>> {
    let mut cancelled = Vec::new();
    for v in store::open_for(tx, registration_id, ticket_id).await? {
        // A visit already under way is the technician's to finish or fail.
        if !v.status.can_move_to(VisitStatus::Cancelled) {
            continue;
        }
        if store::set_status(
            tx,
            v.id,
            v.status,
            VisitStatus::Cancelled,
            None,
            reason,
            now,
        )
        .await?
        {
            store::add_event(tx, v.id, "cancelled", reason, (actor.id, actor.name), now).await?;
            cancelled.push(v.number);
        }
    }
    Ok(cancelled)
}
