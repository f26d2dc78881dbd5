//! In-app notifications: the bell in the portal and the staff area.
//! (Temporary stand-in for `push` while the bell is built on the `inbox` branch.)

use chrono::{DateTime, Utc};

use crate::args;
use crate::db::{DbResult, Tx};
use crate::web::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}

pub async fn push(
    tx: &mut Tx,
    user_id: i64,
    message_key: &str,
    vars: &[(&str, &str)],
    link: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let vars: serde_json::Map<String, serde_json::Value> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
        .collect();
    tx.execute(
        "INSERT INTO notifications (user_id, message_key, vars, link, created_at) VALUES ($1, $2, $3, $4, $5)",
        args![user_id, message_key, serde_json::Value::Object(vars).to_string(), link, now],
    )
    .await?;
    Ok(())
}
