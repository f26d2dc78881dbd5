//! Outgoing notifications. Mail is queued in `mail_outbox` inside the transaction that caused it;
//! a delivery worker (SMTP) sends it later.

pub mod store;
