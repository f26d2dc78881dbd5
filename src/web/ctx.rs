//! The per-request context every handler and template gets: who is asking, in which language,
//! and the CSRF token their forms must carry.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::auth::Role;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::nav::{self, NavItem};

#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub must_change_password: bool,
    /// Hash of the session token (the row id in `sessions`).
    pub session_id: String,
}

#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub path: String,
    /// A one-time message carried over a redirect.
    pub flash: Option<crate::web::Flash>,
    pub ip: String,
    /// The company name shown in the header and titles.
    pub brand: String,
    /// The company logo shown in the header, if one was uploaded.
    pub brand_logo: Option<crate::uploads::ImageRef>,
    /// The company's WhatsApp number as digits, or empty.
    pub brand_whatsapp: String,
    /// The logged-in user's unread notifications (capped), for the bell; `None` where it was not
    /// counted (not logged in, form posts, files).
    pub unread: Option<i64>,
}

impl Ctx {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    pub fn tf<'v>(&self, key: &str, vars: impl AsRef<[(&'v str, &'v str)]>) -> String {
        self.lang.tf(key, vars.as_ref())
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// For templates: `has_role("admin")`.
    pub fn has_role(&self, role: &str) -> bool {
        self.role().is_some_and(|r| r.as_str() == role)
    }

    pub fn is_staff(&self) -> bool {
        self.role().is_some_and(Role::is_staff)
    }

    pub fn user_name(&self) -> &str {
        self.user.as_ref().map(|u| u.name.as_str()).unwrap_or("")
    }

    pub fn nav(&self) -> Vec<NavItem> {
        nav::for_role(self.role(), &self.path)
    }

    /// The stylesheet's content-hashed URL.
    pub fn css_url(&self) -> &'static str {
        crate::web::assets::CSS_URL.as_str()
    }

    /// Who reads a timeline or the audit log: their language and what they may open.
    pub fn reader(&self) -> crate::words::Reader {
        crate::words::Reader {
            lang: self.lang,
            role: self.role(),
        }
    }

    /// Who is acting, for services and the audit log.
    pub fn actor(&self) -> crate::audit::Actor<'_> {
        crate::audit::Actor::from(self)
    }

    /// The notification list of the user's area, where the bell leads.
    pub fn bell_href(&self) -> &'static str {
        if self.is_staff() {
            "/staff/notifications"
        } else {
            "/portal/notifications"
        }
    }

    /// The number on the bell ("99+" above 99); nothing when there is nothing unread.
    pub fn bell_count(&self) -> Option<String> {
        self.unread
            .filter(|n| *n > 0)
            .map(crate::notify::inbox::count_text)
    }

    /// The bell's accessible name: "3 notifikasi belum dibaca".
    pub fn bell_label(&self) -> String {
        match self.bell_count() {
            Some(n) => self.tf("inbox.bell_unread", [("n", n.as_str())]),
            None if self.unread.is_some() => self.t("inbox.bell_none").to_string(),
            None => self.t("inbox.title").to_string(),
        }
    }

    /// A length of time as people say it: "3 hr 4 j", "2 j 10 m", "5 m" (rounded up to the
    /// minute; negative counts as zero).
    pub fn span(&self, secs: i64) -> String {
        let mins = (secs.max(0) + 59) / 60;
        let (d, h, m) = (mins / 1440, mins % 1440 / 60, mins % 60);
        let (d, h, m) = (d.to_string(), h.to_string(), m.to_string());
        if d != "0" {
            self.tf("time.span_dh", [("d", d.as_str()), ("h", h.as_str())])
        } else if h != "0" {
            self.tf("time.span_hm", [("h", h.as_str()), ("m", m.as_str())])
        } else {
            self.tf("time.span_m", [("m", m.as_str())])
        }
    }

    /// The floating WhatsApp button's link: on the public site's pages when the company has
    /// a number; never on staff, portal or account pages.
    pub fn site_whatsapp(&self) -> Option<String> {
        let inside = |area: &str| {
            self.path
                .strip_prefix(area)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        let private = ["/staff", "/portal", "/account"].into_iter().any(inside);
        (!private && !self.brand_whatsapp.is_empty())
            .then(|| format!("https://wa.me/{}", self.brand_whatsapp))
    }

    pub fn flash_text(&self) -> Option<String> {
        self.flash.as_ref().map(|f| f.text(self.lang))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("context middleware not installed")))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        ctx.user.ok_or(AppError::Forbidden)
    }
}
