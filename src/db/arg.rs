//! Typed query arguments that bind on either backend.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{FromRow, Postgres};

use super::Scalar;

/// One bound value. Nulls carry their type, which PostgreSQL needs.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    I64(Option<i64>),
    Str(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    F64(Option<f64>),
    /// Binary content (uploaded files): BLOB on SQLite, BYTEA on PostgreSQL.
    Bytes(Option<Vec<u8>>),
}

pub type Args = Vec<Arg>;

/// Builds an [`Args`] list: `args![id, name, now]`.
#[macro_export]
macro_rules! args {
    ($($a:expr),* $(,)?) => { vec![$($crate::db::Arg::from($a)),*] };
}

macro_rules! from_impls {
    ($($t:ty => $v:ident, $conv:expr;)*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg { Arg::$v(Some(($conv)(v))) }
        }
        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Arg { Arg::$v(v.map($conv)) }
        }
    )*};
}

from_impls! {
    i64 => I64, |v| v;
    i32 => I64, i64::from;
    u32 => I64, i64::from;
    String => Str, |v| v;
    &str => Str, str::to_owned;
    &String => Str, String::clone;
    bool => Bool, |v| v;
    DateTime<Utc> => Time, |v| v;
    NaiveDate => Date, |v| v;
    f64 => F64, |v| v;
    Vec<u8> => Bytes, |v| v;
}

fn bind_all<Q>(q: Q, args: Args, bind: impl Fn(Q, Arg) -> Q) -> Q {
    args.into_iter().fold(q, bind)
}

macro_rules! bind_one {
    ($q:expr, $a:expr) => {
        match $a {
            Arg::I64(v) => $q.bind(v),
            Arg::Str(v) => $q.bind(v),
            Arg::Bool(v) => $q.bind(v),
            Arg::Time(v) => $q.bind(v),
            Arg::Date(v) => $q.bind(v),
            Arg::F64(v) => $q.bind(v),
            Arg::Bytes(v) => $q.bind(v),
        }
    };
}

pub(super) fn pg_query(sql: &str, args: Args) -> Query<'_, Postgres, PgArguments> {
    bind_all(sqlx::query(sql), args, |q, a| bind_one!(q, a))
}

pub(super) fn pg_query_as<T>(sql: &str, args: Args) -> QueryAs<'_, Postgres, T, PgArguments>
where
    T: for<'r> FromRow<'r, PgRow>,
{
    bind_all(sqlx::query_as(sql), args, |q, a| bind_one!(q, a))
}

pub(super) fn pg_query_scalar<T: Scalar>(
    sql: &str,
    args: Args,
) -> QueryScalar<'_, Postgres, T, PgArguments> {
    bind_all(sqlx::query_scalar(sql), args, |q, a| bind_one!(q, a))
}
