//! Introspection used to prove that both migration histories reach the same schema.

use std::collections::BTreeMap;

use super::{Db, DbResult};

/// Table name → sorted column names, as the database itself reports them.
pub async fn tables_and_columns(db: &Db) -> DbResult<BTreeMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite { .. } => {
            db.fetch_all(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
                vec![],
            )
            .await?
        }
        Db::Postgres { .. } => {
            db.fetch_all(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
                vec![],
            )
            .await?
        }
    };
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (table, column) in rows {
        map.entry(table).or_default().push(column);
    }
    for cols in map.values_mut() {
        cols.sort();
    }
    Ok(map)
}
