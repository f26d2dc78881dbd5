//! Rows a read connection remembers until the database changes ([`Reader::remembered`]).
//!
//! `PRAGMA data_version` on a connection changes whenever another connection, of this process
//! or another one, has committed a change since the connection last looked; a read connection
//! never writes, so while its value stays the same, a statement over the data reads what it
//! read before. The value is read first, in the same read transaction when inside
//! [`super::shared_reads`]: rows read after a change are stored under the value before it and
//! so are never served once the change is seen, and rows read before a change are never stored
//! under a value after it. Each connection keeps its own rows: the value is the connection's
//! own, not comparable between connections.

use std::any::Any;
use std::cell::RefCell;

use rusqlite::Connection;

use super::{all, scalar, FromRow};
use crate::db::{Arg, DbResult};

/// Statements each connection remembers the rows of; the least recently read makes room for a
/// new one.
const ENTRIES: usize = 16;

/// A read connection and the rows it remembers.
pub(in crate::db) struct Reader {
    conn: Connection,
    memo: RefCell<Memo>,
}

#[derive(Default)]
struct Memo {
    /// The connection's `data_version` the entries were read at.
    version: Option<i64>,
    entries: Vec<Entry>,
}

struct Entry {
    sql: String,
    args: Vec<Arg>,
    /// A `Vec<T>` of the row type it was read as.
    rows: Box<dyn Any + Send>,
}

impl Reader {
    pub(super) fn new(conn: Connection) -> Reader {
        Reader {
            conn,
            memo: RefCell::default(),
        }
    }

    /// The rows of `sql` with `args`, as read before when nothing was committed since, else
    /// read now and remembered. Only for a statement whose rows depend on the data and its
    /// arguments alone: none that reads the clock (`CURRENT_TIMESTAMP`) or `random()`.
    pub(in crate::db) fn remembered<T>(&self, sql: &str, args: &[Arg]) -> DbResult<Vec<T>>
    where
        T: FromRow + Clone + Send + 'static,
    {
        let version: i64 = scalar(&self.conn, "PRAGMA data_version", &[])?;
        let mut memo = self.memo.borrow_mut();
        if memo.version != Some(version) {
            memo.entries.clear();
            memo.version = Some(version);
        }
        let known = memo
            .entries
            .iter()
            .position(|e| e.sql == sql && e.args == args);
        if let Some(i) = known {
            // A hit moves to the end: the least recently read entry makes room first.
            let entry = memo.entries.remove(i);
            if let Some(rows) = entry.rows.downcast_ref::<Vec<T>>() {
                let rows = rows.clone();
                memo.entries.push(entry);
                return Ok(rows);
            }
        }
        let rows: Vec<T> = all(&self.conn, sql, args)?;
        if memo.entries.len() == ENTRIES {
            memo.entries.remove(0);
        }
        memo.entries.push(Entry {
            sql: sql.to_owned(),
            args: args.to_vec(),
            rows: Box::new(rows.clone()),
        });
        Ok(rows)
    }
}

impl std::ops::Deref for Reader {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::super::shared_reads;
    use super::super::tests::db;
    use super::*;
    use crate::args;
    use crate::db::Db;

    async fn names(db: &Db, from: i64) -> Vec<(String,)> {
        db.fetch_all_remembered("SELECT name FROM t WHERE id >= $1 ORDER BY id", args![from])
            .await
            .unwrap()
    }

    fn names_of(list: &[&str]) -> Vec<(String,)> {
        list.iter().map(|n| (n.to_string(),)).collect()
    }

    /// Remembered rows are served until a change is committed, by this process's writer or by
    /// another connection (as another process's would be); and per arguments.
    #[tokio::test]
    async fn remembered_rows_give_way_to_every_commit() {
        let (dir, db) = db().await;
        let other = Connection::open(dir.path().join("setia.db")).unwrap();
        db.execute("INSERT INTO t (id, name) VALUES (1, 'a')", vec![])
            .await
            .unwrap();
        assert_eq!(names(&db, 1).await, names_of(&["a"]));
        assert_eq!(names(&db, 1).await, names_of(&["a"]));
        db.execute("UPDATE t SET name = 'b' WHERE id = 1", vec![])
            .await
            .unwrap();
        assert_eq!(
            names(&db, 1).await,
            names_of(&["b"]),
            "this process's write"
        );
        other
            .execute("INSERT INTO t (id, name) VALUES (2, 'c')", [])
            .unwrap();
        assert_eq!(names(&db, 1).await, names_of(&["b", "c"]), "another's");
        assert_eq!(names(&db, 2).await, names_of(&["c"]), "other arguments");
        shared_reads(async {
            assert_eq!(names(&db, 1).await, names_of(&["b", "c"]));
            other.execute("DELETE FROM t WHERE id = 2", []).unwrap();
            db.execute("INSERT INTO t (id, name) VALUES (3, 'd')", vec![])
                .await
                .unwrap();
            assert_eq!(
                names(&db, 1).await,
                names_of(&["b", "d"]),
                "after its write"
            );
        })
        .await;
        assert_eq!(names(&db, 2).await, names_of(&["d"]));
    }

    static DECODED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    /// A row that counts how often rows were decoded.
    #[derive(Clone)]
    struct Counted;

    impl FromRow for Counted {
        fn from_row(_: &super::super::Row<'_, '_>) -> DbResult<Self> {
            DECODED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(Counted)
        }
    }

    /// Between two commits the rows are read from the database once.
    #[tokio::test]
    async fn rows_are_read_once_between_commits() {
        let (_dir, db) = db().await;
        let Db::Sqlite(lite) = &db else {
            unreachable!()
        };
        db.execute("INSERT INTO t (id) VALUES (1), (2)", vec![])
            .await
            .unwrap();
        let read = || lite.read(|c| c.remembered::<Counted>("SELECT id FROM t", &[]));
        let decoded = || DECODED.load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(read().await.unwrap().len(), 2);
        assert_eq!(decoded(), 2);
        assert_eq!(read().await.unwrap().len(), 2);
        assert_eq!(decoded(), 2, "served from memory");
        db.execute("INSERT INTO t (id) VALUES (3)", vec![])
            .await
            .unwrap();
        assert_eq!(read().await.unwrap().len(), 3);
        assert_eq!(decoded(), 5);
    }

    /// A connection remembers a bounded number of statements.
    #[tokio::test]
    async fn a_connection_remembers_a_bounded_number_of_statements() {
        let (_dir, db) = db().await;
        let Db::Sqlite(lite) = &db else {
            unreachable!()
        };
        let count = || lite.read(|c| Ok(c.memo.borrow().entries.len()));
        for from in 0..ENTRIES as i64 + 3 {
            names(&db, from).await;
        }
        assert_eq!(count().await.unwrap(), ENTRIES);
    }
}
