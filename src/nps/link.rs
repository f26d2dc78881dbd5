//! Survey links that work without logging in: `/nps/{token}`, where the token names the request
//! and is good for 30 days from sending (signed as in [`crate::notify::signed`], for the purpose
//! `setia-nps`). "Single use" comes from the request: once answered it takes no other answer.

use chrono::{DateTime, Duration, Utc};

use super::model::LINK_DAYS;
use crate::notify::signed;
pub use crate::notify::signed::LinkError;

const PURPOSE: &str = "setia-nps";
const KIND: &str = "nps";

/// A token for request `request_id`, good for 30 days from `sent_at`.
pub fn token(secret: &[u8], request_id: i64, sent_at: DateTime<Utc>) -> String {
    signed::token(
        secret,
        PURPOSE,
        KIND,
        request_id,
        sent_at + Duration::days(LINK_DAYS),
    )
}

/// The request a token names, if this app signed it and it has not expired at `now`.
pub fn verify(secret: &[u8], token: &str, now: DateTime<Utc>) -> Result<i64, LinkError> {
    match signed::verify(secret, PURPOSE, token, now)? {
        (KIND, id) => Ok(id),
        _ => Err(LinkError::Forged),
    }
}

/// The survey link sent by mail: `{base_url}/nps/{token}`.
pub fn answer_url(links: &crate::notify::Links, request_id: i64, sent_at: DateTime<Utc>) -> String {
    format!(
        "{}/nps/{}",
        links.base_url.trim_end_matches('/'),
        token(&links.secret, request_id, sent_at)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_survey_link_works_for_thirty_days_and_only_as_signed() {
        let sent = Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap();
        let t = token(b"key", 12, sent);
        assert!(t.starts_with("nps.12."), "{t}");
        assert_eq!(verify(b"key", &t, sent + Duration::days(29)), Ok(12));
        assert_eq!(
            verify(b"key", &t, sent + Duration::days(30)),
            Err(LinkError::Expired)
        );
        assert_eq!(verify(b"other", &t, sent), Err(LinkError::Forged));
        let rating = crate::satisfaction::link::token(
            b"key",
            crate::satisfaction::model::SubjectKind::Ticket,
            12,
            sent + Duration::days(1),
        );
        assert_eq!(verify(b"key", &rating, sent), Err(LinkError::Forged));
    }
}
