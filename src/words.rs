//! How the customer timeline and the audit log read: as sentences in the reader's language,
//! with names and links to the records ("Sari mengisolir langganan Rumah 20: Aktif → Isolir
//! (Tunggakan)").
//!
//! A row stores its kind (an [`crate::audit::Action`] or a
//! [`crate::customers::events::EventKind`], each one central list) and a [`Detail`]: named
//! values as JSON in the row's `detail` text. The kind's sentence (`audit_said.<kind>` or
//! `event_said.<kind>`) names those values as `{placeholders}`; [`say`] fills them in:
//! - `{actor}`: who did it;
//! - a record (`{ticket}`, `{registration}`, `{customer}`, … see [`LINKS`]) with its `<name>_id`
//!   (or the audit row's entity) becomes a link when the reader's role may open it;
//! - a code (`{ticket_status_to}`, `{suspend_reason}`, `{role}`, … see [`CODES`]) is put into
//!   words;
//! - `{changes}`: the fields that changed, "nama: A → B; telepon: C → D"; `{fields}`: only
//!   their names ("tentang kami, logo");
//! - `note` is never a placeholder: free text shown after the sentence.
//!
//! Rows written before this (a plain text detail) read as the kind's name, with their old
//! detail as the note.

use serde_json::{Map, Value};

use crate::auth::{groups, Role};
use crate::i18n::Lang;

/// The named values of a timeline or audit row, built by the operation that writes it.
#[derive(Default, Debug, Clone)]
pub struct Detail(Map<String, Value>);

impl Detail {
    pub fn new() -> Detail {
        Detail::default()
    }

    /// A value as shown (a number, a name, a date already formatted) or a code from [`CODES`].
    pub fn with(mut self, name: &str, value: impl std::fmt::Display) -> Detail {
        self.0
            .insert(name.to_string(), Value::String(value.to_string()));
        self
    }

    /// A record: its label (`name`) and id (`name_id`), linked where the reader may go.
    pub fn record(self, name: &str, id: i64, label: impl std::fmt::Display) -> Detail {
        self.with(name, label).with(&format!("{name}_id"), id)
    }

    /// Free text shown after the sentence (a reason typed by staff); nothing when empty.
    pub fn note(self, note: &str) -> Detail {
        if note.trim().is_empty() {
            self
        } else {
            self.with("note", note.trim())
        }
    }

    /// One changed field for `{changes}`; nothing when the value stayed the same.
    pub fn change(
        mut self,
        field: &str,
        from: impl std::fmt::Display,
        to: impl std::fmt::Display,
    ) -> Detail {
        let (from, to) = (from.to_string(), to.to_string());
        if from != to {
            let list = self
                .0
                .entry("changes")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(Value::Array(vec![field.into(), from.into(), to.into()]));
            }
        }
        self
    }

    /// A long text that changed, in `{changes}` without its values ("isi diubah").
    pub fn text_changed(mut self, field: &str) -> Detail {
        let list = self
            .0
            .entry("changes")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(Value::Array(vec![field.into()]));
        }
        self
    }

    /// One field that changed, named without its values (long texts) for `{fields}`.
    pub fn field(mut self, field: &str) -> Detail {
        let list = self
            .0
            .entry("fields")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(field.into());
        }
        self
    }

    /// A sample value (see [`kinds!`]): `changes` and `fields` name one field.
    pub fn sample(self, name: &str, value: &str) -> Detail {
        match name {
            "changes" => self.change(value, "A", "B"),
            "fields" => self.field(value),
            _ => self.with(name, value),
        }
    }

    /// Whether any [`Detail::change`] was recorded.
    pub fn has_changes(&self) -> bool {
        self.0.contains_key("changes")
    }

    /// The text stored in the `detail` column.
    pub fn stored(&self) -> String {
        Value::Object(self.0.clone()).to_string()
    }

    fn parse(stored: &str) -> Option<Detail> {
        match serde_json::from_str::<Value>(stored) {
            Ok(Value::Object(map)) => Some(Detail(map)),
            _ => None,
        }
    }

    fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.stored())
    }
}

/// Records a sentence may link to: the placeholder, its page (`{}` is the id) and who may open it.
pub const LINKS: &[(&str, &str, &[Role])] = &[
    ("customer", "/staff/customers/{}", groups::OFFICE),
    ("referred", "/staff/customers/{}", groups::OFFICE),
    ("registration", "/staff/registrations/{}", groups::OFFICE),
    ("ticket", "/staff/tickets/{}", groups::OFFICE),
    ("visit", "/staff/visits/{}", groups::OFFICE),
    ("competitor", "/staff/competitors/{}", groups::OFFICE),
    ("package", "/staff/packages/{}", groups::CONTENT),
    ("promo", "/staff/promos/{}", groups::CONTENT),
    ("post", "/staff/posts/{}", groups::CONTENT),
    ("area", "/staff/areas/{}", groups::CONTENT),
    ("user", "/staff/users/{}", groups::SYSTEM_ADMIN),
    ("company", "/staff/company", groups::COMPANY),
    ("job", "/staff/jobs", groups::SYSTEM_ADMIN),
    ("survey", "/staff/surveys/{}", groups::OFFICE),
];

/// Values stored as codes and the translation keys that put them into words (`<prefix>.<code>`).
/// A placeholder `x_from` / `x_to` is looked up as `x`.
pub const CODES: &[(&str, &str)] = &[
    ("status", "status"),
    ("reg_status", "step"),
    ("ticket_status", "ticket.status"),
    ("priority", "ticket.priority"),
    ("category", "ticket.category"),
    ("channel", "ticket.channel"),
    ("reg_channel", "channel"),
    ("suspend_reason", "suspend_reason"),
    ("termination_reason", "reason"),
    ("role", "role"),
    ("published", "history.published"),
    ("covered", "history.covered"),
    ("via", "history.via"),
    ("device", "history.device"),
    ("why", "history.why"),
    ("days", "sla.day"),
    ("visit_kind", "visit.kind"),
    ("fail_reason", "visit.fail"),
    ("nps_segment", "nps.segment"),
    ("retention_outcome", "risk.outcome"),
];

/// A piece of a sentence: text, or a link to a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Link(String, String),
}

impl Part {
    pub fn text(&self) -> &str {
        match self {
            Part::Text(t) | Part::Link(_, t) => t,
        }
    }

    pub fn href(&self) -> Option<&str> {
        match self {
            Part::Link(h, _) => Some(h),
            Part::Text(_) => None,
        }
    }
}

/// A row as it reads: the sentence, and free text after it.
#[derive(Debug, Clone, Default)]
pub struct Said {
    pub parts: Vec<Part>,
    pub note: Option<String>,
}

impl Said {
    /// The sentence as plain text (for tests and titles).
    pub fn plain(&self) -> String {
        self.parts.iter().map(Part::text).collect()
    }
}

/// Who reads: their language and role (links only where the role may go).
#[derive(Clone, Copy)]
pub struct Reader {
    pub lang: Lang,
    pub role: Option<Role>,
}

/// One stored row to be read.
pub struct Row<'a> {
    /// The kind's name, `audit_action.user.create`.
    pub name_key: &'a str,
    /// The kind's sentence, `audit_said.user.create`.
    pub said_key: &'a str,
    pub actor: &'a str,
    pub detail: &'a str,
    /// The audit row's entity, as a record placeholder and its id.
    pub entity: Option<(&'a str, &'a str)>,
}

/// Reads `row` in the reader's language.
pub fn say(reader: Reader, row: &Row<'_>) -> Said {
    let lang = reader.lang;
    let Some(mut detail) = Detail::parse(row.detail).filter(|_| lang.has(row.said_key)) else {
        // Written before sentences: the kind's name, its old detail after it.
        let name = if lang.has(row.name_key) {
            lang.t(row.name_key).to_string()
        } else {
            lang.t("history.unknown").to_string()
        };
        let text = lang.tf("history.legacy", &[("actor", row.actor), ("what", &name)]);
        let old = row.detail.trim().replace("->", "→");
        return Said {
            parts: vec![Part::Text(text)],
            note: (!old.is_empty()).then_some(old),
        };
    };
    if let Some((entity, id)) = row.entity {
        let key = format!("{entity}_id");
        if detail.text(&key).is_none() {
            detail = detail.with(&key, id);
        }
    }
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = lang.t(row.said_key);
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        text.push_str(&rest[..open]);
        let name = &rest[open + 1..open + len];
        match value(reader, &detail, row.actor, name) {
            Part::Text(t) => text.push_str(&t),
            link => {
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(link);
            }
        }
        rest = &rest[open + len + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Said {
        parts,
        note: detail.text("note").filter(|n| !n.is_empty()),
    }
}

/// The words for placeholder `name`.
fn value(reader: Reader, detail: &Detail, actor: &str, name: &str) -> Part {
    let lang = reader.lang;
    if name == "actor" {
        return Part::Text(actor.to_string());
    }
    if name == "changes" {
        return Part::Text(changes(lang, detail));
    }
    if name == "fields" {
        return Part::Text(fields(lang, detail));
    }
    let Some(v) = detail.text(name).filter(|v| !v.is_empty()) else {
        return Part::Text(lang.t("history.empty").to_string());
    };
    if let Some((_, href, roles)) = LINKS.iter().find(|(n, ..)| *n == name) {
        let may = reader.role.is_some_and(|r| roles.contains(&r));
        let id = detail.text(&format!("{name}_id"));
        match id {
            Some(id) if may && id.bytes().all(|b| b.is_ascii_digit()) => {
                return Part::Link(href.replace("{}", &id), v);
            }
            _ => return Part::Text(v),
        }
    }
    Part::Text(code(lang, name, &v))
}

/// A code put into words (a list of codes `a,b` word by word), or the value itself when
/// `name` holds no code.
fn code(lang: Lang, name: &str, v: &str) -> String {
    let family = name
        .strip_suffix("_from")
        .or_else(|| name.strip_suffix("_to"))
        .unwrap_or(name);
    let Some((_, prefix)) = CODES.iter().find(|(n, _)| *n == family) else {
        return v.to_string();
    };
    let word = |c: &str| {
        let key = format!("{prefix}.{c}");
        if lang.has(&key) {
            lang.t(&key).to_string()
        } else {
            c.to_string()
        }
    };
    v.split(',').map(word).collect::<Vec<_>>().join(", ")
}

/// "nama: A → B; telepon: C → D"
fn changes(lang: Lang, detail: &Detail) -> String {
    let Some(Value::Array(items)) = detail.0.get("changes") else {
        return lang.t("history.empty").to_string();
    };
    let shown = |field: &str, v: &Value| match v.as_str() {
        Some("") | None => lang.t("history.empty").to_string(),
        Some(v) => code(lang, field, v),
    };
    items
        .iter()
        .filter_map(|item| match item.as_array()?.as_slice() {
            [field, from, to] => {
                let field = field.as_str()?;
                let label = lang.t(&format!("history.field.{field}")).to_string();
                Some(format!(
                    "{label}: {} → {}",
                    shown(field, from),
                    shown(field, to)
                ))
            }
            [field] => {
                let label = lang
                    .t(&format!("history.field.{}", field.as_str()?))
                    .to_string();
                Some(lang.tf("history.text_changed", &[("field", &label)]))
            }
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// "nama, tagline, logo"
fn fields(lang: Lang, detail: &Detail) -> String {
    let Some(Value::Array(items)) = detail.0.get("fields") else {
        return lang.t("history.empty").to_string();
    };
    items
        .iter()
        .filter_map(Value::as_str)
        .map(|f| lang.t(&format!("history.field.{f}")).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Declares a central list of kinds: a `text_enum!` whose variants also carry sample values
/// (what a row of that kind stores), so a test can read every kind in every language.
#[macro_export]
macro_rules! kinds {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal [$($p:ident = $v:literal),* $(,)?]),+ $(,)?
        }
    ) => {
        $crate::text_enum! {
            $(#[$meta])*
            $vis enum $name { $($(#[$vmeta])* $variant = $text),+ }
        }

        impl $name {
            /// What a row of this kind stores, for tests and as documentation.
            pub fn sample(self) -> $crate::words::Detail {
                match self {
                    $($name::$variant => $crate::words::Detail::new()$(.sample(stringify!($p), $v))*),+
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(lang: Lang, role: Option<Role>, said: &str, detail: &str) -> Said {
        say(
            Reader { lang, role },
            &Row {
                name_key: "history.unknown",
                said_key: said,
                actor: "Sari",
                detail,
                entity: Some(("ticket", "7")),
            },
        )
    }

    #[test]
    fn placeholders_become_words_and_links() {
        let d = Detail::new()
            .with("ticket", "TKT-1")
            .with("ticket_status_from", "open")
            .with("ticket_status_to", "closed");
        let s = read(
            Lang::En,
            Some(Role::Admin),
            "audit_said.ticket.status",
            &d.stored(),
        );
        assert!(s
            .parts
            .contains(&Part::Link("/staff/tickets/7".into(), "TKT-1".into())));
        let plain = s.plain();
        assert!(plain.starts_with("Sari "), "{plain}");
        assert!(plain.contains("Closed"), "{plain}");
        // A role that may not open tickets reads the number without a link.
        let s = read(
            Lang::En,
            Some(Role::SystemAdmin),
            "audit_said.ticket.status",
            &d.stored(),
        );
        assert!(s.parts.iter().all(|p| matches!(p, Part::Text(_))));
    }

    #[test]
    fn an_old_row_reads_as_its_name_and_old_detail() {
        let s = read(
            Lang::Id,
            None,
            "audit_said.ticket.status",
            "TKT-1: open -> closed",
        );
        assert_eq!(s.note.as_deref(), Some("TKT-1: open → closed"));
        assert!(s.plain().starts_with("Sari"));
    }

    #[test]
    fn changes_read_field_by_field() {
        let d = Detail::new()
            .change("name", "Budi", "Budi S")
            .change("role", "admin", "director")
            .change("phone", "+62811", "+62811");
        let text = changes(Lang::En, &d);
        assert!(text.contains("Budi → Budi S"), "{text}");
        assert!(text.contains("Admin → Director"), "{text}");
        assert!(!text.contains("+62811"), "{text}");
    }
}
