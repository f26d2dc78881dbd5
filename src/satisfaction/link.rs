//! Rating links that work without logging in: `/rate/{token}`, where the token names what is
//! rated and until when, signed with the app's key. Nothing is stored: a link is good until it
//! expires, and "single use" comes from the one rating a subject may have.
//!
//! Token: see [`crate::notify::signed`] (signed for the purpose `setia-rating`).

use chrono::{DateTime, Duration, Utc};

use super::model::{SubjectKind, LINK_DAYS};
use crate::notify::signed;
pub use crate::notify::signed::LinkError;

/// What rating links are signed for (the same bytes as before links were shared, so links
/// already mailed keep working).
const PURPOSE: &str = "setia-rating";

/// A token for rating `subject_id` of `kind` until `expires_at`.
pub fn token(
    secret: &[u8],
    kind: SubjectKind,
    subject_id: i64,
    expires_at: DateTime<Utc>,
) -> String {
    signed::token(secret, PURPOSE, kind.as_str(), subject_id, expires_at)
}

/// What a token names, if this app signed it and it has not expired at `now`. The signature is
/// checked (in constant time) before the expiry, so a forged token never reads as "expired".
pub fn verify(
    secret: &[u8],
    token: &str,
    now: DateTime<Utc>,
) -> Result<(SubjectKind, i64), LinkError> {
    let (kind, id) = signed::verify(secret, PURPOSE, token, now)?;
    let kind = SubjectKind::parse(kind)
        .filter(|k| k.as_str() == kind)
        .ok_or(LinkError::Forged)?;
    Ok((kind, id))
}

/// The rating link sent in a message: `{base_url}/rate/{token}`, good for 14 days from `now`.
pub fn rating_url(
    links: &crate::notify::Links,
    kind: SubjectKind,
    subject_id: i64,
    now: DateTime<Utc>,
) -> String {
    let expires = now + Duration::days(LINK_DAYS);
    format!(
        "{}/rate/{}",
        links.base_url.trim_end_matches('/'),
        token(&links.secret, kind, subject_id, expires)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap()
    }

    #[test]
    fn a_token_names_its_subject_until_it_expires() {
        let t = token(b"key", SubjectKind::Ticket, 42, now() + Duration::days(14));
        assert!(t.starts_with("ticket.42."), "{t}");
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_'));
        assert_eq!(verify(b"key", &t, now()), Ok((SubjectKind::Ticket, 42)));
        assert_eq!(
            verify(b"key", &t, now() + Duration::days(13)),
            Ok((SubjectKind::Ticket, 42))
        );
        assert_eq!(
            verify(b"key", &t, now() + Duration::days(14)),
            Err(LinkError::Expired)
        );
    }

    #[test]
    fn tampered_tokens_are_forged() {
        let t = token(b"key", SubjectKind::Ticket, 42, now() + Duration::days(14));
        assert_eq!(verify(b"other key", &t, now()), Err(LinkError::Forged));
        let other_id = t.replacen("ticket.42.", "ticket.43.", 1);
        assert_eq!(verify(b"key", &other_id, now()), Err(LinkError::Forged));
        let padded = t.replacen("ticket.42.", "ticket.042.", 1);
        assert_eq!(verify(b"key", &padded, now()), Err(LinkError::Forged));
        // A later expiry with the old signature.
        let (head, sig) = t.rsplit_once('.').unwrap();
        let (rest, exp) = head.rsplit_once('.').unwrap();
        let later = format!("{rest}.{}.{sig}", exp.parse::<i64>().unwrap() + 86400);
        assert_eq!(verify(b"key", &later, now()), Err(LinkError::Forged));
        // Every single character changed.
        for i in 0..t.len() {
            let mut b = t.clone().into_bytes();
            b[i] = if b[i] == b'0' { b'1' } else { b'0' };
            let s = String::from_utf8(b).unwrap();
            if s != t {
                assert!(verify(b"key", &s, now()).is_err(), "{s}");
            }
        }
        for junk in [
            "",
            "x",
            "ticket",
            "ticket.42",
            "a.b.c.d",
            "ticket.42.1.zz",
            ".....",
        ] {
            assert_eq!(
                verify(b"key", junk, now()),
                Err(LinkError::Forged),
                "{junk}"
            );
        }
        // Expired and forged: forged.
        let old = token(b"key", SubjectKind::Ticket, 42, now() - Duration::days(1));
        let forged_old = format!("{}00", &old[..old.len() - 2]);
        let forged_old = if forged_old == old {
            format!("{}11", &old[..old.len() - 2])
        } else {
            forged_old
        };
        assert_eq!(verify(b"key", &forged_old, now()), Err(LinkError::Forged));
        assert_eq!(verify(b"key", &old, now()), Err(LinkError::Expired));
    }

    #[test]
    fn the_url_points_at_the_rating_page() {
        let links = crate::notify::Links {
            base_url: "https://setia.example/".into(),
            secret: std::sync::Arc::new(b"key".to_vec()),
        };
        let url = rating_url(&links, SubjectKind::Ticket, 7, now());
        let token = url.strip_prefix("https://setia.example/rate/").unwrap();
        assert_eq!(verify(b"key", token, now()), Ok((SubjectKind::Ticket, 7)));
        assert_eq!(
            verify(b"key", token, now() + Duration::days(15)),
            Err(LinkError::Expired)
        );
    }
}
