//! Translations. Every user-facing string lives in `locales/<lang>.toml` under a dotted key;
//! Indonesian is the default language, English the other.

use std::collections::HashMap;
use std::sync::LazyLock;

use rustc_hash::FxBuildHasher;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The text for `key`, or the key itself when it is missing (a test keeps that from happening).
    pub fn t(self, key: &str) -> &str {
        CATALOGS[self as usize]
            .get(key)
            .map(String::as_str)
            .unwrap_or(key)
    }

    /// The text for `key` with `{name}` placeholders filled in, in one pass (a value is never
    /// read for placeholders); a placeholder without a value stays as it is.
    pub fn tf(self, key: &str, vars: &[(&str, &str)]) -> String {
        let mut rest = self.t(key);
        let mut out = String::with_capacity(rest.len() + 16);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let filled = after.find('}').and_then(|close| {
                let name = &after[..close];
                let (_, value) = vars.iter().find(|(n, _)| *n == name)?;
                Some((value, close))
            });
            match filled {
                Some((value, close)) => {
                    out.push_str(value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Of a content text written in Indonesian and optionally in English: the English one for
    /// an English reader when it is not empty, the Indonesian one otherwise.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En if !en.trim().is_empty() => en,
            _ => id,
        }
    }

    pub fn has(self, key: &str) -> bool {
        CATALOGS[self as usize].contains_key(key)
    }

    pub fn keys(self) -> impl Iterator<Item = &'static str> {
        CATALOGS[self as usize].keys().map(String::as_str)
    }
}

/// One file per area of the app and language, so that domains keep their own texts.
macro_rules! locale_files {
    ($lang:literal: $($name:literal),*) => {
        [$(include_str!(concat!("../locales/", $name, ".", $lang, ".toml"))),*]
    };
}

/// Looked up for every label of every page: hashed with Fx, not the default DoS-resistant
/// hasher (the keys are the program's own).
static CATALOGS: LazyLock<[HashMap<String, String, FxBuildHasher>; 2]> = LazyLock::new(|| {
    let id = locale_files!("id": "core", "site", "customers", "jobs", "uploads", "limits", "tickets", "sla", "satisfaction", "inbox", "visits", "dispatch", "field", "history", "feedback", "period", "dashboard", "reports", "nps", "risk");
    let en = locale_files!("en": "core", "site", "customers", "jobs", "uploads", "limits", "tickets", "sla", "satisfaction", "inbox", "visits", "dispatch", "field", "history", "feedback", "period", "dashboard", "reports", "nps", "risk");
    [merge(&id), merge(&en)]
});

fn merge(sources: &[&str]) -> HashMap<String, String, FxBuildHasher> {
    let mut out = HashMap::default();
    for source in sources {
        for (k, v) in flatten(source) {
            assert!(
                out.insert(k.clone(), v).is_none(),
                "translation key {k} defined twice"
            );
        }
    }
    out
}

fn flatten(source: &str) -> HashMap<String, String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
        for (k, v) in table {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Table(t) => walk(&key, t, out),
                toml::Value::String(s) => {
                    out.insert(key, s.clone());
                }
                other => panic!("locale value for {key} must be a string, got {other}"),
            }
        }
    }
    let table: toml::Table = source.parse().expect("locale file is valid TOML");
    let mut out = HashMap::new();
    walk("", &table, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_stay() {
        assert_eq!(
            Lang::En.tf("time.span_hm", &[("h", "2"), ("m", "5")]),
            "2 h 5 min"
        );
        assert_eq!(Lang::En.tf("time.span_hm", &[("h", "2")]), "2 h {m} min");
        // A value is not read for placeholders.
        assert_eq!(
            Lang::Id.tf("time.span_hm", &[("h", "{m}"), ("m", "5")]),
            "{m} j 5 m"
        );
        assert_eq!(
            Lang::Id.tf("no.such.key {x}", &[("x", "1")]),
            "no.such.key 1"
        );
    }
}
