//! Introspection used to prove that both migration histories reach the same schema.
//!
//! [`introspect`] reads what the database itself reports (SQLite: `sqlite_master` and the
//! `pragma_table_info` / `pragma_index_list` / `pragma_index_info` / `pragma_foreign_key_list`
//! table functions; PostgreSQL: `pg_catalog`) into a backend-neutral [`Schema`], and [`compare`]
//! lists every difference between two such values. The comparison is pure, so unit tests can feed
//! it two hand-made schemas and check that each kind of difference is reported.
//!
//! Normalisation is explicit and strict (see [`ColType`] and [`normalise_default`]): only the
//! spellings listed there are taken as equal; anything else is reported.

use std::collections::{BTreeMap, BTreeSet};

use super::{Db, DbResult};

/// A whole schema: table name → table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: BTreeMap<String, Column>,
    /// Primary-key columns in key order (empty: none).
    pub primary_key: Vec<String>,
    /// Unique constraints (`UNIQUE` in the table definition), as column lists. They have no
    /// comparable name: SQLite calls them `sqlite_autoindex_…`, PostgreSQL `…_key`.
    pub uniques: BTreeSet<Vec<String>>,
    /// Indexes created with `CREATE [UNIQUE] INDEX`, by name.
    pub indexes: BTreeMap<String, Index>,
    pub foreign_keys: BTreeSet<ForeignKey>,
    /// Whether generated ids are never handed out twice, even after the highest row is deleted.
    /// SQLite: only with `AUTOINCREMENT`; PostgreSQL identity/sequence columns never reuse.
    /// Not part of [`compare`] (SQLite tables whose rows are never deleted may do without);
    /// checked by its own test for tables the code deletes from.
    pub ids_never_reused: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub ty: ColType,
    pub nullable: bool,
    /// The default, normalised by [`normalise_default`]; `None` when there is none.
    pub default: Option<String>,
    /// Filled in by the database when not given: SQLite `INTEGER PRIMARY KEY` (the rowid),
    /// PostgreSQL identity or `nextval(…)` columns.
    pub generated: bool,
}

/// A column type, normalised across the backends. The table of what maps to what:
///
/// | normalised  | SQLite declared type                                     | PostgreSQL type            |
/// |-------------|----------------------------------------------------------|----------------------------|
/// | `Integer`   | `INTEGER`, `INT`, `BIGINT`                               | `bigint`                   |
/// | `Text`      | `TEXT` (name not time-like)                              | `text`                     |
/// | `Timestamp` | `TEXT` named `at`, `…_at` or `…_until`                   | `timestamp with time zone` |
/// | `Date`      | `TEXT` named `…_on` or `…_date`                          | `date`                     |
/// | `Boolean`   | `BOOLEAN`                                                | `boolean`                  |
/// | `Real`      | `REAL`, `DOUBLE`, `DOUBLE PRECISION`, `FLOAT`            | `double precision`         |
/// | `Blob`      | `BLOB`                                                   | `bytea`                    |
///
/// Everything else is `Other("<backend>:<type>")` and never equals the other backend, e.g.
/// PostgreSQL `integer` (sqlx decodes `i64` only from `bigint`), `varchar(n)` (a length limit
/// SQLite does not enforce), `timestamp` without time zone, or SQLite `DATE`/`TIMESTAMPTZ`
/// (NUMERIC affinity: SQLite would turn some values into numbers). SQLite stores times as text,
/// so there the column name says which kind of time it holds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColType {
    Integer,
    Text,
    Timestamp,
    Date,
    Boolean,
    Real,
    Blob,
    Other(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// Column names in index order; `<expr>` for an expression.
    pub columns: Vec<String>,
    pub unique: bool,
    /// Has a `WHERE` clause (the predicate itself is not compared).
    pub partial: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    /// `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`.
    pub on_delete: String,
    pub on_update: String,
}

impl std::fmt::Display for ForeignKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "({}) -> {}({}) on delete {} on update {}",
            self.columns.join(", "),
            self.ref_table,
            self.ref_columns.join(", "),
            self.on_delete,
            self.on_update
        )
    }
}

/// Normalises a SQLite declared type (see [`ColType`]).
pub fn sqlite_type(declared: &str, column: &str) -> ColType {
    let t = declared.trim().to_ascii_uppercase();
    match t.as_str() {
        "INTEGER" | "INT" | "BIGINT" => ColType::Integer,
        "TEXT" => time_kind(column).unwrap_or(ColType::Text),
        "BOOLEAN" => ColType::Boolean,
        "REAL" | "DOUBLE" | "DOUBLE PRECISION" | "FLOAT" => ColType::Real,
        "BLOB" => ColType::Blob,
        _ => ColType::Other(format!("sqlite:{t}")),
    }
}

/// Normalises a PostgreSQL type as `format_type()` spells it (see [`ColType`]).
pub fn pg_type(formatted: &str) -> ColType {
    let t = formatted.trim().to_ascii_lowercase();
    match t.as_str() {
        "bigint" => ColType::Integer,
        "text" => ColType::Text,
        "timestamp with time zone" => ColType::Timestamp,
        "date" => ColType::Date,
        "boolean" => ColType::Boolean,
        "double precision" => ColType::Real,
        "bytea" => ColType::Blob,
        _ => ColType::Other(format!("pg:{t}")),
    }
}

/// What a SQLite `TEXT` column holds, judged by its name: a point in time or a calendar date.
fn time_kind(column: &str) -> Option<ColType> {
    let c = column.to_ascii_lowercase();
    if c == "at" || c.ends_with("_at") || c.ends_with("_until") {
        Some(ColType::Timestamp)
    } else if c.ends_with("_on") || c.ends_with("_date") {
        Some(ColType::Date)
    } else {
        None
    }
}

/// Normalises a default expression as a backend reports it, for a column of type `ty`:
/// outer parentheses and PostgreSQL casts (`'x'::text`) go; booleans become `true`/`false`
/// (SQLite `1`/`0`, PostgreSQL `true`/`false`); a quoted number in a numeric column loses its
/// quotes; `now()` and `CURRENT_TIMESTAMP` are one; `NULL` is no default. Anything else is kept
/// as written (so it must be written alike).
pub fn normalise_default(raw: &str, ty: &ColType) -> Option<String> {
    let mut s = raw.trim().to_string();
    loop {
        let before = s.clone();
        s = strip_outer_parens(&s).trim().to_string();
        s = strip_cast(&s).trim().to_string();
        if s == before {
            break;
        }
    }
    let lower = s.to_ascii_lowercase();
    if lower == "null" {
        return None;
    }
    let unquoted = s
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .filter(|inner| !inner.contains('\''));
    match ty {
        ColType::Boolean => {
            let v = unquoted.map(str::to_ascii_lowercase).unwrap_or(lower);
            return Some(match v.as_str() {
                "1" | "true" | "t" => "true".into(),
                "0" | "false" | "f" => "false".into(),
                _ => v,
            });
        }
        ColType::Integer | ColType::Real => {
            if let Some(inner) = unquoted.filter(|i| i.parse::<f64>().is_ok()) {
                return Some(inner.to_string());
            }
        }
        _ => {}
    }
    match lower.as_str() {
        "now()" | "current_timestamp" | "transaction_timestamp()" => {
            Some("current_timestamp".into())
        }
        _ => Some(s),
    }
}

fn strip_outer_parens(s: &str) -> &str {
    let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) else {
        return s;
    };
    // Only when the first '(' closes at the very end: "(a) + (b)" keeps its parentheses.
    let mut depth = 0i32;
    let mut in_quote = false;
    for (i, c) in s.char_indices() {
        match c {
            '\'' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => {
                depth -= 1;
                if depth == 0 && i != s.len() - 1 {
                    return s;
                }
            }
            _ => {}
        }
    }
    inner
}

/// Removes a trailing PostgreSQL cast (`::text`, `::character varying`) outside quotes.
fn strip_cast(s: &str) -> &str {
    let mut in_quote = false;
    let mut last = None;
    let bytes = s.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'\'' => in_quote = !in_quote,
            b':' if !in_quote && i + 1 < bytes.len() && bytes[i + 1] == b':' => last = Some(i),
            _ => {}
        }
    }
    match last {
        Some(i)
            if s[i + 2..].chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '(' | ')' | '[' | ']' | ',')
            }) =>
        {
            &s[..i]
        }
        _ => s,
    }
}

/// Every difference between `a` and `b`, one line each, naming the table and what differs
/// (`a_name`/`b_name` label the two sides, e.g. "sqlite" and "postgres"). Empty: the same.
pub fn compare(a_name: &str, a: &Schema, b_name: &str, b: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in a.tables.keys().filter(|t| !b.tables.contains_key(*t)) {
        out.push(format!("table {name}: only in {a_name}"));
    }
    for name in b.tables.keys().filter(|t| !a.tables.contains_key(*t)) {
        out.push(format!("table {name}: only in {b_name}"));
    }
    for (name, ta) in &a.tables {
        let Some(tb) = b.tables.get(name) else {
            continue;
        };
        compare_tables(name, a_name, ta, b_name, tb, &mut out);
    }
    out
}

fn compare_tables(
    table: &str,
    a_name: &str,
    a: &Table,
    b_name: &str,
    b: &Table,
    out: &mut Vec<String>,
) {
    for (col, ca) in &a.columns {
        let Some(cb) = b.columns.get(col) else {
            out.push(format!("{table}.{col}: column only in {a_name}"));
            continue;
        };
        if ca.ty != cb.ty {
            out.push(format!(
                "{table}.{col}: type {:?} in {a_name}, {:?} in {b_name}",
                ca.ty, cb.ty
            ));
        }
        if ca.nullable != cb.nullable {
            let word = |n: bool| if n { "nullable" } else { "NOT NULL" };
            out.push(format!(
                "{table}.{col}: {} in {a_name}, {} in {b_name}",
                word(ca.nullable),
                word(cb.nullable)
            ));
        }
        if ca.default != cb.default {
            out.push(format!(
                "{table}.{col}: default {:?} in {a_name}, {:?} in {b_name}",
                ca.default, cb.default
            ));
        }
        if ca.generated != cb.generated {
            let word = |g: bool| if g { "generated" } else { "not generated" };
            out.push(format!(
                "{table}.{col}: id {} in {a_name}, {} in {b_name}",
                word(ca.generated),
                word(cb.generated)
            ));
        }
    }
    for col in b.columns.keys().filter(|c| !a.columns.contains_key(*c)) {
        out.push(format!("{table}.{col}: column only in {b_name}"));
    }
    if a.primary_key != b.primary_key {
        out.push(format!(
            "{table}: primary key ({}) in {a_name}, ({}) in {b_name}",
            a.primary_key.join(", "),
            b.primary_key.join(", ")
        ));
    }
    for u in a.uniques.difference(&b.uniques) {
        out.push(format!(
            "{table}: unique ({}) only in {a_name}",
            u.join(", ")
        ));
    }
    for u in b.uniques.difference(&a.uniques) {
        out.push(format!(
            "{table}: unique ({}) only in {b_name}",
            u.join(", ")
        ));
    }
    for (name, ia) in &a.indexes {
        match b.indexes.get(name) {
            None => out.push(format!("{table}: index {name} only in {a_name}")),
            Some(ib) if ia != ib => out.push(format!(
                "{table}: index {name} is {} in {a_name}, {} in {b_name}",
                describe_index(ia),
                describe_index(ib)
            )),
            Some(_) => {}
        }
    }
    for name in b.indexes.keys().filter(|n| !a.indexes.contains_key(*n)) {
        out.push(format!("{table}: index {name} only in {b_name}"));
    }
    for fk in a.foreign_keys.difference(&b.foreign_keys) {
        out.push(format!("{table}: foreign key {fk} only in {a_name}"));
    }
    for fk in b.foreign_keys.difference(&a.foreign_keys) {
        out.push(format!("{table}: foreign key {fk} only in {b_name}"));
    }
}

fn describe_index(i: &Index) -> String {
    format!(
        "{}({}){}",
        if i.unique { "unique " } else { "" },
        i.columns.join(", "),
        if i.partial { " partial" } else { "" }
    )
}

/// Reads the schema of the connected database (migrated tables; sqlx's own table excluded).
pub async fn introspect(db: &Db) -> DbResult<Schema> {
    match db {
        Db::Sqlite { .. } => introspect_sqlite(db).await,
        Db::Postgres { .. } => introspect_pg(db).await,
    }
}

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct SqliteColumn {
    tbl: String,
    name: String,
    declared: String,
    not_null: i64,
    dflt: Option<String>,
    /// 1-based position in the primary key, 0 if not in it.
    pk: i64,
}

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct SqliteIndexColumn {
    tbl: String,
    idx: String,
    is_unique: i64,
    /// `c` = CREATE INDEX, `u` = UNIQUE constraint, `pk` = primary key.
    origin: String,
    partial: i64,
    /// NULL for an expression.
    col: Option<String>,
}

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct SqliteForeignKey {
    tbl: String,
    id: i64,
    seq: i64,
    parent: String,
    from_col: String,
    /// NULL when the parent's primary key is meant.
    to_col: Option<String>,
    on_update: String,
    on_delete: String,
}

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct PgConstraint {
    tbl: String,
    /// `p` = primary key, `u` = unique, `f` = foreign key.
    kind: String,
    columns: Option<String>,
    parent: Option<String>,
    parent_columns: Option<String>,
    on_delete: String,
    on_update: String,
}

/// Filter on `sqlite_master m`: the migrated tables, not SQLite's or sqlx's own, nor the
/// full-text search indexes (`*_search`: an FTS5 table and its shadow tables here, a `tsvector`
/// table on PostgreSQL; they differ by design, see `db::dialect`).
const SQLITE_TABLES: &str = "m.type = 'table' \
     AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' \
     AND m.name NOT LIKE '%\\_search' ESCAPE '\\' AND m.name NOT LIKE '%\\_search\\_%' ESCAPE '\\'";

async fn introspect_sqlite(db: &Db) -> DbResult<Schema> {
    let mut schema = Schema::default();
    let tables: Vec<(String, String)> = db
        .fetch_all(
            &format!(
                "SELECT m.name, COALESCE(m.sql, '') FROM sqlite_master m WHERE {SQLITE_TABLES}"
            ),
            vec![],
        )
        .await?;
    let mut rowid_tables = BTreeSet::new();
    for (name, sql) in &tables {
        // Upper-cased, whitespace collapsed: "id INTEGER PRIMARY KEY AUTOINCREMENT" reads alike
        // however it was laid out.
        let upper = sql
            .to_ascii_uppercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if !upper.contains("WITHOUT ROWID") {
            rowid_tables.insert(name.clone());
        }
        schema.tables.insert(
            name.clone(),
            Table {
                ids_never_reused: upper.contains("PRIMARY KEY AUTOINCREMENT"),
                ..Table::default()
            },
        );
    }

    // Columns. pk is the column's 1-based position in the primary key, 0 if not in it.
    let cols: Vec<SqliteColumn> = db
        .fetch_all(
            &format!(
                "SELECT m.name AS tbl, p.name, p.type AS declared, p.\"notnull\" AS not_null, \
                 p.dflt_value AS dflt, p.pk \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE {SQLITE_TABLES}"
            ),
            vec![],
        )
        .await?;
    let mut pks: BTreeMap<String, Vec<(i64, String, String)>> = BTreeMap::new();
    for c in &cols {
        if c.pk > 0 {
            pks.entry(c.tbl.clone())
                .or_default()
                .push((c.pk, c.name.clone(), c.declared.clone()));
        }
    }
    for SqliteColumn {
        tbl: table,
        name: col,
        declared,
        not_null: notnull,
        dflt,
        ..
    } in cols
    {
        let pk = pks.get(&table).map(Vec::as_slice).unwrap_or_default();
        // The rowid alias: the only primary-key column, declared exactly INTEGER.
        let rowid = rowid_tables.contains(&table)
            && pk.len() == 1
            && pk[0].1 == col
            && declared.trim().eq_ignore_ascii_case("INTEGER");
        let ty = sqlite_type(&declared, &col);
        let default = dflt.as_deref().and_then(|d| normalise_default(d, &ty));
        let t = schema.tables.get_mut(&table).expect("table listed");
        t.columns.insert(
            col,
            Column {
                ty,
                nullable: notnull == 0 && !rowid,
                default,
                generated: rowid,
            },
        );
    }
    for (table, mut pk) in pks {
        pk.sort();
        schema
            .tables
            .get_mut(&table)
            .expect("table listed")
            .primary_key = pk.into_iter().map(|(_, c, _)| c).collect();
    }

    // Indexes: origin 'c' = CREATE INDEX, 'u' = UNIQUE constraint, 'pk' = primary key.
    let idx: Vec<SqliteIndexColumn> = db
        .fetch_all(
            &format!(
                "SELECT m.name AS tbl, il.name AS idx, il.\"unique\" AS is_unique, il.origin, \
                 il.partial, ii.name AS col \
                 FROM sqlite_master m JOIN pragma_index_list(m.name) il \
                 JOIN pragma_index_info(il.name) ii \
                 WHERE {SQLITE_TABLES} ORDER BY m.name, il.name, ii.seqno"
            ),
            vec![],
        )
        .await?;
    let mut grouped: BTreeMap<(String, String), (String, Index)> = BTreeMap::new();
    for r in idx {
        let (_, index) = grouped.entry((r.tbl, r.idx)).or_insert_with(|| {
            let index = Index {
                columns: Vec::new(),
                unique: r.is_unique != 0,
                partial: r.partial != 0,
            };
            (r.origin, index)
        });
        index.columns.push(r.col.unwrap_or_else(|| "<expr>".into()));
    }
    for ((table, name), (origin, index)) in grouped {
        let t = schema.tables.get_mut(&table).expect("table listed");
        match origin.as_str() {
            "u" => {
                t.uniques.insert(index.columns);
            }
            "pk" => {}
            _ => {
                t.indexes.insert(name, index);
            }
        }
    }

    // Foreign keys: one row per column; `to` is NULL when the parent's primary key is meant.
    let fks: Vec<SqliteForeignKey> = db
        .fetch_all(
            &format!(
                "SELECT m.name AS tbl, f.id, f.seq, f.\"table\" AS parent, f.\"from\" AS from_col, \
                 f.\"to\" AS to_col, f.on_update, f.on_delete FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f \
                 WHERE {SQLITE_TABLES} ORDER BY m.name, f.id, f.seq"
            ),
            vec![],
        )
        .await?;
    let mut grouped: BTreeMap<(String, i64), ForeignKey> = BTreeMap::new();
    for SqliteForeignKey {
        tbl: table,
        id,
        seq,
        parent,
        from_col: from,
        to_col: to,
        on_update,
        on_delete,
    } in fks
    {
        let fk = grouped.entry((table, id)).or_insert_with(|| ForeignKey {
            columns: vec![],
            ref_table: parent.clone(),
            ref_columns: vec![],
            on_delete: on_delete.to_ascii_uppercase(),
            on_update: on_update.to_ascii_uppercase(),
        });
        fk.columns.push(from);
        let to = to.unwrap_or_else(|| {
            schema
                .tables
                .get(&parent)
                .and_then(|p| p.primary_key.get(seq as usize).cloned())
                .unwrap_or_else(|| "<primary key>".into())
        });
        fk.ref_columns.push(to);
    }
    for ((table, _), fk) in grouped {
        schema
            .tables
            .get_mut(&table)
            .expect("table listed")
            .foreign_keys
            .insert(fk);
    }
    Ok(schema)
}

const PG_TABLES: &str = "n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
     AND c.relname NOT LIKE '\\_sqlx%' AND c.relname NOT LIKE '%\\_search'";

async fn introspect_pg(db: &Db) -> DbResult<Schema> {
    let mut schema = Schema::default();
    let cols: Vec<(String, String, String, bool, Option<String>, bool)> = db
        .fetch_all(
            &format!(
                "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
                 a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
                 LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum \
                 WHERE {PG_TABLES}"
            ),
            vec![],
        )
        .await?;
    for (table, col, ty, notnull, dflt, identity) in cols {
        let ty = pg_type(&ty);
        let serial = dflt
            .as_deref()
            .is_some_and(|d| d.trim_start().starts_with("nextval("));
        let default = if serial {
            None
        } else {
            dflt.as_deref().and_then(|d| normalise_default(d, &ty))
        };
        let t = schema.tables.entry(table).or_default();
        // Identity and sequences never hand out a value twice.
        t.ids_never_reused |= identity || serial;
        t.columns.insert(
            col,
            Column {
                ty,
                nullable: !notnull,
                default,
                generated: identity || serial,
            },
        );
    }

    // Constraints: p = primary key, u = unique, f = foreign key. Columns in key order.
    let cons: Vec<PgConstraint> = db
        .fetch_all(
            &format!(
                "SELECT c.relname::text AS tbl, k.contype::text AS kind, \
                 (SELECT string_agg(a.attname::text, ',' ORDER BY u.i) \
                    FROM unnest(k.conkey) WITH ORDINALITY u(n, i) \
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n) AS columns, \
                 rc.relname::text AS parent, \
                 (SELECT string_agg(a.attname::text, ',' ORDER BY u.i) \
                    FROM unnest(k.confkey) WITH ORDINALITY u(n, i) \
                    JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n) \
                   AS parent_columns, \
                 k.confdeltype::text AS on_delete, k.confupdtype::text AS on_update \
                 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 LEFT JOIN pg_class rc ON rc.oid = k.confrelid \
                 WHERE {PG_TABLES} AND k.contype IN ('p', 'u', 'f')"
            ),
            vec![],
        )
        .await?;
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default()
    };
    for PgConstraint {
        tbl: table,
        kind,
        columns,
        parent,
        parent_columns: parent_cols,
        on_delete,
        on_update,
    } in cons
    {
        let t = schema.tables.entry(table).or_default();
        let columns = split(columns);
        match kind.as_str() {
            "p" => t.primary_key = columns,
            "u" => {
                t.uniques.insert(columns);
            }
            _ => {
                t.foreign_keys.insert(ForeignKey {
                    columns,
                    ref_table: parent.unwrap_or_default(),
                    ref_columns: split(parent_cols),
                    on_delete: pg_fk_action(&on_delete),
                    on_update: pg_fk_action(&on_update),
                });
            }
        }
    }

    // Indexes that do not back a primary-key, unique or exclusion constraint.
    let idx: Vec<(String, String, bool, bool, Option<String>)> = db
        .fetch_all(
            &format!(
                "SELECT c.relname::text, i.relname::text, x.indisunique, x.indpred IS NOT NULL, \
                 (SELECT string_agg(COALESCE(a.attname::text, '<expr>'), ',' ORDER BY u.i) \
                    FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, i) \
                    LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n \
                    WHERE u.i <= x.indnkeyatts) \
                 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
                 JOIN pg_class c ON c.oid = x.indrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE {PG_TABLES} AND NOT EXISTS (SELECT 1 FROM pg_constraint k \
                    WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))"
            ),
            vec![],
        )
        .await?;
    for (table, index, unique, partial, columns) in idx {
        schema.tables.entry(table).or_default().indexes.insert(
            index,
            Index {
                columns: split(columns),
                unique,
                partial,
            },
        );
    }
    Ok(schema)
}

fn pg_fk_action(code: &str) -> String {
    match code {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        other => other,
    }
    .to_string()
}

/// Table name → sorted column names, as the database itself reports them.
pub async fn tables_and_columns(db: &Db) -> DbResult<BTreeMap<String, Vec<String>>> {
    Ok(introspect(db)
        .await?
        .tables
        .into_iter()
        .map(|(t, table)| (t, table.columns.into_keys().collect()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(ty: ColType, nullable: bool) -> Column {
        Column {
            ty,
            nullable,
            default: None,
            generated: false,
        }
    }

    /// Two tables like the real ones: users, and posts pointing at users.
    fn base() -> Schema {
        let mut users = Table {
            primary_key: vec!["id".into()],
            ..Table::default()
        };
        users.columns.insert(
            "id".into(),
            Column {
                generated: true,
                ..col(ColType::Integer, false)
            },
        );
        users
            .columns
            .insert("email".into(), col(ColType::Text, true));
        users.columns.insert(
            "active".into(),
            Column {
                default: Some("true".into()),
                ..col(ColType::Boolean, false)
            },
        );
        users.uniques.insert(vec!["email".into()]);
        users.indexes.insert(
            "users_active".into(),
            Index {
                columns: vec!["active".into(), "id".into()],
                unique: false,
                partial: false,
            },
        );
        let mut posts = Table {
            primary_key: vec!["id".into()],
            ..Table::default()
        };
        posts.columns.insert(
            "id".into(),
            Column {
                generated: true,
                ..col(ColType::Integer, false)
            },
        );
        posts
            .columns
            .insert("author_id".into(), col(ColType::Integer, true));
        posts
            .columns
            .insert("created_at".into(), col(ColType::Timestamp, false));
        posts.foreign_keys.insert(ForeignKey {
            columns: vec!["author_id".into()],
            ref_table: "users".into(),
            ref_columns: vec!["id".into()],
            on_delete: "SET NULL".into(),
            on_update: "NO ACTION".into(),
        });
        let mut s = Schema::default();
        s.tables.insert("users".into(), users);
        s.tables.insert("posts".into(), posts);
        s
    }

    /// `change` applied to a copy of the base schema gives exactly one reported difference,
    /// and that line contains every word of `expect`.
    fn reports(change: impl FnOnce(&mut Schema), expect: &[&str]) {
        let a = base();
        let mut b = base();
        change(&mut b);
        let diffs = compare("sqlite", &a, "postgres", &b);
        assert_eq!(diffs.len(), 1, "{diffs:#?}");
        for word in expect {
            assert!(
                diffs[0].contains(word),
                "{word:?} missing in {:?}",
                diffs[0]
            );
        }
        // And the other way round.
        assert_eq!(compare("postgres", &b, "sqlite", &a).len(), 1);
    }

    fn table<'a>(s: &'a mut Schema, name: &str) -> &'a mut Table {
        s.tables.get_mut(name).unwrap()
    }

    #[test]
    fn equal_schemas_have_no_difference() {
        assert_eq!(compare("a", &base(), "b", &base()), Vec::<String>::new());
    }

    #[test]
    fn a_column_type_difference_is_reported() {
        reports(
            |s| table(s, "posts").columns.get_mut("created_at").unwrap().ty = ColType::Text,
            &["posts.created_at", "type", "Timestamp", "Text"],
        );
        reports(
            |s| table(s, "posts").columns.get_mut("author_id").unwrap().ty = pg_type("integer"),
            &["posts.author_id", "pg:integer"],
        );
    }

    #[test]
    fn a_nullability_difference_is_reported() {
        reports(
            |s| table(s, "users").columns.get_mut("email").unwrap().nullable = false,
            &["users.email", "nullable", "NOT NULL"],
        );
    }

    #[test]
    fn a_default_difference_is_reported() {
        reports(
            |s| table(s, "users").columns.get_mut("active").unwrap().default = Some("false".into()),
            &["users.active", "default"],
        );
    }

    #[test]
    fn a_generated_id_difference_is_reported() {
        reports(
            |s| table(s, "users").columns.get_mut("id").unwrap().generated = false,
            &["users.id", "generated"],
        );
    }

    #[test]
    fn a_missing_or_extra_column_or_table_is_reported() {
        reports(
            |s| {
                table(s, "users").columns.remove("email");
            },
            &["users.email", "only in sqlite"],
        );
        reports(
            |s| {
                s.tables.insert("extra".into(), Table::default());
            },
            &["table extra", "only in postgres"],
        );
    }

    #[test]
    fn an_index_difference_is_reported() {
        reports(
            |s| {
                table(s, "users").indexes.remove("users_active");
            },
            &["users", "index users_active", "only in sqlite"],
        );
        reports(
            |s| {
                table(s, "users")
                    .indexes
                    .get_mut("users_active")
                    .unwrap()
                    .columns
                    .reverse()
            },
            &["index users_active", "(active, id)", "(id, active)"],
        );
        reports(
            |s| {
                table(s, "users")
                    .indexes
                    .get_mut("users_active")
                    .unwrap()
                    .unique = true
            },
            &["index users_active", "unique"],
        );
    }

    #[test]
    fn a_unique_constraint_difference_is_reported() {
        reports(
            |s| {
                table(s, "users").uniques.clear();
            },
            &["users", "unique (email)", "only in sqlite"],
        );
    }

    #[test]
    fn a_primary_key_difference_is_reported() {
        reports(
            |s| table(s, "users").primary_key = vec!["email".into()],
            &["users", "primary key"],
        );
    }

    #[test]
    fn a_foreign_key_difference_is_reported() {
        // Another on-delete action: the old one only on one side, the new one on the other.
        let a = base();
        let mut b = base();
        let fk = table(&mut b, "posts").foreign_keys.pop_first().unwrap();
        table(&mut b, "posts").foreign_keys.insert(ForeignKey {
            on_delete: "CASCADE".into(),
            ..fk
        });
        let diffs = compare("sqlite", &a, "postgres", &b);
        assert_eq!(diffs.len(), 2, "{diffs:#?}");
        assert!(diffs[0].contains("on delete SET NULL") && diffs[0].contains("only in sqlite"));
        assert!(diffs[1].contains("on delete CASCADE") && diffs[1].contains("only in postgres"));
        reports(
            |s| {
                table(s, "posts").foreign_keys.clear();
            },
            &[
                "posts",
                "foreign key (author_id) -> users(id)",
                "only in sqlite",
            ],
        );
    }

    #[test]
    fn types_normalise_by_the_explicit_table_and_nothing_else() {
        assert_eq!(sqlite_type("INTEGER", "id"), pg_type("bigint"));
        assert_eq!(sqlite_type("TEXT", "name"), pg_type("text"));
        assert_eq!(
            sqlite_type("TEXT", "created_at"),
            pg_type("timestamp with time zone")
        );
        assert_eq!(
            sqlite_type("TEXT", "at"),
            pg_type("timestamp with time zone")
        );
        assert_eq!(
            sqlite_type("TEXT", "locked_until"),
            pg_type("timestamp with time zone")
        );
        assert_eq!(sqlite_type("TEXT", "starts_on"), pg_type("date"));
        assert_eq!(sqlite_type("TEXT", "planned_date"), pg_type("date"));
        assert_eq!(sqlite_type("BOOLEAN", "active"), pg_type("boolean"));
        // Strict: these are real mismatches.
        assert_ne!(sqlite_type("INTEGER", "id"), pg_type("integer"));
        assert_ne!(
            sqlite_type("TEXT", "name"),
            pg_type("character varying(20)")
        );
        assert_ne!(sqlite_type("TEXT", "created_at"), pg_type("text"));
        assert_ne!(
            sqlite_type("TEXT", "created_at"),
            pg_type("timestamp without time zone")
        );
        assert_ne!(
            sqlite_type("TEXT", "window_start"),
            pg_type("timestamp with time zone")
        );
        assert_ne!(
            sqlite_type("TEXT", "starts_on"),
            pg_type("timestamp with time zone")
        );
        assert_ne!(sqlite_type("DATE", "starts_on"), pg_type("date"));
        assert_ne!(sqlite_type("BOOLEAN", "active"), pg_type("bigint"));
    }

    #[test]
    fn defaults_normalise_across_backends() {
        let b = ColType::Boolean;
        let i = ColType::Integer;
        let t = ColType::Text;
        let n = |raw: &str, ty: &ColType| normalise_default(raw, ty);
        assert_eq!(n("1", &b), n("true", &b));
        assert_eq!(n("0", &b), n("false", &b));
        assert_eq!(n("TRUE", &b), Some("true".into()));
        assert_ne!(n("1", &b), n("false", &b));
        assert_eq!(n("0", &i), n("0", &i));
        assert_eq!(n("'0'::bigint", &i), Some("0".into()));
        assert_ne!(n("0", &i), n("1", &i));
        assert_eq!(n("''", &t), n("''::text", &t));
        assert_eq!(n("'online'", &t), n("'online'::text", &t));
        assert_eq!(
            n("('online'::character varying)", &t),
            Some("'online'".into())
        );
        assert_ne!(n("'online'", &t), n("'offline'::text", &t));
        assert_eq!(n("'a::b'", &t), Some("'a::b'".into()));
        assert_eq!(n("NULL", &t), None);
        assert_eq!(
            n("CURRENT_TIMESTAMP", &ColType::Timestamp),
            n("now()", &ColType::Timestamp)
        );
    }
}
