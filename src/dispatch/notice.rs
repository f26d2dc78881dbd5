//! What people are told about a visit: a line under the bell (rendered in the reader's language
//! when read) and a mail in the recipient's language through the outbox, written inside the
//! visit's transaction.

use chrono::{DateTime, Utc};

use crate::args;
use crate::auth::Role;
use crate::db::{DbResult, Tx};
use crate::i18n::Lang;
use crate::notify::{self, inbox, Links};
use crate::visits::store::VisitRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// To the customer: a technician comes then.
    Scheduled,
    /// To the customer: the appointment changed.
    Rescheduled,
    /// To the customer: the technician is on the way.
    OnTheWay,
    /// To the customer: installation done, with the rating link.
    Installed,
    /// To the technician: a visit was booked for them.
    Assigned,
    /// To the admins: a visit failed and waits in the queue again.
    Failed,
}

impl Notice {
    fn key(self) -> &'static str {
        match self {
            Notice::Scheduled => "scheduled",
            Notice::Rescheduled => "rescheduled",
            Notice::OnTheWay => "on_the_way",
            Notice::Installed => "installed",
            Notice::Assigned => "assigned",
            Notice::Failed => "failed",
        }
    }

    fn to_customer(self) -> bool {
        matches!(
            self,
            Notice::Scheduled | Notice::Rescheduled | Notice::OnTheWay | Notice::Installed
        )
    }
}

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct Recipient {
    id: Option<i64>,
    email: Option<String>,
    lang: Option<String>,
}

/// Tells whoever `notice` is for about visit `v` (as it is now). `extra` fills `{extra}`: the
/// rating link, or why a visit failed.
pub async fn send(
    tx: &mut Tx,
    links: &Links,
    notice: Notice,
    v: &VisitRow,
    extra: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let to: Vec<Recipient> = match notice {
        n if n.to_customer() => {
            let login = match v.customer_user_id {
                Some(id) => {
                    tx.fetch_optional::<Recipient>(
                        "SELECT id, email, lang FROM users WHERE id = $1 AND active = TRUE",
                        args![id],
                    )
                    .await?
                }
                None => None,
            };
            // The address on the customer record first: a caller recorded by staff has one too.
            let email = tx
                .fetch_optional::<(Option<String>,)>(
                    "SELECT email FROM customers WHERE id = $1",
                    args![v.customer_id],
                )
                .await?
                .and_then(|r| r.0);
            vec![Recipient {
                id: login.as_ref().and_then(|l| l.id),
                lang: login.as_ref().and_then(|l| l.lang.clone()),
                email: email.or(login.and_then(|l| l.email)),
            }]
        }
        Notice::Assigned => {
            tx.fetch_all(
                "SELECT id, email, lang FROM users WHERE id = $1 AND active = TRUE",
                args![v.technician_id],
            )
            .await?
        }
        _ => {
            tx.fetch_all(
                "SELECT id, email, lang FROM users WHERE role = $1 AND active = TRUE ORDER BY id",
                args![Role::Admin.as_str()],
            )
            .await?
        }
    };
    let key = notice.key();
    let path = if notice.to_customer() {
        "/portal".to_string()
    } else {
        format!("/staff/visits/{}", v.id)
    };
    let when = v.slot_text();
    let technician = v.technician_name.clone().unwrap_or_default();
    let bell = [
        ("number", v.number.as_str()),
        ("kind_key", v.kind.label_key()),
        ("when", when.as_str()),
        ("customer", v.customer_name.as_str()),
        ("technician", technician.as_str()),
    ];
    let bell_key = format!("visit.notice.{key}");
    let link = format!("{}{path}", links.base_url);
    // One bell row for all, then the mails and their jobs (a statement per table).
    let users: Vec<i64> = to.iter().filter_map(|r| r.id).collect();
    inbox::push(tx, &users, &bell_key, &bell, &path, now).await?;
    let mut mails = Vec::with_capacity(to.len());
    for r in to {
        let Some(email) = r.email else { continue };
        let lang = r.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
        let vars = [
            ("number", v.number.as_str()),
            ("kind", lang.t(v.kind.label_key())),
            ("when", when.as_str()),
            ("customer", v.customer_name.as_str()),
            ("address", v.address.as_str()),
            ("technician", technician.as_str()),
            ("link", link.as_str()),
            ("extra", extra),
        ];
        mails.push(notify::Mail {
            to: email,
            subject: lang.tf(&format!("visit.mail.{key}_subject"), &vars),
            body: lang.tf(&format!("visit.mail.{key}_body"), &vars),
        });
    }
    notify::queue_mails(tx, &mails, now).await?;
    Ok(())
}
