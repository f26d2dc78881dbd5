//! The state every request handler gets. Part of the shared kernel: it depends on no domain, and
//! `app.rs` (the top) fills in what domains provide (how to load the brand shown in headers).

use std::future::Future;
use std::pin::Pin;
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
    brand: BrandCache,
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
#[derive(Clone)]
struct BrandCache {
    cached: Arc<RwLock<Option<Fetched>>>,
    load: BrandLoader,
}

/// The brand and when it was read.
type Fetched = (Instant, Arc<Brand>);

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
            brand: BrandCache {
                cached: Default::default(),
                load: brand,
            },
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
        if let Some((at, b)) = self.brand.cached.read().expect("cache lock").as_ref() {
            if at.elapsed() < BRAND_TTL {
                return Ok(b.clone());
            }
        }
        let fresh = Arc::new((self.brand.load)(self.db.clone()).await?);
        *self.brand.cached.write().expect("cache lock") = Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// Call after the company profile changed so this instance shows it at once.
    pub fn forget_brand(&self) {
        *self.brand.cached.write().expect("cache lock") = None;
    }
}
