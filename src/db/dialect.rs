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

    /// The keys of the newest documents (at most `$limit`) of the full-text index table `index`
    /// that match the query bound at `$param` (built by [`Backend::full_text_words`] or
    /// [`Backend::full_text_query`]), as a column `hit`. Newest is by key, which both engines
    /// read in order without sorting every match. SQLite: an FTS5 table (key: the rowid);
    /// PostgreSQL: a table with an `id` key, a `tsvector` column `doc` and a GIN index.
    pub fn full_text_select(self, index: &str, param: usize, limit: usize) -> String {
        match self {
            Backend::Sqlite => format!(
                "SELECT rowid AS hit FROM {index} WHERE {index} MATCH ${param} ORDER BY rowid DESC LIMIT ${limit}"
            ),
            Backend::Postgres => format!(
                "SELECT id AS hit FROM {index} WHERE doc @@ to_tsquery('simple', ${param}) ORDER BY id DESC LIMIT ${limit}"
            ),
        }
    }

    /// The keys of the newest `$limit` documents of `index` that match the query bound at
    /// `$param`, for `id IN (…)`, where the matches are few or spread over every age (a name
    /// among the customers). SQLite's FTS5 reads its matches newest first and stops. PostgreSQL
    /// is made to ask the GIN index for every match and sort only their keys: left to itself
    /// with a limit, it walks the table's key backwards testing each document until enough
    /// match, which for a word common among old documents only (a street of an area served
    /// since the start) is tens of thousands of rows (bench/README.md, finding 41).
    /// [`Backend::full_text_select`] lets it, for words whose newest matches are near the top
    /// (a complaint's words).
    pub fn full_text_newest(self, index: &str, param: usize, limit: usize) -> String {
        match self {
            Backend::Sqlite => format!(
                "SELECT rowid FROM {index} WHERE {index} MATCH ${param} ORDER BY rowid DESC LIMIT ${limit}"
            ),
            Backend::Postgres => format!(
                "SELECT id FROM (SELECT id FROM {index} WHERE doc @@ to_tsquery('simple', ${param}) \
                 OFFSET 0) m ORDER BY id DESC LIMIT ${limit}"
            ),
        }
    }

    /// `column` in a condition or a grouping that must not choose the index the rows are read
    /// through (SQLite's unary `+`), so that another condition's index does; PostgreSQL's planner
    /// weighs its statistics instead.
    pub fn not_indexed(self, column: &str) -> String {
        match self {
            Backend::Sqlite => format!("+{column}"),
            Backend::Postgres => column.to_string(),
        }
    }

    /// The whole numbers of a JSON array bound at `$param` (`"[3,1,2]"`), as rows for
    /// `id IN (…)`: one statement text however many there are, so it is prepared once.
    pub fn id_list(self, param: usize) -> String {
        match self {
            Backend::Sqlite => format!("SELECT value FROM json_each(${param})"),
            Backend::Postgres => format!(
                "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(${param} AS JSON))"
            ),
        }
    }

    /// `column` of all rows aggregated into one JSON array, as text (`[3,1,2]`; `[]` for no
    /// rows): many values in one row, which sqlx's SQLite driver hands over once instead of
    /// once per row.
    pub fn json_array_agg(self, column: &str) -> String {
        match self {
            Backend::Sqlite => format!("json_group_array({column})"),
            Backend::Postgres => format!("COALESCE(CAST(json_agg({column}) AS TEXT), '[]')"),
        }
    }

    /// The keys of every document of the full-text index table `index` that contains every
    /// word of the query bound at `$param` (as for [`Backend::full_text_select`]), for
    /// `key IN (…)` beside other conditions.
    pub fn full_text_keys(self, index: &str, param: usize) -> String {
        match self {
            Backend::Sqlite => format!("SELECT rowid FROM {index} WHERE {index} MATCH ${param}"),
            // OFFSET 0 keeps PostgreSQL from folding the subquery into the outer query: it then
            // guesses a rare word matches ~0.1 % and walks the outer table backwards checking
            // each row (100 ms for a search with no match on 100,000 customers) instead of
            // asking the index (under 1 ms; a common name about 17 ms).
            Backend::Postgres => format!(
                "SELECT id FROM {index} WHERE doc @@ to_tsquery('simple', ${param}) OFFSET 0"
            ),
        }
    }

    /// The query text for [`Backend::full_text_select`] from what a person typed: its words
    /// (letters and digits only, so nothing typed is read as query syntax), each a prefix, all
    /// required. `None` when nothing searchable is left.
    pub fn full_text_query(self, typed: &str) -> Option<String> {
        let words = typed_words(typed);
        (!words.is_empty()).then(|| self.joined(words, true, true))
    }

    /// Like [`Backend::full_text_query`], but each word as typed, not as a prefix: a common
    /// word is then one list in the index, read newest first only as far as needed, where its
    /// prefix merges the lists of every longer word first (5 ms for "lambat" in 3.2 million
    /// messages against 1 ms).
    pub fn full_text_words(self, typed: &str) -> Option<String> {
        let words = typed_words(typed);
        (!words.is_empty()).then(|| self.joined(words, true, false))
    }

    /// The query text for [`Backend::full_text_keys`] or [`Backend::full_text_newest`] matching
    /// a document with a word that starts with any of `prefixes` (only their letters and digits
    /// count, as in [`Backend::full_text_query`]).
    pub fn full_text_any(self, prefixes: &[String]) -> String {
        let words = prefixes
            .iter()
            .map(|p| {
                p.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty());
        self.joined(words, false, true)
    }

    /// `words` in the backend's query syntax, each as a `prefix` or as it is, joined so that all
    /// of them (`all`) or any of them must match.
    fn joined(self, words: impl IntoIterator<Item = String>, all: bool, prefix: bool) -> String {
        let joiner = match (self, all) {
            (Backend::Sqlite, true) => " ",
            (Backend::Sqlite, false) => " OR ",
            (Backend::Postgres, true) => " & ",
            (Backend::Postgres, false) => " | ",
        };
        let star = if prefix { "*" } else { "" };
        words
            .into_iter()
            .map(|w| match self {
                Backend::Sqlite => format!("\"{w}\"{star}"),
                Backend::Postgres if prefix => format!("{w}:*"),
                Backend::Postgres => w,
            })
            .collect::<Vec<_>>()
            .join(joiner)
    }

    /// A statement removing the documents of the full-text index table `index` whose keys lie
    /// between the numbers bound at `$from` and `$to` (both included).
    pub fn full_text_delete(self, index: &str, from: usize, to: usize) -> String {
        let key = match self {
            Backend::Sqlite => "rowid",
            Backend::Postgres => "id",
        };
        format!("DELETE FROM {index} WHERE {key} BETWEEN ${from} AND ${to}")
    }

    /// The start of a statement adding documents to the full-text index table `index`
    /// (`INSERT INTO {index} (key, doc)`: follow it with `VALUES` or a `SELECT`), and the
    /// expression that turns the text bound at `$param` into its document.
    pub fn full_text_insert(self, index: &str, param: usize) -> (String, String) {
        match self {
            Backend::Sqlite => (
                format!("INSERT INTO {index} (rowid, doc)"),
                format!("${param}"),
            ),
            Backend::Postgres => (
                format!("INSERT INTO {index} (id, doc)"),
                format!("to_tsvector('simple', ${param})"),
            ),
        }
    }

    /// A statement putting the document of the text bound at `$2` into the full-text index
    /// table `index` under key `$1`, in place of the key's document if it has one. On SQLite the
    /// table must allow it (`contentless_delete = 1`, or a table keeping its content): on a
    /// plain contentless table FTS5 ignores `OR REPLACE` and adds the document beside the old.
    pub fn full_text_replace(self, index: &str) -> String {
        match self {
            Backend::Sqlite => {
                format!("INSERT OR REPLACE INTO {index} (rowid, doc) VALUES ($1, $2)")
            }
            Backend::Postgres => format!(
                "INSERT INTO {index} (id, doc) VALUES ($1, to_tsvector('simple', $2)) \
                 ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc"
            ),
        }
    }
}

/// The words of what a person typed, lower-cased: letters and digits only, at most eight.
fn typed_words(typed: &str) -> Vec<String> {
    typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_lowercase)
        .collect()
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
            .full_text_select("ticket_search", 2, 3)
            .contains("MATCH $2 ORDER BY rowid DESC LIMIT $3"));
        assert!(Backend::Postgres
            .full_text_select("ticket_search", 2, 3)
            .contains("@@ to_tsquery('simple', $2) ORDER BY id DESC LIMIT $3"));
        assert_eq!(Backend::Sqlite.json_array_agg("id"), "json_group_array(id)");
        assert_eq!(
            Backend::Sqlite.id_list(4),
            "SELECT value FROM json_each($4)"
        );
        assert!(Backend::Postgres
            .id_list(4)
            .contains("json_array_elements_text(CAST($4 AS JSON))"));
        assert_eq!(
            Backend::Sqlite
                .full_text_query("Modem \"mati\" OR*")
                .as_deref(),
            Some("\"modem\"* \"mati\"* \"or\"*")
        );
        assert_eq!(
            Backend::Postgres.full_text_query("modem: mati!").as_deref(),
            Some("modem:* & mati:*")
        );
        assert_eq!(Backend::Sqlite.full_text_query(" -*- "), None);
        assert_eq!(
            Backend::Sqlite
                .full_text_words("Modem \"mati\"*")
                .as_deref(),
            Some("\"modem\" \"mati\"")
        );
        assert_eq!(
            Backend::Postgres.full_text_words("modem: mati!").as_deref(),
            Some("modem & mati")
        );
        assert_eq!(Backend::Postgres.full_text_words("&|!"), None);
        assert_eq!(
            Backend::Sqlite.contains_ci("name", 1),
            Backend::Postgres.contains_ci("name", 1)
        );
    }
}
