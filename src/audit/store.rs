//! SQL for the `audit_log` table.

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{like_pattern, like_prefix, Arg, Conn, Db, DbResult};

pub struct NewEntry<'a> {
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub entity: Option<&'a str>,
    pub entity_id: Option<String>,
    pub detail: &'a str,
    pub ip: &'a str,
}

#[derive(Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub detail: String,
    pub ip: String,
}

const INSERT: &str =
    "INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, detail, ip) \
                      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

fn insert_args(e: &NewEntry<'_>) -> Vec<Arg> {
    args![
        e.at,
        e.actor_id,
        e.actor_name,
        e.action,
        e.entity,
        e.entity_id.clone(),
        e.detail,
        e.ip
    ]
}

/// Writes one entry. Called with the transaction that made the change, so the change and its
/// record stand or fall together.
pub async fn insert(c: impl Into<Conn<'_>>, e: &NewEntry<'_>) -> DbResult<()> {
    c.into().execute(INSERT, insert_args(e)).await?;
    Ok(())
}

#[derive(Default)]
pub struct Filter {
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn filter_sql(f: &Filter) -> (String, Vec<Arg>) {
    let mut sql = String::from(" FROM audit_log WHERE 1 = 1");
    let mut a: Vec<Arg> = args![];
    let mut push = |cond: &str, v: Arg, sql: &mut String| {
        a.push(v);
        sql.push_str(&cond.replace("$?", &format!("${}", a.len())));
    };
    if !f.actor.trim().is_empty() {
        push(
            " AND LOWER(actor_name) LIKE $? ESCAPE '\\'",
            like_pattern(f.actor.trim()).into(),
            &mut sql,
        );
    }
    // One action by its name; a group by its prefix (`auth.`).
    let action = f.action.trim();
    if action.ends_with('.') {
        push(
            " AND LOWER(action) LIKE $? ESCAPE '\\'",
            like_prefix(action).into(),
            &mut sql,
        );
    } else if !action.is_empty() {
        push(" AND action = $?", action.into(), &mut sql);
    }
    if !f.entity.trim().is_empty() {
        push(" AND entity = $?", f.entity.trim().into(), &mut sql);
    }
    if !f.entity_id.trim().is_empty() {
        push(" AND entity_id = $?", f.entity_id.trim().into(), &mut sql);
    }
    if let Some(from) = f.from {
        push(" AND at >= $?", from.into(), &mut sql);
    }
    if let Some(to) = f.to {
        push(" AND at < $?", to.into(), &mut sql);
    }
    (sql, a)
}

pub async fn count(db: &Db, f: &Filter) -> DbResult<i64> {
    let (from, a) = filter_sql(f);
    db.scalar(&format!("SELECT COUNT(*){from}"), a).await
}

pub async fn list(db: &Db, f: &Filter, limit: i64, offset: i64) -> DbResult<Vec<Entry>> {
    let (from, mut a) = filter_sql(f);
    let n = a.len();
    a.push(limit.into());
    a.push(offset.into());
    db.fetch_all(
        &format!(
            "SELECT id, at, actor_id, actor_name, action, entity, entity_id, detail, ip{from} \
             ORDER BY at DESC, id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ),
        a,
    )
    .await
}
