//! Every action the audit log records, in one list. Each has a name (`audit_action.<action>`,
//! offered by the audit page's filter) and a sentence (`audit_said.<action>`) in
//! `locales/history.*.toml`; the values in brackets are what its rows store (see
//! [`crate::words`]) and what the test that reads every action in both languages uses.
//!
//! Adding an action: a line here, and its name and sentence in both history files.

use super::store::Entry;
use crate::words::{self, Reader, Row, Said};

crate::kinds! {
    pub enum Action {
        // Logins and passwords
        Login = "auth.login" [device = "usual"],
        LoginFailed = "auth.login_failed" [why = "wrong_password"],
        LoginThrottled = "auth.login_throttled" [],
        Locked = "auth.locked" [failures = "5", seconds = "900"],
        Logout = "auth.logout" [],
        PasswordChanged = "auth.password_changed" [],
        PasswordResetRequested = "auth.password_reset_requested" [],
        PasswordReset = "auth.password_reset" [],
        // Staff accounts
        UserCreate = "user.create" [user = "Budi", user_id = "3", role = "admin"],
        UserUpdate = "user.update" [user = "Budi", user_id = "3", changes = "role"],
        UserDeactivate = "user.deactivate" [user = "Budi", user_id = "3"],
        UserReactivate = "user.reactivate" [user = "Budi", user_id = "3"],
        UserResetPassword = "user.reset_password" [user = "Budi", user_id = "3"],
        // Customers
        CustomerCreate = "customer.create" [customer = "PLG-2026-000101", customer_id = "5"],
        CustomerUpdate = "customer.update" [customer = "PLG-2026-000101", customer_id = "5", changes = "phone"],
        CustomerProfileUpdated = "customer.profile_updated" [customer = "PLG-2026-000101", customer_id = "5", changes = "name"],
        CustomerResetPassword = "customer.reset_password" [customer = "PLG-2026-000101", customer_id = "5"],
        // Sign-ups
        SignupSubmitted = "signup.submitted" [registration = "REG-2026-000201", registration_id = "201", package = "Rumah 20"],
        RegistrationVerified = "registration.verified" [registration = "REG-2026-000201", registration_id = "201", customer = "Sari", customer_id = "5"],
        RegistrationScheduled = "registration.scheduled" [registration = "REG-2026-000201", registration_id = "201", customer = "Sari", customer_id = "5"],
        RegistrationInstalled = "registration.installed" [registration = "REG-2026-000201", registration_id = "201", customer = "Sari", customer_id = "5"],
        RegistrationRejected = "registration.rejected" [registration = "REG-2026-000201", registration_id = "201", customer = "Sari", customer_id = "5", note = "Di luar jangkauan"],
        RegistrationInstallOverride = "registration.install_override" [registration = "REG-2026-000201", registration_id = "201", customer = "Sari", customer_id = "5", note = "Dipasang teknisi mitra"],
        // Visits
        VisitQueued = "visit.queued" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", customer = "Sari", customer_id = "5"],
        VisitScheduled = "visit.scheduled" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", customer = "Sari", customer_id = "5", when = "30/11/2026 10:00–12:00", technician = "Dodi"],
        VisitRescheduled = "visit.rescheduled" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", customer = "Sari", customer_id = "5", when = "01/12/2026 13:00–15:00", technician = "Dodi"],
        VisitOnTheWay = "visit.on_the_way" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", customer = "Sari", customer_id = "5"],
        VisitInProgress = "visit.in_progress" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", customer = "Sari", customer_id = "5"],
        VisitDone = "visit.done" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", customer = "Sari", customer_id = "5"],
        VisitFailed = "visit.failed" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", customer = "Sari", customer_id = "5", fail_reason = "weather", note = "Hujan deras"],
        VisitCancelled = "visit.cancelled" [visit = "KJG-2026-000401", visit_id = "401", visit_kind = "repair", customer = "Sari", customer_id = "5", note = "Pelanggan minta diundur"],
        // Subscriptions
        SubscriptionPackageChanged = "subscription.package_changed" [customer = "Sari", customer_id = "5", package_from = "Rumah 20", package_to = "Keluarga 30"],
        SubscriptionSuspended = "subscription.suspended" [customer = "Sari", customer_id = "5", package = "Rumah 20", suspend_reason = "arrears"],
        SubscriptionReactivated = "subscription.reactivated" [customer = "Sari", customer_id = "5", package = "Rumah 20"],
        SubscriptionTerminated = "subscription.terminated" [customer = "Sari", customer_id = "5", package = "Rumah 20", termination_reason = "competitor", note = "NetKita"],
        // Packages, areas, promos
        PackageCreate = "package.create" [package = "Rumah 20", package_id = "2", speed = "20/5 Mbps", price = "Rp 250.000", published = "true"],
        PackageUpdate = "package.update" [package = "Rumah 20", package_id = "2", changes = "price"],
        PackagePublish = "package.publish" [package = "Rumah 20", package_id = "2"],
        PackageUnpublish = "package.unpublish" [package = "Rumah 20", package_id = "2"],
        AreaCreate = "area.create" [area = "Cimahi Utara", area_id = "4", city = "Cimahi", covered = "true"],
        AreaUpdate = "area.update" [area = "Cimahi Utara", area_id = "4", changes = "covered"],
        PromoCreate = "promo.create" [promo = "Gratis pasang", promo_id = "6", starts = "01/07/2026", ends = "31/07/2026"],
        PromoUpdate = "promo.update" [promo = "Gratis pasang", promo_id = "6", changes = "ends"],
        PromoPublish = "promo.publish" [promo = "Gratis pasang", promo_id = "6"],
        PromoUnpublish = "promo.unpublish" [promo = "Gratis pasang", promo_id = "6"],
        PromoDelete = "promo.delete" [promo = "Gratis pasang"],
        // News
        PostCreate = "post.create" [post = "Jaringan baru di Cimahi", post_id = "8"],
        PostUpdate = "post.update" [post = "Jaringan baru di Cimahi", post_id = "8", fields = "body"],
        PostPublish = "post.publish" [post = "Jaringan baru di Cimahi", post_id = "8"],
        PostUnpublish = "post.unpublish" [post = "Jaringan baru di Cimahi", post_id = "8"],
        PostDelete = "post.delete" [post = "Jaringan baru di Cimahi"],
        // Company profile, waiting list
        CompanyUpdate = "company.update" [fields = "about"],
        WaitingListJoined = "waiting_list.joined" [phone = "+6281234567890", area = "Padalarang"],
        // Complaints
        TicketFile = "ticket.file" [ticket = "TKT-2026-000301", ticket_id = "301", channel = "phone"],
        TicketStatus = "ticket.status" [ticket = "TKT-2026-000301", ticket_id = "301", ticket_status_from = "open", ticket_status_to = "resolved"],
        TicketNote = "ticket.note" [ticket = "TKT-2026-000301", ticket_id = "301"],
        TicketReply = "ticket.reply" [ticket = "TKT-2026-000301", ticket_id = "301"],
        TicketCustomerReply = "ticket.customer_reply" [ticket = "TKT-2026-000301", ticket_id = "301"],
        TicketAssign = "ticket.assign" [ticket = "TKT-2026-000301", ticket_id = "301", assignee = "Budi"],
        TicketPriority = "ticket.priority" [ticket = "TKT-2026-000301", ticket_id = "301", priority_from = "normal", priority_to = "urgent"],
        SavedReplySave = "saved_reply.save" [title = "Cek lampu modem"],
        SavedReplyDelete = "saved_reply.delete" [title = "Cek lampu modem"],
        SlaTargets = "sla.targets" [changes = "urgent"],
        SlaHours = "sla.hours" [hours_from = "08:00–17:00", days_from = "1,2,3,4,5", hours_to = "08:00–16:00", days_to = "1,2,3,4,5,6"],
        SlaHolidayAdd = "sla.holiday_add" [date = "17/08/2026", name = "Hari Kemerdekaan"],
        SlaHolidayRemove = "sla.holiday_remove" [date = "17/08/2026", name = "Hari Kemerdekaan"],
        // Ratings
        RatingCreate = "rating.create" [ticket = "TKT-2026-000301", ticket_id = "301", stars = "2", via = "link"],
        RatingFollowUp = "rating.follow_up" [ticket = "TKT-2026-000301", ticket_id = "301", stars = "2", note = "Sudah ditelepon"],
        // NPS surveys
        NpsStart = "nps.start" [survey = "29/11/2026", survey_id = "3", nps_segment = "area", sent = "120", note = "Cibabat"],
        NpsAnswer = "nps.answer" [customer = "Sari", customer_id = "5", survey = "29/11/2026", survey_id = "3", score = "9"],
        // Competitors
        CompetitorCreate = "competitor.create" [competitor = "NetKita", competitor_id = "9"],
        CompetitorUpdate = "competitor.update" [competitor = "NetKita", competitor_id = "9"],
        CompetitorOfferAdd = "competitor.offer_add" [competitor = "NetKita", competitor_id = "9", offer = "Hemat 30", speed = "30 Mbps", price = "Rp 199.000"],
        CompetitorOfferDelete = "competitor.offer_delete" [competitor = "NetKita", competitor_id = "9", offer = "Hemat 30"],
        // Retention
        RetentionContact = "retention.contact" [customer = "Sari", customer_id = "5", retention_outcome = "offer_made", score = "45", offer = "Gratis pasang", note = "Minta waktu berpikir"],
        // Background jobs
        JobRetry = "job.retry" [job = "mail", job_id = "12", attempts = "5"],
        JobDiscard = "job.discard" [job = "mail", job_id = "12"],
    }
}

impl Action {
    /// The group it is listed under (`audit_group.<group>`): the part before the first dot.
    pub fn group(self) -> &'static str {
        self.as_str().split('.').next().unwrap_or("")
    }

    /// Translation key of the action's name.
    pub fn name_key(self) -> String {
        format!("audit_action.{}", self.as_str())
    }

    /// Translation key of the action's sentence.
    pub fn said_key(self) -> String {
        format!("audit_said.{}", self.as_str())
    }

    /// The groups in list order, each with its actions.
    pub fn grouped() -> Vec<(&'static str, Vec<Action>)> {
        let mut out: Vec<(&'static str, Vec<Action>)> = Vec::new();
        for a in Action::ALL {
            match out.iter_mut().find(|(g, _)| *g == a.group()) {
                Some((_, list)) => list.push(*a),
                None => out.push((a.group(), vec![*a])),
            }
        }
        out
    }
}

/// How audit entry `e` reads to `reader`.
pub fn read(reader: Reader, e: &Entry) -> Said {
    let name_key = format!("audit_action.{}", e.action);
    let said_key = format!("audit_said.{}", e.action);
    let entity = e.entity.as_deref().zip(e.entity_id.as_deref());
    words::say(
        reader,
        &Row {
            name_key: &name_key,
            said_key: &said_key,
            actor: &e.actor_name,
            detail: &e.detail,
            entity,
        },
    )
}
