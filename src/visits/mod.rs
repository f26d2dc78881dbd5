//! Technician visits: installation, repair, relocation and dismantling, one model for all — the
//! record, its statuses and the rules of an appointment (`model`), its SQL (`store`), and jobs
//! entering or leaving the dispatch queue inside other domains' operations (`queue`).
//!
//! This domain depends on no other: registrations, tickets and subscriptions put jobs in the
//! queue through it. Scheduling, the technician's steps and the report, whose effects reach into
//! registrations and tickets, live in `crate::dispatch`.

pub mod model;
pub mod queue;
pub mod stats;
pub mod store;
