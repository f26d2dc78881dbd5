//! What people are told about a ticket, and how: a line under the bell (rendered in the reader's
//! language when read) and, for those with an email address, a mail in their language through
//! the outbox. Everything is written inside the operation's transaction. Internal notes never
//! reach a message: no notice carries a message body.

use chrono::{DateTime, Utc};

use super::store::TicketRow;
use crate::args;
use crate::auth::Role;
use crate::db::{DbResult, Tx};
use crate::i18n::Lang;
use crate::notify::{self, inbox, Links};

/// What happened, for whom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// To the customer: the ticket is received.
    Received,
    /// To the customer: staff replied.
    Replied,
    /// To the customer: staff wait for their answer.
    Waiting,
    /// To the customer: resolved, with the rating link.
    Resolved,
    /// To the admins: a new ticket came in.
    New,
    /// To the assignee: assigned to them.
    Assigned,
    /// To the assignee (or the admins when nobody has it): the customer replied.
    CustomerReplied,
    /// To the assignee and the admins: a deadline ends within the hour.
    DueSoon,
}

impl Notice {
    fn key(self) -> &'static str {
        match self {
            Notice::Received => "received",
            Notice::Replied => "replied",
            Notice::Waiting => "waiting",
            Notice::Resolved => "resolved",
            Notice::New => "new",
            Notice::Assigned => "assigned",
            Notice::CustomerReplied => "customer_replied",
            Notice::DueSoon => "due_soon",
        }
    }

    fn to_customer(self) -> bool {
        matches!(
            self,
            Notice::Received | Notice::Replied | Notice::Waiting | Notice::Resolved
        )
    }
}

#[derive(sqlx::FromRow)]
struct Recipient {
    id: i64,
    email: Option<String>,
    lang: Option<String>,
}

async fn recipient(tx: &mut Tx, user_id: i64) -> DbResult<Option<Recipient>> {
    tx.fetch_optional(
        "SELECT id, email, lang FROM users WHERE id = $1 AND active = TRUE",
        args![user_id],
    )
    .await
}

async fn admins(tx: &mut Tx) -> DbResult<Vec<Recipient>> {
    tx.fetch_all(
        "SELECT id, email, lang FROM users WHERE role = $1 AND active = TRUE ORDER BY id",
        args![Role::Admin.as_str()],
    )
    .await
}

/// Tells whoever `notice` is for about `ticket`. `rating_url` goes into the resolved mail.
pub async fn send(
    tx: &mut Tx,
    links: &Links,
    notice: Notice,
    ticket: &TicketRow,
    rating_url: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let mut to: Vec<Recipient> = Vec::new();
    // The customer's mail goes to the address on the customer record (their login may have none).
    let mut customer_email = None;
    if notice.to_customer() {
        let Some(user_id) = ticket.customer_user_id else {
            return Ok(());
        };
        if let Some(r) = recipient(tx, user_id).await? {
            customer_email = tx
                .fetch_optional::<(Option<String>,)>(
                    "SELECT email FROM customers WHERE id = $1",
                    args![ticket.customer_id],
                )
                .await?
                .and_then(|r| r.0);
            to.push(r);
        }
    } else {
        let assignee = match ticket.assignee_id {
            Some(id) => recipient(tx, id).await?,
            None => None,
        };
        let everyone = matches!(notice, Notice::New | Notice::DueSoon)
            || (notice == Notice::CustomerReplied && assignee.is_none());
        if everyone {
            to = admins(tx).await?;
        }
        if let Some(a) = assignee {
            if !to.iter().any(|r| r.id == a.id) {
                to.push(a);
            }
        }
    }
    let key = notice.key();
    let path = if notice.to_customer() {
        format!("/portal/tickets/{}", ticket.id)
    } else {
        format!("/staff/tickets/{}", ticket.id)
    };
    for r in to {
        let lang = r.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
        // The bell renders its line when read, in the reader's language of the moment.
        let bell = [
            ("number", ticket.number.as_str()),
            ("category_key", ticket.category.label_key()),
            ("customer", ticket.customer_name.as_str()),
        ];
        inbox::push(tx, r.id, &format!("notice.{key}"), &bell, &path, now).await?;
        let category = lang.t(ticket.category.label_key()).to_string();
        let vars = [
            ("number", ticket.number.as_str()),
            ("category", category.as_str()),
            ("customer", ticket.customer_name.as_str()),
        ];
        let email = if notice.to_customer() {
            customer_email.clone().or(r.email)
        } else {
            r.email
        };
        let Some(email) = email else { continue };
        let link = format!("{}{path}", links.base_url);
        let rating = rating_url.unwrap_or("");
        let mut mail_vars = vars.to_vec();
        mail_vars.push(("link", link.as_str()));
        mail_vars.push(("rating_link", rating));
        let subject = lang.tf(&format!("mail.ticket_{key}_subject"), &mail_vars);
        let body = lang.tf(&format!("mail.ticket_{key}_body"), &mail_vars);
        notify::queue_mail(tx, &email, &subject, &body, now).await?;
    }
    Ok(())
}
