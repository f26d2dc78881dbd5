//! The one table model every report is built as, and its three outputs: the HTML page (through
//! the askama macro in `templates/reports/table.html`), CSV and XLSX. Because all three read the
//! same typed cells, the numbers on screen and in the downloads cannot disagree.
//!
//! CSV: UTF-8 with a byte-order mark (so Excel reads the encoding), comma-separated, headers in
//! the reader's language, dates `DD/MM/YYYY` in WIB, numbers plain with a `.` decimal point
//! (percentages and hours with one decimal, money in whole rupiah).
//! XLSX: one worksheet per table, header row bold, numbers as numbers, dates as dates (WIB).

use std::borrow::Cow;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::period::{next_month, Period};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::types::{fmt_date, wib, Rupiah};

/// One typed value of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text already in the reader's language.
    Text(String),
    Count(i64),
    /// A percentage (12.5 means 12,5%); `None` shows as "–" (nothing to divide by).
    Percent(Option<f64>),
    /// A duration in hours, shown with one decimal.
    Hours(Option<f64>),
    /// A plain number with `decimals` decimals (average stars, NPS).
    Number(Option<f64>, usize),
    Money(Rupiah),
    /// An instant, shown as its WIB date.
    Date(DateTime<Utc>),
    /// Text linking to a record's page.
    Link {
        text: String,
        href: String,
    },
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// Whether it is a figure (right-aligned on screen).
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Cell::Count(_) | Cell::Percent(_) | Cell::Hours(_) | Cell::Number(..) | Cell::Money(_)
        )
    }

    pub fn href(&self) -> Option<&str> {
        match self {
            Cell::Link { href, .. } => Some(href),
            _ => None,
        }
    }

    /// What the page shows: the reader's decimal mark, `12,5%`, `Rp 250.000`, `28/11/2026`.
    pub fn display(&self, lang: Lang) -> String {
        let mark = |s: String| {
            if lang == Lang::Id {
                s.replace('.', ",")
            } else {
                s
            }
        };
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Percent(v) => crate::reports::stats::fmt_percent(*v, lang),
            Cell::Hours(None) | Cell::Number(None, _) => "–".into(),
            Cell::Hours(Some(h)) => mark(format!("{h:.1}")),
            Cell::Number(Some(v), d) => mark(format!("{v:.d$}", d = *d)),
            Cell::Money(r) => r.to_string(),
            Cell::Date(t) => fmt_date(t),
            Cell::Link { text, .. } => text.clone(),
            Cell::Empty => String::new(),
        }
    }

    /// [`Cell::display`] for templates, which pass references.
    pub fn shown(&self, lang: &Lang) -> String {
        self.display(*lang)
    }

    /// What the CSV holds: plain numbers with a `.` decimal point, empty for none.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(s) => csv_text(s).into_owned(),
            Cell::Count(n) => n.to_string(),
            Cell::Percent(Some(v)) | Cell::Hours(Some(v)) => format!("{v:.1}"),
            Cell::Number(Some(v), d) => format!("{v:.d$}", d = *d),
            Cell::Percent(None) | Cell::Hours(None) | Cell::Number(None, _) => String::new(),
            Cell::Money(r) => r.0.to_string(),
            Cell::Date(t) => fmt_date(t),
            Cell::Link { text, .. } => csv_text(text).into_owned(),
            Cell::Empty => String::new(),
        }
    }
}

/// One row; `marked` highlights it (the cheapest offer of a tier, a total).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub marked: bool,
    pub total: bool,
}

impl Row {
    pub fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            marked: false,
            total: false,
        }
    }

    pub fn marked(mut self, yes: bool) -> Row {
        self.marked = yes;
        self
    }

    pub fn total(mut self) -> Row {
        self.total = true;
        self
    }
}

/// A titled table: headers are i18n keys, rows typed cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Stable id: the HTML `data-testid`.
    pub id: &'static str,
    pub title_key: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Row>,
    /// A line under the table saying how its figures are defined.
    pub note_key: Option<&'static str>,
}

impl Table {
    pub fn new(id: &'static str, title_key: &'static str, headers: Vec<&'static str>) -> Table {
        Table {
            id,
            title_key,
            headers,
            rows: Vec::new(),
            note_key: None,
        }
    }

    pub fn note(mut self, key: &'static str) -> Table {
        self.note_key = Some(key);
        self
    }

    /// The header key of column `i` (the `data-label` of its cells on a phone).
    pub fn header_of(&self, i: &usize) -> &'static str {
        self.headers.get(*i).copied().unwrap_or("")
    }

    pub fn push(&mut self, row: Row) {
        self.rows.push(row);
    }
}

/// A CSV writer into memory that starts with the byte-order mark Excel reads the encoding from.
pub fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(vec![0xEF, 0xBB, 0xBF])
}

/// Text as a CSV cell. Text that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`: names and comments are typed by the
/// public, and `=HYPERLINK(…)` in a comment must stay text in the office's Excel. The price:
/// an ordinary text starting so (a comment of just "-") shows the `'` too. Figures are typed
/// cells, never text, so a negative number is not touched.
pub fn csv_text(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// `laporan-keluhan-2026-11.csv` for a calendar month, else
/// `laporan-keluhan-20261101-20261115.csv` (`stem`, then the period).
pub fn file_name(stem: &str, p: &Period, ext: &str) -> String {
    let whole_month = p.first.day() == 1 && next_month(p.first) > p.last;
    let span = if whole_month {
        p.first.format("%Y-%m").to_string()
    } else {
        format!("{}-{}", p.first.format("%Y%m%d"), p.last.format("%Y%m%d"))
    };
    format!("{stem}-{span}.{ext}")
}

/// A download of `body` as the file `name`.
pub fn attachment(body: Vec<u8>, mime: &'static str, name: &str) -> AppResult<Response> {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The CSV of `tables`, one after the other with a title line and a blank line between them.
pub fn to_csv(tables: &[Table], lang: Lang) -> Vec<u8> {
    let mut w = csv_writer();
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            w.write_record([""]).expect("writing to memory");
        }
        w.write_record([lang.t(t.title_key)])
            .expect("writing to memory");
        w.write_record(t.headers.iter().map(|h| lang.t(h)))
            .expect("writing to memory");
        for r in &t.rows {
            w.write_record(r.cells.iter().map(Cell::csv))
                .expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(title: &str, taken: &[String]) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let cut = |n: usize| clean.chars().take(n).collect::<String>().trim().to_string();
    let mut name = cut(31);
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{} {n}", cut(28));
        n += 1;
    }
    name
}

/// The XLSX workbook of `tables`, one worksheet each.
pub fn to_xlsx(tables: &[Table], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let one = Format::new().set_num_format("0.0");
    let whole = Format::new().set_num_format("0");
    let money = Format::new().set_num_format("\"Rp\" #,##0");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let mut taken: Vec<String> = Vec::new();
    for t in tables {
        let name = sheet_name(lang.t(t.title_key), &taken);
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        taken.push(name);
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, lang.t(h), &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.cells.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) | Cell::Link { text: s, .. } => {
                        if row.total {
                            sheet.write_string_with_format(r, c, s, &bold)?;
                        } else {
                            sheet.write_string(r, c, s)?;
                        }
                    }
                    Cell::Count(n) => {
                        sheet.write_number_with_format(r, c, *n as f64, &whole)?;
                    }
                    Cell::Percent(Some(v)) | Cell::Hours(Some(v)) => {
                        // Rounded as on screen, so a cell equals what the page shows.
                        sheet.write_number_with_format(r, c, (v * 10.0).round() / 10.0, &one)?;
                    }
                    Cell::Number(Some(v), d) => {
                        let f = 10f64.powi(*d as i32);
                        let fmt = if *d == 0 { &whole } else { &one };
                        sheet.write_number_with_format(r, c, (v * f).round() / f, fmt)?;
                    }
                    Cell::Money(m) => {
                        sheet.write_number_with_format(r, c, m.0 as f64, &money)?;
                    }
                    Cell::Date(t) => {
                        let d = t.with_timezone(&wib()).date_naive();
                        let x = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )?;
                        sheet.write_datetime_with_format(r, c, &x, &date)?;
                    }
                    Cell::Percent(None)
                    | Cell::Hours(None)
                    | Cell::Number(None, _)
                    | Cell::Empty => {}
                }
            }
        }
        sheet.autofit();
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_show_and_export_alike() {
        assert_eq!(Cell::Percent(Some(12.5)).display(Lang::Id), "12,5%");
        assert_eq!(Cell::Percent(Some(12.5)).csv(), "12.5");
        assert_eq!(Cell::Hours(Some(2.25)).display(Lang::En), "2.2");
        assert_eq!(Cell::Money(Rupiah(250_000)).display(Lang::Id), "Rp 250.000");
        assert_eq!(Cell::Money(Rupiah(250_000)).csv(), "250000");
        assert_eq!(Cell::Percent(None).csv(), "");
        // A comment typed as a formula stays text; an ordinary one is untouched.
        assert_eq!(
            Cell::text("=HYPERLINK(\"http://x\")").csv(),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(Cell::text("@SUM(A1)").csv(), "'@SUM(A1)");
        assert_eq!(Cell::text("Lambat -- sore").csv(), "Lambat -- sore");
        assert_eq!(Cell::text("Lambat").display(Lang::Id), "Lambat");
    }

    #[test]
    fn csv_has_a_bom_and_translated_headers() {
        let mut t = Table::new(
            "x",
            "report.complaints.by_category",
            vec!["report.col.count"],
        );
        t.push(Row::new(vec![Cell::Count(3)]));
        let out = to_csv(&[t.clone()], Lang::En);
        assert!(out.starts_with(&[0xEF, 0xBB, 0xBF]));
        let xlsx = to_xlsx(&[t.clone(), t], Lang::En).unwrap();
        assert!(xlsx.starts_with(b"PK"));
        assert_eq!(sheet_name("a/b", &["a-b".into()]), "a-b 2");
    }
}
