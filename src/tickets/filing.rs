//! Filing a ticket: by a customer in the portal, or by staff for a caller (who may not be a
//! customer yet). One transaction holds the ticket, its opening message and photos, the SLA
//! deadlines, the timeline line, the audit row and the notices.

use chrono::{DateTime, Datelike, Utc};

use super::model::{self, Category, Channel, Priority};
use super::notice::{self, Notice};
use super::service::{attach_photos, parse_body};
use super::sla::Policy;
use super::store::{self, NewMessage, NewTicket};
use crate::args;
use crate::audit::{self, Action, Actor};
use crate::customers::events::EventKind;
use crate::customers::store as customers;
use crate::db::{counter, Db};
use crate::error::{AppError, AppResult};
use crate::notify::Links;
use crate::types::{wib_date, PhoneNumber};
use crate::uploads::process::Prepared;
use crate::words::Detail;

/// Whom a ticket is for.
pub enum Caller {
    Customer(i64),
    /// Not a customer yet: recorded as a prospect with the ticket.
    New {
        name: String,
        phone: PhoneNumber,
        address: String,
        area_id: Option<i64>,
    },
}

pub struct NewTicketInput {
    pub caller: Caller,
    pub subscription_id: Option<i64>,
    pub category: Category,
    /// Staff choose; a customer's ticket starts from the category's default.
    pub priority: Option<Priority>,
    pub channel: Channel,
    pub body: String,
    pub photos: Vec<Prepared>,
    /// The most tickets the filing customer may file within an hour; `None` for staff.
    pub hourly_limit: Option<i64>,
}

/// What filing needs to know of the customer.
#[derive(sqlx::FromRow, crate::db::LiteRow)]
struct Customer {
    area_id: Option<i64>,
    number: String,
    name: String,
    phone: String,
    /// The portal login, which the photos concern.
    user_id: Option<i64>,
}

pub struct Filed {
    pub id: i64,
    pub number: String,
}

/// Files a ticket: the opening message with its photos, the SLA deadlines, the timeline line,
/// the audit row, and the notices (the customer: received; the admins: new).
pub async fn file(
    db: &Db,
    links: &Links,
    actor: Actor<'_>,
    now: DateTime<Utc>,
    input: NewTicketInput,
) -> AppResult<Filed> {
    let body = parse_body(&input.body).map_err(|k| AppError::field("body", k))?;
    let mut tx = db.begin().await?;
    let customer_id = match &input.caller {
        Caller::Customer(id) => *id,
        Caller::New {
            name,
            phone,
            address,
            area_id,
        } => {
            crate::customers::service::create_caller(
                &mut tx, actor, now, name, phone, address, *area_id,
            )
            .await?
        }
    };
    let customer: Customer = tx
        .fetch_optional(
            "SELECT area_id, number, name, phone, user_id FROM customers WHERE id = $1",
            args![customer_id],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let mut area_id = customer.area_id;
    if let Some(sub) = input.subscription_id {
        let row = tx
            .fetch_optional::<(Option<i64>,)>(
                "SELECT area_id FROM subscriptions WHERE id = $1 AND customer_id = $2",
                args![sub, customer_id],
            )
            .await?
            .ok_or_else(|| AppError::field("subscription", "ticket.error.subscription"))?;
        area_id = row.0.or(area_id);
    }
    if let (Some(limit), Some(user)) = (input.hourly_limit, actor.id) {
        // Parallel filings by one customer are counted one after the other.
        tx.lock_row("customers", customer_id).await?;
        let since = now - chrono::Duration::hours(1);
        if store::filed_by_since(&mut tx, customer_id, user, since, limit).await? >= limit {
            return Err(AppError::field("limit", "ticket.error.too_many"));
        }
    }
    let priority = input
        .priority
        .unwrap_or_else(|| input.category.default_priority());
    let policy = Policy::load(&mut tx).await?;
    let (first_due, resolution_due) = policy.deadlines(priority, now);
    let seq = counter::next(&mut tx, "ticket").await?;
    let number = model::number(wib_date(now).year(), seq);
    let id = store::insert(
        &mut tx,
        &NewTicket {
            number: &number,
            customer_id,
            subscription_id: input.subscription_id,
            area_id,
            category: input.category,
            priority,
            channel: input.channel,
            summary: &model::summary_of(&body),
            created_by: actor.id,
            first_response_due_at: first_due,
            resolution_due_at: resolution_due,
        },
        now,
    )
    .await?;
    let by_customer = input.hourly_limit.is_some();
    let message_id = store::add_message(
        &mut tx,
        &NewMessage {
            ticket_id: id,
            author_id: actor.id,
            author_name: if by_customer {
                actor.name
            } else {
                &customer.name
            },
            author_kind: "customer",
            internal: false,
            body: &body,
        },
        &store::opening_words(&number, &customer.number, &customer.name, &customer.phone),
        now,
    )
    .await?;
    attach_photos(
        &mut tx,
        &input.photos,
        message_id,
        customer.user_id,
        actor,
        now,
    )
    .await?;
    let ticket = Detail::new().record("ticket", id, &number);
    let filed = ticket.clone().with("category", input.category);
    customers::add_event(
        &mut tx,
        customer_id,
        EventKind::TicketFiled,
        &filed.stored(),
        actor.name,
        now,
    )
    .await?;
    audit::record_in(
        &mut tx,
        now,
        actor,
        Action::TicketFile,
        Some(("ticket", id)),
        &ticket.with("channel", input.channel),
    )
    .await?;
    let ticket = store::get(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    notice::send(&mut tx, links, Notice::Received, &ticket, None, now).await?;
    notice::send(&mut tx, links, Notice::New, &ticket, None, now).await?;
    tx.commit().await?;
    Ok(Filed { id, number })
}
