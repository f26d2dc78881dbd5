//! PostgreSQL connections handed back without a round trip.
//!
//! sqlx's pool tests every connection it gets back before anyone else may have it: a task of
//! its own sends PostgreSQL a `Sync` and waits for the answer. That is a second round trip for
//! every statement run on the pool, and a connection held twice as long (bench/README.md,
//! finding 51). [`Connections`] gives a connection back at once when its statement ran to the
//! end (rows read, or an error PostgreSQL answered). Only a connection whose statement was
//! abandoned midway (its request dropped, a time-out) is checked that way: a task waits, with
//! the connection's place held, until PostgreSQL has finished the statement and answers the
//! `Sync`, then gives it back (sqlx reads off what the abandoned statement left unread), so
//! abandoned statements never run on more connections than the pool's size. A connection is
//! closed instead when its socket failed, PostgreSQL ended it (a fatal error: restart,
//! terminated backend), or it has been idle or open too long; the next request that needs one
//! opens another.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError, PgSeverity};
use sqlx::{ConnectOptions as _, Connection as _};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::DbResult;

/// How long a request waits for a connection (a free place and, if need be, connecting).
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection idle this long is closed rather than used (as sqlx's pool does).
const IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// A connection open this long is closed when given back (PostgreSQL's per-connection caches
/// do not grow without end; as sqlx's pool does).
const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// At most `size` connections to one database, opened when first needed and kept.
#[derive(Clone)]
pub struct Connections(Arc<Inner>);

struct Inner {
    options: PgConnectOptions,
    idle: Mutex<Vec<Idle>>,
    slots: Arc<Semaphore>,
    closed: AtomicBool,
}

struct Idle {
    conn: PgConnection,
    opened: Instant,
    since: Instant,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections")
            .field("free", &self.0.slots.available_permits())
            .finish()
    }
}

/// One connection, held until [`Lease::give_back`] (checked first when dropped without it).
pub struct Lease {
    conn: Option<PgConnection>,
    opened: Instant,
    pool: Arc<Inner>,
    slot: Option<OwnedSemaphorePermit>,
}

impl Connections {
    pub fn new(options: PgConnectOptions, size: u32) -> Connections {
        Connections(Arc::new(Inner {
            options,
            idle: Mutex::new(Vec::with_capacity(size as usize)),
            slots: Arc::new(Semaphore::new(size as usize)),
            closed: AtomicBool::new(false),
        }))
    }

    /// A connection of this pool, waiting (first come, first served) while all are in use.
    pub async fn acquire(&self) -> DbResult<Lease> {
        tokio::time::timeout(ACQUIRE_TIMEOUT, self.lease())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
    }

    async fn lease(&self) -> DbResult<Lease> {
        let slots = self.0.slots.clone();
        let slot = slots
            .acquire_owned()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let (conn, opened) = loop {
            let idle = self.0.idle.lock().expect("idle connections").pop();
            match idle {
                Some(i) if i.since.elapsed() < IDLE_TIMEOUT => break (i.conn, i.opened),
                Some(_) => continue, // dropped: closed
                None => break (self.0.options.connect().await?, Instant::now()),
            }
        };
        Ok(Lease {
            conn: Some(conn),
            opened,
            pool: self.0.clone(),
            slot: Some(slot),
        })
    }

    /// Refuses new requests and closes the idle connections; connections leased now are
    /// closed when given back.
    pub async fn close(&self) {
        self.0.closed.store(true, Ordering::SeqCst);
        self.0.slots.close();
        let idle = std::mem::take(&mut *self.0.idle.lock().expect("idle connections"));
        for i in idle {
            let _ = i.conn.close().await;
        }
    }
}

impl Lease {
    pub fn conn(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("a leased connection")
    }

    /// Gives the connection back after a statement that ended with `result`: kept unless the
    /// socket or the protocol failed or PostgreSQL ended the connection.
    pub fn give_back<T>(mut self, result: &DbResult<T>) {
        let ended = match result {
            Err(sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::Tls(_)) => true,
            Err(sqlx::Error::Database(e)) => e
                .try_downcast_ref::<PgDatabaseError>()
                .is_some_and(|e| matches!(e.severity(), PgSeverity::Fatal | PgSeverity::Panic)),
            _ => false,
        };
        let conn = self.conn.take();
        if let Some(conn) = conn.filter(|_| !ended) {
            self.pool.keep(conn, self.opened);
        }
    }
}

impl Inner {
    fn keep(&self, conn: PgConnection, opened: Instant) {
        if self.closed.load(Ordering::SeqCst) || opened.elapsed() >= MAX_LIFETIME {
            return; // dropped: closed
        }
        self.idle.lock().expect("idle connections").push(Idle {
            conn,
            opened,
            since: Instant::now(),
        });
    }
}

impl Drop for Lease {
    /// Abandoned midway: keeps the connection's place until PostgreSQL has finished the
    /// statement, then gives the connection back (or closes it if it does not answer).
    fn drop(&mut self) {
        let (Some(mut conn), Some(slot)) = (self.conn.take(), self.slot.take()) else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (pool, opened) = (self.pool.clone(), self.opened);
        runtime.spawn(async move {
            if let Ok(Ok(())) = tokio::time::timeout(ACQUIRE_TIMEOUT, conn.ping()).await {
                pool.keep(conn, opened);
            }
            drop(slot);
        });
    }
}
