//! SQL for the `users` table (staff and customer logins).

use chrono::{DateTime, Utc};

use crate::args;
use crate::auth::Role;
use crate::db::{like_pattern, Conn, Db, DbResult, Tx};

#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct UserRow {
    pub id: i64,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub lang: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Customer)
    }
}

const COLUMNS: &str = "id, email, phone, name, role, password_hash, active, must_change_password, \
                       failed_logins, locked_until, lang, created_at";

pub struct NewUser<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

const INSERT: &str = "INSERT INTO users (email, phone, name, role, password_hash, active, must_change_password, \
                      failed_logins, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, TRUE, $6, 0, $7, $7) RETURNING id";

pub async fn create(c: impl Into<Conn<'_>>, u: &NewUser<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    c.into()
        .insert_returning(
            INSERT,
            args![
                u.email,
                u.phone,
                u.name,
                u.role.as_str(),
                u.password_hash,
                u.must_change_password,
                now
            ],
        )
        .await
}

pub async fn get(c: impl Into<Conn<'_>>, id: i64) -> DbResult<Option<UserRow>> {
    c.into()
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM users WHERE id = $1"),
            args![id],
        )
        .await
}

/// The user whose email or phone is `login` (already normalised by the caller).
pub async fn find_by_login(
    db: &Db,
    email: Option<&str>,
    phone: Option<&str>,
) -> DbResult<Option<UserRow>> {
    db.fetch_optional(
        &format!("SELECT {COLUMNS} FROM users WHERE ($1 IS NOT NULL AND email = $1) OR ($2 IS NOT NULL AND phone = $2)"),
        args![email, phone],
    )
    .await
}

/// Whether a staff login uses `email` (a customer login must then go without it: staff and
/// customer contacts are separate matters, see sign-up).
pub async fn is_staff_email(c: impl Into<Conn<'_>>, email: &str) -> DbResult<bool> {
    let n: i64 = c
        .into()
        .scalar(
            "SELECT COUNT(*) FROM users WHERE email = $1 AND role <> 'customer'",
            args![email],
        )
        .await?;
    Ok(n > 0)
}

pub async fn count(db: &Db) -> DbResult<i64> {
    db.scalar("SELECT COUNT(*) FROM users", args![]).await
}

/// Counts a failed login (failures older than `window` start the count afresh) in one
/// statement, and returns the count.
pub async fn record_failed_login(
    tx: &mut Tx,
    id: i64,
    now: DateTime<Utc>,
    window: chrono::Duration,
) -> DbResult<i64> {
    tx.scalar(
        "UPDATE users SET \
         failed_logins = CASE WHEN last_failed_login_at >= $2 THEN failed_logins + 1 ELSE 1 END, \
         last_failed_login_at = $3 \
         WHERE id = $1 RETURNING failed_logins",
        args![id, now - window, now],
    )
    .await
}

/// Refuses logins to the account until `until`.
pub async fn lock_until(tx: &mut Tx, id: i64, until: DateTime<Utc>) -> DbResult<()> {
    tx.execute(
        "UPDATE users SET locked_until = $2 WHERE id = $1",
        args![id, until],
    )
    .await?;
    Ok(())
}

pub async fn record_successful_login(tx: &mut Tx, id: i64) -> DbResult<()> {
    tx.execute(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, last_failed_login_at = NULL WHERE id = $1",
        args![id],
    )
    .await?;
    Ok(())
}

pub async fn set_password(
    c: impl Into<Conn<'_>>,
    id: i64,
    hash: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    c.into().execute(
        "UPDATE users SET password_hash = $2, must_change_password = $3, failed_logins = 0, locked_until = NULL, \
         updated_at = $4 WHERE id = $1",
        args![id, hash, must_change, now],
    )
    .await?;
    Ok(())
}

/// The guard of the "last active system admin" rule, for use inside a transaction: concurrent
/// changes to system admins wait for each other (PostgreSQL: an advisory lock; SQLite: there is
/// one writer anyway), so two admins cannot demote each other at the same moment.
async fn lock_system_admins(tx: &mut Tx) -> DbResult<()> {
    if tx.backend() == crate::db::Backend::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock(7461001)", args![])
            .await?;
    }
    Ok(())
}

/// SQL condition: this change of user `$1` keeps at least one active system admin.
const KEEPS_A_SYSTEM_ADMIN: &str = "(role <> 'system_admin' OR active = FALSE OR EXISTS \
     (SELECT 1 FROM users o WHERE o.role = 'system_admin' AND o.active = TRUE AND o.id <> $1))";

/// Renames and re-roles a staff member; `false` (and no change) when that would remove the last
/// active system admin.
pub async fn update_staff(
    tx: &mut Tx,
    id: i64,
    name: &str,
    role: Role,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    lock_system_admins(tx).await?;
    let n = tx
        .execute(
            &format!(
                "UPDATE users SET name = $2, role = $3, updated_at = $4 WHERE id = $1 \
                 AND ($3 = 'system_admin' OR {KEEPS_A_SYSTEM_ADMIN})"
            ),
            args![id, name, role.as_str(), now],
        )
        .await?;
    Ok(n == 1)
}

pub async fn update_contact(
    tx: &mut Tx,
    id: i64,
    name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "UPDATE users SET name = $2, email = $3, phone = $4, updated_at = $5 WHERE id = $1",
        args![id, name, email, phone, now],
    )
    .await?;
    Ok(())
}

pub async fn update_name_email(
    tx: &mut Tx,
    id: i64,
    name: &str,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx.execute(
        "UPDATE users SET name = $2, email = $3, updated_at = $4 WHERE id = $1",
        args![id, name, email, now],
    )
    .await?;
    Ok(())
}

/// Activates or deactivates a user; `false` (and no change) when deactivating would remove the
/// last active system admin.
pub async fn set_active(tx: &mut Tx, id: i64, active: bool, now: DateTime<Utc>) -> DbResult<bool> {
    lock_system_admins(tx).await?;
    let n = tx
        .execute(
            &format!("UPDATE users SET active = $2, updated_at = $3 WHERE id = $1 AND ($2 = TRUE OR {KEEPS_A_SYSTEM_ADMIN})"),
            args![id, active, now],
        )
        .await?;
    Ok(n == 1)
}

pub struct StaffFilter<'a> {
    pub q: &'a str,
    pub role: Option<Role>,
}

fn staff_where(f: &StaffFilter<'_>) -> (String, Vec<crate::db::Arg>) {
    let mut sql = String::from(" FROM users WHERE role <> 'customer'");
    let mut a = args![];
    if !f.q.trim().is_empty() {
        a.push(like_pattern(f.q.trim()).into());
        sql.push_str(&format!(
            " AND (LOWER(name) LIKE ${0} ESCAPE '\\' OR LOWER(COALESCE(email, '')) LIKE ${0} ESCAPE '\\' \
             OR COALESCE(phone, '') LIKE ${0} ESCAPE '\\')",
            a.len()
        ));
    }
    if let Some(role) = f.role {
        a.push(role.as_str().into());
        sql.push_str(&format!(" AND role = ${}", a.len()));
    }
    (sql, a)
}

pub async fn count_staff(db: &Db, f: &StaffFilter<'_>) -> DbResult<i64> {
    let (from, a) = staff_where(f);
    db.scalar(&format!("SELECT COUNT(*){from}"), a).await
}

pub async fn list_staff(
    db: &Db,
    f: &StaffFilter<'_>,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<UserRow>> {
    let (from, mut a) = staff_where(f);
    let n = a.len();
    a.push(limit.into());
    a.push(offset.into());
    db.fetch_all(
        &format!(
            "SELECT {COLUMNS}{from} ORDER BY active DESC, name, id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ),
        a,
    )
    .await
}

/// A staff member as pickers and filters list them.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct StaffName {
    pub id: i64,
    pub name: String,
}

/// The active users of `role`, by name. The role is written into the statement (one of five
/// fixed words): bound as a value, PostgreSQL planned the statement again on every call (0.1–0.3
/// ms), since a generic plan must allow for the 100,000 customers.
pub async fn names_of_role(db: &Db, role: Role) -> DbResult<Vec<StaffName>> {
    db.fetch_all(
        &format!(
            "SELECT id, name FROM users WHERE role = '{}' AND active = TRUE ORDER BY name",
            role.as_str()
        ),
        args![],
    )
    .await
}
