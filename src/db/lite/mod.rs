//! Setia's SQLite executor: statements run on the calling thread, on a connection taken from a
//! small pool, instead of being handed to a connection's own thread and back for every statement
//! and every row (sqlx's SQLite driver; the hand-offs were most of a page's CPU time, bench
//! finding 1). A Setia statement runs in microseconds, less than a thread wake-up.
//!
//! - Reads take an idle read-only connection (or open one) and put it back. A read here runs
//!   to its end without yielding, so at most one per runtime thread is open at a time: few
//!   connections, each with a large page cache ([`CACHE_KIB`]). Inside [`shared_reads`] (every
//!   page) the reads of one stretch of a request share a connection and a read transaction.
//! - The one writer connection is behind an async mutex: a transaction holds it until it
//!   commits or is dropped (dropped means rolled back), so the writers of one process queue in
//!   the app; transactions that queue share one COMMIT ([`writer`]: group commit). Another
//!   process writing the same file (`setia worker` run apart) makes `BEGIN` busy; that wait is
//!   asynchronous too ([`BUSY_WAIT`]).
//! - Long work (the dashboard, reports, jobs) runs inside [`offloaded`]: its statements go to
//!   tokio's blocking threads, so that it does not hold a runtime thread.
//!
//! Rows decode with [`FromRow`] (`#[derive(LiteRow)]` beside `sqlx::FromRow`); values with
//! [`Value`], which reads what sqlx's SQLite driver wrote and binds as it did, so files made by
//! either are one format. A NULL read into a field that is not an `Option` is an error, as on
//! PostgreSQL (sqlx's SQLite driver read it as 0 or ""). Errors come back as `sqlx::Error`, so
//! callers see one error type on both backends.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, OpenFlags, ToSql};
use sqlx::error::{BoxDynError, DatabaseError, ErrorKind};
use tokio::sync::Mutex as AsyncMutex;

use super::{Arg, DbResult, Synchronous};

use memo::Reader;
pub use rusqlite::types::ValueRef;
pub use snapshot::{fresh_snapshot, shared_reads};
pub use writer::LiteTx;
use writer::WriterState;

mod memo;
mod snapshot;
mod writer;

/// Prepared statements kept per connection (Setia has about 400 distinct statements; a page
/// uses a handful).
const STATEMENT_CACHE: usize = 128;

/// The page cache of the writer and of each connection reading on a runtime thread. SQLite's
/// default (2 MB) made a search for a common word read its full-text index from the file again
/// and again (a third of the CPU copying pages in the kernel); 8 MB serves it as well as 16 MB,
/// whose resident caches took the login flood from 98 to 128 MB.
const CACHE_KIB: u32 = 8 * 1024;

/// The page cache of each connection of offloaded reads. A report reads a year of rows once
/// and may run several reads side by side: with 16 MB each, 16 dashboards took 400 MB. It is
/// emptied after each statement (finding 50): up to eight idle connections kept theirs full,
/// and a report's or a job's next statement reads the pages from the system's file cache.
const OFFLOADED_CACHE_KIB: u32 = 2 * 1024;

/// How long a write waits for the writer: this process's other writers (the queue) or another
/// process's (`SQLITE_BUSY`). Beyond it the write fails with `PoolTimedOut`, as sqlx's pool did.
pub const BUSY_WAIT: Duration = Duration::from_secs(30);

/// A struct or tuple decoded from one row.
pub trait FromRow: Sized {
    fn from_row(row: &Row<'_, '_>) -> DbResult<Self>;
}

/// A value decoded from one column.
pub trait Value: Sized {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError>;
}

/// One row of a result, read by column name or position.
pub struct Row<'s, 'r> {
    row: &'r rusqlite::Row<'s>,
    /// The statement's column names, read once per statement: asking SQLite for them per
    /// field and row was a third of a list page's CPU time.
    names: &'r [String],
}

impl Row<'_, '_> {
    pub fn get<T: Value>(&self, column: &str) -> DbResult<T> {
        let index = self
            .names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| sqlx::Error::ColumnNotFound(column.to_string()))?;
        self.decode(index, column)
    }

    /// As [`Row::get`], looking at position `hint` first: a struct's fields usually come in the
    /// order of the statement's columns (finding the name among 29 columns of 50 rows took
    /// more than reading the values).
    pub fn get_near<T: Value>(&self, column: &str, hint: usize) -> DbResult<T> {
        if self.names.get(hint).is_some_and(|n| n == column) {
            return self.decode(hint, column);
        }
        self.get(column)
    }

    pub fn at<T: Value>(&self, index: usize) -> DbResult<T> {
        self.decode(index, &index.to_string())
    }

    fn decode<T: Value>(&self, index: usize, name: &str) -> DbResult<T> {
        let value = self
            .row
            .get_ref(index)
            .map_err(|_| sqlx::Error::ColumnIndexOutOfBounds {
                index,
                len: self.names.len(),
            })?;
        T::decode(value).map_err(|source| sqlx::Error::ColumnDecode {
            index: name.to_string(),
            source,
        })
    }
}

macro_rules! tuple_rows {
    ($($n:literal => $t:ident),+) => {
        impl<$($t: Value),+> FromRow for ($($t,)+) {
            fn from_row(row: &Row<'_, '_>) -> DbResult<Self> {
                Ok(($(row.at::<$t>($n)?,)+))
            }
        }
    };
}

tuple_rows!(0 => A);
tuple_rows!(0 => A, 1 => B);
tuple_rows!(0 => A, 1 => B, 2 => C);
tuple_rows!(0 => A, 1 => B, 2 => C, 3 => D);
tuple_rows!(0 => A, 1 => B, 2 => C, 3 => D, 4 => E);
tuple_rows!(0 => A, 1 => B, 2 => C, 3 => D, 4 => E, 5 => F);
tuple_rows!(0 => A, 1 => B, 2 => C, 3 => D, 4 => E, 5 => F, 6 => G);
tuple_rows!(0 => A, 1 => B, 2 => C, 3 => D, 4 => E, 5 => F, 6 => G, 7 => H);

fn unexpected(value: ValueRef<'_>, wanted: &str) -> BoxDynError {
    format!("expected {wanted}, found {:?}", value.data_type()).into()
}

impl<T: Value> Value for Option<T> {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Null => Ok(None),
            v => T::decode(v).map(Some),
        }
    }
}

impl Value for i64 {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Integer(i) => Ok(i),
            v => Err(unexpected(v, "an integer")),
        }
    }
}

impl Value for i32 {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(i32::try_from(i64::decode(value)?)?)
    }
}

impl Value for u32 {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(u32::try_from(i64::decode(value)?)?)
    }
}

impl Value for bool {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(i64::decode(value)? != 0)
    }
}

impl Value for f64 {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            v => Err(unexpected(v, "a number")),
        }
    }
}

/// The text a value holds, borrowed; anything else is an error naming what was `wanted`.
fn text<'a>(value: ValueRef<'a>, wanted: &str) -> Result<&'a str, BoxDynError> {
    match value {
        ValueRef::Text(t) => Ok(std::str::from_utf8(t)?),
        v => Err(unexpected(v, wanted)),
    }
}

impl Value for String {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        text(value, "text").map(str::to_owned)
    }
}

impl Value for Vec<u8> {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        match value {
            ValueRef::Blob(b) | ValueRef::Text(b) => Ok(b.to_vec()),
            v => Err(unexpected(v, "bytes")),
        }
    }
}

impl Value for NaiveDate {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(NaiveDate::parse_from_str(text(value, "a date")?, "%F")?)
    }
}

/// Times as sqlx's SQLite driver writes them (RFC 3339), and as SQLite's own functions do
/// (`2026-11-29 08:00:00`, read as UTC).
impl Value for DateTime<Utc> {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        if let ValueRef::Integer(secs) = value {
            return DateTime::from_timestamp(secs, 0).ok_or_else(|| "invalid timestamp".into());
        }
        let text = text(value, "a time")?;
        if let Some(t) = utc_time(text.as_bytes()) {
            return Ok(t);
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(t.with_timezone(&Utc));
        }
        ["%F %T%.f", "%FT%T%.f", "%F %R"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .map(|t| t.and_utc())
            .ok_or_else(|| format!("invalid time {text:?}").into())
    }
}

/// A time in UTC as Setia writes it, `2026-11-29T21:00:05.250+00:00` (or ending in `Z`, with
/// up to nine digits of a second or none), read without chrono's general parser: a list page
/// reads hundreds of times, and that parser was a sixth of decoding its rows. Anything else
/// (another offset, `-00:00`, a leap second, lowercase `t` or `z`, more than nine digits,
/// SQLite's own format) is left to it: `None`.
fn utc_time(b: &[u8]) -> Option<DateTime<Utc>> {
    let number = |from: usize, to: usize| {
        b.get(from..to)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
        return None;
    }
    let mut end = 19;
    let mut nanos = 0;
    if at(end, b'.') {
        let digits = b[end + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        nanos = number(end + 1, end + 1 + digits)? * 10u32.pow(9 - digits as u32);
        end += 1 + digits;
    }
    if !matches!(b.get(end..)?, b"Z" | b"+00:00") {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(number(0, 4)? as i32, number(5, 7)?, number(8, 10)?)?;
    let time = chrono::NaiveTime::from_hms_nano_opt(
        number(11, 13)?,
        number(14, 16)?,
        number(17, 19)?,
        nanos,
    )?;
    Some(date.and_time(time).and_utc())
}

impl Value for crate::types::Rupiah {
    fn decode(value: ValueRef<'_>) -> Result<Self, BoxDynError> {
        i64::decode(value).map(crate::types::Rupiah)
    }
}

/// Binds as sqlx's SQLite driver did, so stored text compares the same.
impl ToSql for Arg {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::Value as V;
        Ok(match self {
            Arg::I64(Some(v)) => ToSqlOutput::Owned(V::Integer(*v)),
            Arg::Str(Some(s)) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Arg::Bool(Some(b)) => ToSqlOutput::Owned(V::Integer(i64::from(*b))),
            Arg::Time(Some(t)) => {
                ToSqlOutput::Owned(V::Text(t.to_rfc3339_opts(SecondsFormat::AutoSi, false)))
            }
            Arg::Date(Some(d)) => ToSqlOutput::Owned(V::Text(d.format("%F").to_string())),
            Arg::F64(Some(f)) => ToSqlOutput::Owned(V::Real(*f)),
            Arg::Bytes(Some(b)) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            _ => ToSqlOutput::Owned(V::Null),
        })
    }
}

/// An SQLite failure as sqlx reports one (`is_unique_violation`, the message naming the
/// columns).
#[derive(Debug, Clone)]
struct Failure {
    code: i32,
    message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl std::error::Error for Failure {}

impl DatabaseError for Failure {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.code.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        use libsqlite3_sys as ffi;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

fn failed(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(f, message) => sqlx::Error::Database(Box::new(Failure {
            code: f.extended_code,
            message: message.unwrap_or_else(|| f.to_string()),
        })),
        rusqlite::Error::QueryReturnedNoRows => sqlx::Error::RowNotFound,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

fn closed() -> sqlx::Error {
    sqlx::Error::PoolClosed
}

/// Runs `sql` with `args` on `conn`, handing rows to `each` while it returns `true`; returns the
/// rows changed. `$n` placeholders bind the n-th argument wherever they appear, as on
/// PostgreSQL; a missing argument is an error.
pub(super) fn run(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
    mut each: impl FnMut(&Row<'_, '_>) -> DbResult<bool>,
) -> DbResult<u64> {
    #[cfg(debug_assertions)]
    single_statement(conn, sql)?;
    let mut stmt = conn.prepare_cached(sql).map_err(failed)?;
    for i in 1..=stmt.parameter_count() {
        let n = match stmt.parameter_name(i) {
            None => Some(i),
            Some(name) => name
                .strip_prefix(['$', '?'])
                .and_then(|n| n.parse::<usize>().ok()),
        };
        let arg = n.and_then(|n| args.get(n.checked_sub(1)?)).ok_or_else(|| {
            sqlx::Error::Protocol(format!(
                "parameter {:?} has no argument ({} given)",
                stmt.parameter_name(i).unwrap_or("?"),
                args.len()
            ))
        })?;
        stmt.raw_bind_parameter(i, arg).map_err(failed)?;
    }
    // A name the statement repeats (a join's two `id`s) is kept at its last place only: that
    // column is the one read by name, as sqlx reads it on PostgreSQL.
    let all = stmt.column_names();
    let names: Vec<String> = all
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if all[i + 1..].contains(name) {
                String::new()
            } else {
                name.to_string()
            }
        })
        .collect();
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next().map_err(failed)? {
        if !each(&Row { row, names: &names })? {
            break;
        }
    }
    Ok(conn.changes())
}

/// Refuses text holding more than one statement, which [`run`] would run only the first of
/// (sqlx ran them all). Checked in debug builds, so the tests find such a call.
#[cfg(debug_assertions)]
fn single_statement(conn: &Connection, sql: &str) -> DbResult<()> {
    let mut batch = rusqlite::Batch::new(conn, sql);
    let mut statements = 0;
    while batch.next().map_err(failed)?.is_some() {
        statements += 1;
    }
    if statements > 1 {
        return Err(sqlx::Error::Protocol(format!(
            "one statement at a time, not {statements}: {sql}"
        )));
    }
    Ok(())
}

pub(super) fn all<T: FromRow>(conn: &Connection, sql: &str, args: &[Arg]) -> DbResult<Vec<T>> {
    let mut out = Vec::new();
    run(conn, sql, args, |row| {
        out.push(T::from_row(row)?);
        Ok(true)
    })?;
    Ok(out)
}

/// The first row, if any; the rest are not read.
pub(super) fn optional<T: FromRow>(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
) -> DbResult<Option<T>> {
    let mut out = None;
    run(conn, sql, args, |row| {
        out = Some(T::from_row(row)?);
        Ok(false)
    })?;
    Ok(out)
}

pub(super) fn scalar<T: Value>(conn: &Connection, sql: &str, args: &[Arg]) -> DbResult<T> {
    optional::<(T,)>(conn, sql, args)?
        .map(|(v,)| v)
        .ok_or(sqlx::Error::RowNotFound)
}

pub(super) fn execute(conn: &Connection, sql: &str, args: &[Arg]) -> DbResult<u64> {
    run(conn, sql, args, |_| Ok(true))
}

fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d)
        if d.try_downcast_ref::<Failure>().is_some_and(|f| f.code & 0xff == libsqlite3_sys::SQLITE_BUSY))
}

/// Whether this task runs inside [`offloaded`].
fn is_offloaded() -> bool {
    OFFLOADED.try_with(|_| ()).is_ok()
}

/// Runs `f` on a blocking thread; a panic there continues here.
async fn blocking<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

struct Inner {
    path: PathBuf,
    synchronous: Synchronous,
    /// Connections for reads on the runtime's threads.
    inline: Readers,
    /// Connections for offloaded reads, at most `offload_slots` of them at once.
    offloaded: Readers,
    offload_slots: tokio::sync::Semaphore,
    writer: Arc<AsyncMutex<WriterState>>,
    /// Writers waiting for `writer`: a committing transaction leaves its batch open for them.
    writers_waiting: AtomicUsize,
    closed: AtomicBool,
}

/// Idle read connections of one kind, the page cache each may fill, and whether it is emptied
/// after each use.
struct Readers {
    idle: Mutex<Vec<Reader>>,
    max_idle: usize,
    cache_kib: u32,
    shrink: bool,
}

impl Readers {
    fn new(max_idle: usize, cache_kib: u32, shrink: bool) -> Readers {
        Readers {
            idle: Mutex::new(Vec::new()),
            max_idle,
            cache_kib,
            shrink,
        }
    }

    /// An idle connection, or a new one; `PoolClosed` once the database is closed.
    fn take(&self, inner: &Inner) -> DbResult<Reader> {
        if inner.closed.load(Ordering::SeqCst) {
            return Err(closed());
        }
        let idle = self.idle.lock().expect("idle list").pop();
        match idle {
            Some(c) => Ok(c),
            None => connect(&inner.path, inner.synchronous, true, self.cache_kib).map(Reader::new),
        }
    }

    /// Keeps `conn` for the next read, unless enough are idle or the database closed.
    fn give_back(&self, inner: &Inner, conn: Reader) {
        if self.shrink {
            // Frees what the page cache holds; a failure costs only the memory.
            let _ = conn.execute_batch("PRAGMA shrink_memory");
        }
        let mut idle = self.idle.lock().expect("idle list");
        if idle.len() < self.max_idle && !inner.closed.load(Ordering::SeqCst) {
            idle.push(conn);
        }
    }
}

tokio::task_local! {
    static OFFLOADED: ();
}

/// Runs `work` with its SQLite statements on tokio's blocking threads (one hand-off per
/// statement, as sqlx's driver did for every statement): for work whose statements take
/// milliseconds, so that a few of them at once do not stall every other request.
pub async fn offloaded<F: std::future::Future>(work: F) -> F::Output {
    OFFLOADED.scope((), work).await
}

/// An SQLite database: read connections and the writer (see the module's documentation).
#[derive(Clone)]
pub struct Lite {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Lite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lite")
            .field("path", &self.inner.path)
            .finish()
    }
}

impl Lite {
    /// Opens (creating if needed) the database file at `path` in WAL mode.
    pub fn open(path: &Path, synchronous: Synchronous, max_idle: usize) -> DbResult<Lite> {
        let writer = connect(path, synchronous, false, CACHE_KIB)?;
        writer
            .pragma_update(None, "journal_mode", "wal")
            .map_err(failed)?;
        Ok(Lite {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                synchronous,
                inline: Readers::new(max_idle, CACHE_KIB, false),
                offloaded: Readers::new(max_idle, OFFLOADED_CACHE_KIB, true),
                offload_slots: tokio::sync::Semaphore::new(max_idle.max(1)),
                writer: Arc::new(AsyncMutex::new(WriterState::new(writer))),
                writers_waiting: AtomicUsize::new(0),
                closed: AtomicBool::new(false),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on a read connection: here (the scope's inside [`shared_reads`]), or on a
    /// blocking thread inside [`offloaded`].
    pub(super) async fn read<R, F>(&self, f: F) -> DbResult<R>
    where
        F: FnOnce(&Reader) -> DbResult<R> + Send + 'static,
        R: Send + 'static,
    {
        if is_offloaded() {
            let _slot = self
                .inner
                .offload_slots
                .acquire()
                .await
                .map_err(|_| closed())?;
            let inner = self.inner.clone();
            blocking(move || {
                let result = with_reader(&inner, &inner.offloaded, f);
                crate::memory::release_thread_heap();
                result
            })
            .await
        } else {
            match snapshot::run(&self.inner, f) {
                Ok(result) => result,
                Err(f) => with_reader(&self.inner, &self.inner.inline, f),
            }
        }
    }

    /// Closes every connection (the open batch committed); later statements fail with
    /// `PoolClosed`.
    pub(super) async fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        for readers in [&self.inner.inline, &self.inner.offloaded] {
            readers.idle.lock().expect("idle list").clear();
        }
        self.close_writer().await;
    }
}

fn with_reader<R>(
    inner: &Inner,
    readers: &Readers,
    f: impl FnOnce(&Reader) -> DbResult<R>,
) -> DbResult<R> {
    let conn = readers.take(inner)?;
    let result = f(&conn);
    readers.give_back(inner, conn);
    result
}

fn connect(
    path: &Path,
    synchronous: Synchronous,
    read_only: bool,
    cache_kib: u32,
) -> DbResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX
        | if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        };
    let conn = Connection::open_with_flags(path, flags).map_err(failed)?;
    // The writer waits for another process's writer asynchronously (`run_retrying`); a reader
    // is kept waiting only while a crashed writer's WAL is recovered.
    let busy = if read_only { 10_000 } else { 10 };
    conn.busy_timeout(Duration::from_millis(busy))
        .map_err(failed)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let sync = match synchronous {
        Synchronous::Normal => "NORMAL",
        Synchronous::Full => "FULL",
    };
    // The writer's temporary storage in memory: its savepoints (one per transaction of a batch)
    // journal the pages they change there. Readers keep the default, a file for large sorts.
    let temp_store = if read_only { "DEFAULT" } else { "MEMORY" };
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = {sync}; PRAGMA cache_size = -{cache_kib}; \
         PRAGMA temp_store = {temp_store};"
    ))
    .map_err(failed)?;
    // SAFETY: the handle is this open connection's, used on this thread only.
    let handle = unsafe { conn.handle() };
    super::sqlite_unicode::register(std::ptr::NonNull::new(handle).ok_or_else(closed)?)?;
    Ok(conn)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::args;
    use crate::db::{is_unique_violation, Db};

    /// A database with one table, `t`.
    pub(in crate::db::lite) async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&Db::sqlite_url(dir.path())).await.unwrap();
        db.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, at TEXT, day TEXT)",
            vec![],
        )
        .await
        .unwrap();
        (dir, db)
    }

    #[tokio::test]
    async fn placeholders_bind_by_number_wherever_they_stand() {
        let (_dir, db) = db().await;
        let got: (String, i64, i64) = db
            .fetch_one("SELECT $2, $1, $1 + 1", args![7, "dua"])
            .await
            .unwrap();
        assert_eq!(got, ("dua".into(), 7, 8));
        let missing = db.scalar::<i64>("SELECT $2", args![1]).await;
        assert!(
            missing.is_err(),
            "a missing argument is an error: {missing:?}"
        );
    }

    /// Times and dates are stored as sqlx's driver stored them, so rows written before this
    /// executor sort and compare with new ones.
    #[tokio::test]
    async fn times_are_stored_as_sqlx_stored_them() {
        let (_dir, db) = db().await;
        let at = DateTime::parse_from_rfc3339("2026-11-29T21:00:05.25Z")
            .unwrap()
            .with_timezone(&Utc);
        let day = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        db.execute(
            "INSERT INTO t (id, at, day) VALUES (1, $1, $2)",
            args![at, day],
        )
        .await
        .unwrap();
        let stored: (String, String) = db.fetch_one("SELECT at, day FROM t", vec![]).await.unwrap();
        assert_eq!(
            stored,
            ("2026-11-29T21:00:05.250+00:00".into(), "2026-11-29".into())
        );
        let back: (DateTime<Utc>, NaiveDate) =
            db.fetch_one("SELECT at, day FROM t", vec![]).await.unwrap();
        assert_eq!(back, (at, day));
        // What SQLite's own functions write reads as UTC.
        let own: DateTime<Utc> = db
            .scalar("SELECT datetime('2026-11-29 08:00:00')", vec![])
            .await
            .unwrap();
        assert_eq!(own.to_rfc3339(), "2026-11-29T08:00:00+00:00");
    }

    /// The fast reading of Setia's own times agrees with chrono's parser, and leaves to it
    /// what it does not read.
    #[test]
    fn utc_times_read_as_chrono_reads_them() {
        for text in [
            "2026-11-29T21:00:05+00:00",
            "2026-11-29T21:00:05Z",
            "2026-11-29T21:00:05.250+00:00",
            "2026-11-29T21:00:05.2Z",
            "2026-11-29T21:00:05.123456+00:00",
            "2026-11-29T21:00:05.123456789+00:00",
            "2024-02-29T00:00:00+00:00",
            "0999-01-01T23:59:59.9Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(utc_time(text.as_bytes()), Some(chrono), "{text}");
        }
        for text in [
            "2026-11-29T21:00:05+07:00",
            "2026-11-29 21:00:05",
            "2026-11-29T21:00:60Z",
            "2026-02-30T21:00:05Z",
            "2026-11-29T21:00:05.Z",
            "2026-11-29T21:00:05.1234567890Z",
            "2026-11-29T21:0a:05Z",
            "2026-11-29T21:00:05+00:00 ",
            "2026-11-29t21:00:05z",
            "2026-11-29T21:00:05-00:00",
            "2026-11-29T21:00:",
            "2026-11-29T21:00:0",
            "2026-11-29T21:00:05.",
            "2026-11-29",
        ] {
            assert_eq!(utc_time(text.as_bytes()), None, "{text}");
        }
        // What Setia writes reads back through the fast path, whatever the fraction.
        let base = DateTime::parse_from_rfc3339("2026-11-29T21:00:05Z")
            .unwrap()
            .with_timezone(&Utc);
        for nanos in [0, 250_000_000, 123_456_000, 123_456_789] {
            let t = base + chrono::Duration::nanoseconds(nanos);
            for z in [false, true] {
                let text = t.to_rfc3339_opts(SecondsFormat::AutoSi, z);
                assert_eq!(utc_time(text.as_bytes()), Some(t), "{text}");
            }
        }
        // Left to chrono, they still read.
        let offset = DateTime::<Utc>::decode(ValueRef::Text(b"2026-11-29T21:00:05+07:00")).unwrap();
        assert_eq!(offset.to_rfc3339(), "2026-11-29T14:00:05+00:00");
        let leap = DateTime::<Utc>::decode(ValueRef::Text(b"2026-12-31T23:59:60Z")).unwrap();
        assert_eq!(leap.timestamp(), 1798761599);
    }

    #[tokio::test]
    async fn a_dropped_transaction_rolls_back_and_frees_the_writer() {
        let (_dir, db) = db().await;
        {
            let mut tx = db.begin().await.unwrap();
            tx.execute("INSERT INTO t (id, name) VALUES (1, 'a')", vec![])
                .await
                .unwrap();
        }
        let mut tx = db.begin().await.unwrap();
        tx.execute("INSERT INTO t (id, name) VALUES (2, 'b')", vec![])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let ids: Vec<(i64,)> = db.fetch_all("SELECT id FROM t", vec![]).await.unwrap();
        assert_eq!(ids, vec![(2,)]);
    }

    #[tokio::test]
    async fn a_unique_violation_is_reported_as_one() {
        let (_dir, db) = db().await;
        db.execute("INSERT INTO t (name) VALUES ('a')", vec![])
            .await
            .unwrap();
        let err = db
            .execute("INSERT INTO t (name) VALUES ('a')", vec![])
            .await
            .unwrap_err();
        assert!(is_unique_violation(&err), "{err:?}");
        assert_eq!(
            crate::db::unique_violation_columns(&err),
            Some(vec!["name".to_string()])
        );
    }

    #[tokio::test]
    async fn reads_never_write_and_offloaded_reads_see_the_same_data() {
        let (_dir, db) = db().await;
        db.execute("INSERT INTO t (name) VALUES ('a')", vec![])
            .await
            .unwrap();
        let refused = db
            .fetch_all::<(i64,)>("DELETE FROM t RETURNING id", vec![])
            .await;
        assert!(refused.is_err(), "a read connection wrote: {refused:?}");
        let names: Vec<(String,)> = offloaded(db.fetch_all("SELECT name FROM t", vec![]))
            .await
            .unwrap();
        assert_eq!(names, vec![("a".to_string(),)]);
    }

    #[tokio::test]
    async fn a_transaction_inside_offloaded_work_commits() {
        let (_dir, db) = db().await;
        offloaded(async {
            let mut tx = db.begin().await.unwrap();
            tx.execute("INSERT INTO t (id, name) VALUES (1, 'a')", vec![])
                .await
                .unwrap();
            let n: i64 = tx.scalar("SELECT COUNT(*) FROM t", vec![]).await.unwrap();
            assert_eq!(n, 1);
            tx.commit().await.unwrap();
        })
        .await;
        let n: i64 = db.scalar("SELECT COUNT(*) FROM t", vec![]).await.unwrap();
        assert_eq!(n, 1);
    }

    /// `setia worker` may run as a process of its own: its write lock makes a transaction here
    /// wait, not fail with SQLITE_BUSY.
    #[tokio::test]
    async fn another_process_writing_makes_begin_wait_not_fail() {
        let (dir, db) = db().await;
        let other = Connection::open(dir.path().join("setia.db")).unwrap();
        other
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO t (id) VALUES (7);")
            .unwrap();
        let holder = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            other.execute_batch("COMMIT").unwrap();
        });
        let started = std::time::Instant::now();
        let mut tx = db.begin().await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(250));
        tx.execute("INSERT INTO t (id) VALUES (8)", vec![])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        holder.join().unwrap();
        let ids: Vec<(i64,)> = db
            .fetch_all("SELECT id FROM t ORDER BY id", vec![])
            .await
            .unwrap();
        assert_eq!(ids, vec![(7,), (8,)]);
    }

    #[cfg(debug_assertions)]
    #[tokio::test]
    async fn text_with_two_statements_is_refused() {
        let (_dir, db) = db().await;
        let err = db
            .execute("INSERT INTO t (id) VALUES (1); DELETE FROM t", vec![])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("one statement at a time"), "{err}");
    }

    #[tokio::test]
    async fn a_closed_database_refuses_statements() {
        let (_dir, db) = db().await;
        db.close().await;
        assert!(matches!(
            db.scalar::<i64>("SELECT 1", vec![]).await,
            Err(sqlx::Error::PoolClosed)
        ));
        assert!(matches!(db.begin().await, Err(sqlx::Error::PoolClosed)));
    }
}
