//! One read transaction for the reads of each stretch of a request ([`shared_reads`]).
//!
//! Outside it each read statement is a transaction of its own: SQLite takes the WAL's read lock
//! (a mutex and an `fcntl` on the shared-memory file), finds its snapshot and lets them go again,
//! 3–11 times a page (bench/README.md, findings 32 and 42). Inside it the reads run on one
//! connection in one read transaction, begun at the first read and ended when the request's
//! future stops running: when it finishes, or waits for something else (a lock, a slot, the
//! network). A connection is therefore never held across a wait, and there are never more of
//! them than with statements alone: one per runtime thread.
//!
//! A snapshot also ends when a write of the request commits (so the reads after it see it),
//! when the instance cache loads (so it never stores what was read before it was cleared),
//! and once it is [`MAX_AGE`] old (so a long stretch does not keep the WAL from starting over).

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::{failed, Inner, Reader};
use crate::db::DbResult;

/// The longest a snapshot is kept before the next read begins a new one: a page's stretch
/// takes a fraction of it. (Longer in the unit tests, whose stretches write with another
/// connection in between: on a loaded machine that write's commit alone took over 2 ms, and
/// "the same snapshot" failed.)
#[cfg(not(test))]
const MAX_AGE: Duration = Duration::from_millis(2);
#[cfg(test)]
const MAX_AGE: Duration = Duration::from_millis(500);

thread_local! {
    /// The scope whose future this thread is running, if any.
    static SCOPE: RefCell<Scope> = const { RefCell::new(Scope::Off) };
}

enum Scope {
    Off,
    /// Inside [`shared_reads`]; the connection once the first read took one.
    On(Option<Held>),
}

/// A read connection held by a scope, with its database and when its snapshot began.
struct Held {
    inner: Arc<Inner>,
    conn: Reader,
    begun: Instant,
}

/// Runs `work` with the reads of each stretch it runs without waiting in one read transaction
/// (see the module's documentation). A scope inside another adds nothing.
pub async fn shared_reads<F: Future>(work: F) -> F::Output {
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(|cx| {
        let _entered = Entered::enter();
        work.as_mut().poll(cx)
    })
    .await
}

/// Marks this thread as inside a scope while a scope's future runs; on leaving (also by a
/// panic) ends the read transaction and gives the connection back.
struct Entered {
    outermost: bool,
}

impl Entered {
    fn enter() -> Entered {
        let outermost = SCOPE.with_borrow_mut(|s| match s {
            Scope::Off => {
                *s = Scope::On(None);
                true
            }
            Scope::On(_) => false,
        });
        Entered { outermost }
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        if !self.outermost {
            return;
        }
        let left = SCOPE.with_borrow_mut(|s| std::mem::replace(s, Scope::Off));
        if let Scope::On(Some(held)) = left {
            release(held);
        }
    }
}

/// Ends the read transaction and gives the connection back (dropped if it could not end it).
fn release(held: Held) {
    if !held.conn.is_autocommit() {
        if let Err(e) = exec(&held.conn, "COMMIT") {
            tracing::warn!(%e, "ending a read transaction failed; connection dropped");
            return;
        }
    }
    held.inner.inline.give_back(&held.inner, held.conn);
}

fn exec(conn: &Connection, sql: &str) -> DbResult<()> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.raw_execute())
        .map(|_| ())
        .map_err(failed)
}

/// Runs `f` on the scope's connection for `inner`'s database, in the scope's read transaction
/// (beginning one when none is open or it is [`MAX_AGE`] old); gives `f` back when this thread
/// is in no scope or the scope holds another database's connection.
pub(super) fn run<R, F>(inner: &Arc<Inner>, f: F) -> Result<DbResult<R>, F>
where
    F: FnOnce(&Reader) -> DbResult<R>,
{
    SCOPE.with_borrow_mut(|scope| {
        let Scope::On(slot) = scope else {
            return Err(f);
        };
        let held = match slot {
            Some(held) if !Arc::ptr_eq(&held.inner, inner) => return Err(f),
            Some(held) => held,
            None => match inner.inline.take(inner) {
                Ok(conn) => slot.insert(Held {
                    inner: inner.clone(),
                    conn,
                    begun: Instant::now(),
                }),
                Err(e) => return Ok(Err(e)),
            },
        };
        Ok(in_snapshot(held).and_then(|()| f(&held.conn)))
    })
}

/// Makes sure `held` is in a read transaction younger than [`MAX_AGE`].
fn in_snapshot(held: &mut Held) -> DbResult<()> {
    if held.inner.closed.load(std::sync::atomic::Ordering::SeqCst) {
        return Err(super::closed());
    }
    if !held.conn.is_autocommit() {
        if held.begun.elapsed() < MAX_AGE {
            return Ok(());
        }
        exec(&held.conn, "COMMIT")?;
    }
    exec(&held.conn, "BEGIN")?;
    held.begun = Instant::now();
    Ok(())
}

/// Ends this thread's scope's read transaction, if one is open, so that the next read sees
/// everything committed before this call: after a write of the request commits, and before a
/// read whose result must be no older than something already read (the instance cache's
/// generation).
pub fn fresh_snapshot() {
    let held = SCOPE.with_borrow_mut(|scope| match scope {
        Scope::On(slot) => slot.take(),
        Scope::Off => None,
    });
    if let Some(held) = held {
        release(held);
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::db;
    use super::*;
    use crate::db::Db;

    async fn count(db: &Db) -> i64 {
        db.scalar("SELECT COUNT(*) FROM t", vec![]).await.unwrap()
    }

    fn idle(db: &Db) -> usize {
        let Db::Sqlite(lite) = db else { unreachable!() };
        lite.inner.inline.idle.lock().unwrap().len()
    }

    /// Reads that run without waiting share one snapshot and one connection; after a wait the
    /// next read sees what was committed meanwhile, and the connection is idle again.
    #[tokio::test]
    async fn reads_share_a_snapshot_until_the_request_waits() {
        let (dir, db) = db().await;
        let other = Connection::open(dir.path().join("setia.db")).unwrap();
        assert_eq!(count(&db).await, 0);
        let idle_before = idle(&db);
        assert!(idle_before >= 1);
        shared_reads(async {
            assert_eq!(count(&db).await, 0);
            other.execute("INSERT INTO t (id) VALUES (1)", []).unwrap();
            assert_eq!(count(&db).await, 0, "the same snapshot");
            assert_eq!(idle(&db), idle_before - 1, "one connection held");
            tokio::task::yield_now().await;
            assert_eq!(idle(&db), idle_before, "given back while waiting");
            assert_eq!(count(&db).await, 1, "a new snapshot after the wait");
        })
        .await;
        assert_eq!(idle(&db), idle_before);
        other.execute("INSERT INTO t (id) VALUES (2)", []).unwrap();
        assert_eq!(count(&db).await, 2);
    }

    /// A stretch that runs longer than a snapshot may live reads newer rows after it.
    #[tokio::test]
    async fn a_snapshot_is_renewed_once_old() {
        let (dir, db) = db().await;
        let other = Connection::open(dir.path().join("setia.db")).unwrap();
        shared_reads(async {
            assert_eq!(count(&db).await, 0);
            other.execute("INSERT INTO t (id) VALUES (1)", []).unwrap();
            std::thread::sleep(MAX_AGE + Duration::from_millis(1));
            assert_eq!(count(&db).await, 1);
        })
        .await;
    }

    /// The instance cache, loading in a request whose snapshot began before a change was
    /// committed and the cache cleared, stores the change, not the older snapshot's rows.
    #[tokio::test]
    async fn the_cache_never_stores_a_snapshot_older_than_its_clear() {
        let (dir, db) = db().await;
        let other = Connection::open(dir.path().join("setia.db")).unwrap();
        let cache = crate::state::Cache::default();
        shared_reads(async {
            assert_eq!(count(&db).await, 0);
            other.execute("INSERT INTO t (id) VALUES (1)", []).unwrap();
            cache.clear();
            let cached = cache
                .get_or_load("n", Duration::from_secs(60), || async {
                    Ok(count(&db).await)
                })
                .await
                .unwrap();
            assert_eq!(*cached, 1);
        })
        .await;
    }

    /// A request's own write, alone or in a transaction, is seen by its next read.
    #[tokio::test]
    async fn a_request_reads_its_own_committed_writes() {
        let (_dir, db) = db().await;
        shared_reads(async {
            assert_eq!(count(&db).await, 0);
            db.execute("INSERT INTO t (id) VALUES (1)", vec![])
                .await
                .unwrap();
            assert_eq!(count(&db).await, 1);
            let mut tx = db.begin().await.unwrap();
            tx.execute("INSERT INTO t (id) VALUES (2)", vec![])
                .await
                .unwrap();
            assert_eq!(count(&db).await, 1, "not yet committed");
            tx.commit().await.unwrap();
            assert_eq!(count(&db).await, 2);
        })
        .await;
    }
}
