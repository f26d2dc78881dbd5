//! Per-address flood shields: in memory, per instance, in front of the database. A request over
//! its policy's budget gets 429 with `Retry-After` before any handler (and so any database write)
//! runs. The durable, shared throttling of failed logins lives in the database (`auth`).
//!
//! Use: `post(handler).layer(limits::rate_limit(Policy::Signup))` on the route that needs it.
//!
//! Also here: the slots for heavy reads ([`HeavyReads`]), which bound memory rather than floods.

use std::future::Future;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;

use axum::extract::Request;
use axum::middleware::{FromFnLayer, Next};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::Role;
use crate::config::{RateLimit, RateLimitsConfig};
use crate::error::AppError;
use crate::web::Ctx;

/// The named policies. New public entry points (rating links, webhooks) add one here and a
/// setting in [`RateLimitsConfig`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    Login,
    Signup,
    WaitingList,
    PasswordReset,
    /// Ratings sent through the link that works without logging in (`/rate/{token}`).
    Rating,
}

impl Policy {
    pub const ALL: [Policy; 5] = [
        Policy::Login,
        Policy::Signup,
        Policy::WaitingList,
        Policy::PasswordReset,
        Policy::Rating,
    ];

    fn setting(self, c: &RateLimitsConfig) -> RateLimit {
        match self {
            Policy::Login => c.login,
            Policy::Signup => c.signup,
            Policy::WaitingList => c.waiting_list,
            Policy::PasswordReset => c.password_reset,
            Policy::Rating => c.rating,
        }
    }
}

/// One keyed limiter per policy, built from the configuration.
pub struct RateLimits {
    limiters: Vec<(Policy, DefaultKeyedRateLimiter<IpAddr>)>,
    clock: DefaultClock,
}

impl RateLimits {
    pub fn new(config: &RateLimitsConfig) -> RateLimits {
        let limiters = Policy::ALL
            .iter()
            .map(|&p| (p, RateLimiter::keyed(quota(p.setting(config)))))
            .collect();
        RateLimits {
            limiters,
            clock: DefaultClock::default(),
        }
    }

    /// Spends one request of `policy` for `ip`; `Err(seconds)` says when to come back.
    pub fn check(&self, policy: Policy, ip: IpAddr) -> Result<(), u64> {
        let Some((_, limiter)) = self.limiters.iter().find(|(p, _)| *p == policy) else {
            return Ok(());
        };
        // Forget addresses that have been quiet for a while, so the map stays small.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&client_key(ip)).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

fn quota(r: RateLimit) -> Quota {
    let per_minute = NonZeroU32::new(r.per_minute.max(1)).expect("at least 1");
    let burst = NonZeroU32::new(r.burst.max(1)).expect("at least 1");
    Quota::per_minute(per_minute).allow_burst(burst)
}

/// The key an address spends from: IPv4 as it is, IPv6 by its /64 (one subscriber's prefix, in
/// which anyone can pick a fresh address per request).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// The layer for one route: unsafe methods (the form posts) spend from `policy`'s budget of the
/// client address (see `client_ip` in the context middleware); page views are never limited.
pub fn rate_limit(
    policy: Policy,
) -> FromFnLayer<impl Fn(Request, Next) -> Limited + Clone, (), (Request,)> {
    axum::middleware::from_fn(move |req: Request, next: Next| {
        Box::pin(async move { limited(policy, req, next).await }) as Limited
    })
}

/// The future the rate-limit and heavy-read layers return.
pub type Limited = Pin<Box<dyn Future<Output = Response> + Send>>;

/// The reads that may run at once in this instance among those that read a year of data (the
/// dashboard, reports, the at-risk list): unbounded, 64 at once took 600 MB and every one timed
/// out. One slot per core, at least two. Routes ask for one with `Routes::heavy` and friends
/// (`crate::web::routes::Heavy`); their SQLite reads run on blocking threads
/// (`crate::db::lite::offloaded`).
pub struct HeavyReads(tokio::sync::Semaphore);

impl HeavyReads {
    pub fn new() -> HeavyReads {
        HeavyReads(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
        ))
    }
}

impl Default for HeavyReads {
    fn default() -> Self {
        HeavyReads::new()
    }
}

/// The layer for a heavy route: the request waits for one of the instance's [`HeavyReads`]
/// slots (the context middleware hands them over in the extensions) when the user's role is in
/// `roles`, or always for `None`.
pub fn heavy_slot(
    roles: Option<&'static [Role]>,
) -> FromFnLayer<impl Fn(Request, Next) -> Limited + Clone, (), (Request,)> {
    axum::middleware::from_fn(move |req: Request, next: Next| {
        Box::pin(async move {
            let role = req.extensions().get::<Ctx>().and_then(Ctx::role);
            let slots = req.extensions().get::<Arc<HeavyReads>>().cloned();
            debug_assert!(
                slots.is_some(),
                "the context middleware hands over the slots"
            );
            let wanted = roles.is_none_or(|r| role.is_some_and(|role| r.contains(&role)));
            match &slots {
                Some(slots) if wanted => {
                    let _slot = slots.0.acquire().await.ok();
                    // Reads of a year of data take milliseconds each: off the runtime's threads.
                    crate::db::lite::offloaded(next.run(req)).await
                }
                _ => next.run(req).await,
            }
        }) as Limited
    })
}

async fn limited(policy: Policy, req: Request, next: Next) -> Response {
    if crate::web::reads_only(req.method()) {
        return next.run(req).await;
    }
    let limits = req.extensions().get::<Arc<RateLimits>>().cloned();
    let ip = req
        .extensions()
        .get::<Ctx>()
        .and_then(|c| c.ip.parse::<IpAddr>().ok());
    if let (Some(limits), Some(ip)) = (limits, ip) {
        if let Err(retry_after) = limits.check(policy, ip) {
            tracing::warn!(?policy, %ip, "rate limited");
            return AppError::RateLimited(retry_after.max(1)).into_response();
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_prefix_shares_one_budget() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        let mapped: IpAddr = "::ffff:10.0.0.7".parse().unwrap();
        assert_eq!(client_key(mapped), "10.0.0.7".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn burst_then_refused_with_a_wait_per_address() {
        let c = RateLimitsConfig {
            signup: RateLimit {
                per_minute: 10,
                burst: 3,
            },
            ..RateLimitsConfig::default()
        };
        let limits = RateLimits::new(&c);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert_eq!(limits.check(Policy::Signup, a), Ok(()));
        }
        let wait = limits.check(Policy::Signup, a).unwrap_err();
        assert!((1..=6).contains(&wait), "{wait}");
        assert_eq!(limits.check(Policy::Signup, b), Ok(()), "other addresses");
        assert_eq!(limits.check(Policy::Login, a), Ok(()), "other policies");
    }
}
