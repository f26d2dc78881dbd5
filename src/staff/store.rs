//! What the admin's home lists as needing action now (read-only).

use chrono::NaiveDate;

use crate::args;
use crate::db::{Db, DbResult};

/// A visit that needs the office: failed and not handed to a new attempt, or still open after
/// its planned day.
#[derive(Clone, Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct StuckVisit {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub customer_name: String,
    pub planned_date: Option<NaiveDate>,
}

/// Visits failed and not requeued (no later visit continues them, and the job is not done
/// another way), then visits scheduled or under way whose planned day (WIB) is before `today`;
/// oldest first, at most `limit`.
pub async fn stuck_visits(db: &Db, today: NaiveDate, limit: i64) -> DbResult<Vec<StuckVisit>> {
    db.fetch_all(
        "SELECT v.id, v.number, v.status, c.name AS customer_name, v.planned_date \
         FROM visits v JOIN customers c ON c.id = v.customer_id \
         WHERE (v.status = 'failed' AND NOT EXISTS (SELECT 1 FROM visits n WHERE n.previous_id = v.id) \
         AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.id = v.registration_id AND r.status IN ('installed', 'rejected')) \
         AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = v.ticket_id AND t.status IN ('resolved', 'closed'))) \
         OR (v.status IN ('scheduled', 'on_the_way', 'in_progress') AND v.planned_date < $1) \
         ORDER BY v.planned_date, v.id LIMIT $2",
        args![today, limit],
    )
    .await
}
