//! The four report pages (complaints, satisfaction, technicians, retention) and their CSV and
//! XLSX downloads. Read-only: parse the period and scope → build the tables → render them as a
//! page or a file. Office only (admin, director), downloads too.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::export::{self, Table};
use super::period::{Period, PeriodQuery, Scope};
use super::tables::{self, Kind};
use crate::auth::groups;
use crate::catalog::{
    self,
    store::{AreaRow, PackageRow},
};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::types::wib_date;
use crate::web::routes::{Access, Routes};
use crate::web::{Ctx, FieldErrors, Query};

pub fn routes() -> Routes {
    let office = Access::Roles(groups::OFFICE);
    Routes::new()
        .get("/staff/reports/complaints", office, complaints)
        .get("/staff/reports/complaints.csv", office, complaints_csv)
        .get("/staff/reports/complaints.xlsx", office, complaints_xlsx)
        .get("/staff/reports/satisfaction", office, satisfaction)
        .get("/staff/reports/satisfaction.csv", office, satisfaction_csv)
        .get(
            "/staff/reports/satisfaction.xlsx",
            office,
            satisfaction_xlsx,
        )
        .get("/staff/reports/technicians", office, technicians)
        .get("/staff/reports/technicians.csv", office, technicians_csv)
        .get("/staff/reports/technicians.xlsx", office, technicians_xlsx)
        .get("/staff/reports/retention", office, retention)
        .get("/staff/reports/retention.csv", office, retention_csv)
        .get("/staff/reports/retention.xlsx", office, retention_xlsx)
}

#[derive(Template)]
#[template(path = "reports/report.html")]
struct ReportPage {
    ctx: Ctx,
    kind: Kind,
    q: PeriodQuery,
    errors: FieldErrors,
    period: Option<Period>,
    areas: std::sync::Arc<Vec<AreaRow>>,
    packages: std::sync::Arc<Vec<PackageRow>>,
    tables: Vec<Table>,
    /// `period=…&area=…` asking for the same report again (tabs and downloads).
    query: String,
}

impl ReportPage {
    fn action(&self) -> String {
        format!("/staff/reports/{}", self.kind.slug())
    }
}

/// The period and scope asked for, or the field errors.
fn parse(q: &PeriodQuery, state: &AppState) -> Result<(Period, Scope), FieldErrors> {
    let today = wib_date(state.now());
    let period = Period::parse(q, today);
    let scope = Scope::parse(q);
    match (period, scope) {
        (Ok(p), Ok(s)) => Ok((p, s)),
        (Err(mut a), Err(b)) => {
            for (field, key) in b.iter() {
                a.add(field.to_string(), key);
            }
            Err(a)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

async fn render(state: AppState, ctx: Ctx, q: PeriodQuery, kind: Kind) -> AppResult<Response> {
    let areas = catalog::areas(&state).await?;
    let packages = catalog::packages(&state).await?;
    let mut page = ReportPage {
        ctx,
        kind,
        q,
        errors: FieldErrors::default(),
        period: None,
        areas,
        packages,
        tables: Vec::new(),
        query: String::new(),
    };
    match parse(&page.q, &state) {
        Ok((period, scope)) => {
            page.tables = tables::build(&state.db, kind, &period, scope, page.ctx.lang).await?;
            page.query = format!("{}{}", period.query(), scope.query());
            page.period = Some(period);
            Ok(Html(page.render()?).into_response())
        }
        Err(errors) => {
            page.errors = errors;
            Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
        }
    }
}

#[derive(Clone, Copy)]
enum FileType {
    Csv,
    Xlsx,
}

async fn download(
    state: AppState,
    ctx: Ctx,
    q: PeriodQuery,
    kind: Kind,
    file: FileType,
) -> AppResult<Response> {
    let Ok((period, scope)) = parse(&q, &state) else {
        // The page says what is wrong with the period, keeping what was typed.
        return render(state, ctx, q, kind).await;
    };
    let lang = ctx.lang;
    let tables = tables::build(&state.db, kind, &period, scope, lang).await?;
    let (body, mime, ext) = match file {
        FileType::Csv => (
            export::to_csv(&tables, lang),
            "text/csv; charset=utf-8",
            "csv",
        ),
        FileType::Xlsx => (
            export::to_xlsx(&tables, lang).map_err(|e| AppError::Internal(e.into()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    export::attachment(
        body,
        mime,
        &export::file_name(kind.file_stem(), &period, ext),
    )
}

macro_rules! report_handlers {
    ($($kind:ident: $page:ident, $csv:ident, $xlsx:ident;)*) => {$(
        async fn $page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
            render(state, ctx, q, Kind::$kind).await
        }
        async fn $csv(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
            download(state, ctx, q, Kind::$kind, FileType::Csv).await
        }
        async fn $xlsx(State(state): State<AppState>, ctx: Ctx, Query(q): Query<PeriodQuery>) -> AppResult<Response> {
            download(state, ctx, q, Kind::$kind, FileType::Xlsx).await
        }
    )*};
}

report_handlers! {
    Complaints: complaints, complaints_csv, complaints_xlsx;
    Satisfaction: satisfaction, satisfaction_csv, satisfaction_xlsx;
    Technicians: technicians, technicians_csv, technicians_xlsx;
    Retention: retention, retention_csv, retention_xlsx;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::period::Preset;
    use chrono::NaiveDate;

    #[test]
    fn file_names() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let p = Period {
            preset: Preset::LastMonth,
            first: d(11, 1),
            last: d(11, 30),
        };
        assert_eq!(
            export::file_name(Kind::Complaints.file_stem(), &p, "xlsx"),
            "laporan-keluhan-2026-11.xlsx"
        );
        let p = Period {
            preset: Preset::Custom,
            first: d(11, 2),
            last: d(11, 15),
        };
        assert_eq!(
            export::file_name(Kind::Retention.file_stem(), &p, "csv"),
            "laporan-retensi-20261102-20261115.csv"
        );
    }
}
