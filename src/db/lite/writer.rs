//! The one writer connection, and group commit.
//!
//! Every COMMIT writes the pages its transaction dirtied into the WAL. A filed complaint dirties
//! about forty (the ticket, its message, the full-text index, notices, outbox, jobs, audit and
//! their indexes), most of them the same last pages of each table and index as the filing
//! before it; writing them was most of a filing's CPU (bench finding 25). So transactions that
//! queue for the writer share one SQLite transaction, committed once for all of them:
//!
//! - A transaction ([`LiteTx`]) runs inside a savepoint of the batch's transaction. When it
//!   commits while other writers wait for the writer, it releases its savepoint, leaves the
//!   batch open for them and waits for the batch's COMMIT. The writer that finds nobody behind
//!   it (or the batch full, [`MAX_BATCH`]) commits the batch and tells every member.
//! - A commit returns only once its rows are committed, or with the batch's error: what a
//!   client is told was saved, was saved. Alone (nobody waiting), a transaction commits at once.
//! - A transaction that rolls back (an error, or dropped) rolls back its savepoint only; the
//!   other members' work is kept.
//! - Members see the earlier members' rows (one connection). Should the batch fail to commit,
//!   all of them fail together, so none acts on rows that were not kept.
//! - A statement outside a transaction ([`Lite::write`]) commits the open batch first.
//! - Statements a transaction leaves for its commit ([`LiteTx::at_commit`]) run once its
//!   savepoint is released, with the other members', just before the batch's COMMIT, in the
//!   order of the keys they were left with: writes to a full-text index, which FTS5 would
//!   otherwise write out at every member's savepoint (three times the cost of holding them to
//!   the COMMIT; bench/README.md, finding 48) and at every key lower than the one before
//!   (finding 49).
//!
//! A writer holding a transaction must not wait for what another writer does after its commit:
//! that commit waits for this transaction.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::{watch, OwnedMutexGuard};

use super::{blocking, closed, failed, is_busy, is_offloaded, Failure, Lite, BUSY_WAIT};
use crate::db::{Args, DbResult};

/// Most transactions one COMMIT takes (their waits add up for the first of them).
const MAX_BATCH: usize = 64;

/// How long a batch may stay open before its watcher commits it: the writers it was left open
/// for may have gone (a request cancelled while it waited for the writer), and its members wait.
const STRAY_BATCH: Duration = Duration::from_millis(20);

/// The writer connection, the batch it may be inside, and the transaction holding it.
pub(super) struct WriterState {
    conn: Option<Connection>,
    batch: Option<Batch>,
    /// The transaction holding the writer, from its begin to its commit or rollback. Found by
    /// the next holder, it was cut off mid-statement, and its work is rolled back.
    open: Option<Member>,
    /// Numbers the batches, for their watchers.
    batches: u64,
}

/// How a transaction sits in its batch.
#[derive(Clone, Copy)]
enum Member {
    /// It began the batch: nobody else's work is in it yet, so rolling it back rolls back the
    /// batch's transaction, and it needs no savepoint (whose journal would hold a copy of every
    /// page a long transaction changes).
    First,
    /// It joined the batch inside a savepoint.
    Joined,
}

impl WriterState {
    pub(super) fn new(conn: Connection) -> WriterState {
        WriterState {
            conn: Some(conn),
            batch: None,
            open: None,
            batches: 0,
        }
    }

    fn conn(&self) -> DbResult<&Connection> {
        self.conn.as_ref().ok_or_else(closed)
    }

    /// Rolls back what a transaction cut off mid-statement left, so that the next writer
    /// starts from committed work and the batch keeps only committed members.
    fn settle(&mut self) -> DbResult<()> {
        if self.open.is_some() {
            tracing::warn!("a transaction was cut off mid-statement; rolling it back");
            self.roll_back_member();
        }
        let conn = self.conn()?;
        match &self.batch {
            None if !conn.is_autocommit() => {
                tracing::error!("the SQLite writer was left inside a transaction; rolling it back");
                conn.execute_batch("ROLLBACK").map_err(failed)?;
            }
            Some(_) if conn.is_autocommit() => self.lose_batch(),
            _ => {}
        }
        Ok(())
    }

    /// Undoes the open transaction's work.
    fn roll_back_member(&mut self) {
        let Some(member) = self.open.take() else {
            return;
        };
        let Ok(conn) = self.conn() else { return };
        match member {
            Member::First => {
                debug_assert!(self.batch.as_ref().is_none_or(|b| b.members == 0));
                if !conn.is_autocommit() {
                    if let Err(e) = conn.execute_batch("ROLLBACK") {
                        // The next writer finds the transaction open and rolls it back.
                        tracing::error!(%e, "rolling back a transaction failed");
                    }
                }
                self.batch = None;
            }
            Member::Joined => {
                let undone = conn.execute_batch("ROLLBACK TO member; RELEASE member");
                if undone.is_err() || conn.is_autocommit() {
                    if let Err(e) = undone {
                        tracing::error!(%e, "rolling back a transaction's savepoint failed");
                    }
                    self.lose_batch();
                }
            }
        }
    }

    /// Rolls back the open transaction; commits the batch for its other members when no
    /// writer waits to join it.
    fn abandon_member(&mut self, writers_waiting: bool) {
        self.roll_back_member();
        if !writers_waiting {
            if let Err(e) = self.finish() {
                tracing::error!(%e, "committing a batch after a rollback failed");
            }
        }
    }

    /// The batch's transaction is gone (SQLite rolled it back after an I/O error, or a
    /// savepoint could not be undone): its members are told, and the writer starts clean.
    fn lose_batch(&mut self) {
        self.open = None;
        if let Ok(conn) = self.conn() {
            if !conn.is_autocommit() {
                if let Err(e) = conn.execute_batch("ROLLBACK") {
                    tracing::error!(%e, "rolling back a lost batch failed");
                }
            }
        }
        if let Some(batch) = self.batch.take() {
            tracing::error!(
                members = batch.members,
                "SQLite rolled back a group of transactions"
            );
            batch.done.send_replace(Some(Err(Arc::new(lost()))));
        }
    }

    /// Commits the open batch, if any, and tells its members.
    fn finish(&mut self) -> DbResult<()> {
        let Some(batch) = self.batch.take() else {
            return Ok(());
        };
        let conn = self.conn()?;
        let mut held = batch.at_commit;
        held.sort_by_key(|(order, ..)| *order);
        let result = held
            .iter()
            .try_for_each(|(_, sql, args)| super::execute(conn, sql, args).map(drop))
            .and_then(|()| conn.execute_batch("COMMIT").map_err(failed));
        if result.is_err() && !conn.is_autocommit() {
            if let Err(e) = conn.execute_batch("ROLLBACK") {
                tracing::error!(%e, "rolling back after a failed commit failed");
            }
        }
        let outcome = result.as_ref().map(|_| ()).map_err(|e| Arc::new(echo(e)));
        batch.done.send_replace(Some(outcome));
        result
    }
}

/// One batch's transaction: how many members committed into it, what they left for its
/// COMMIT, and where they learn its end.
struct Batch {
    number: u64,
    members: usize,
    /// The committed members' [`LiteTx::at_commit`] statements with their order keys, in the
    /// order they were left.
    at_commit: Vec<Held>,
    /// A watcher ([`Lite::watch_batch`]) was started for it.
    watched: bool,
    done: watch::Sender<Option<Outcome>>,
}

type Outcome = Result<(), Arc<sqlx::Error>>;

/// A statement left for the batch's commit: its order key, SQL and arguments.
type Held = (i64, String, Args);

fn lost() -> sqlx::Error {
    sqlx::Error::Protocol(
        "the transaction was rolled back (by SQLite, or its statement was cut off)".into(),
    )
}

/// The same error again, for each member of a failed batch.
fn echo(e: &sqlx::Error) -> sqlx::Error {
    match e {
        sqlx::Error::Database(d) => match d.try_downcast_ref::<Failure>() {
            Some(f) => sqlx::Error::Database(Box::new(f.clone())),
            None => sqlx::Error::Protocol(d.to_string()),
        },
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

/// Counts a writer waiting for the writer connection while it waits.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Lite {
    fn writers_waiting(&self) -> bool {
        self.inner.writers_waiting.load(Ordering::SeqCst) > 0
    }

    /// The writer, once this process's earlier writers are done (at most [`BUSY_WAIT`]), with
    /// what a cut-off transaction left rolled back.
    async fn writer(&self) -> DbResult<Writer> {
        let waiting = Waiting::new(&self.inner.writers_waiting);
        let mut guard = tokio::time::timeout(BUSY_WAIT, self.inner.writer.clone().lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        drop(waiting);
        guard.settle()?;
        Ok(Writer(Some(guard)))
    }

    /// Runs `f` on the writer, outside any transaction (the open batch committed first),
    /// retrying while another process writes.
    pub(in crate::db) async fn write<R, F>(&self, f: F) -> DbResult<R>
    where
        F: Fn(&Connection) -> DbResult<R> + Send + Sync + 'static,
        R: Send + 'static,
    {
        let mut writer = self.writer().await?;
        writer.state()?.finish()?;
        let result = writer.run_retrying(f).await;
        super::snapshot::fresh_snapshot();
        result
    }

    pub(in crate::db) async fn begin(&self) -> DbResult<LiteTx> {
        let mut writer = self.writer().await?;
        let state = writer.state()?;
        if is_offloaded() {
            // Long work (a report rebuilding a month, a job) begins a batch of its own: the
            // transactions in the open one need not wait for it.
            if let Err(e) = state.finish() {
                tracing::error!(%e, "committing a batch failed");
            }
        }
        let member = if state.batch.is_some() {
            state
                .conn()?
                .execute_batch("SAVEPOINT member")
                .map_err(failed)?;
            Member::Joined
        } else {
            // IMMEDIATE: the write lock is taken here, so another process's writer makes BEGIN
            // wait, never a statement in the middle of the transaction.
            writer
                .run_retrying(|c| c.execute_batch("BEGIN IMMEDIATE").map_err(failed))
                .await?;
            let state = writer.state()?;
            state.batches += 1;
            state.batch = Some(Batch {
                number: state.batches,
                members: 0,
                at_commit: Vec::new(),
                watched: false,
                done: watch::Sender::new(None),
            });
            Member::First
        };
        writer.state()?.open = Some(member);
        Ok(LiteTx {
            writer,
            lite: self.clone(),
            lost: false,
            at_commit: Vec::new(),
        })
    }

    /// Commits the open batch and closes the writer; later writes fail with `PoolClosed`.
    pub(super) async fn close_writer(&self) {
        let Ok(mut state) = tokio::time::timeout(BUSY_WAIT, self.inner.writer.lock()).await else {
            tracing::error!("a transaction held the SQLite writer past closing; left open");
            return;
        };
        if state.conn.is_none() {
            return;
        }
        let committed = match state.settle() {
            Ok(()) => state.finish(),
            Err(e) => {
                state.lose_batch();
                Err(e)
            }
        };
        if let Err(e) = committed {
            tracing::error!(%e, "committing the last batch on close failed");
        }
        state.conn = None;
    }

    /// Commits batch `number` if it is still open [`STRAY_BATCH`] after it was first left open
    /// for waiting writers. It waits for the writer without counting as a waiting writer.
    async fn watch_batch(self, number: u64, mut done: watch::Receiver<Option<Outcome>>) {
        loop {
            let ended = tokio::time::timeout(STRAY_BATCH, done.wait_for(Option::is_some))
                .await
                .is_ok();
            if ended {
                return;
            }
            let locked = tokio::time::timeout(BUSY_WAIT, self.inner.writer.lock()).await;
            let Ok(mut state) = locked else { continue };
            let ours = |s: &WriterState| s.batch.as_ref().is_some_and(|b| b.number == number);
            if ours(&state) && state.settle().is_ok() && ours(&state) {
                // Its members hear the outcome through `done`.
                let _ = state.finish();
            }
            return;
        }
    }
}

/// The writer connection, held.
pub(super) struct Writer(Option<OwnedMutexGuard<WriterState>>);

impl Writer {
    fn state(&mut self) -> DbResult<&mut WriterState> {
        self.0.as_deref_mut().ok_or_else(closed)
    }

    /// Runs `f` on the writer: here, or on a blocking thread inside [`super::offloaded`] (the
    /// connection travels there and back; were this future dropped meanwhile, the next writer
    /// finds the transaction open and rolls it back).
    async fn run<R, F>(&mut self, f: F) -> DbResult<R>
    where
        F: FnOnce(&Connection) -> DbResult<R> + Send + 'static,
        R: Send + 'static,
    {
        if is_offloaded() {
            let guard = self.0.take().ok_or_else(closed)?;
            let (guard, result) = blocking(move || {
                let result = guard.conn().and_then(f);
                (guard, result)
            })
            .await;
            self.0 = Some(guard);
            result
        } else {
            f(self.state()?.conn()?)
        }
    }

    /// [`Writer::run`], again while SQLite answers busy (another process holds the write
    /// lock), sleeping asynchronously in between, for at most [`BUSY_WAIT`].
    async fn run_retrying<R, F>(&mut self, f: F) -> DbResult<R>
    where
        F: Fn(&Connection) -> DbResult<R> + Send + Sync + 'static,
        R: Send + 'static,
    {
        let f = Arc::new(f);
        let started = tokio::time::Instant::now();
        loop {
            let attempt = f.clone();
            match self.run(move |c| attempt(c)).await {
                Err(e) if is_busy(&e) && started.elapsed() < BUSY_WAIT => {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                other => return other,
            }
        }
    }
}

/// A transaction in the writer's batch. Dropped without [`LiteTx::commit`], it rolls back.
pub struct LiteTx {
    writer: Writer,
    lite: Lite,
    /// SQLite rolled back the batch's transaction during one of this transaction's statements:
    /// later statements would run outside any transaction, so they are refused (as are those
    /// of a transaction whose statement was cut off, see [`Writer::run`]).
    lost: bool,
    /// Statements for its commit ([`LiteTx::at_commit`]).
    at_commit: Vec<Held>,
}

impl LiteTx {
    /// Runs `f` inside the transaction (on a blocking thread inside [`super::offloaded`]).
    pub(in crate::db) async fn run<R, F>(&mut self, f: F) -> DbResult<R>
    where
        F: FnOnce(&Connection) -> DbResult<R> + Send + 'static,
        R: Send + 'static,
    {
        if self.lost || self.writer.0.is_none() {
            return Err(lost());
        }
        let result = self.writer.run(f).await;
        let state = self.writer.state()?;
        if state.conn()?.is_autocommit() {
            state.lose_batch();
            self.lost = true;
        }
        result
    }

    /// Leaves `sql` for the transaction's commit: it runs after every statement of the batch,
    /// just before its COMMIT, outside the members' savepoints, ordered by `order` among the
    /// batch's held statements (ties in the order left). Rolled back, the transaction drops it;
    /// should it fail, the whole batch fails. The transaction does not see its effect.
    pub(in crate::db) fn at_commit(&mut self, order: i64, sql: String, args: Args) {
        self.at_commit.push((order, sql, args));
    }

    /// Returns once the transaction's rows are committed, alone or with its batch. (Should the
    /// caller stop waiting, its rows are still committed with the batch.) The request's reads
    /// after it see them ([`super::shared_reads`]).
    pub(in crate::db) async fn commit(self) -> DbResult<()> {
        let result = self.commit_batch().await;
        super::snapshot::fresh_snapshot();
        result
    }

    async fn commit_batch(mut self) -> DbResult<()> {
        let Some(mut guard) = self.writer.0.take().filter(|_| !self.lost) else {
            return Err(lost());
        };
        let state = &mut *guard;
        if let Some(Member::Joined) = state.open {
            if let Err(e) = state.conn()?.execute_batch("RELEASE member") {
                state.abandon_member(self.lite.writers_waiting());
                return Err(failed(e));
            }
        }
        state.open = None;
        let Some(batch) = state.batch.as_mut() else {
            return Err(lost());
        };
        batch.members += 1;
        batch.at_commit.append(&mut self.at_commit);
        if !self.lite.writers_waiting() || batch.members >= MAX_BATCH {
            return state.finish();
        }
        let mut done = batch.done.subscribe();
        if !std::mem::replace(&mut batch.watched, true) {
            tokio::spawn(self.lite.clone().watch_batch(batch.number, done.clone()));
        }
        drop(guard);
        let outcome = done
            .wait_for(Option::is_some)
            .await
            .map_err(|_| closed())?
            .clone()
            .expect("waited for an outcome");
        outcome.map_err(|e| echo(&e))
    }
}

impl Drop for LiteTx {
    fn drop(&mut self) {
        if let Some(state) = self.writer.0.as_deref_mut() {
            state.abandon_member(self.lite.writers_waiting());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::offloaded;
    use super::super::tests::db;
    use super::*;
    use crate::db::Db;
    use futures_util::FutureExt;

    fn lite(db: &Db) -> &Lite {
        match db {
            Db::Sqlite(lite) => lite,
            Db::Postgres { .. } => unreachable!("an SQLite test database"),
        }
    }

    async fn ids(db: &Db) -> Vec<i64> {
        let rows: Vec<(i64,)> = db
            .fetch_all("SELECT id FROM t ORDER BY id", vec![])
            .await
            .unwrap();
        rows.into_iter().map(|(id,)| id).collect()
    }

    /// A transaction that wrote row `id` and holds the writer.
    async fn begun_with_row(db: &Db, id: i64) -> crate::db::Tx {
        let mut tx = db.begin().await.unwrap();
        tx.execute("INSERT INTO t (id) VALUES ($1)", crate::args![id])
            .await
            .unwrap();
        tx
    }

    /// A commits while B and C wait for the writer: A's rows are kept for C's COMMIT, B's
    /// rollback takes only B's rows back, and A hears "committed" only once they are. (B
    /// queues before C: the test runtime runs one task at a time, in spawn order.)
    #[tokio::test]
    async fn queued_transactions_commit_together_and_a_rollback_keeps_the_others() {
        let (_dir, db) = db().await;
        let a = begun_with_row(&db, 1).await;

        let b = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                tx.execute("INSERT INTO t (id) VALUES (2)", vec![])
                    .await
                    .unwrap();
                // Dropped: rolled back.
            }
        });
        let (inside, c_inside) = tokio::sync::oneshot::channel();
        let (go, c_go) = tokio::sync::oneshot::channel::<()>();
        let c = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                tx.execute("INSERT INTO t (id) VALUES (3)", vec![])
                    .await
                    .unwrap();
                inside.send(()).unwrap();
                c_go.await.unwrap();
                tx.commit().await
            }
        });
        until_waiting(&db, 2).await;

        let a = tokio::spawn(a.commit());
        c_inside.await.unwrap();
        b.await.unwrap();
        assert!(
            !a.is_finished(),
            "A's commit returned before its rows were committed"
        );
        assert_eq!(ids(&db).await, Vec::<i64>::new(), "nothing committed yet");

        go.send(()).unwrap();
        c.await.unwrap().unwrap();
        a.await.unwrap().unwrap();
        assert_eq!(ids(&db).await, vec![1, 3]);
    }

    /// What transactions leave for their commit runs after the batch's other statements,
    /// ordered by the keys left with it (ties in the order the members committed), and only for
    /// those that committed; what fails there fails the batch's commit.
    #[tokio::test]
    async fn statements_left_for_the_commit_run_with_the_batch_for_its_committed_members() {
        let (_dir, db) = db().await;
        let mut a = begun_with_row(&db, 1).await;
        a.execute_at_commit("UPDATE t SET name = 'a' WHERE id = 1", vec![], 1)
            .await
            .unwrap();
        let unseen: Vec<(Option<String>,)> = a
            .fetch_all("SELECT name FROM t WHERE id = 1", vec![])
            .await
            .unwrap();
        assert_eq!(unseen, vec![(None,)], "not run before the commit");
        let b = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                tx.execute_at_commit("INSERT INTO t (id, name) VALUES (2, 'b')", vec![], 0)
                    .await
                    .unwrap();
                // Dropped: rolled back, its statement with it.
            }
        });
        let c = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                tx.execute("INSERT INTO t (id) VALUES (3)", vec![])
                    .await
                    .unwrap();
                // After A's: A's name is set when this one runs.
                tx.execute_at_commit(
                    "UPDATE t SET name = (SELECT name FROM t WHERE id = 1) || 'c' WHERE id = 3",
                    vec![],
                    1,
                )
                .await
                .unwrap();
                // Left last, run first (a lower key): A's name replaces it.
                tx.execute_at_commit("UPDATE t SET name = 'z' WHERE id = 1", vec![], 0)
                    .await
                    .unwrap();
                tx.commit().await
            }
        });
        until_waiting(&db, 2).await;
        let a = tokio::spawn(a.commit());
        b.await.unwrap();
        c.await.unwrap().unwrap();
        a.await.unwrap().unwrap();
        let rows: Vec<(i64, Option<String>)> = db
            .fetch_all("SELECT id, name FROM t ORDER BY id", vec![])
            .await
            .unwrap();
        assert_eq!(rows, vec![(1, Some("a".into())), (3, Some("ac".into()))]);

        // A statement that fails at the commit: the commit fails and keeps nothing.
        let mut tx = begun_with_row(&db, 4).await;
        tx.execute_at_commit("INSERT INTO t (id, name) VALUES (5, 'a')", vec![], 0)
            .await
            .unwrap();
        assert!(tx.commit().await.is_err(), "the name is taken");
        assert_eq!(ids(&db).await, vec![1, 3]);
    }

    /// A statement cut off on a blocking thread (its request gone) leaves its transaction
    /// open; the next writer rolls that work back and starts clean.
    #[tokio::test]
    async fn a_transaction_cut_off_mid_statement_is_rolled_back_by_the_next_writer() {
        let (_dir, db) = db().await;
        offloaded(async {
            let mut tx = db.begin().await.unwrap();
            tx.execute("INSERT INTO t (id) VALUES (1)", vec![])
                .await
                .unwrap();
            let slow = tx.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) \
                 INSERT INTO t (id) SELECT i + 10 FROM n WHERE i = 5000000",
                vec![],
            );
            let cut = tokio::time::timeout(Duration::from_millis(5), slow).await;
            assert!(cut.is_err(), "the statement finished before it was cut off");
        })
        .await;

        let mut tx = db.begin().await.unwrap();
        tx.execute("INSERT INTO t (id) VALUES (2)", vec![])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids(&db).await, vec![2]);
    }

    /// Waits (boundedly) until `n` writers wait for the writer.
    async fn until_waiting(db: &Db, n: usize) {
        for _ in 0..500 {
            if lite(db).inner.writers_waiting.load(Ordering::SeqCst) == n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        panic!("{n} writers never queued");
    }

    /// A statement outside a transaction commits the open batch first: when it returns, the
    /// batch's rows and its own are committed.
    #[tokio::test]
    async fn a_write_outside_a_transaction_commits_the_open_batch() {
        let (_dir, db) = db().await;
        let a = begun_with_row(&db, 1).await;
        let write = tokio::spawn({
            let db = db.clone();
            async move { db.execute("INSERT INTO t (id) VALUES (2)", vec![]).await }
        });
        until_waiting(&db, 1).await;
        let a = tokio::spawn(a.commit());
        write.await.unwrap().unwrap();
        assert_eq!(ids(&db).await, vec![1, 2]);
        a.await.unwrap().unwrap();
    }

    /// The writer a batch was left open for stops waiting (its request went away): the
    /// batch's watcher commits it, and its member hears so.
    #[tokio::test]
    async fn a_batch_left_for_a_writer_that_went_away_is_committed() {
        let (_dir, db) = db().await;
        let a = begun_with_row(&db, 1).await;
        let b = tokio::spawn({
            let db = db.clone();
            async move { db.begin().await.map(|_| ()) }
        });
        until_waiting(&db, 1).await;
        let mut commit = Box::pin(a.commit());
        assert!(
            (&mut commit).now_or_never().is_none(),
            "A committed alone while B waited"
        );
        b.abort();
        assert!(b.await.unwrap_err().is_cancelled(), "B never waited");
        let committed = tokio::time::timeout(Duration::from_secs(5), commit).await;
        committed.expect("nobody committed the batch").unwrap();
        assert_eq!(ids(&db).await, vec![1]);
    }

    /// A statement that makes SQLite roll back the whole transaction (here `OR ROLLBACK`)
    /// takes the batch's earlier members with it: they hear an error, never "committed", and
    /// the transaction's later statements are refused rather than run outside it.
    #[tokio::test]
    async fn a_batch_sqlite_rolled_back_fails_every_member() {
        let (_dir, db) = db().await;
        db.execute("INSERT INTO t (id, name) VALUES (9, 'dup')", vec![])
            .await
            .unwrap();
        let a = begun_with_row(&db, 1).await;
        let b = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                let conflict = tx
                    .execute("INSERT OR ROLLBACK INTO t (name) VALUES ('dup')", vec![])
                    .await;
                assert!(conflict.is_err());
                let after = tx.execute("INSERT INTO t (id) VALUES (2)", vec![]).await;
                assert!(after.is_err(), "a statement ran outside the transaction");
            }
        });
        until_waiting(&db, 1).await;
        let a = a.commit().await;
        assert!(
            a.is_err(),
            "A heard committed, but its rows were rolled back"
        );
        b.await.unwrap();
        assert_eq!(ids(&db).await, vec![9]);
    }

    /// Offloaded work (a report, a job) commits the open batch before it begins: the batch's
    /// members do not wait for a long transaction.
    #[tokio::test]
    async fn offloaded_work_commits_the_open_batch_before_it_begins() {
        let (_dir, db) = db().await;
        let a = begun_with_row(&db, 1).await;
        let (go, b_go) = tokio::sync::oneshot::channel::<()>();
        let b = tokio::spawn({
            let db = db.clone();
            offloaded(async move {
                let mut tx = db.begin().await.unwrap();
                tx.execute("INSERT INTO t (id) VALUES (2)", vec![])
                    .await
                    .unwrap();
                b_go.await.unwrap();
                tx.commit().await
            })
        });
        until_waiting(&db, 1).await;
        let committed = tokio::time::timeout(Duration::from_secs(2), a.commit()).await;
        committed
            .expect("A waited for the offloaded transaction")
            .unwrap();
        assert_eq!(ids(&db).await, vec![1]);
        go.send(()).unwrap();
        b.await.unwrap().unwrap();
        assert_eq!(ids(&db).await, vec![1, 2]);
    }
}
