//! Named counters for human-readable numbers (`REG-2026-000123`), incremented inside the
//! caller's transaction so numbers are unique and gap-free per committed record.

use crate::args;
use crate::db::{DbResult, Tx};

pub async fn next(tx: &mut Tx, name: &str) -> DbResult<i64> {
    tx.execute(
        "INSERT INTO counters (name, value) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING",
        args![name],
    )
    .await?;
    tx.scalar(
        "UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value",
        args![name],
    )
    .await
}
