//! "Known device": a signed cookie set after a successful login. It lets a customer log in while
//! someone who knows their phone number keeps failing on purpose (the lock would otherwise keep
//! them out). The signature covers the user id, a random nonce and the current password hash, so
//! a password change or reset forgets every device.

use hmac::{Mac, SimpleHmac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = SimpleHmac<Sha256>;

pub const COOKIE: &str = "setia_device";
/// How long a browser stays known without logging in again.
pub const MAX_AGE_SECS: i64 = 365 * 86400;

fn mac(secret: &[u8], user_id: i64, nonce: &str, password_hash: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
    mac.update(b"setia-device\0");
    mac.update(user_id.to_string().as_bytes());
    mac.update(b"\0");
    mac.update(nonce.as_bytes());
    mac.update(b"\0");
    mac.update(password_hash.as_bytes());
    mac
}

/// A new cookie value for `user_id`: `id.nonce.signature`.
pub fn issue(secret: &[u8], user_id: i64, password_hash: &str) -> String {
    let mut nonce = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let nonce = hex::encode(nonce);
    let sig = hex::encode(
        mac(secret, user_id, &nonce, password_hash)
            .finalize()
            .into_bytes(),
    );
    format!("{user_id}.{nonce}.{sig}")
}

/// Whether `value` was issued by this app for `user_id` under its current password.
pub fn verify(secret: &[u8], value: &str, user_id: i64, password_hash: &str) -> bool {
    let mut parts = value.split('.');
    let (Some(id), Some(nonce), Some(sig), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if id.parse::<i64>().ok() != Some(user_id) || nonce.len() != 32 {
        return false;
    }
    let Ok(sig) = hex::decode(sig) else {
        return false;
    };
    mac(secret, user_id, nonce, password_hash)
        .verify_slice(&sig)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_cookies_verify_only_for_their_user_and_password() {
        let v = issue(b"key", 7, "$argon2id$a");
        assert!(v.starts_with("7."));
        assert!(verify(b"key", &v, 7, "$argon2id$a"));
        assert!(!verify(b"key", &v, 8, "$argon2id$a"));
        assert!(!verify(b"key", &v, 7, "$argon2id$b"), "password changed");
        assert!(!verify(b"other", &v, 7, "$argon2id$a"));
        let forged = v.replacen("7.", "8.", 1);
        assert!(!verify(b"key", &forged, 8, "$argon2id$a"));
    }
}
