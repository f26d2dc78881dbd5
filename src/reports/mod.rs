//! The director's dashboard and reports: figures over a period compared with the one before,
//! charts, the lists behind each figure, and exports.

pub mod export;
pub mod pages;
pub mod period;
pub mod queries;
pub mod stats;
pub mod tables;
