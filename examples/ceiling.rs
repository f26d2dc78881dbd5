//! The ceiling for `bench/load.sh`: a bare axum handler rendering an askama page of the size and
//! shape of Setia's list pages (a layout, a navigation bar, a table of 25 rows built per request,
//! about 8 KB), with no database, sessions or middleware. What Setia's pages answer per second is
//! reported as a fraction of what this answers on the same machine.
//!
//!     cargo run --release --example ceiling -- 127.0.0.1:18090

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

struct Row {
    number: String,
    name: String,
    area: &'static str,
    phone: String,
    status: &'static str,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · Setia</title><link rel="stylesheet" href="/static/app.css"></head>
<body><header class="top"><a class="brand" href="/">Blitz Net</a>
<nav>{% for (href, label) in nav %}<a href="{{ href }}">{{ label }}</a> {% endfor %}</nav>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="{{ csrf }}"><button>Keluar</button></form></header>
<main><h1>{{ title }}</h1>
<form class="filters" method="get"><input type="search" name="q" value="{{ q }}" placeholder="Nama, telepon, PLG-…"><button>Cari</button></form>
<table class="list"><thead><tr><th>Nomor</th><th>Nama</th><th>Wilayah</th><th>Telepon</th><th>Status</th></tr></thead><tbody>
{% for r in rows %}<tr><td><a href="/staff/customers/{{ r.number }}">{{ r.number }}</a></td><td>{{ r.name }}</td><td>{{ r.area }}</td><td>{{ r.phone }}</td><td><span class="badge badge-{{ r.status }}">{{ r.status }}</span></td></tr>
{% endfor %}</tbody></table>
<p class="pager"><a href="?after={{ last }}">Berikutnya →</a></p></main>
<footer>Setia — CRM untuk penyedia internet</footer></body></html>"#
)]
struct ListPage<'a> {
    title: &'a str,
    nav: &'a [(&'a str, &'a str)],
    csrf: String,
    q: &'a str,
    rows: Vec<Row>,
    last: String,
}

const NAV: &[(&str, &str)] = &[
    ("/staff", "Beranda"),
    ("/staff/tickets", "Keluhan"),
    ("/staff/customers", "Pelanggan"),
    ("/staff/registrations", "Pendaftaran"),
    ("/staff/dispatch", "Jadwal teknisi"),
    ("/staff/reports", "Laporan"),
];

const AREAS: &[&str] = &[
    "Cimahi Utara",
    "Cimahi Tengah",
    "Cimahi Selatan",
    "Padasuka",
];

async fn list() -> Response {
    let rows: Vec<Row> = (0..25)
        .map(|i| Row {
            number: format!("PLG-{:06}", 100_000 - i),
            name: format!("Pelanggan Nomor {i} bin Sutrisno"),
            area: AREAS[i % AREAS.len()],
            phone: format!("+62812{:07}", 3_000_000 + i * 7),
            status: if i % 9 == 0 { "isolir" } else { "aktif" },
        })
        .collect();
    let page = ListPage {
        title: "Pelanggan",
        nav: NAV,
        csrf: "0123456789abcdef0123456789abcdef0123456789abcdef".into(),
        q: "",
        last: rows.last().map(|r| r.number.clone()).unwrap_or_default(),
        rows,
    };
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18090".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, Router::new().route("/", get(list))).await
}
