//! Links that work without logging in (a rating link, an NPS survey link): a token that names a
//! record and until when, signed with the app's key. Each kind of link signs under its own
//! purpose, so a token made for one kind of page never opens another.
//!
//! Token: `{kind}.{id}.{expires unix seconds}.{signature}`, all URL-safe; the signature is
//! HMAC-SHA256 over the purpose and the three fields, truncated to 128 bits, in hex.

use chrono::{DateTime, Utc};
use hmac::{Mac, SimpleHmac};
use sha2::Sha256;

type HmacSha256 = SimpleHmac<Sha256>;

/// Bytes of the MAC kept in the token.
const SIG_BYTES: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a token this app signed (tampered, truncated, made up).
    #[error("forged link")]
    Forged,
    /// Signed by this app, but past its expiry.
    #[error("expired link")]
    Expired,
}

fn mac(secret: &[u8], purpose: &str, kind: &str, id: i64, expires: i64) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(secret).expect("any key length");
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(kind.as_bytes());
    mac.update(b"\0");
    mac.update(id.to_string().as_bytes());
    mac.update(b"\0");
    mac.update(expires.to_string().as_bytes());
    mac
}

/// A token for record `id` of `kind` (letters, digits, `_` or `-`), signed for `purpose`, good
/// until `expires_at`.
pub fn token(
    secret: &[u8],
    purpose: &str,
    kind: &str,
    id: i64,
    expires_at: DateTime<Utc>,
) -> String {
    let expires = expires_at.timestamp();
    let sig = mac(secret, purpose, kind, id, expires)
        .finalize()
        .into_bytes();
    format!("{kind}.{id}.{expires}.{}", hex::encode(&sig[..SIG_BYTES]))
}

/// The kind and id a token names, if this app signed it for `purpose` and it has not expired at
/// `now`. The signature is checked (in constant time) before the expiry, so a forged token never
/// reads as "expired".
pub fn verify<'t>(
    secret: &[u8],
    purpose: &str,
    token: &'t str,
    now: DateTime<Utc>,
) -> Result<(&'t str, i64), LinkError> {
    let mut parts = token.split('.');
    let (Some(kind), Some(id), Some(expires), Some(sig), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(LinkError::Forged);
    };
    // Only the canonical spelling of the numbers (no `+7`, `007`) is the signed one.
    let canonical = |s: &str| s.parse::<i64>().ok().filter(|n| n.to_string() == s);
    let (Some(id), Some(expires)) = (canonical(id), canonical(expires)) else {
        return Err(LinkError::Forged);
    };
    let sig = hex::decode(sig).map_err(|_| LinkError::Forged)?;
    if sig.len() != SIG_BYTES {
        return Err(LinkError::Forged);
    }
    mac(secret, purpose, kind, id, expires)
        .verify_truncated_left(&sig)
        .map_err(|_| LinkError::Forged)?;
    if now.timestamp() >= expires {
        return Err(LinkError::Expired);
    }
    Ok((kind, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap()
    }

    #[test]
    fn a_token_signed_for_one_purpose_does_not_open_another() {
        let t = token(b"key", "setia-nps", "nps", 5, now() + Duration::days(30));
        assert_eq!(verify(b"key", "setia-nps", &t, now()), Ok(("nps", 5)));
        assert_eq!(
            verify(b"key", "setia-rating", &t, now()),
            Err(LinkError::Forged)
        );
        assert_eq!(
            verify(b"key", "setia-nps", &t, now() + Duration::days(30)),
            Err(LinkError::Expired)
        );
    }
}
