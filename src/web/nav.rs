//! The navigation each role sees, declared in one place.

use crate::auth::Role;

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label_key: &'static str,
    pub active: bool,
}

const PUBLIC: &[(&str, &str)] = &[
    ("/", "nav.home"),
    ("/packages", "nav.packages"),
    ("/promos", "nav.promos"),
    ("/news", "nav.news"),
    ("/coverage", "nav.coverage"),
    ("/about", "nav.about"),
];

const SYSTEM_ADMIN: &[(&str, &str)] = &[
    ("/staff", "nav.dashboard"),
    ("/staff/users", "nav.users"),
    ("/staff/audit", "nav.audit"),
    ("/staff/jobs", "nav.jobs"),
    ("/staff/company", "nav.company"),
];

const DIRECTOR: &[(&str, &str)] = &[
    ("/staff", "nav.dashboard"),
    ("/staff/reports", "dashboard.nav"),
    ("/staff/tickets", "nav.tickets"),
    ("/staff/customers", "nav.customers"),
    ("/staff/registrations", "nav.registrations"),
    ("/staff/dispatch", "dispatch.nav"),
    ("/staff/competitors", "nav.competitors"),
    ("/staff/at-risk", "nav.at_risk"),
    ("/staff/referrals", "nav.referrals"),
    ("/staff/areas/waiting-list", "nav.waiting_list"),
    ("/staff/ratings", "nav.ratings"),
    ("/staff/surveys", "nps.nav"),
];

const ADMIN: &[(&str, &str)] = &[
    ("/staff", "nav.dashboard"),
    ("/staff/tickets", "nav.tickets"),
    ("/staff/customers", "nav.customers"),
    ("/staff/registrations", "nav.registrations"),
    ("/staff/dispatch", "dispatch.nav"),
    ("/staff/packages", "nav.packages"),
    ("/staff/promos", "nav.promos"),
    ("/staff/posts", "nav.posts"),
    ("/staff/areas", "nav.areas"),
    ("/staff/company", "nav.company"),
    ("/staff/competitors", "nav.competitors"),
    ("/staff/at-risk", "nav.at_risk"),
    ("/staff/referrals", "nav.referrals"),
    ("/staff/ratings", "nav.ratings"),
    ("/staff/reports", "dashboard.nav"),
    ("/staff/surveys", "nps.nav"),
];

const TECHNICIAN: &[(&str, &str)] = &[("/staff", "nav.my_jobs")];

const CUSTOMER: &[(&str, &str)] = &[
    ("/portal", "nav.portal"),
    ("/portal/tickets", "nav.my_tickets"),
    ("/portal/profile", "nav.profile"),
];

pub fn for_role(role: Option<Role>, path: &str) -> Vec<NavItem> {
    let items = match role {
        None => PUBLIC,
        Some(Role::SystemAdmin) => SYSTEM_ADMIN,
        Some(Role::Director) => DIRECTOR,
        Some(Role::Admin) => ADMIN,
        Some(Role::Technician) => TECHNICIAN,
        Some(Role::Customer) => CUSTOMER,
    };
    // The longest matching prefix is the active item, so `/staff` is not active on `/staff/users`.
    let active = items
        .iter()
        .filter(|(href, _)| {
            path == *href || (href.len() > 1 && path.starts_with(&format!("{href}/")))
        })
        .max_by_key(|(href, _)| href.len())
        .map(|(href, _)| *href);
    items
        .iter()
        .map(|&(href, label_key)| NavItem {
            href,
            label_key,
            active: Some(href) == active,
        })
        .collect()
}
