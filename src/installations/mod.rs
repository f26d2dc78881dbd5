//! Installation appointments made from an approved registration: the planned day, time window
//! and technician. Kept apart from registrations so technician visits can grow from it.

pub mod store;
