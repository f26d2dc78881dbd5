//! The registration pipeline: submitted → verified → scheduled → installed, or rejected.

crate::text_enum! {
    pub enum RegStatus {
        Submitted = "submitted",
        Verified = "verified",
        Scheduled = "scheduled",
        Installed = "installed",
        Rejected = "rejected",
    }
}

impl RegStatus {
    /// The badge's classes (one colour meaning everywhere, see `static/app.css`).
    pub fn badge(self) -> &'static str {
        crate::web::badge(self.as_str())
    }

    /// The happy path, in order, as the customer sees it.
    pub const STEPS: [RegStatus; 4] = [
        RegStatus::Submitted,
        RegStatus::Verified,
        RegStatus::Scheduled,
        RegStatus::Installed,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            RegStatus::Submitted => "step.submitted",
            RegStatus::Verified => "step.verified",
            RegStatus::Scheduled => "step.scheduled",
            RegStatus::Installed => "step.installed",
            RegStatus::Rejected => "step.rejected",
        }
    }

    /// Whether the pipeline may move from `self` to `to`. Nothing after the end; back from
    /// scheduled to verified when the installation visit fails; installed from verified only
    /// by an admin's override (the pipeline's services decide who may).
    pub fn can_move_to(self, to: RegStatus) -> bool {
        use RegStatus::*;
        matches!(
            (self, to),
            (Submitted, Verified)
                | (Verified, Scheduled)
                | (Scheduled, Verified)
                | (Verified | Scheduled, Installed)
                | (Submitted | Verified | Scheduled, Rejected)
        )
    }

    /// How long a registration may wait in this step before the queue marks it overdue: a day
    /// to verify, two to schedule, a week to install.
    pub fn overdue_after(self) -> Option<chrono::Duration> {
        match self {
            RegStatus::Submitted => Some(chrono::Duration::days(1)),
            RegStatus::Verified => Some(chrono::Duration::days(2)),
            RegStatus::Scheduled => Some(chrono::Duration::days(7)),
            RegStatus::Installed | RegStatus::Rejected => None,
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, RegStatus::Installed | RegStatus::Rejected)
    }
}

#[cfg(test)]
mod tests {
    use super::RegStatus::*;

    #[test]
    fn transitions() {
        assert!(Submitted.can_move_to(Verified));
        assert!(!Submitted.can_move_to(Installed));
        assert!(!Submitted.can_move_to(Scheduled));
        assert!(Verified.can_move_to(Installed), "override");
        assert!(Scheduled.can_move_to(Installed));
        assert!(Scheduled.can_move_to(Verified), "visit failed");
        assert!(!Scheduled.can_move_to(Scheduled));
        assert!(!Installed.can_move_to(Rejected));
        assert!(!Rejected.can_move_to(Verified));
        assert!(Verified.can_move_to(Rejected));
    }
}
