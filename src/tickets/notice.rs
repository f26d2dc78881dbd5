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

#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct Recipient {
    /// The login, for the bell; `None` for a customer without one (mail only).
    id: Option<i64>,
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
    if notice.to_customer() {
        // The mail goes to the address on the customer record, which a customer without a
        // portal login (a caller recorded by staff) has too; the bell needs the login.
        let email = tx
            .fetch_optional::<(Option<String>,)>(
                "SELECT email FROM customers WHERE id = $1",
                args![ticket.customer_id],
            )
            .await?
            .and_then(|r| r.0);
        let login = match ticket.customer_user_id {
            Some(id) => recipient(tx, id).await?,
            None => None,
        };
        let lang = login.as_ref().and_then(|l| l.lang.clone());
        to.push(Recipient {
            id: login.as_ref().and_then(|l| l.id),
            email: email.or(login.and_then(|l| l.email)),
            lang,
        });
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
    // The bell renders its line when read, in the reader's language of the moment.
    let bell = [
        ("number", ticket.number.as_str()),
        ("category_key", ticket.category.label_key()),
        ("customer", ticket.customer_name.as_str()),
    ];
    let bell_key = format!("notice.{key}");
    let link = format!("{}{path}", links.base_url);
    // One bell row for all, then the mails and their jobs: a statement per table, not three
    // per recipient (a new complaint tells every admin).
    let users: Vec<i64> = to.iter().filter_map(|r| r.id).collect();
    inbox::push(tx, &users, &bell_key, &bell, &path, now).await?;
    let mut mails = Vec::with_capacity(to.len());
    for r in to {
        let Some(email) = r.email else { continue };
        // The mail is written now, in the recipient's language.
        let lang = r.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
        let category = lang.t(ticket.category.label_key());
        let vars = [
            ("number", ticket.number.as_str()),
            ("category", category),
            ("customer", ticket.customer_name.as_str()),
            ("link", link.as_str()),
            ("rating_link", rating_url.unwrap_or("")),
        ];
        mails.push(notify::Mail {
            to: email,
            subject: lang.tf(&format!("mail.ticket_{key}_subject"), &vars),
            body: lang.tf(&format!("mail.ticket_{key}_body"), &vars),
        });
    }
    notify::queue_mails(tx, &mails, now).await?;
    Ok(())
}
