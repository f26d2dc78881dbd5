//! Reading and writing the few cookies Setia uses. Values are hex or short codes, never user text.

use axum::http::header::{HeaderMap, COOKIE};
use axum::http::HeaderValue;

pub const SESSION: &str = "setia_session";
pub const CSRF: &str = "setia_csrf";
pub const LANG: &str = "setia_lang";
pub const FLASH: &str = "setia_flash";

pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value. `max_age` of `Some(0)` deletes the cookie; `None` makes it end with the browser.
pub fn set(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).expect("cookie values are plain ASCII")
}

pub fn clear(name: &str, secure: bool) -> HeaderValue {
    set(name, "", Some(0), secure)
}
