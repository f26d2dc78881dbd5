//! The state every request handler gets. Part of the shared kernel: it depends on no domain, and
//! `app.rs` (the top) fills in what domains provide (how to load the brand shown in headers).

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::clock::SharedClock;
use crate::config::Config;
use crate::db::{Db, DbResult};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: SharedClock,
    /// Key for CSRF tokens; kept in the database so every instance shares it.
    pub secret: Arc<Vec<u8>>,
    /// Per-address flood shields (per instance); see [`crate::web::limits`].
    pub limits: Arc<crate::web::limits::RateLimits>,
    /// The bound on concurrent password hashing; see [`crate::auth::password::Hashing`].
    pub hashing: Arc<crate::auth::password::Hashing>,
    /// Rarely changing reads that many requests show (see [`Cache`]).
    pub cache: Arc<Cache>,
    /// Slots for the reads that read a year of data; see [`crate::web::limits::HeavyReads`].
    pub heavy_reads: Arc<crate::web::limits::HeavyReads>,
    brand: BrandLoader,
}

/// This instance's copy of reads that change rarely and that many requests show (the public
/// site's packages, promos, areas, news and company profile; the staff pages' lists of areas,
/// packages, staff by role, saved replies and competitors' offers): each kept for the TTL its
/// reader gives, and all dropped when a form post through a route that changes one of them
/// succeeds in this instance ([`crate::web::routes::Routes::clears_cache`]). Other instances
/// show a change within that TTL.
#[derive(Default)]
pub struct Cache {
    entries: RwLock<HashMap<String, Cached>>,
    /// Bumped by every clear, so a read that began before a change is not stored after it.
    generation: AtomicU64,
}

/// How long an instance keeps what the public pages show (packages, promos, areas, news, the
/// company profile).
pub const SHOWN_TTL: Duration = Duration::from_secs(10);

/// How long an instance keeps the lists the staff pages' filters and pickers show (areas,
/// packages, staff by role, saved replies, competitors' offers).
pub const LISTS_TTL: Duration = Duration::from_secs(10);

/// A cached value and when it was read.
type Cached = (Instant, Arc<dyn Any + Send + Sync>);

impl Cache {
    /// The value under `key` if read less than `ttl` ago, else `load`'s (then kept).
    pub async fn get_or_load<T, Fut>(
        &self,
        key: &str,
        ttl: Duration,
        load: impl FnOnce() -> Fut,
    ) -> DbResult<Arc<T>>
    where
        T: Any + Send + Sync,
        Fut: Future<Output = DbResult<T>>,
    {
        if let Some((at, value)) = self.entries.read().expect("cache lock").get(key) {
            if at.elapsed() < ttl {
                if let Ok(v) = value.clone().downcast::<T>() {
                    return Ok(v);
                }
            }
        }
        let generation = self.generation.load(Ordering::Acquire);
        // The load must not read a snapshot older than the generation it is stored under.
        crate::db::lite::fresh_snapshot();
        let value = Arc::new(load().await?);
        let mut entries = self.entries.write().expect("cache lock");
        if self.generation.load(Ordering::Acquire) == generation {
            entries.insert(key.to_string(), (Instant::now(), value.clone()));
        }
        Ok(value)
    }

    pub fn clear(&self) {
        let mut entries = self.entries.write().expect("cache lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}

/// What every page header shows of the company.
#[derive(Clone, Debug, Default)]
pub struct Brand {
    pub name: String,
    pub logo: Option<crate::uploads::ImageRef>,
    /// The company's WhatsApp number as digits (for `https://wa.me/…`), or empty.
    pub whatsapp: String,
}

/// Loads the brand from the database; provided by the site domain when the app is assembled.
pub type BrandLoader = fn(Db) -> BrandFuture;
pub type BrandFuture = Pin<Box<dyn Future<Output = DbResult<Brand>> + Send>>;

/// The brand is read on every page; it changes rarely, and other instances pick up a change
/// within [`BRAND_TTL`].
const BRAND_TTL: Duration = Duration::from_secs(30);

impl AppState {
    pub fn new(
        db: Db,
        config: Config,
        clock: SharedClock,
        secret: Vec<u8>,
        brand: BrandLoader,
    ) -> AppState {
        AppState {
            db,
            limits: Arc::new(crate::web::limits::RateLimits::new(&config.rate_limits)),
            hashing: Arc::new(crate::auth::password::Hashing::new(
                config.hash_concurrency,
                Duration::from_millis(config.hash_wait_ms),
            )),
            config: Arc::new(config),
            clock,
            secret: Arc::new(secret),
            cache: Arc::default(),
            heavy_reads: Arc::default(),
            brand,
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// For services that put links into messages.
    pub fn links(&self) -> crate::notify::Links {
        crate::notify::Links {
            base_url: self.config.base_url.trim_end_matches('/').to_string(),
            secret: self.secret.clone(),
        }
    }

    pub async fn brand(&self) -> DbResult<Arc<Brand>> {
        self.cache
            .get_or_load("brand", BRAND_TTL, || (self.brand)(self.db.clone()))
            .await
    }
}
