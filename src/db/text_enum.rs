//! Statuses and other closed sets of values are Rust enums stored as text. `text_enum!` declares
//! one: the enum, `ALL`, `as_str`, `parse`, `Display`, binding as an [`Arg`](crate::db::Arg) and
//! decoding from a text column on both backends (an unknown value is a decode error, not a
//! silently wrong status).

#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for $crate::db::Arg {
            fn from(v: $name) -> Self {
                $crate::db::Arg::from(v.as_str())
            }
        }

        impl From<Option<$name>> for $crate::db::Arg {
            fn from(v: Option<$name>) -> Self {
                $crate::db::Arg::from(v.map($name::as_str))
            }
        }

        impl $crate::db::lite::Value for $name {
            fn decode(
                v: $crate::db::lite::ValueRef<'_>,
            ) -> Result<Self, ::sqlx::error::BoxDynError> {
                let s = v.as_str()?;
                $name::parse(s)
                    .ok_or_else(|| format!("unknown {} {s:?}", stringify!($name)).into())
            }
        }

        impl ::sqlx::Type<::sqlx::Postgres> for $name {
            fn type_info() -> <::sqlx::Postgres as ::sqlx::Database>::TypeInfo {
                <&str as ::sqlx::Type<::sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &<::sqlx::Postgres as ::sqlx::Database>::TypeInfo) -> bool {
                <&str as ::sqlx::Type<::sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> ::sqlx::Decode<'r, ::sqlx::Postgres> for $name {
            fn decode(
                v: <::sqlx::Postgres as ::sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, ::sqlx::error::BoxDynError> {
                let s = <&str as ::sqlx::Decode<::sqlx::Postgres>>::decode(v)?;
                $name::parse(s)
                    .ok_or_else(|| format!("unknown {} {s:?}", stringify!($name)).into())
            }
        }
    };
}
