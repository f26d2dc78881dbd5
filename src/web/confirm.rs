//! Asking before the irreversible, without JavaScript. An action that cannot be undone (or that
//! the customer sees at once) posts its form as usual; without `confirm=1` the handler answers
//! with a [`Confirm`] page instead of acting: it names the record and the consequence, carries
//! what was typed in hidden fields, and offers "Yes, …" (the same POST with `confirm=1`) and
//! "Back". Only the confirmed POST changes anything.
//!
//! ```ignore
//! if !form.confirm.given() {
//!     return Confirm::new(ctx, "confirm.reg_reject", &[("number", &reg.number)])
//!         .post_to(format!("/staff/registrations/{id}/reject"))
//!         .back_to(format!("/staff/registrations/{id}"))
//!         .fact("registrations.reject_reason", &reason)
//!         .carry("reason", &reason)
//!         .page();
//! }
//! ```
//! The texts are `<base>.title` (a question naming the record), `<base>.consequence` and
//! `<base>.yes` (the button), each filled with the same values.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;

use crate::error::AppResult;
use crate::web::{page, Ctx};

/// The `confirm` field of a form that asks first: `1` once the person said yes.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(transparent)]
pub struct Confirmed(String);

impl Confirmed {
    pub fn given(&self) -> bool {
        self.0 == "1"
    }
}

/// A form with nothing but the confirmation (deleting, deactivating).
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ConfirmForm {
    pub confirm: Confirmed,
}

impl ConfirmForm {
    pub fn given(&self) -> bool {
        self.confirm.given()
    }
}

#[derive(Template)]
#[template(path = "confirm.html")]
pub struct Confirm {
    ctx: Ctx,
    title: String,
    consequence: String,
    yes: String,
    action: String,
    back: String,
    /// What is being confirmed, as label and value ("Alasan: tunggakan").
    facts: Vec<(String, String)>,
    /// The form's values, posted again with the confirmation.
    fields: Vec<(String, String)>,
}

impl Confirm {
    /// The question of `base` (`<base>.title`, `.consequence`, `.yes`) filled with `vars`.
    /// Posts back to the current path and goes back to it, until told otherwise.
    pub fn new(ctx: Ctx, base: &str, vars: &[(&str, &str)]) -> Confirm {
        let text = |part: &str| ctx.lang.tf(&format!("{base}.{part}"), vars);
        Confirm {
            title: text("title"),
            consequence: text("consequence"),
            yes: text("yes"),
            action: ctx.path.clone(),
            back: ctx.path.clone(),
            facts: Vec::new(),
            fields: Vec::new(),
            ctx,
        }
    }

    pub fn post_to(mut self, action: impl Into<String>) -> Confirm {
        self.action = action.into();
        self
    }

    pub fn back_to(mut self, href: impl Into<String>) -> Confirm {
        self.back = href.into();
        self
    }

    /// Shows `value` under the label of translation key `label_key`.
    pub fn fact(mut self, label_key: &str, value: impl Into<String>) -> Confirm {
        let label = self.ctx.t(label_key).to_string();
        self.facts.push((label, value.into()));
        self
    }

    /// Shows the text of translation key `value_key` under the label of `label_key`.
    pub fn fact_key(self, label_key: &str, value_key: &str) -> Confirm {
        let value = self.ctx.t(value_key).to_string();
        self.fact(label_key, value)
    }

    /// Posts `name=value` again with the confirmation.
    pub fn carry(mut self, name: &str, value: impl Into<String>) -> Confirm {
        self.fields.push((name.to_string(), value.into()));
        self
    }

    /// The confirmation page (200: nothing went wrong, nothing happened yet).
    pub fn page(self) -> AppResult<Response> {
        page(&self)
    }
}
