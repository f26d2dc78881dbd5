//! The SQL that must differ between SQLite and PostgreSQL, in one place. Everything else is one
//! SQL text for both. (Job claiming lives with the jobs, which need `FOR UPDATE SKIP LOCKED`.)

use super::Backend;

impl Backend {
    /// The calendar day in the company's time zone (WIB, UTC+7, no daylight saving) of a UTC
    /// timestamp column, as `YYYY-MM-DD` text: for grouping reports by day.
    pub fn wib_day(self, column: &str) -> String {
        match self {
            Backend::Sqlite => format!("strftime('%Y-%m-%d', {column}, '+7 hours')"),
            Backend::Postgres => {
                format!("to_char({column} AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD')")
            }
        }
    }

    /// The month in WIB of a UTC timestamp column, as `YYYY-MM` text.
    pub fn wib_month(self, column: &str) -> String {
        match self {
            Backend::Sqlite => format!("strftime('%Y-%m', {column}, '+7 hours')"),
            Backend::Postgres => {
                format!("to_char({column} AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM')")
            }
        }
    }

    /// `column` contains the pattern bound at `$param` (built with
    /// [`like_pattern`](super::like_pattern), which lower-cases it), ignoring case in all of
    /// Unicode (SQLite connections get a Unicode `lower`, see `sqlite_unicode`).
    pub fn contains_ci(self, column: &str, param: usize) -> String {
        format!("lower({column}) LIKE ${param} ESCAPE '\\'")
    }

    /// Full-text match of the words bound at `$param` against a search index: SQLite's FTS5
    /// table `index` (rowid = the row's id), PostgreSQL's `tsvector` column `index` of the row.
    pub fn full_text_match(self, index: &str, param: usize) -> String {
        match self {
            Backend::Sqlite => {
                format!("id IN (SELECT rowid FROM {index} WHERE {index} MATCH ${param})")
            }
            Backend::Postgres => format!("{index} @@ plainto_tsquery('simple', ${param})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Backend;

    #[test]
    fn each_backend_gets_its_own_sql() {
        assert_eq!(
            Backend::Sqlite.wib_day("created_at"),
            "strftime('%Y-%m-%d', created_at, '+7 hours')"
        );
        assert!(Backend::Postgres
            .wib_day("created_at")
            .contains("Asia/Jakarta"));
        assert!(Backend::Sqlite
            .full_text_match("tickets_fts", 2)
            .contains("MATCH $2"));
        assert!(Backend::Postgres
            .full_text_match("search", 2)
            .contains("@@"));
        assert_eq!(
            Backend::Sqlite.contains_ci("name", 1),
            Backend::Postgres.contains_ci("name", 1)
        );
    }
}
