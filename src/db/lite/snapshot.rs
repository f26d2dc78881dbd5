//! One read transaction for a request's reads ([`shared_reads`]).
//!
//! Outside it each read statement is a transaction of its own: SQLite takes the WAL's read lock
//! (a mutex and an `fcntl` on the shared-memory file), finds its snapshot and lets them go again,
//! 3–11 times a page (bench/README.md, finding 32). Inside it the reads run on one connection
//! in one read transaction, begun at the first read and ended when the request's future stops
//! running: when it finishes, or waits for something else (a lock, a slot, the network). A
//! connection is therefore never held across a wait, and there are never more of them than
//! with statements alone: one per runtime thread.
//!
//! A write of the request's own ends the snapshot when it commits, so the reads after it see it.

use std::cell::RefCell;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use rusqlite::Connection;

use super::{connect, failed, Inner};
use crate::db::DbResult;

thread_local! {
    /// The scope whose future this thread is running, if any.
    static SCOPE: RefCell<Scope> = const { RefCell::new(Scope::Off) };
}

enum Scope {
    Off,
    /// Inside [`shared_reads`]; the connection once the first read took one.
    On(Option<Held>),
}

/// A read connection held by a scope, with its database.
struct Held {
    inner: Arc<Inner>,
    conn: Connection,
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

/// Ends the read transaction and puts the connection back among the idle ones (dropped if it
/// could not end it, if enough are idle, or if the database closed).
fn release(held: Held) {
    let Held { inner, conn } = held;
    if !conn.is_autocommit() && end(&conn).is_err() {
        return;
    }
    let readers = &inner.inline;
    let mut idle = readers.idle.lock().expect("idle list");
    if idle.len() < readers.max_idle && !inner.closed.load(Ordering::SeqCst) {
        idle.push(conn);
    }
}

fn end(conn: &Connection) -> DbResult<()> {
    conn.prepare_cached("COMMIT")
        .and_then(|mut s| s.raw_execute())
        .map(|_| ())
        .map_err(failed)
}

/// Runs `f` on the scope's connection for `inner`'s database, in the scope's read transaction
/// (beginning it); gives `f` back when this thread is in no scope or the scope holds another
/// database's connection.
pub(super) fn run<R, F>(inner: &Arc<Inner>, f: F) -> Result<DbResult<R>, F>
where
    F: FnOnce(&Connection) -> DbResult<R>,
{
    SCOPE.with_borrow_mut(|scope| {
        let Scope::On(slot) = scope else {
            return Err(f);
        };
        if slot.as_ref().is_some_and(|h| !Arc::ptr_eq(&h.inner, inner)) {
            return Err(f);
        }
        if inner.closed.load(Ordering::SeqCst) {
            return Ok(Err(super::closed()));
        }
        let held = match slot {
            Some(held) => held,
            None => {
                let idle = inner.inline.idle.lock().expect("idle list").pop();
                let conn = match idle {
                    Some(c) => c,
                    None => {
                        match connect(&inner.path, inner.synchronous, true, inner.inline.cache_kib)
                        {
                            Ok(c) => c,
                            Err(e) => return Ok(Err(e)),
                        }
                    }
                };
                slot.insert(Held {
                    inner: inner.clone(),
                    conn,
                })
            }
        };
        if held.conn.is_autocommit() {
            let begun = held
                .conn
                .prepare_cached("BEGIN")
                .and_then(|mut s| s.raw_execute())
                .map_err(failed);
            if let Err(e) = begun {
                return Ok(Err(e));
            }
        }
        Ok(f(&held.conn))
    })
}

/// Ends the scope's read transaction on `inner`'s database, if one is open, so that the next
/// read sees what was committed since: called when a write of this thread's request commits.
pub(super) fn refresh(inner: &Arc<Inner>) {
    let stale = SCOPE.with_borrow_mut(|scope| match scope {
        Scope::On(slot) if slot.as_ref().is_some_and(|h| Arc::ptr_eq(&h.inner, inner)) => {
            slot.take()
        }
        _ => None,
    });
    if let Some(held) = stale {
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
