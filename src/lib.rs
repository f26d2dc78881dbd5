//! Setia: a web CRM for internet service providers.

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
pub mod error;
pub mod health;
pub mod i18n;
pub mod installations;
pub mod news;
pub mod notify;
pub mod portal;
pub mod retention;
pub mod signup;
pub mod site;
pub mod staff;
pub mod types;
pub mod uploads;
pub mod users;
pub mod web;
