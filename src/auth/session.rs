//! Server-side sessions: the cookie holds a random token, the database its SHA-256.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use axum::http::header;
use axum::response::Response;

use crate::auth::store::{self, SessionUser};
use crate::config::Config;
use crate::db::{Conn, Db, DbResult};
use crate::state::AppState;
use crate::web::cookies;

/// Don't write `last_seen_at` on every request; this is precise enough for idle timeouts.
const TOUCH_EVERY: Duration = Duration::seconds(60);

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a session for `user_id` (in the caller's transaction where there is one) and returns
/// the cookie token.
pub async fn start(
    c: impl Into<Conn<'_>>,
    now: DateTime<Utc>,
    user_id: i64,
    ip: &str,
    user_agent: &str,
) -> DbResult<String> {
    let token = new_token();
    let ua: String = user_agent.chars().take(300).collect();
    store::insert_session(c, &token_hash(&token), user_id, now, ip, &ua).await?;
    Ok(token)
}

/// Puts the session cookie on `res`, with a fresh CSRF identity to go with the new session.
pub fn set_cookies(state: &AppState, res: &mut Response, token: &str) {
    let max_age = state.config.session_absolute_hours * 3600;
    let secure = state.config.secure_cookies;
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::SESSION, token, Some(max_age), secure),
    );
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::CSRF, &new_token(), None, secure),
    );
}

fn expired(state: &AppState, s: &SessionUser, now: DateTime<Utc>) -> bool {
    let idle = Duration::minutes(state.config.session_idle_minutes);
    let absolute = Duration::hours(state.config.session_absolute_hours);
    now - s.last_seen_at > idle || now - s.created_at > absolute || !s.active
}

/// The live session for a cookie token, or `None` (and the row is gone) if it expired; with the
/// user's unread notifications counted up to `unread_cap`.
pub async fn load(state: &AppState, token: &str, unread_cap: i64) -> DbResult<Option<SessionUser>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(s) = store::find_session(&state.db, &token_hash(token), unread_cap).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    if expired(state, &s, now) {
        store::delete_session(&state.db, &s.session_id).await?;
        return Ok(None);
    }
    if now - s.last_seen_at > TOUCH_EVERY {
        store::touch_session(&state.db, &s.session_id, now).await?;
    }
    Ok(Some(s))
}

/// Periodic clean-up of expired sessions, old login attempts and spent reset links (run by the
/// hourly `session.sweep` job).
pub async fn sweep(db: &Db, config: &Config, now: DateTime<Utc>) -> DbResult<()> {
    store::delete_expired_sessions(
        db,
        now - Duration::minutes(config.session_idle_minutes),
        now - Duration::hours(config.session_absolute_hours),
    )
    .await?;
    store::delete_login_attempts_before(db, now - Duration::days(1)).await?;
    super::reset::store::delete_spent_before(db, now - Duration::days(1)).await?;
    Ok(())
}
