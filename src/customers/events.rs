//! Every kind of entry on a customer's timeline, in one list. Each has a name
//! (`event_name.<kind>`) and a sentence (`event_said.<kind>`) in `locales/history.*.toml`; the
//! values in brackets are what its entries store (see [`crate::words`]) and what the test that
//! reads every kind in both languages uses.
//!
//! Adding a kind: a line here, and its name and sentence in both history files; write it with
//! `customers::store::add_event(tx, customer_id, EventKind::X, &detail.stored(), actor, now)`.

use super::store::TimelineEntry;
use crate::words::{self, Reader, Row, Said};

crate::kinds! {
    pub enum EventKind {
        CustomerCreated = "customer.created" [customer = "PLG-2026-000101"],
        ProfileUpdated = "profile.updated" [changes = "phone"],
        ProfileUpdatedByCustomer = "profile.updated_by_customer" [changes = "name"],
        RegistrationSubmitted = "registration.submitted" [registration = "REG-2026-000201", registration_id = "201", package = "Rumah 20"],
        RegistrationVerified = "registration.verified" [registration = "REG-2026-000201", registration_id = "201"],
        RegistrationScheduled = "registration.scheduled" [registration = "REG-2026-000201", registration_id = "201", date = "02/07/2026", window = "09:00–12:00", technician = "Andi"],
        RegistrationInstalled = "registration.installed" [registration = "REG-2026-000201", registration_id = "201", package = "Rumah 20"],
        RegistrationRejected = "registration.rejected" [registration = "REG-2026-000201", registration_id = "201", note = "Di luar jangkauan"],
        ReferralUsed = "referral.used" [referred = "Dewi", referred_id = "7", registration = "REG-2026-000202", registration_id = "202"],
        ReferralCredited = "referral.credited" [referred = "Dewi", referred_id = "7", registration = "REG-2026-000202", registration_id = "202"],
        SubscriptionPackageChanged = "subscription.package_changed" [package_from = "Rumah 20", package_to = "Keluarga 30"],
        SubscriptionSuspended = "subscription.suspended" [package = "Rumah 20", suspend_reason = "arrears"],
        SubscriptionReactivated = "subscription.reactivated" [package = "Rumah 20"],
        SubscriptionTerminated = "subscription.terminated" [package = "Rumah 20", termination_reason = "relocation", note = "Pindah ke Bandung"],
        TicketFiled = "ticket.filed" [ticket = "TKT-2026-000301", ticket_id = "301", category = "slow"],
        TicketOpen = "ticket.open" [ticket = "TKT-2026-000301", ticket_id = "301"],
        TicketWaiting = "ticket.waiting" [ticket = "TKT-2026-000301", ticket_id = "301"],
        TicketResolved = "ticket.resolved" [ticket = "TKT-2026-000301", ticket_id = "301"],
        TicketClosed = "ticket.closed" [ticket = "TKT-2026-000301", ticket_id = "301"],
        TicketVisitScheduled = "ticket.visit_scheduled" [ticket = "TKT-2026-000301", ticket_id = "301"],
        TicketAssigned = "ticket.assigned" [ticket = "TKT-2026-000301", ticket_id = "301", assignee = "Budi"],
        TicketPriority = "ticket.priority" [ticket = "TKT-2026-000301", ticket_id = "301", priority_from = "normal", priority_to = "urgent"],
        VisitQueued = "visit.queued" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair"],
        VisitScheduled = "visit.scheduled" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", when = "30/11/2026 10:00–12:00", technician = "Dodi"],
        VisitRescheduled = "visit.rescheduled" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", when = "01/12/2026 13:00–15:00", technician = "Dodi"],
        VisitOnTheWay = "visit.on_the_way" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", technician = "Dodi"],
        VisitInProgress = "visit.in_progress" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", technician = "Dodi"],
        VisitDone = "visit.done" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", technician = "Dodi"],
        VisitFailed = "visit.failed" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", fail_reason = "customer_absent", note = "Rumah terkunci"],
        VisitCancelled = "visit.cancelled" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", note = "Pelanggan minta diundur"],
        RatingCreated = "rating.created" [ticket = "TKT-2026-000301", ticket_id = "301", stars = "4"],
        RatingFollowedUp = "rating.followed_up" [ticket = "TKT-2026-000301", ticket_id = "301", stars = "2", note = "Sudah ditelepon"],
        NpsAnswered = "nps.answered" [score = "9", note = "Internetnya stabil"],
        RetentionContacted = "retention.contacted" [retention_outcome = "accepted", score = "45", offer = "Keluarga 50", note = "Setuju naik paket"],
    }
}

impl EventKind {
    /// Translation key of the kind's name.
    pub fn name_key(self) -> String {
        format!("event_name.{}", self.as_str())
    }

    /// Translation key of the kind's sentence.
    pub fn said_key(self) -> String {
        format!("event_said.{}", self.as_str())
    }
}

/// How timeline entry `e` reads to `reader`.
pub fn read(reader: Reader, e: &TimelineEntry) -> Said {
    let name_key = format!("event_name.{}", e.kind);
    let said_key = format!("event_said.{}", e.kind);
    words::say(
        reader,
        &Row {
            name_key: &name_key,
            said_key: &said_key,
            actor: &e.actor_name,
            detail: &e.detail,
            entity: None,
        },
    )
}
