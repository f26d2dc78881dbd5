//! The staff customer list: a search box and filters, newest first, paged by key.

use super::model::CustomerStatus;
use crate::db::{Arg, Backend, Db, DbResult};

/// A customer as the staff list shows it: 6 of [`super::store::CustomerRow`]'s 13 columns, so a
/// page of 50 reads no addresses and decodes no times it does not show.
#[derive(Debug, sqlx::FromRow, crate::db::LiteRow)]
pub struct ListRow {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub phone: String,
    pub area_name: Option<String>,
    pub status: CustomerStatus,
}

const LIST_SELECT: &str = "SELECT c.id, c.number, c.name, c.phone, a.name AS area_name, c.status \
     FROM customers c LEFT JOIN areas a ON a.id = c.area_id";

#[derive(Default)]
pub struct Filter {
    pub q: String,
    pub status: Option<CustomerStatus>,
    pub area_id: Option<i64>,
    pub package_id: Option<i64>,
}

/// What a search box entry looks like, so exact identifiers use an index instead of a scan.
#[derive(Debug, PartialEq)]
enum SearchTerm {
    None,
    Phone(String),
    Number(String),
    /// A registration number (`REG-2026-000123`): the customer who signed up with it.
    Registration(String),
    Email(String),
    /// Words, each a prefix of a word of the customer's name, number, email, address or phone
    /// (the full-text index `customer_search`).
    Words(String),
    /// Digits that may start a phone number typed locally or a customer number: any one of
    /// these prefixes.
    Digits(Vec<String>),
}

impl SearchTerm {
    fn classify(q: &str) -> SearchTerm {
        let q = q.trim();
        if q.is_empty() {
            return SearchTerm::None;
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        let looks_numeric = q
            .chars()
            .all(|c| c.is_ascii_digit() || " +-.()".contains(c));
        if looks_numeric && digits.len() >= 9 {
            if let Ok(p) = crate::types::PhoneNumber::parse(q) {
                return SearchTerm::Phone(p.as_str().to_string());
            }
        }
        let upper = q.to_uppercase();
        if upper.len() == 10
            && upper.starts_with("PLG-")
            && upper[4..].chars().all(|c| c.is_ascii_digit())
        {
            return SearchTerm::Number(upper);
        }
        if upper.starts_with("REG-") && upper.len() == 15 {
            return SearchTerm::Registration(upper);
        }
        if let Ok(e) = crate::types::Email::parse(q) {
            return SearchTerm::Email(e.as_str().to_string());
        }
        // The start of a phone number typed as 0812…, 62812… or +62 812… (the index holds the
        // digits after the country code or the leading 0 too), or the digits of a PLG number.
        if looks_numeric && digits.len() >= 4 {
            let local = digits
                .strip_prefix("62")
                .unwrap_or(&digits)
                .trim_start_matches('0');
            let mut prefixes = vec![digits.clone()];
            if local.len() >= 3 && local != digits {
                prefixes.push(local.to_string());
            }
            return SearchTerm::Digits(prefixes);
        }
        SearchTerm::Words(q.to_string())
    }
}

/// One page of customers, newest first, after the cursor `before_id` (keyset paging: the cost
/// does not grow with the page number).
pub async fn search(
    db: &Db,
    f: &Filter,
    before_id: Option<i64>,
    limit: i64,
) -> DbResult<Vec<ListRow>> {
    let mut sql = format!("{LIST_SELECT} WHERE 1 = 1");
    let mut a: Vec<Arg> = Vec::new();
    // The first page of a full-text search with no other filter needs only the newest `limit`
    // matches.
    let newest = (before_id.is_none()
        && f.status.is_none()
        && f.area_id.is_none()
        && f.package_id.is_none())
    .then_some(limit);
    match SearchTerm::classify(&f.q) {
        SearchTerm::None => {}
        // Whole phone numbers, customer numbers and emails hit their unique indexes.
        SearchTerm::Phone(p) => {
            a.push(p.into());
            sql.push_str(&format!(" AND c.phone = ${}", a.len()));
        }
        SearchTerm::Number(n) => {
            a.push(n.into());
            sql.push_str(&format!(" AND c.number = ${}", a.len()));
        }
        SearchTerm::Registration(n) => {
            a.push(n.into());
            sql.push_str(&format!(
                " AND c.id IN (SELECT customer_id FROM registrations WHERE number = ${})",
                a.len()
            ));
        }
        SearchTerm::Email(e) => {
            a.push(e.into());
            sql.push_str(&format!(" AND c.email = ${}", a.len()));
        }
        SearchTerm::Digits(prefixes) => {
            let query = db.backend().full_text_any(&prefixes);
            matching_full_text(db.backend(), Some(query), newest, &mut sql, &mut a);
        }
        SearchTerm::Words(typed) => {
            let query = db.backend().full_text_query(&typed);
            matching_full_text(db.backend(), query, newest, &mut sql, &mut a);
        }
    }
    if let Some(s) = &f.status {
        a.push(s.as_str().into());
        sql.push_str(&format!(" AND c.status = ${}", a.len()));
    }
    if let Some(area) = f.area_id {
        a.push(area.into());
        sql.push_str(&format!(" AND c.area_id = ${}", a.len()));
    }
    if let Some(p) = f.package_id {
        a.push(p.into());
        // Current subscriptions, or the package a prospect signed up for: the customers of
        // that package first (a package nobody has must not read every customer).
        sql.push_str(&format!(
            " AND c.id IN (SELECT s.customer_id FROM subscriptions s WHERE s.package_id = ${0} \
             AND s.status <> 'terminated' \
             UNION SELECT r.customer_id FROM registrations r WHERE r.package_id = ${0} \
             AND r.status IN ('submitted', 'verified', 'scheduled'))",
            a.len()
        ));
    }
    if let Some(before) = before_id {
        a.push(before.into());
        sql.push_str(&format!(" AND c.id < ${}", a.len()));
    }
    a.push(limit.into());
    sql.push_str(&format!(" ORDER BY c.id DESC LIMIT ${}", a.len()));
    db.fetch_all(&sql, a).await
}

/// Keeps the customers whose full-text document matches `query`; `None` (only punctuation was
/// typed) matches nobody. `newest`: only the newest that many matches count, when nothing else
/// narrows the page. A common first name matches thousands of customers (2,500 for "Lukman" in
/// 100,000); all of them were looked up to show 50 (bench/README.md, finding 41).
fn matching_full_text(
    backend: Backend,
    query: Option<String>,
    newest: Option<i64>,
    sql: &mut String,
    a: &mut Vec<Arg>,
) {
    let Some(query) = query else {
        sql.push_str(" AND 1 = 0");
        return;
    };
    a.push(query.into());
    let keys = match newest {
        Some(limit) => {
            a.push(limit.into());
            backend.full_text_newest("customer_search", a.len() - 1, a.len())
        }
        None => backend.full_text_keys("customer_search", a.len()),
    };
    sql.push_str(&format!(" AND c.id IN ({keys})"));
}

#[cfg(test)]
mod tests {
    use super::SearchTerm;

    #[test]
    fn search_terms() {
        assert_eq!(
            SearchTerm::classify(" 0812-3456-7890 "),
            SearchTerm::Phone("+6281234567890".into())
        );
        assert_eq!(
            SearchTerm::classify("plg-000123"),
            SearchTerm::Number("PLG-000123".into())
        );
        assert_eq!(
            SearchTerm::classify("Dewi@Mail.id"),
            SearchTerm::Email("dewi@mail.id".into())
        );
        assert_eq!(
            SearchTerm::classify("0812 34"),
            SearchTerm::Digits(vec!["081234".into(), "81234".into()])
        );
        assert_eq!(
            SearchTerm::classify("+62 857"),
            SearchTerm::Digits(vec!["62857".into(), "857".into()])
        );
        assert_eq!(
            SearchTerm::classify("000123"),
            SearchTerm::Digits(vec!["000123".into(), "123".into()])
        );
        assert_eq!(
            SearchTerm::classify("000003"),
            SearchTerm::Digits(vec!["000003".into()])
        );
        assert_eq!(
            SearchTerm::classify("3456"),
            SearchTerm::Digits(vec!["3456".into()])
        );
        assert_eq!(
            SearchTerm::classify("dewi"),
            SearchTerm::Words("dewi".into())
        );
        assert_eq!(SearchTerm::classify("   "), SearchTerm::None);
        assert_eq!(
            SearchTerm::classify("reg-2026-000201"),
            SearchTerm::Registration("REG-2026-000201".into())
        );
    }
}
