//! Subscription changes as one operation each: package change (kept as history), suspend,
//! reactivate, terminate. Used by the staff pages and the demo loader.

use super::events::EventKind;
use super::model::{SubStatus, SuspendReason, TerminationReason};
use super::store::{self, SubscriptionEvent, SubscriptionRow};
use crate::audit::{self, Action, Actor};
use crate::error::{AppError, AppResult};
use crate::words::Detail;
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
    /// The subscription event kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::Package { .. } => "package_changed",
            Change::Suspend(_) => "suspended",
            Change::Reactivate => "reactivated",
            Change::Terminate { .. } => "terminated",
        }
    }

    /// The timeline entry and the audit action.
    fn names(&self) -> (EventKind, Action) {
        match self {
            Change::Package { .. } => (
                EventKind::SubscriptionPackageChanged,
                Action::SubscriptionPackageChanged,
            ),
            Change::Suspend(_) => (
                EventKind::SubscriptionSuspended,
                Action::SubscriptionSuspended,
            ),
            Change::Reactivate => (
                EventKind::SubscriptionReactivated,
                Action::SubscriptionReactivated,
            ),
            Change::Terminate { .. } => (
                EventKind::SubscriptionTerminated,
                Action::SubscriptionTerminated,
            ),
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
/// derived status, a timeline entry and the audit row.
///
/// The customer's row is locked first: two admins suspending two different subscriptions of one
/// customer at the same moment must not both derive the status from what they saw before.
pub async fn apply(
    db: &Db,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    sub: &SubscriptionRow,
    change: &Change<'_>,
) -> AppResult<()> {
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
    let package = Detail::new().with("package", &sub.package_name);
    let (changed, detail) = match change {
        Change::Package { to_id, to_name } => {
            let n = store::set_subscription_package(&mut tx, sub.id, *to_id, now).await?;
            event.from_package_id = Some(sub.package_id);
            event.to_package_id = Some(*to_id);
            let d = Detail::new()
                .with("package_from", &sub.package_name)
                .with("package_to", to_name);
            (n, d)
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
                package.with("suspend_reason", reason),
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
            package,
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
            // The competitor's name and the note are shown as they were written.
            let said = [competitor.map(|c| c.1).unwrap_or(""), note]
                .iter()
                .filter(|s| !s.trim().is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · ");
            let d = package
                .with("termination_reason", reason.as_str())
                .note(&said);
            (n, d)
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
    let (kind, action) = change.names();
    store::add_event(
        &mut tx,
        sub.customer_id,
        kind,
        &detail.stored(),
        actor.name,
        now,
    )
    .await?;
    let customer = store::get(&mut tx, sub.customer_id)
        .await?
        .map(|c| c.name)
        .unwrap_or_default();
    let audited = detail.record("customer", sub.customer_id, customer);
    audit::record_in(
        &mut tx,
        now,
        actor,
        action,
        Some(("subscription", sub.id)),
        &audited,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
