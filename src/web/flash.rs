//! One-time messages carried over a redirect: "REG-2026-000201 diverifikasi. Jadwalkan teknisi
//! di bawah." A [`Flash`] is a translation key plus named values (a record number, a name);
//! it travels in a signed cookie and is put into the reader's language when the next page
//! shows it (escaped, like all template text).

use hmac::{Mac, SimpleHmac};
use sha2::Sha256;

use crate::i18n::Lang;

type HmacSha256 = SimpleHmac<Sha256>;

/// Longest value kept (a name or a title); longer ones are cut, the cookie stays small.
const MAX_VALUE: usize = 120;

/// A message key and its values. `From<&'static str>` makes a key alone a `Flash`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flash {
    key: String,
    /// `(name, value, translate)`: a value marked `translate` is itself a translation key.
    vals: Vec<(String, String, bool)>,
}

impl Flash {
    pub fn new(key: &'static str) -> Flash {
        Flash {
            key: key.to_string(),
            vals: Vec::new(),
        }
    }

    /// Fills `{name}` with `value` as it is (a record number, a person's or package's name).
    pub fn with(mut self, name: &'static str, value: impl AsRef<str>) -> Flash {
        let v: String = value.as_ref().chars().take(MAX_VALUE).collect();
        self.vals.push((name.to_string(), v, false));
        self
    }

    /// Fills `{name}` with the text of translation key `key`, in the reader's language.
    pub fn with_key(mut self, name: &'static str, key: impl AsRef<str>) -> Flash {
        self.vals
            .push((name.to_string(), key.as_ref().to_string(), true));
        self
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let vals: Vec<(&str, &str)> = self
            .vals
            .iter()
            .map(|(n, v, translate)| (n.as_str(), if *translate { lang.t(v) } else { v }))
            .collect();
        lang.tf(&self.key, &vals)
    }

    /// The cookie value: `signature:payload`, the payload url-encoded (cookie-safe ASCII).
    pub fn encode(&self, secret: &[u8]) -> String {
        let mut pairs = vec![("k".to_string(), self.key.clone())];
        for (n, v, translate) in &self.vals {
            let prefix = if *translate { "t." } else { "v." };
            pairs.push((format!("{prefix}{n}"), v.clone()));
        }
        let payload = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{}:{payload}", sign(secret, &payload))
    }

    /// The flash in a cookie, if it is one this server signed and its keys are known.
    pub fn decode(cookie: &str, secret: &[u8]) -> Option<Flash> {
        let (sig, payload) = cookie.split_once(':')?;
        let given = hex::decode(sig).ok()?;
        mac(secret, payload).verify_slice(&given).ok()?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(payload).ok()?;
        let mut flash = Flash::default();
        for (name, value) in pairs {
            if name == "k" {
                flash.key = value;
            } else if let Some(n) = name.strip_prefix("v.") {
                flash.vals.push((n.to_string(), value, false));
            } else if let Some(n) = name.strip_prefix("t.") {
                flash.vals.push((n.to_string(), value, true));
            }
        }
        let known = |k: &str| Lang::ALL.iter().all(|l| l.has(k));
        let keys_known = known(&flash.key) && flash.vals.iter().all(|(_, v, t)| !t || known(v));
        keys_known.then_some(flash)
    }
}

impl From<&'static str> for Flash {
    fn from(key: &'static str) -> Flash {
        Flash::new(key)
    }
}

/// The MAC is keyed apart from the CSRF tokens' (same secret, another purpose).
fn mac(secret: &[u8], payload: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
    mac.update(b"flash:");
    mac.update(payload.as_bytes());
    mac
}

fn sign(secret: &[u8], payload: &str) -> String {
    hex::encode(mac(secret, payload).finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_survives_its_cookie_and_refuses_a_forged_one() {
        let secret = b"k".repeat(32);
        let f = Flash::new("flash.saved")
            .with("number", "REG-2026-000201 & <b>")
            .with_key("status", "status.active");
        let cookie = f.encode(&secret);
        assert!(cookie
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b';' && b != b','));
        assert_eq!(Flash::decode(&cookie, &secret), Some(f));
        let forged = cookie.replace("REG", "XXX");
        assert_eq!(Flash::decode(&forged, &secret), None);
        assert_eq!(Flash::decode(&cookie, b"other"), None);
    }
}
