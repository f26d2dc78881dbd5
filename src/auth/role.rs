use std::fmt;

/// The five roles. Stored as snake_case text; the CLI takes kebab-case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    SystemAdmin,
    Director,
    Admin,
    Technician,
    Customer,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::SystemAdmin,
        Role::Director,
        Role::Admin,
        Role::Technician,
        Role::Customer,
    ];
    pub const STAFF: [Role; 4] = [
        Role::SystemAdmin,
        Role::Director,
        Role::Admin,
        Role::Technician,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SystemAdmin => "system_admin",
            Role::Director => "director",
            Role::Admin => "admin",
            Role::Technician => "technician",
            Role::Customer => "customer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().replace('-', "_");
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_staff(self) -> bool {
        self != Role::Customer
    }

    /// Translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::SystemAdmin => "role.system_admin",
            Role::Director => "role.director",
            Role::Admin => "role.admin",
            Role::Technician => "role.technician",
            Role::Customer => "role.customer",
        }
    }

    /// Where this role lands after login.
    pub fn home(self) -> &'static str {
        if self.is_staff() {
            "/staff"
        } else {
            "/portal"
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The role groups that route guards admit.
pub mod groups {
    use super::Role::{self, *};

    pub const ANY_USER: &[Role] = &[SystemAdmin, Director, Admin, Technician, Customer];
    pub const STAFF: &[Role] = &[SystemAdmin, Director, Admin, Technician];
    pub const SYSTEM_ADMIN: &[Role] = &[SystemAdmin];
    /// Office reading: customers, sign-ups, competitors (the director reads, admins also act).
    pub const OFFICE: &[Role] = &[Admin, Director];
    /// Site content: packages, promos, news, coverage areas.
    pub const CONTENT: &[Role] = &[Admin];
    /// The company profile (site settings): the office and IT.
    pub const COMPANY: &[Role] = &[Admin, SystemAdmin];
    pub const DIRECTOR: &[Role] = &[Director];
    /// Day-to-day office actions (sign-ups, customer changes).
    pub const ADMIN: &[Role] = &[Admin];
    pub const CUSTOMER: &[Role] = &[Customer];
    /// Visits: the office reads them all; a technician only those booked for them (checked
    /// per visit).
    pub const FIELD: &[Role] = &[Admin, Director, Technician];
    /// The technician's steps and report (an admin may act on their behalf).
    pub const FIELD_WORK: &[Role] = &[Admin, Technician];
}
