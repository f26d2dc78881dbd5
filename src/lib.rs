//! Setia: a web CRM for internet service providers.

// `setia::…` paths work inside the crate too (the code `#[derive(LiteRow)]` generates).
extern crate self as setia;

pub mod app;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod customers;
pub mod db;
pub mod demo;
pub mod dispatch;
pub mod error;
pub mod health;
pub mod i18n;
pub mod jobs;
pub mod memory;
pub mod news;
pub mod notify;
pub mod nps;
pub mod portal;
pub mod reports;
pub mod retention;
pub mod satisfaction;
pub mod signup;
pub mod site;
pub mod staff;
pub mod state;
pub mod tickets;
pub mod types;
pub mod uploads;
pub mod users;
pub mod visits;
pub mod web;
pub mod words;
pub mod worker;
