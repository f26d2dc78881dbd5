//! Black-box tests over HTTP, one module per domain. They run on SQLite by default and on
//! PostgreSQL when SETIA_TEST_DATABASE_URL=postgres://… is set.

mod common;
mod fixtures;

mod auth;
mod customers;
mod db;
mod demo;
mod i18n;
mod limits;
mod portal;
mod roles;
mod security;
mod signup;
mod site;
mod users;
