//! Black-box tests over HTTP, one module per domain. They run on SQLite by default and on
//! PostgreSQL when SETIA_TEST_DATABASE_URL=postgres://… is set.

mod common;
mod fixtures;
mod process;
mod smtp;

mod audit_tx;
mod auth;
mod backup;
mod bilingual;
mod confirm;
mod customers;
mod dashboard;
mod db;
mod demo;
mod dispatch;
mod durability;
mod field;
mod i18n;
mod inbox;
mod jobs;
mod kernel;
mod limits;
mod mail;
mod nps;
mod portal;
mod report_days;
mod reports;
mod reset;
mod risk;
mod roles;
mod routes;
mod satisfaction;
mod security;
mod shop_window;
mod signup;
mod site;
mod sla;
mod tickets;
mod uploads;
mod users;
mod visits;
mod words;
