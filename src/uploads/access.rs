//! Who may see an uploaded file. Each upload belongs to a [`Context`] (what it is attached to),
//! and each context has a [`Policy`]. Anyone else gets "not found", so that asking does not even
//! reveal that a file exists.
//!
//! A new use adds a context: complaint photos, for instance, become
//! `Context::ComplaintPhoto => Policy::SubjectOrStaff`, stored with the ticket's customer as
//! `subject_id` (whoever uploaded it), so the customer and staff see them and nobody else does.

use crate::web::CurrentUser;

/// What a file is attached to. Stored as text in `uploads.context`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// The company logo on the public site.
    CompanyLogo,
    /// The picture at the top of the public home page.
    CompanyHero,
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
}

impl Context {
    pub fn as_str(self) -> &'static str {
        match self {
            Context::CompanyLogo => "company.logo",
            Context::CompanyHero => "company.hero",
        }
    }

    pub fn parse(s: &str) -> Option<Context> {
        match s {
            "company.logo" => Some(Context::CompanyLogo),
            "company.hero" => Some(Context::CompanyHero),
            _ => None,
        }
    }

    pub fn policy(self) -> Policy {
        match self {
            // Only the current logo and hero exist: a replaced one is deleted with the change.
            Context::CompanyLogo | Context::CompanyHero => Policy::Public,
        }
    }
}

/// Whether `viewer` may see a file of `context` concerning `subject_id`. Unknown contexts are
/// seen by nobody.
pub fn may_view(context: &str, subject_id: Option<i64>, viewer: Option<&CurrentUser>) -> bool {
    let Some(context) = Context::parse(context) else {
        return false;
    };
    let staff = viewer.is_some_and(|u| u.role.is_staff());
    match context.policy() {
        Policy::Public => true,
        Policy::Staff => staff,
        Policy::SubjectOrStaff => staff || (viewer.is_some() && viewer.map(|u| u.id) == subject_id),
    }
}

/// Whether files of `context` may be cached by shared caches.
pub fn is_public(context: &str) -> bool {
    Context::parse(context).is_some_and(|c| c.policy() == Policy::Public)
}
