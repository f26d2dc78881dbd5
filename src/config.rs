//! Settings: defaults < TOML file < `SETIA_*` environment variables < command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

use crate::db::{ConnectOptions, Db, Synchronous};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Where the SQLite file and uploads live.
    pub data_dir: PathBuf,
    /// `postgres://…` selects PostgreSQL; empty means SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// SQLite's `PRAGMA synchronous`: `normal` (default; survives a crash of the process) or
    /// `full` (also survives a power loss; one fsync per commit).
    pub sqlite_synchronous: Synchronous,
    /// Connections in the read pool.
    pub db_read_connections: u32,
    /// Marks cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Public base URL, used in links sent out by mail or chat and for the Origin check.
    pub base_url: String,
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// A session ends this many hours after login, whatever the activity.
    pub session_absolute_hours: i64,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Log as JSON lines (for production log collectors).
    pub log_json: bool,
    /// Addresses of reverse proxies / load balancers whose `X-Forwarded-For` is believed. The
    /// client address (login throttling, audit log) comes from that header only when the
    /// connection is from one of these.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// SMTP server for outgoing mail. Without it mail stays queued in the outbox.
    pub smtp_host: Option<String>,
    /// SMTP port; defaults to 25 / 587 / 465 for `none` / `starttls` / `tls`.
    pub smtp_port: Option<u16>,
    /// How the SMTP connection is secured.
    pub smtp_tls: SmtpTls,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<String>,
    /// Sender of outgoing mail, e.g. `Blitz Net <noreply@blitz.net.id>`.
    pub mail_from: String,
    /// Per-address flood shields (per instance, in memory) in front of the public forms.
    pub rate_limits: RateLimitsConfig,
    /// How many password hashes (argon2, about 19 MB each) may run at once; 0 means
    /// max(2, number of cores).
    pub hash_concurrency: usize,
    /// How long a request waits for a hashing slot before it gets 503 with `Retry-After`.
    pub hash_wait_ms: u64,
    /// Most complaints one customer may file in the portal within an hour.
    pub tickets_per_hour: u32,
    /// A resolved ticket closes by itself after this many days without a customer reply.
    pub auto_close_days: i64,
    /// Technician visits happen inside these working hours (WIB, `HH:MM`): every visit window
    /// starts at or after `visit_day_start` and ends by `visit_day_end`.
    pub visit_day_start: String,
    pub visit_day_end: String,
    /// How the at-risk list scores customers (`[risk]` in TOML).
    pub risk: RiskWeights,
}

/// Points each risk signal adds to a customer's score (see [`crate::retention::risk`]), and the
/// score from which a customer is listed at `/staff/at-risk`. Points are per ticket, rating or
/// visit where a signal counts things; the others count once.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct RiskWeights {
    /// Per ticket opened in the last 30 days (it also counts among the 90 days').
    pub ticket_30d: i64,
    /// Per ticket opened in the last 90 days.
    pub ticket_90d: i64,
    /// Per ticket not yet resolved (any age).
    pub unresolved: i64,
    /// Per ticket of the last 90 days that breached its first-response or resolution deadline.
    pub breached: i64,
    /// Per rating of 1–2 stars in the last 90 days.
    pub low_rating: i64,
    /// Once, when the latest NPS answer of the last 180 days is 0–6.
    pub detractor: i64,
    /// Per failed technician visit in the last 90 days.
    pub failed_visit: i64,
    /// Once, when isolated now or suspended in the last 180 days.
    pub isolir: i64,
    /// Once, for a customer of less than 6 months: new customers leave most.
    pub new_customer: i64,
    /// Once, when a competitor offers the customer's speed for less.
    pub cheaper_offer: i64,
    /// Customers below this score are not listed.
    pub min_score: i64,
}

impl Default for RiskWeights {
    fn default() -> Self {
        RiskWeights {
            ticket_30d: 10,
            ticket_90d: 4,
            unresolved: 8,
            breached: 10,
            low_rating: 15,
            detractor: 20,
            failed_visit: 8,
            isolir: 15,
            new_customer: 5,
            cheaper_offer: 10,
            min_score: 20,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP (only for a relay on the same host or network).
    None,
    /// STARTTLS upgrade, required (submission port 587).
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

impl SmtpTls {
    pub fn default_port(self) -> u16 {
        match self {
            SmtpTls::None => 25,
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
        }
    }
}

/// One policy: a steady rate per minute and a burst, per client address.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// The named policies; see [`crate::web::limits`]. Generous enough for an office (or a carrier-grade
/// NAT) behind one address, tight enough that a flood never becomes database work.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitsConfig {
    pub login: RateLimit,
    pub signup: RateLimit,
    pub waiting_list: RateLimit,
    pub password_reset: RateLimit,
    /// Rating link submissions (`POST /rate/{token}`).
    pub rating: RateLimit,
}

impl Default for RateLimitsConfig {
    fn default() -> Self {
        RateLimitsConfig {
            login: RateLimit {
                per_minute: 60,
                burst: 120,
            },
            signup: RateLimit {
                per_minute: 10,
                burst: 20,
            },
            waiting_list: RateLimit {
                per_minute: 10,
                burst: 20,
            },
            password_reset: RateLimit {
                per_minute: 5,
                burst: 10,
            },
            rating: RateLimit {
                per_minute: 10,
                burst: 20,
            },
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".parse().expect("valid default address"),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            sqlite_synchronous: Synchronous::Normal,
            db_read_connections: crate::db::ConnectOptions::default().read_connections,
            secure_cookies: false,
            base_url: "http://127.0.0.1:8080".into(),
            session_idle_minutes: 120,
            session_absolute_hours: 12,
            max_body_bytes: 1024 * 1024,
            log_json: false,
            trusted_proxies: Vec::new(),
            smtp_host: None,
            smtp_port: None,
            smtp_tls: SmtpTls::Starttls,
            smtp_user: None,
            smtp_password: None,
            mail_from: "Setia <noreply@setia.local>".into(),
            rate_limits: RateLimitsConfig::default(),
            hash_concurrency: 0,
            hash_wait_ms: 2000,
            tickets_per_hour: 10,
            auto_close_days: 7,
            visit_day_start: "08:00".into(),
            visit_day_end: "17:00".into(),
            risk: RiskWeights::default(),
        }
    }
}

impl Config {
    /// Loads settings from `file` (if it exists) and the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let file = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("setia.toml"));
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("SETIA_").ignore(&["config", "test_database_url"]))
            .extract()?;
        Ok(config)
    }

    /// The SMTP host, when mail delivery is configured.
    pub fn smtp_host(&self) -> Option<&str> {
        self.smtp_host
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
    }

    /// How to open the database (see [`Db::connect_with`]).
    pub fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            sqlite_synchronous: self.sqlite_synchronous,
            read_connections: self.db_read_connections.max(1),
        }
    }

    /// The database URL in force: the configured one, or SQLite inside the data directory.
    pub fn database_url(&self) -> String {
        match self.database_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.to_string(),
            _ => Db::sqlite_url(&self.data_dir),
        }
    }
}
