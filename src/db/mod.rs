//! Database access for both backends.
//!
//! SQL is written once, with `$1`-style placeholders that both SQLite and PostgreSQL accept, and
//! run through [`Db`] / [`Tx`], which dispatch to PostgreSQL's sqlx driver or to Setia's own
//! SQLite executor ([`lite`]: statements run on the calling thread). Rows are decoded with
//! `#[derive(sqlx::FromRow, LiteRow)]`: one derive per backend, reading the same attributes.
//! sqlx's SQLite driver still applies the migrations and makes backups.
//!
//! SQLite gets one writer connection and separate read connections, so concurrent writes queue
//! in the app instead of failing with `SQLITE_BUSY`.

/// Runs one statement (`$run`, on the connection `$c`) on a connection leased from `$pool`
/// ([`pg::Connections`]), and gives the connection back after it ([`pg::Lease::give_back`]).
macro_rules! leased {
    ($pool:expr, |$c:ident| $run:expr) => {{
        let mut lease = $pool.acquire().await?;
        let $c = lease.conn();
        let result = $run.await;
        lease.give_back(&result);
        result
    }};
}

mod arg;
pub mod backup;
pub mod counter;
mod dialect;
pub mod lite;
mod pg;
pub mod schema;
mod sqlite_unicode;
mod text_enum;

pub use arg::{Arg, Args};
pub use setia_macros::LiteRow;

use crate::args;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use lite::{Lite, LiteTx};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use sqlx::{ConnectOptions as _, Connection as _, FromRow, Postgres, Transaction};

/// A row type that decodes on both backends.
pub trait Row: lite::FromRow + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static {}
impl<T> Row for T where T: lite::FromRow + for<'r> FromRow<'r, PgRow> + Send + Unpin + 'static {}

/// A scalar type that decodes on both backends.
pub trait Scalar:
    lite::Value + for<'r> sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres> + Send + Unpin + 'static
{
}
impl<T> Scalar for T where
    T: lite::Value
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
        + 'static
{
}

/// The database: a writer and a read-only pool on both backends, so that a write sent to a read
/// method fails at once on either (and not only on SQLite in production).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(Lite),
    Postgres {
        read: pg::Connections,
        write: PgPool,
        /// For [`counter::next`]: commits that do not wait for the disk.
        counters: pg::Connections,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub type DbResult<T> = Result<T, sqlx::Error>;

/// How hard SQLite works to keep a commit (`PRAGMA synchronous`; PostgreSQL ignores it).
/// In WAL mode `Normal` loses nothing when the process crashes, but the last commits before a
/// power loss or OS crash may be rolled back; `Full` syncs the WAL at every commit and survives
/// that too, at the price of one `fsync` per commit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Synchronous {
    #[default]
    Normal,
    Full,
}

impl TryFrom<String> for Synchronous {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "normal" => Ok(Synchronous::Normal),
            "full" => Ok(Synchronous::Full),
            _ => Err(format!(
                "sqlite_synchronous must be \"normal\" or \"full\", not {s:?}"
            )),
        }
    }
}

impl From<Synchronous> for String {
    fn from(s: Synchronous) -> String {
        match s {
            Synchronous::Normal => "normal".into(),
            Synchronous::Full => "full".into(),
        }
    }
}

/// Connection settings beyond the URL.
#[derive(Clone, Copy, Debug)]
pub struct ConnectOptions {
    pub sqlite_synchronous: Synchronous,
    /// Connections of the read pool (SQLite: idle ones kept, and offloaded reads at once).
    pub read_connections: u32,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            sqlite_synchronous: Synchronous::default(),
            read_connections: 8,
        }
    }
}

impl Db {
    /// Opens the database named by `url` (`sqlite://…` or `postgres://…`) with the default
    /// [`ConnectOptions`].
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        Db::connect_with(url, ConnectOptions::default()).await
    }

    /// Opens the database named by `url` with `options`.
    pub async fn connect_with(url: &str, options: ConnectOptions) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // No JIT: Setia's queries are short, and compiling a plan took longer (100 ms) than
            // running it.
            let opts = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
            let write = PgPoolOptions::new()
                .max_connections(10)
                .test_before_acquire(false)
                .acquire_timeout(pg::ACQUIRE_TIMEOUT)
                .connect_with(opts.clone())
                .await?;
            let read = pg::Connections::new(
                opts.clone()
                    .options([("default_transaction_read_only", "on")]),
                options.read_connections,
            );
            // A counter's commit need not wait for the disk: a number is used only by a
            // transaction that commits after it was taken (synchronously), and PostgreSQL
            // writes its log in order, so a number is on disk before anything that holds it.
            // Each is one short statement: a few connections serve every writer.
            let counters = pg::Connections::new(opts.options([("synchronous_commit", "off")]), 4);
            Ok(Db::Postgres {
                read,
                write,
                counters,
            })
        } else if url.starts_with("sqlite:") {
            // Setia's executor opens the file itself: an in-memory database or URL options
            // would be silently dropped, so they are refused.
            if url.contains('?') || url.contains(":memory:") {
                anyhow::bail!("an SQLite URL names a file only: sqlite://path/to/setia.db");
            }
            let path = SqliteConnectOptions::from_str(url)?
                .get_filename()
                .to_path_buf();
            let lite = Lite::open(
                &path,
                options.sqlite_synchronous,
                options.read_connections as usize,
            )?;
            Ok(Db::Sqlite(lite))
        } else {
            anyhow::bail!("unsupported database URL (use sqlite://… or postgres://…)")
        }
    }

    /// The URL of an SQLite file inside `dir`.
    pub fn sqlite_url(dir: &Path) -> String {
        format!("sqlite://{}", dir.join("setia.db").display())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres { .. } => Backend::Postgres,
        }
    }

    /// This build's migrations for the connected backend.
    fn migrator(&self) -> sqlx::migrate::Migrator {
        match self {
            Db::Sqlite(_) => sqlx::migrate!("migrations/sqlite"),
            Db::Postgres { .. } => sqlx::migrate!("migrations/postgres"),
        }
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.run_migrator(self.migrator()).await
    }

    /// Applies the migrations up to and including `version` only: for tests that fill a
    /// database as an older release left it and then migrate it. (Builds the migrator from its
    /// fields, which sqlx marks semver-exempt; sqlx is pinned to 0.8.6.)
    pub async fn migrate_through(&self, version: i64) -> anyhow::Result<()> {
        let all = self.migrator();
        let migrations: Vec<_> = all
            .migrations
            .iter()
            .filter(|x| x.version <= version)
            .cloned()
            .collect();
        self.run_migrator(sqlx::migrate::Migrator {
            migrations: migrations.into(),
            ..all
        })
        .await
    }

    /// Applies `migrator` with sqlx (on SQLite through a connection of its own, closed after).
    pub async fn run_migrator(&self, migrator: sqlx::migrate::Migrator) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(lite) => {
                let mut conn = SqliteConnectOptions::new()
                    .filename(lite.path())
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .connect()
                    .await?;
                unicode_lower(&mut conn).await?;
                let result = migrator.run(&mut conn).await;
                conn.close().await?;
                result?;
            }
            Db::Postgres { write, .. } => migrator.run(write).await?,
        }
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(lite) => lite.close().await,
            Db::Postgres {
                read,
                write,
                counters,
            } => {
                counters.close().await;
                read.close().await;
                write.close().await;
            }
        }
    }

    /// Whether the database answers (readiness checks).
    pub async fn ping(&self) -> DbResult<()> {
        self.scalar::<i64>("SELECT CAST(1 AS BIGINT)", vec![])
            .await
            .map(|_| ())
    }

    pub async fn begin(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(lite) => Tx::Sqlite(lite.begin().await?),
            Db::Postgres {
                write, counters, ..
            } => Tx::Postgres(write.begin().await?, counters.clone()),
        })
    }

    /// Runs a statement on the writer; returns the number of affected rows.
    pub async fn execute(&self, sql: &str, args: Args) -> DbResult<u64> {
        match self {
            Db::Sqlite(lite) => {
                let sql = sql.to_owned();
                lite.write(move |c| lite::execute(c, &sql, &args)).await
            }
            Db::Postgres { write, .. } => arg::pg_query(sql, args)
                .execute(write)
                .await
                .map(|r| r.rows_affected()),
        }
    }

    pub async fn fetch_all<T: Row>(&self, sql: &str, args: Args) -> DbResult<Vec<T>> {
        match self {
            Db::Sqlite(lite) => {
                let sql = sql.to_owned();
                lite.read(move |c| lite::all(c, &sql, &args)).await
            }
            Db::Postgres { read, .. } => {
                leased!(read, |c| arg::pg_query_as(sql, args).fetch_all(c))
            }
        }
    }

    /// [`Db::fetch_all`] for a page read far more often than the data changes: on SQLite each
    /// read connection remembers the rows until anything is committed (`lite::memo`). Only
    /// for a statement whose rows depend on the data and `args` alone, none that reads the
    /// clock or `random()`. PostgreSQL reads them every time (other instances may write).
    pub async fn fetch_all_remembered<T: Row + Clone>(
        &self,
        sql: &str,
        args: Args,
    ) -> DbResult<Vec<T>> {
        match self {
            Db::Sqlite(lite) => {
                let sql = sql.to_owned();
                lite.read(move |c| c.remembered(&sql, &args)).await
            }
            Db::Postgres { .. } => self.fetch_all(sql, args).await,
        }
    }

    pub async fn fetch_optional<T: Row>(&self, sql: &str, args: Args) -> DbResult<Option<T>> {
        match self {
            Db::Sqlite(lite) => {
                let sql = sql.to_owned();
                lite.read(move |c| lite::optional(c, &sql, &args)).await
            }
            Db::Postgres { read, .. } => {
                leased!(read, |c| arg::pg_query_as(sql, args).fetch_optional(c))
            }
        }
    }

    pub async fn fetch_one<T: Row>(&self, sql: &str, args: Args) -> DbResult<T> {
        match self {
            Db::Sqlite(lite) => {
                let sql = sql.to_owned();
                lite.read(move |c| lite::optional(c, &sql, &args))
                    .await?
                    .ok_or(sqlx::Error::RowNotFound)
            }
            Db::Postgres { read, .. } => {
                leased!(read, |c| arg::pg_query_as(sql, args).fetch_one(c))
            }
        }
    }

    pub async fn scalar<T: Scalar>(&self, sql: &str, args: Args) -> DbResult<T> {
        match self {
            Db::Sqlite(lite) => {
                let sql = sql.to_owned();
                lite.read(move |c| lite::scalar(c, &sql, &args)).await
            }
            Db::Postgres { read, .. } => {
                leased!(read, |c| arg::pg_query_scalar(sql, args).fetch_one(c))
            }
        }
    }

    /// Runs `sql` on the writer and returns one value (e.g. `INSERT … RETURNING id`).
    pub async fn insert_returning<T: Scalar>(&self, sql: &str, args: Args) -> DbResult<T> {
        match self {
            Db::Sqlite(lite) => {
                let sql = sql.to_owned();
                lite.write(move |c| lite::scalar(c, &sql, &args)).await
            }
            Db::Postgres { write, .. } => arg::pg_query_scalar(sql, args).fetch_one(write).await,
        }
    }
}

async fn unicode_lower(conn: &mut SqliteConnection) -> DbResult<()> {
    let mut handle = conn.lock_handle().await?;
    sqlite_unicode::register(handle.as_raw_handle())
}

/// A transaction on the writer.
pub enum Tx {
    Sqlite(LiteTx),
    Postgres(
        Transaction<'static, Postgres>,
        /// The database's counters' connections ([`counter::next`]).
        pg::Connections,
    ),
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(..) => Backend::Postgres,
        }
    }

    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t, _) => t.commit().await,
        }
    }

    pub async fn execute(&mut self, sql: &str, args: Args) -> DbResult<u64> {
        match self {
            Tx::Sqlite(t) => {
                let sql = sql.to_owned();
                t.run(move |c| lite::execute(c, &sql, &args)).await
            }
            Tx::Postgres(t, _) => arg::pg_query(sql, args)
                .execute(&mut **t)
                .await
                .map(|r| r.rows_affected()),
        }
    }

    /// Runs `sql` in this transaction at the latest when it commits, for writes to a full-text
    /// index: on SQLite with the writer's batch, after every member's statements and just
    /// before its COMMIT (FTS5 writes out what it holds at each member's savepoint, which
    /// tripled the cost of a message's index rows; bench/README.md, finding 48); on PostgreSQL
    /// now. The transaction must not read what it writes, and the statement must not fail
    /// whatever the data (on SQLite it would fail the batch's COMMIT, every member's): write
    /// keys that cannot collide, or replace ([`Backend::full_text_replace`]).
    ///
    /// The batch's held statements run ordered by `order`, those of one `order` in the order
    /// they were left: pass what orders the index's keys (a ticket's id), as FTS5 also writes
    /// out what it holds whenever a key is not above the one before (replies to scattered
    /// tickets: 42–68 µs an insert as left, 23–28 sorted; finding 49).
    pub async fn execute_at_commit(&mut self, sql: &str, args: Args, order: i64) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => {
                t.at_commit(order, sql.to_owned(), args);
                Ok(())
            }
            Tx::Postgres(..) => self.execute(sql, args).await.map(drop),
        }
    }

    pub async fn fetch_all<T: Row>(&mut self, sql: &str, args: Args) -> DbResult<Vec<T>> {
        match self {
            Tx::Sqlite(t) => {
                let sql = sql.to_owned();
                t.run(move |c| lite::all(c, &sql, &args)).await
            }
            Tx::Postgres(t, _) => arg::pg_query_as(sql, args).fetch_all(&mut **t).await,
        }
    }

    pub async fn fetch_optional<T: Row>(&mut self, sql: &str, args: Args) -> DbResult<Option<T>> {
        match self {
            Tx::Sqlite(t) => {
                let sql = sql.to_owned();
                t.run(move |c| lite::optional(c, &sql, &args)).await
            }
            Tx::Postgres(t, _) => arg::pg_query_as(sql, args).fetch_optional(&mut **t).await,
        }
    }

    pub async fn scalar<T: Scalar>(&mut self, sql: &str, args: Args) -> DbResult<T> {
        match self {
            Tx::Sqlite(t) => {
                let sql = sql.to_owned();
                t.run(move |c| lite::scalar(c, &sql, &args)).await
            }
            Tx::Postgres(t, _) => arg::pg_query_scalar(sql, args).fetch_one(&mut **t).await,
        }
    }
}

impl Tx {
    /// Serialises the writers of `table` until the transaction ends, for a rule that spans
    /// rows ("a customer is asked at most once per 90 days"): PostgreSQL takes a lock that
    /// conflicts with itself but not with readers; SQLite's single writer already serialises.
    pub async fn lock_table(&mut self, table: &'static str) -> DbResult<()> {
        if let Tx::Postgres(t, _) = self {
            arg::pg_query(
                &format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"),
                args![],
            )
            .execute(&mut **t)
            .await?;
        }
        Ok(())
    }

    /// Locks the row `id` of `table` until the transaction ends, so that a value derived from
    /// other rows (a customer's status from its subscriptions) is computed from what no one else
    /// is changing. PostgreSQL: `SELECT … FOR UPDATE`; SQLite's single writer already serialises
    /// write transactions.
    pub async fn lock_row(&mut self, table: &'static str, id: i64) -> DbResult<()> {
        if let Tx::Postgres(t, _) = self {
            arg::pg_query(
                &format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE"),
                args![id],
            )
            .execute(&mut **t)
            .await?;
        }
        Ok(())
    }
}

/// One executor over the database and a transaction: store functions take
/// `impl Into<Conn<'_>>`, so a caller passes `&db` or `&mut tx` and no function exists twice.
/// Outside a transaction, reads go to the read-only pool and writes to the writer.
pub enum Conn<'a> {
    Db(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Conn<'a> {
    fn from(db: &'a Db) -> Self {
        Conn::Db(db)
    }
}

impl<'a> From<&'a mut Tx> for Conn<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Conn::Tx(tx)
    }
}

impl Conn<'_> {
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Db(db) => db.backend(),
            Conn::Tx(tx) => tx.backend(),
        }
    }

    /// A write; returns the number of affected rows.
    pub async fn execute(&mut self, sql: &str, args: Args) -> DbResult<u64> {
        match self {
            Conn::Db(db) => db.execute(sql, args).await,
            Conn::Tx(tx) => tx.execute(sql, args).await,
        }
    }

    /// A write that returns one value (`INSERT … RETURNING id`).
    pub async fn insert_returning<T: Scalar>(&mut self, sql: &str, args: Args) -> DbResult<T> {
        match self {
            Conn::Db(db) => db.insert_returning(sql, args).await,
            Conn::Tx(tx) => tx.scalar(sql, args).await,
        }
    }

    pub async fn fetch_all<T: Row>(&mut self, sql: &str, args: Args) -> DbResult<Vec<T>> {
        match self {
            Conn::Db(db) => db.fetch_all(sql, args).await,
            Conn::Tx(tx) => tx.fetch_all(sql, args).await,
        }
    }

    pub async fn fetch_optional<T: Row>(&mut self, sql: &str, args: Args) -> DbResult<Option<T>> {
        match self {
            Conn::Db(db) => db.fetch_optional(sql, args).await,
            Conn::Tx(tx) => tx.fetch_optional(sql, args).await,
        }
    }

    pub async fn fetch_one<T: Row>(&mut self, sql: &str, args: Args) -> DbResult<T> {
        self.fetch_optional(sql, args)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    pub async fn scalar<T: Scalar>(&mut self, sql: &str, args: Args) -> DbResult<T> {
        match self {
            Conn::Db(db) => db.scalar(sql, args).await,
            Conn::Tx(tx) => tx.scalar(sql, args).await,
        }
    }
}

/// Whether `err` is a unique-constraint violation (so it can become a field error, not a 500).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(e) if e.is_unique_violation())
}

/// For a unique violation, the columns of the violated constraint: from SQLite's message
/// (`UNIQUE constraint failed: users.phone`) or PostgreSQL's detail (`Key (phone)=(…) already
/// exists.`). `None` for any other error.
pub fn unique_violation_columns(err: &sqlx::Error) -> Option<Vec<String>> {
    let sqlx::Error::Database(e) = err else {
        return None;
    };
    if !e.is_unique_violation() {
        return None;
    }
    if let Some(pg) = e.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        let detail = pg.detail()?;
        let inner = detail.strip_prefix("Key (")?.split(")=").next()?;
        return Some(inner.split(',').map(|c| c.trim().to_string()).collect());
    }
    let cols = e.message().split_once("failed: ")?.1;
    Some(
        cols.split(',')
            .map(|c| c.trim().rsplit('.').next().unwrap_or("").to_string())
            .collect(),
    )
}

/// Lower-cases `s` and escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A `LIKE` pattern matching `s` anywhere: `%s%`.
pub fn like_pattern(s: &str) -> String {
    format!("%{}%", like_escaped(s))
}

/// A `LIKE` pattern matching values that start with `s`.
pub fn like_prefix(s: &str) -> String {
    format!("{}%", like_escaped(s))
}

/// SQLite's plan for `sql`, one step per line as `EXPLAIN QUERY PLAN` prints it, on a fresh
/// migrated database: one without `ANALYZE` statistics, as a real office's never has them.
#[cfg(test)]
pub async fn sqlite_plan_without_statistics(sql: &str, args: Args) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&Db::sqlite_url(dir.path())).await.unwrap();
    db.migrate().await.unwrap();
    let plan: Vec<(i64, i64, i64, String)> = db
        .fetch_all(&format!("EXPLAIN QUERY PLAN {sql}"), args)
        .await
        .unwrap();
    plan.into_iter().map(|step| step.3).collect()
}
