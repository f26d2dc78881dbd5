//! Named counters for human-readable numbers (`REG-2026-000123`): unique, and increasing in the
//! order they are taken.
//!
//! On SQLite the value is taken inside the caller's transaction (its single writer runs one
//! transaction at a time anyway), so the numbers have no gaps. On PostgreSQL it is taken in a
//! short transaction of its own, committed at once: inside the caller's, the counter's row
//! stayed locked until that transaction committed, so every filing on every instance waited
//! for the one before it (bench/README.md, finding 52). A transaction that takes a number and
//! then rolls back leaves a gap there.

use crate::args;
use crate::db::{arg, DbResult, Tx};

/// Adds one to the counter (from 0 when new) and returns it.
const NEXT: &str = "INSERT INTO counters (name, value) VALUES ($1, 1) \
                    ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value";

pub async fn next(tx: &mut Tx, name: &str) -> DbResult<i64> {
    match tx {
        Tx::Sqlite(_) => tx.scalar(NEXT, args![name]).await,
        Tx::Postgres(_, counters) => {
            leased!(counters, |c| arg::pg_query_scalar(NEXT, args![name])
                .fetch_one(c))
        }
    }
}
