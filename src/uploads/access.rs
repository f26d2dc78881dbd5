//! Who may see an uploaded file. Each upload belongs to a [`Context`] (what it is attached to),
//! and each context has a [`Policy`]. Anyone else gets "not found", so that asking does not even
//! reveal that a file exists.
//!
//! A new use adds a context: complaint photos are `Context::TicketPhoto =>
//! Policy::SubjectOrOffice`, stored with the ticket's customer's login as `subject_id` (whoever
//! uploaded it), so the customer and the office see them and nobody else does.

use crate::auth::Role;
use crate::web::CurrentUser;

/// What a file is attached to. Stored as text in `uploads.context`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// The company logo on the public site.
    CompanyLogo,
    /// The picture at the top of the public home page.
    CompanyHero,
    /// A photo on a complaint, seen by its customer (`subject_id`) and staff.
    TicketPhoto,
    /// A photo in a visit report, seen by the technician who took it (`subject_id`) and the
    /// office.
    VisitPhoto,
}

/// Who may see the files of a context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Everybody, logged in or not: the public site.
    Public,
    /// Staff of any role.
    Staff,
    /// The user the file concerns (`uploads.subject_id`), and staff.
    SubjectOrStaff,
    /// The user the file concerns, and the office (admins and the director) who work with
    /// it; not technicians or system admins.
    SubjectOrOffice,
}

impl Context {
    pub fn as_str(self) -> &'static str {
        match self {
            Context::CompanyLogo => "company.logo",
            Context::CompanyHero => "company.hero",
            Context::TicketPhoto => "ticket.photo",
            Context::VisitPhoto => "visit.photo",
        }
    }

    pub fn parse(s: &str) -> Option<Context> {
        match s {
            "company.logo" => Some(Context::CompanyLogo),
            "company.hero" => Some(Context::CompanyHero),
            "ticket.photo" => Some(Context::TicketPhoto),
            "visit.photo" => Some(Context::VisitPhoto),
            _ => None,
        }
    }

    pub fn policy(self) -> Policy {
        match self {
            // Only the current logo and hero exist: a replaced one is deleted with the change.
            Context::CompanyLogo | Context::CompanyHero => Policy::Public,
            Context::TicketPhoto | Context::VisitPhoto => Policy::SubjectOrOffice,
        }
    }
}

impl Policy {
    /// Whether `viewer` (`None`: not logged in) may see a file concerning `subject_id`.
    pub fn allows(self, subject_id: Option<i64>, viewer: Option<&CurrentUser>) -> bool {
        let staff = viewer.is_some_and(|u| u.role.is_staff());
        let office = viewer.is_some_and(|u| matches!(u.role, Role::Admin | Role::Director));
        let subject = viewer.is_some_and(|u| subject_id == Some(u.id));
        match self {
            Policy::Public => true,
            Policy::Staff => staff,
            Policy::SubjectOrStaff => staff || subject,
            Policy::SubjectOrOffice => office || subject,
        }
    }
}

/// Whether `viewer` may see a file of `context` concerning `subject_id`. Unknown contexts are
/// seen by nobody.
pub fn may_view(context: &str, subject_id: Option<i64>, viewer: Option<&CurrentUser>) -> bool {
    Context::parse(context).is_some_and(|c| c.policy().allows(subject_id, viewer))
}

/// Whether files of `context` may be cached by shared caches.
pub fn is_public(context: &str) -> bool {
    Context::parse(context).is_some_and(|c| c.policy() == Policy::Public)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64, role: Role) -> CurrentUser {
        CurrentUser {
            id,
            name: "x".into(),
            role,
            must_change_password: false,
            session_id: String::new(),
        }
    }

    #[test]
    fn public_files_are_for_everyone_and_unknown_contexts_for_nobody() {
        let admin = user(1, Role::SystemAdmin);
        assert!(may_view("company.logo", None, None));
        assert!(may_view(
            "company.hero",
            None,
            Some(&user(5, Role::Customer))
        ));
        assert!(!may_view("complaint.photo", Some(5), Some(&admin)));
        assert!(may_view(
            "ticket.photo",
            Some(5),
            Some(&user(2, Role::Admin))
        ));
        assert!(may_view(
            "ticket.photo",
            Some(5),
            Some(&user(5, Role::Customer))
        ));
        assert!(!may_view("ticket.photo", Some(5), Some(&admin)));
        assert!(!may_view(
            "ticket.photo",
            Some(5),
            Some(&user(3, Role::Technician))
        ));
        assert!(!may_view("ticket.photo", Some(5), None));
        assert!(!may_view("", None, None));
        assert!(is_public("company.logo") && !is_public("nope"));
    }

    #[test]
    fn policies_decide_by_role_and_subject() {
        let check = |p: Policy, subject, viewer| p.allows(subject, viewer);
        let customer = user(7, Role::Customer);
        let other = user(8, Role::Customer);
        let tech = user(9, Role::Technician);
        assert!(check(Policy::SubjectOrStaff, Some(7), Some(&customer)));
        assert!(!check(Policy::SubjectOrStaff, Some(7), Some(&other)));
        assert!(!check(Policy::SubjectOrStaff, Some(7), None));
        assert!(!check(Policy::SubjectOrStaff, None, Some(&customer)));
        assert!(check(Policy::SubjectOrStaff, Some(7), Some(&tech)));
        assert!(!check(Policy::Staff, None, Some(&customer)));
    }
}
