//! `setia backup FILE` and `setia restore FILE` for the built-in SQLite database.
//!
//! The database file is the whole office (uploads live in `upload_blobs`), so a copy of it is a
//! complete backup. The copy is made with `VACUUM INTO`: it reads one snapshot inside a single
//! read transaction, so it is consistent while the server keeps writing and, unlike the online
//! backup API (whose steps restart whenever another connection writes in WAL mode), it is never
//! restarted by writers. PostgreSQL has its own tools (`pg_dump` / `pg_restore`).

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

/// What a checked copy holds.
#[derive(Clone, Debug)]
pub struct Summary {
    pub path: PathBuf,
    pub bytes: u64,
    pub customers: i64,
    pub tickets: i64,
}

/// A restored database and how far its schema is behind this build.
#[derive(Clone, Debug)]
pub struct Restored {
    pub summary: Summary,
    /// Migrations the backup already had.
    pub applied: usize,
    /// Migrations of this build it lacks (`setia serve` or `setia migrate` apply them).
    pub pending: usize,
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The SQLite file a `sqlite:` URL names.
fn sqlite_file(url: &str) -> anyhow::Result<PathBuf> {
    let opts = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("not a usable database URL: {url}"))?;
    Ok(opts.get_filename().to_path_buf())
}

fn bar(total: u64, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(total.max(1));
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>8} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({eta})",
        )
        .expect("valid template"),
    );
    bar.set_message(what);
    bar
}

/// Opens one SQLite connection to `file` with Setia's Unicode `lower()` (the integrity check and
/// the copy evaluate index expressions with it). Journal mode and the file are left as they are.
async fn open(file: &Path, read_only: bool) -> anyhow::Result<SqliteConnection> {
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(Duration::from_secs(30))
        .disable_statement_logging()
        .connect()
        .await
        .with_context(|| format!("cannot open {} as an SQLite database", file.display()))?;
    super::unicode_lower(&mut conn).await?;
    Ok(conn)
}

/// Makes a consistent copy of the database named by `url` in `dest`, which must not exist yet,
/// with a progress bar; then checks the copy ([`inspect`]).
pub async fn backup(url: &str, dest: &Path) -> anyhow::Result<Summary> {
    if is_postgres(url) {
        bail!(
            "`setia backup` copies the built-in SQLite database; this installation uses \
             PostgreSQL. Back it up with pg_dump, e.g. `pg_dump -Fc -f setia.dump \"$SETIA_DATABASE_URL\"` \
             (see \"Backup and restore\" in README.md)"
        );
    }
    let source = sqlite_file(url)?;
    if !source.is_file() {
        bail!(
            "no database at {} (check data_dir / SETIA_DATA_DIR)",
            source.display()
        );
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            bail!("the directory {} does not exist", dir.display());
        }
    }
    // Claimed exclusively: an existing file is never overwritten, not even by a race. VACUUM
    // INTO accepts an empty file.
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists; a backup never overwrites a file: choose a new name or remove it first",
            dest.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("cannot create {}", dest.display())),
    }
    let copied = copy_into(&source, dest).await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(dest);
        return Err(e);
    }
    if let Some(bad) = integrity_error(dest).await? {
        // Not left behind as if it were a backup (and so the next run can use the name).
        let _ = std::fs::remove_file(dest);
        bail!(
            "the copy {} failed the integrity check and was removed: {bad}",
            dest.display()
        );
    }
    inspect(dest).await
}

/// Runs `VACUUM INTO dest` on a read-only connection while a progress bar follows the size of
/// `dest` against the pages in use in the source; then makes the copy durable (SQLite does not
/// sync a `VACUUM INTO` output by itself).
async fn copy_into(source: &Path, dest: &Path) -> anyhow::Result<()> {
    let mut conn = open(source, true).await?;
    let (page_count, free, page_size): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT page_count FROM pragma_page_count()), \
                (SELECT freelist_count FROM pragma_freelist_count()), \
                (SELECT page_size FROM pragma_page_size())",
    )
    .fetch_one(&mut conn)
    .await?;
    let total = ((page_count - free).max(1) * page_size) as u64;
    let target = dest
        .to_str()
        .context("the backup file name must be valid UTF-8")?
        .to_string();
    let task = tokio::spawn(async move {
        let result = sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
        result
    });
    let bar = bar(total, "backup");
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    while !task.is_finished() {
        tick.tick().await;
        let len = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
        bar.set_position(len.min(total));
    }
    match task.await? {
        Ok(_) => {}
        Err(e) => {
            bar.abandon();
            return Err(e).context("copying the database failed");
        }
    }
    bar.set_position(total);
    bar.finish();
    sync_file_and_dir(dest)?;
    Ok(())
}

fn sync_file_and_dir(file: &Path) -> anyhow::Result<()> {
    File::open(file)?.sync_all()?;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        // A directory opened for reading syncs its entries on Linux; elsewhere this may fail
        // harmlessly.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// Size and row counts of a Setia SQLite file; fails when it is not one.
pub async fn inspect(file: &Path) -> anyhow::Result<Summary> {
    let bytes = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    let mut conn = open(file, false).await?;
    let counts: Result<(i64, i64), _> =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM tickets)")
            .fetch_one(&mut conn)
            .await;
    conn.close().await?;
    let (customers, tickets) = counts.with_context(|| {
        format!(
            "{} is not a Setia database (no customers or tickets)",
            file.display()
        )
    })?;
    Ok(Summary {
        path: file.to_path_buf(),
        bytes,
        customers,
        tickets,
    })
}

/// `PRAGMA integrity_check` of `file`: `None` when it answers `ok`, else its first findings.
/// It reads every page (a minute or so at ISP size), so a spinner shows it is working.
pub async fn integrity_error(file: &Path) -> anyhow::Result<Option<String>> {
    let spinner = ProgressBar::new_spinner();
    spinner.set_message("integrity check…");
    spinner.enable_steady_tick(Duration::from_millis(120));
    let mut conn = open(file, false).await?;
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check(20)")
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    spinner.finish_and_clear();
    Ok(if rows.len() == 1 && rows[0] == "ok" {
        None
    } else {
        Some(rows.join("; "))
    })
}

/// Checks that every migration `file` has applied is one of this build's (same checksum, not
/// failed); returns (applied, pending).
async fn check_migrations(file: &Path) -> anyhow::Result<(usize, usize)> {
    let known = sqlx::migrate!("migrations/sqlite");
    let mut conn = open(file, false).await?;
    let rows: Result<Vec<(i64, Vec<u8>, bool)>, _> =
        sqlx::query_as("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await;
    conn.close().await?;
    let rows = rows.context("the backup has no migration history: not a Setia database")?;
    for (version, checksum, success) in &rows {
        let Some(m) = known.iter().find(|m| m.version == *version) else {
            bail!(
                "the backup has migration {version}, which this Setia does not know: it was made \
                 by a newer version; restore it with that version or newer"
            );
        };
        if m.checksum.as_ref() != checksum.as_slice() {
            bail!(
                "the backup's migration {version} differs from this Setia's ({})",
                m.description
            );
        }
        if !success {
            bail!("the backup's migration {version} did not complete");
        }
    }
    let pending = known
        .iter()
        .filter(|m| !rows.iter().any(|r| r.0 == m.version))
        .count();
    Ok((rows.len(), pending))
}

/// Brings the backup `src` back as the database named by `url` (an SQLite file in the data
/// directory), which must not exist yet: copies it with a progress bar next to its place, checks
/// it (integrity, known migrations) and only then moves it into place.
pub async fn restore(url: &str, src: &Path) -> anyhow::Result<Restored> {
    if is_postgres(url) {
        bail!(
            "`setia restore` restores the built-in SQLite database; this installation uses \
             PostgreSQL. Restore a pg_dump archive with pg_restore, e.g. \
             `pg_restore --no-owner -d \"$SETIA_DATABASE_URL\" setia.dump` into an empty database \
             (see \"Backup and restore\" in README.md)"
        );
    }
    let target = sqlite_file(url)?;
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    // A stale -wal beside a restored file would be replayed into it: all three must be absent.
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", target.display()));
        if p.exists() {
            bail!(
                "{} already exists: restore only into an empty data directory (stop Setia and \
                 move the old database away first)",
                p.display()
            );
        }
    }
    let size = std::fs::metadata(src)
        .with_context(|| format!("cannot read the backup {}", src.display()))?
        .len();
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let name = target
        .file_name()
        .context("the database path has no file name")?
        .to_string_lossy();
    let temp = dir.join(format!("{name}.restoring"));
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", temp.display()));
    }
    let bar = bar(size, "restore");
    let copy = {
        let (src, temp, bar) = (src.to_path_buf(), temp.clone(), bar.clone());
        tokio::task::spawn_blocking(move || copy_file(&src, &temp, &bar)).await?
    };
    if let Err(e) = copy {
        bar.abandon();
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    bar.finish();
    let checked = check_restored(&temp)
        .await
        .with_context(|| format!("{} is not a usable Setia backup", src.display()));
    let (summary, applied, pending) = match checked {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
    };
    std::fs::rename(&temp, &target)
        .with_context(|| format!("cannot move the restored file to {}", target.display()))?;
    sync_file_and_dir(&target)?;
    Ok(Restored {
        summary: Summary {
            path: target,
            ..summary
        },
        applied,
        pending,
    })
}

async fn check_restored(file: &Path) -> anyhow::Result<(Summary, usize, usize)> {
    if let Some(bad) = integrity_error(file).await? {
        bail!("the backup failed the integrity check: {bad}");
    }
    let (applied, pending) = check_migrations(file).await?;
    let summary = inspect(file).await?;
    Ok((summary, applied, pending))
}

fn copy_file(src: &Path, dest: &Path, bar: &ProgressBar) -> anyhow::Result<()> {
    let mut from =
        File::open(src).with_context(|| format!("cannot open the backup {}", src.display()))?;
    let mut to = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dest)
        .with_context(|| format!("cannot create {}", dest.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        to.write_all(&buf[..n])?;
        bar.inc(n as u64);
    }
    to.sync_all()?;
    Ok(())
}
