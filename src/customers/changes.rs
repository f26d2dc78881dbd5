//! Subscription changes as one operation each: package change (kept as history), suspend,
//! reactivate, terminate. Used by the staff pages and the demo loader.

use super::model::{SubStatus, SuspendReason, TerminationReason};
use super::store::{self, SubscriptionEvent, SubscriptionRow};
use crate::audit::{self, Actor};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};

use crate::args;
use crate::db::Db;
use crate::types::wib_date;
use crate::visits::model::VisitKind;
use crate::visits::store::NewVisit;

pub enum Change<'a> {
    Package {
        to_id: i64,
        to_name: &'a str,
    },
    Suspend(SuspendReason),
    Reactivate,
    Terminate {
        reason: TerminationReason,
        competitor: Option<(i64, &'a str)>,
        note: &'a str,
    },
}

impl Change<'_> {
    /// The event kind, also the audit action suffix.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Package { .. } => "package_changed",
            Change::Suspend(_) => "suspended",
            Change::Reactivate => "reactivated",
            Change::Terminate { .. } => "terminated",
        }
    }

    fn allowed_from(&self, status: SubStatus) -> bool {
        match self {
            Change::Package { .. } | Change::Terminate { .. } => status != SubStatus::Terminated,
            Change::Suspend(_) => status == SubStatus::Active,
            Change::Reactivate => status == SubStatus::Suspended,
        }
    }
}

/// Applies `change` to `sub` in one transaction, with the subscription event, the customer's
/// derived status and a timeline entry. Returns a short description for the audit log.
///
/// The customer's row is locked first: two admins suspending two different subscriptions of one
/// customer at the same moment must not both derive the status from what they saw before.
pub async fn apply(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    sub: &SubscriptionRow,
    change: &Change<'_>,
) -> AppResult<String> {
    let refused = AppError::Conflict(if sub.status == SubStatus::Terminated {
        "subscriptions.terminated"
    } else {
        "subscriptions.transition_invalid"
    });
    if !change.allowed_from(sub.status) {
        return Err(refused);
    }
    let mut tx = db.begin().await?;
    tx.lock_row("customers", sub.customer_id).await?;
    let mut event = SubscriptionEvent {
        subscription_id: sub.id,
        kind: change.kind(),
        from_package_id: None,
        to_package_id: None,
        note: "",
        actor_id: actor.id,
    };
    let (changed, detail) = match change {
        Change::Package { to_id, to_name } => {
            let n = store::set_subscription_package(&mut tx, sub.id, *to_id, now).await?;
            event.from_package_id = Some(sub.package_id);
            event.to_package_id = Some(*to_id);
            (n, format!("{} -> {to_name}", sub.package_name))
        }
        Change::Suspend(reason) => {
            event.note = reason.as_str();
            (
                store::set_subscription_status(
                    &mut tx,
                    sub.id,
                    SubStatus::Active,
                    SubStatus::Suspended,
                    now,
                )
                .await?,
                format!("{} · {reason}", sub.package_name),
            )
        }
        Change::Reactivate => (
            store::set_subscription_status(
                &mut tx,
                sub.id,
                SubStatus::Suspended,
                SubStatus::Active,
                now,
            )
            .await?,
            format!("{} · suspended -> active", sub.package_name),
        ),
        Change::Terminate {
            reason,
            competitor,
            note,
        } => {
            let today = wib_date(now);
            let n = store::terminate_subscription(
                &mut tx,
                sub.id,
                reason.as_str(),
                competitor.map(|c| c.0),
                note,
                today,
                now,
            )
            .await?;
            event.note = note;
            let detail = match competitor {
                Some((_, name)) => format!("{} · {} ({name})", sub.package_name, reason.as_str()),
                None => format!("{} · {}", sub.package_name, reason.as_str()),
            };
            (n, detail)
        }
    };
    // Someone else changed it since it was read: nothing happens, the transaction rolls back.
    if changed != 1 {
        return Err(refused);
    }
    store::add_subscription_event(&mut tx, &event, now).await?;
    if matches!(change, Change::Terminate { .. })
        && matches!(sub.status, SubStatus::Active | SubStatus::Suspended)
    {
        // The equipment at the customer's comes back: a dismantling job for the dispatch queue.
        let area_id: Option<i64> = tx
            .scalar(
                "SELECT area_id FROM subscriptions WHERE id = $1",
                args![sub.id],
            )
            .await?;
        let job = NewVisit {
            kind: VisitKind::Dismantling,
            customer_id: sub.customer_id,
            subscription_id: Some(sub.id),
            registration_id: None,
            ticket_id: None,
            previous_id: None,
            address: &sub.address,
            area_id,
            notes: "",
            queued_at: now,
            created_by: actor.id,
        };
        crate::visits::queue::enqueue(&mut tx, actor, now, &job).await?;
    }
    let status = store::derived_status(&mut tx, sub.customer_id).await?;
    store::set_status(&mut tx, sub.customer_id, status, now).await?;
    store::add_event(
        &mut tx,
        sub.customer_id,
        &format!("subscription.{}", change.kind()),
        &detail,
        actor.name,
        now,
    )
    .await?;
    let action = format!("subscription.{}", change.kind());
    audit::record_in(
        &mut tx,
        now,
        actor,
        &action,
        Some(("subscription", sub.id)),
        &detail,
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}
