//! PostgreSQL connections handed back without a round trip.
//!
//! sqlx's pool tests every connection it gets back before anyone else may have it: a task of
//! its own sends PostgreSQL a `Sync` and waits for the answer. That is a second round trip for
//! every statement run on the pool, and a connection held twice as long (bench/README.md,
//! finding 51). [`Connections`] gives a connection back at once when its statement ran to the
//! end — rows read, or an error PostgreSQL answered — and closes it when it did not: the request
//! was dropped mid-statement (a cancelled future may leave half a message in the socket) or the
//! socket failed. A closed connection's place is opened again by the next request that needs
//! one. A transaction on a connection that is closed instead of given back ends with it
//! (PostgreSQL rolls back what a vanished client left open).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions as _, Connection as _};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::DbResult;

/// At most `size` connections to one database, opened when first needed and kept.
#[derive(Clone)]
pub struct Connections(Arc<Inner>);

struct Inner {
    options: PgConnectOptions,
    idle: Mutex<Vec<PgConnection>>,
    slots: Arc<Semaphore>,
    acquire_timeout: Duration,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections")
            .field("free", &self.0.slots.available_permits())
            .finish()
    }
}

/// One connection, held until [`Lease::give_back`] (or closed when dropped without it).
pub struct Lease {
    conn: Option<PgConnection>,
    pool: Arc<Inner>,
    _slot: OwnedSemaphorePermit,
}

impl Connections {
    pub fn new(options: PgConnectOptions, size: u32, acquire_timeout: Duration) -> Connections {
        Connections(Arc::new(Inner {
            options,
            idle: Mutex::new(Vec::with_capacity(size as usize)),
            slots: Arc::new(Semaphore::new(size as usize)),
            acquire_timeout,
        }))
    }

    /// A connection of this pool, waiting (first come, first served) while all are in use.
    pub async fn acquire(&self) -> DbResult<Lease> {
        let slot =
            tokio::time::timeout(self.0.acquire_timeout, self.0.slots.clone().acquire_owned())
                .await
                .map_err(|_| sqlx::Error::PoolTimedOut)?
                .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.0.idle.lock().expect("idle connections").pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.0.options.connect().await?,
        };
        Ok(Lease {
            conn: Some(conn),
            pool: self.0.clone(),
            _slot: slot,
        })
    }

    /// Refuses new requests and closes the idle connections.
    pub async fn close(&self) {
        self.0.slots.close();
        let idle = std::mem::take(&mut *self.0.idle.lock().expect("idle connections"));
        for conn in idle {
            let _ = conn.close().await;
        }
    }
}

impl Lease {
    pub fn conn(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("a leased connection")
    }

    /// Gives the connection back after a statement that ended with `result`: kept unless the
    /// socket or the protocol failed (then it is closed, and the next request opens another).
    pub fn give_back<T>(mut self, result: &DbResult<T>) {
        if let Err(sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::Tls(_)) = result {
            return;
        }
        if let Some(conn) = self.conn.take() {
            self.pool.idle.lock().expect("idle connections").push(conn);
        }
    }
}
