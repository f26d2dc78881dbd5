//! `setia demo --customers N --tickets M`: an ISP-sized data set on top of the demo, for
//! benchmarks and for seeing the reports at scale. Five years of sign-ups (more of them lately),
//! subscriptions ending at a few percent a month (reasons, competitors), tickets over each
//! customer's active time (mostly "no connection" and "slow") with threads of 1–6 messages in
//! Indonesian, the full-text index, installation and repair visits, ratings skewed high,
//! referrals and NPS answers.
//!
//! Rows are written directly with multi-row INSERTs in large transactions (the services would
//! take hours for a million tickets); every generated customer shares one precomputed password
//! hash (the demo customers' password). Counters and PostgreSQL identity sequences are moved past
//! the generated rows, so the app numbers new records after them.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::{data, tickets as texts, DEMO_CUSTOMER_PASSWORD};
use crate::args;
use crate::auth::password;
use crate::db::{Args, Backend, Db, DbResult, Tx};
use crate::tickets::model::{Category, Channel, Priority, TicketStatus};
use crate::tickets::store::{search_key, ACTIVE_SEARCH, EVERY_SEARCH};
use crate::types::{wib, wib_date};

/// How much to generate.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub customers: usize,
    pub tickets: usize,
}

/// Rows per transaction: large enough that commits are rare, small enough to show progress.
const TX_ROWS: usize = 20_000;
const YEARS: i64 = 5;

struct Customer {
    id: i64,
    user_id: i64,
    subscription_id: i64,
    name: String,
    phone: String,
    area_id: i64,
    since: DateTime<Utc>,
    /// The day the subscription ended, if it did.
    until: Option<DateTime<Utc>>,
}

struct Context {
    packages: Vec<(i64, i64)>,
    areas: Vec<i64>,
    competitors: Vec<i64>,
    admins: Vec<(i64, String)>,
    technicians: Vec<i64>,
    hash: String,
}

/// Generates the rows; `progress` draws a bar on the terminal.
pub async fn generate(
    db: &Db,
    sizes: Sizes,
    now: DateTime<Utc>,
    progress: bool,
) -> anyhow::Result<()> {
    let ctx = context(db).await?;
    let bar = if progress {
        let bar = ProgressBar::new((sizes.customers + sizes.tickets) as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>10} [{elapsed_precise}] {wide_bar} {pos}/{len} ({eta})",
            )
            .expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut rng = StdRng::seed_from_u64(20261129);
    bar.set_message("customers");
    let customers = customers(db, &ctx, sizes.customers, now, &mut rng, &bar).await?;
    bar.set_message("tickets");
    tickets(db, &ctx, &customers, sizes.tickets, now, &mut rng, &bar).await?;
    bar.set_message("NPS");
    nps(db, &customers, now, &mut rng).await?;
    bar.set_message("indexes");
    finish(db).await?;
    // The dashboard's daily ticket summary, so its first view does not build five years.
    bar.set_message("summaries");
    crate::reports::days::refresh(db).await?;
    bar.finish_with_message("done");
    Ok(())
}

async fn context(db: &Db) -> anyhow::Result<Context> {
    let packages: Vec<(i64, i64)> = db
        .fetch_all(
            "SELECT id, download_mbps FROM packages WHERE published = TRUE ORDER BY price",
            args![],
        )
        .await?;
    let areas: Vec<(i64,)> = db
        .fetch_all("SELECT id FROM areas WHERE covered = TRUE", args![])
        .await?;
    let competitors: Vec<(i64,)> = db.fetch_all("SELECT id FROM competitors", args![]).await?;
    let staff = |role: &'static str| {
        db.fetch_all::<(i64, String)>(
            "SELECT id, name FROM users WHERE role = $1 AND active = TRUE ORDER BY id",
            args![role],
        )
    };
    let admins = staff("admin").await?;
    let technicians = staff("technician")
        .await?
        .into_iter()
        .map(|t| t.0)
        .collect();
    let hash: Option<String> = db
        .fetch_optional::<(String,)>(
            "SELECT password_hash FROM users WHERE role = 'customer' ORDER BY id LIMIT 1",
            args![],
        )
        .await?
        .map(|r| r.0);
    let hash = match hash {
        Some(h) => h,
        None => password::hash(DEMO_CUSTOMER_PASSWORD.into()).await?,
    };
    anyhow::ensure!(
        !packages.is_empty() && !areas.is_empty() && !admins.is_empty(),
        "the demo content (packages, covered areas, admins) must be loaded first"
    );
    Ok(Context {
        packages,
        areas: areas.into_iter().map(|a| a.0).collect(),
        competitors: competitors.into_iter().map(|c| c.0).collect(),
        admins,
        technicians,
        hash,
    })
}

/// The next free id of a table.
async fn next_id(db: &Db, table: &str) -> DbResult<i64> {
    let max: Option<i64> = db
        .scalar(&format!("SELECT MAX(id) FROM {table}"), args![])
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

async fn counter(db: &Db, name: &str) -> DbResult<i64> {
    let v: Option<i64> = db
        .scalar(
            "SELECT MAX(value) FROM counters WHERE name = $1",
            args![name],
        )
        .await?;
    Ok(v.unwrap_or(0))
}

async fn set_counter(tx: &mut Tx, name: &str, value: i64) -> DbResult<()> {
    tx.execute(
        "INSERT INTO counters (name, value) VALUES ($1, $2) \
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        args![name, value],
    )
    .await?;
    Ok(())
}

/// Inserts `rows` with `head` (`INSERT INTO t (a, b)`) and `row` (`(?, ?)`, where each `?` is
/// one value) as multi-row statements within both databases' parameter limits.
async fn insert(tx: &mut Tx, head: &str, row: &str, mut rows: Vec<Args>) -> DbResult<()> {
    let cols = row.matches('?').count();
    // sqlx looks SQLite parameters up one by one (quadratic in their number): keep statements
    // to about a thousand values.
    let per = (1_000 / cols).max(1);
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(per));
        let chunk = std::mem::replace(&mut rows, rest);
        let mut sql = String::with_capacity(head.len() + chunk.len() * (row.len() + cols * 6));
        sql.push_str(head);
        sql.push_str(" VALUES ");
        let mut args: Args = Vec::with_capacity(chunk.len() * cols);
        for (i, r) in chunk.into_iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            debug_assert_eq!(r.len(), cols, "{head}");
            let mut parts = row.split('?');
            sql.push_str(parts.next().unwrap_or_default());
            for (k, part) in parts.enumerate() {
                sql.push('$');
                sql.push_str(&(args.len() + k + 1).to_string());
                sql.push_str(part);
            }
            args.extend(r);
        }
        tx.execute(&sql, args).await?;
    }
    Ok(())
}

/// A day's instant at `hour` WIB.
fn at_hour(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    crate::reports::period::day_start(day) + Duration::hours(i64::from(hour))
}

fn pick<'a, T>(rng: &mut StdRng, weighted: &'a [(T, u32)]) -> &'a T {
    &weighted
        .choose_weighted(rng, |(_, w)| *w)
        .expect("non-empty weights")
        .0
}

/// Minutes spread log-uniformly between `lo` and `hi`: most short, a long tail.
fn log_minutes(rng: &mut StdRng, lo: f64, hi: f64) -> i64 {
    (lo.ln() + rng.gen::<f64>() * (hi.ln() - lo.ln())).exp() as i64
}

async fn customers(
    db: &Db,
    ctx: &Context,
    n: usize,
    now: DateTime<Utc>,
    rng: &mut StdRng,
    bar: &ProgressBar,
) -> anyhow::Result<Vec<Customer>> {
    let taken_phones: HashSet<String> = db
        .fetch_all::<(String,)>(
            "SELECT phone FROM customers UNION SELECT phone FROM users WHERE phone IS NOT NULL",
            args![],
        )
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
    let taken_codes: HashSet<String> = db
        .fetch_all::<(String,)>("SELECT referral_code FROM customers", args![])
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
    let (mut user_id, mut customer_id) =
        (next_id(db, "users").await?, next_id(db, "customers").await?);
    let mut subscription_id = next_id(db, "subscriptions").await?;
    let mut registration_id = next_id(db, "registrations").await?;
    let mut visit_id = next_id(db, "visits").await?;
    let mut customer_no = counter(db, "customer").await?;
    let mut visit_no = counter(db, "visit").await?;
    let mut reg_no: BTreeMap<i32, i64> = BTreeMap::new();

    // Sign-up times over five years, more of them lately (the density grows linearly).
    let span = Duration::days(YEARS * 365).num_minutes() as f64;
    let mut times: Vec<DateTime<Utc>> = (0..n)
        .map(|_| now - Duration::minutes((span * (1.0 - rng.gen::<f64>().sqrt())) as i64 + 60))
        .collect();
    times.sort();

    let mut out: Vec<Customer> = Vec::with_capacity(n);
    let mut phone_seq = 0u64;
    let mut code_seq = 0u64;
    let package_weights: Vec<((i64, i64), u32)> = ctx
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, [20, 40, 25, 10, 5].get(i).copied().unwrap_or(5)))
        .collect();
    for block in times.chunks(TX_ROWS) {
        let (mut users, mut custs, mut subs, mut regs, mut visits) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for &submitted in block {
            let name = format!(
                "{} {}",
                data::FIRST_NAMES.choose(rng).expect("names"),
                data::LAST_NAMES.choose(rng).expect("names")
            );
            let phone = loop {
                phone_seq += 1;
                let p = format!("+62857{:08}", 10_000_000 + phone_seq * 7919 % 89_999_999);
                if !taken_phones.contains(&p) {
                    break p;
                }
            };
            let code = loop {
                code_seq += 1;
                let c = referral_code(code_seq);
                if !taken_codes.contains(&c) {
                    break c;
                }
            };
            let area_id = *ctx.areas.choose(rng).expect("areas");
            let (package_id, _) = *pick(rng, &package_weights);
            let address = format!(
                "{} No. {}, RT 0{}/RW 0{}",
                data::STREETS.choose(rng).expect("streets"),
                rng.gen_range(1..250),
                rng.gen_range(1..9),
                rng.gen_range(1..9)
            );
            let email = rng
                .gen_bool(0.4)
                .then(|| format!("pelanggan{}@contoh.id", customer_id));
            let verified = submitted + Duration::hours(rng.gen_range(1..30));
            let planned = wib_date(verified) + Duration::days(rng.gen_range(1..4));
            let hour = rng.gen_range(8..15);
            let installed = at_hour(planned, hour) + Duration::minutes(rng.gen_range(30..150));
            let installed = installed.min(now - Duration::minutes(1));
            let since = installed;
            // Lifetimes with a mean of about 40 months: churn of a few percent a month.
            let months = -(1.0 - rng.gen::<f64>()).ln() * 40.0;
            let end = since + Duration::days((months * 30.4) as i64 + 1);
            let until = (end < now - Duration::days(1)).then_some(end);
            let (status, sub_status) = match until {
                Some(_) => ("terminated", "terminated"),
                None if rng.gen_bool(0.03) => ("suspended", "suspended"),
                None => ("active", "active"),
            };
            let (reason, competitor) = match until {
                Some(_) => {
                    let r = *pick(
                        rng,
                        &[
                            ("price", 30),
                            ("quality", 25),
                            ("relocation", 20),
                            ("competitor", 18),
                            ("other", 7),
                        ],
                    );
                    let k = (r == "competitor")
                        .then(|| ctx.competitors.choose(rng).copied())
                        .flatten();
                    (Some(r), k)
                }
                None => (None, None),
            };
            let referrer = (rng.gen_bool(0.08) && !out.is_empty())
                .then(|| out[rng.gen_range(0..out.len())].id);
            let channel = *pick(rng, &[("online", 55), ("walk_in", 35), ("phone", 10)]);
            customer_no += 1;
            let year = wib_date(submitted).year();
            let reg_seq = reg_no.entry(year).or_insert(0);
            if *reg_seq == 0 {
                *reg_seq = counter(db, &format!("registration-{year}")).await?;
            }
            *reg_seq += 1;
            visit_no += 1;
            let tech = ctx.technicians.choose(rng).copied();

            users.push(args![
                user_id,
                phone.as_str(),
                name.as_str(),
                ctx.hash.as_str(),
                submitted,
            ]);
            custs.push(args![
                customer_id,
                format!("PLG-{customer_no:06}"),
                user_id,
                name.as_str(),
                phone.as_str(),
                email,
                address.as_str(),
                area_id,
                status,
                code,
                referrer,
                submitted,
                until.unwrap_or(since),
            ]);
            subs.push(args![
                subscription_id,
                customer_id,
                package_id,
                address.as_str(),
                area_id,
                sub_status,
                wib_date(since),
                until.map(wib_date),
                reason,
                competitor,
                submitted,
                until.unwrap_or(since),
            ]);
            regs.push(args![
                registration_id,
                format!("REG-{year}-{:06}", *reg_seq),
                customer_id,
                package_id,
                area_id,
                address.as_str(),
                referrer,
                subscription_id,
                channel,
                submitted,
                verified,
                verified + Duration::minutes(20),
                installed,
            ]);
            visits.push(args![
                visit_id,
                format!("KJG-{}-{visit_no:06}", wib_date(installed).year()),
                "installation",
                "done",
                customer_id,
                subscription_id,
                registration_id,
                Option::<i64>::None,
                address.as_str(),
                area_id,
                tech,
                planned,
                format!("{hour:02}:00"),
                format!("{:02}:00", hour + 2),
                verified,
                verified + Duration::minutes(20),
                installed - Duration::minutes(90),
                installed - Duration::minutes(60),
                installed,
                verified,
                installed,
            ]);
            out.push(Customer {
                id: customer_id,
                user_id,
                subscription_id,
                name,
                phone,
                area_id,
                since,
                until,
            });
            user_id += 1;
            customer_id += 1;
            subscription_id += 1;
            registration_id += 1;
            visit_id += 1;
        }
        let mut tx = db.begin().await?;
        insert(
            &mut tx,
            "INSERT INTO users (id, phone, name, role, password_hash, created_at, updated_at)",
            "(?, ?, ?, 'customer', ?, ?, ?)",
            users
                .into_iter()
                .map(|mut a| {
                    let t = a[4].clone();
                    a.push(t);
                    a
                })
                .collect(),
        )
        .await?;
        insert(
            &mut tx,
            "INSERT INTO customers (id, number, user_id, name, phone, email, address, area_id, \
             status, referral_code, referred_by, created_at, updated_at)",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            custs,
        )
        .await?;
        insert(
            &mut tx,
            "INSERT INTO subscriptions (id, customer_id, package_id, address, area_id, status, \
             started_on, ended_on, termination_reason, competitor_id, created_at, updated_at)",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            subs,
        )
        .await?;
        insert(
            &mut tx,
            "INSERT INTO registrations (id, number, customer_id, package_id, area_id, address, \
             status, referrer_id, subscription_id, channel, submitted_at, verified_at, \
             scheduled_at, installed_at, updated_at)",
            "(?, ?, ?, ?, ?, ?, 'installed', ?, ?, ?, ?, ?, ?, ?, ?)",
            regs.into_iter()
                .map(|mut a| {
                    let t = a[12].clone();
                    a.push(t);
                    a
                })
                .collect(),
        )
        .await?;
        insert(&mut tx, VISIT_HEAD, VISIT_ROW, visits).await?;
        tx.commit().await?;
        bar.inc(block.len() as u64);
    }
    let mut tx = db.begin().await?;
    set_counter(&mut tx, "customer", customer_no).await?;
    set_counter(&mut tx, "visit", visit_no).await?;
    for (year, value) in reg_no {
        set_counter(&mut tx, &format!("registration-{year}"), value).await?;
    }
    tx.commit().await?;
    Ok(out)
}

const VISIT_HEAD: &str = "INSERT INTO visits (id, number, kind, status, customer_id, \
     subscription_id, registration_id, ticket_id, address, area_id, technician_id, planned_date, \
     window_start, window_end, queued_at, scheduled_at, on_the_way_at, started_at, finished_at, \
     created_at, updated_at)";
const VISIT_ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// `Z` and five letters of the referral alphabet: distinct for the first 33 million numbers.
fn referral_code(mut n: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut s = String::from("Z");
    for _ in 0..5 {
        s.push(ALPHABET[(n % 32) as usize] as char);
        n /= 32;
    }
    s
}

/// SLA targets (first response, resolution) in minutes, as the migration seeds them.
fn targets(p: Priority) -> (i64, i64) {
    match p {
        Priority::Urgent => (60, 480),
        Priority::High => (120, 1440),
        Priority::Normal => (240, 4320),
        Priority::Low => (480, 7200),
    }
}

async fn tickets(
    db: &Db,
    ctx: &Context,
    customers: &[Customer],
    n: usize,
    now: DateTime<Utc>,
    rng: &mut StdRng,
    bar: &ProgressBar,
) -> anyhow::Result<()> {
    if customers.is_empty() || n == 0 {
        return Ok(());
    }
    // Each customer's active minutes: tickets fall in them, more for longer customers.
    let mut cumulative = Vec::with_capacity(customers.len());
    let mut total = 0i64;
    for c in customers {
        total += (c.until.unwrap_or(now) - c.since).num_minutes().max(1);
        cumulative.push(total);
    }
    let mut when: Vec<(DateTime<Utc>, u32)> = (0..n)
        .map(|_| {
            let x = rng.gen_range(0..total);
            let i = cumulative.partition_point(|&c| c <= x);
            let c = &customers[i];
            let offset = x - if i == 0 { 0 } else { cumulative[i - 1] };
            (c.since + Duration::minutes(offset), i as u32)
        })
        .collect();
    when.sort_unstable();

    let mut ticket_id = next_id(db, "tickets").await?;
    let mut message_id = next_id(db, "ticket_messages").await?;
    let mut rating_id = next_id(db, "ratings").await?;
    let mut visit_id = next_id(db, "visits").await?;
    let mut ticket_no = counter(db, "ticket").await?;
    let mut visit_no = counter(db, "visit").await?;
    let (fts_head, fts_doc) = db.backend().full_text_insert(EVERY_SEARCH, 1);
    let fts_row = format!("(?, {})", fts_doc.replace("$1", "?"));
    let (active_fts_head, _) = db.backend().full_text_insert(ACTIVE_SEARCH, 1);

    for block in when.chunks(TX_ROWS / 2) {
        let (mut ts, mut msgs, mut docs, mut active_docs, mut ratings, mut visits) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        for &(created, ci) in block {
            let c = &customers[ci as usize];
            let category = *pick(
                rng,
                &[
                    (Category::NoConnection, 42),
                    (Category::Slow, 30),
                    (Category::Intermittent, 14),
                    (Category::Installation, 3),
                    (Category::Relocation, 2),
                    (Category::Billing, 4),
                    (Category::Other, 5),
                ],
            );
            let priority = if rng.gen_bool(0.05) {
                Priority::Urgent
            } else {
                category.default_priority()
            };
            let channel = *pick(
                rng,
                &[
                    (Channel::Web, 35),
                    (Channel::Whatsapp, 35),
                    (Channel::Phone, 20),
                    (Channel::WalkIn, 5),
                    (Channel::Email, 5),
                ],
            );
            let (admin_id, admin_name) = ctx.admins.choose(rng).expect("admins");
            let (fr_target, res_target) = targets(priority);
            let fr_due = created + Duration::minutes(fr_target);
            let res_due = created + Duration::minutes(res_target);
            let first = created + Duration::minutes(log_minutes(rng, 3.0, 900.0));
            let resolved = first + Duration::minutes(log_minutes(rng, 30.0, 4_000.0));
            let closed = resolved + Duration::days(3);
            let responded = first <= now;
            let is_resolved = resolved <= now;
            let status = if !responded {
                "new"
            } else if !is_resolved {
                if rng.gen_bool(0.2) {
                    "waiting"
                } else {
                    "open"
                }
            } else if closed > now {
                "resolved"
            } else {
                "closed"
            };
            let active = TicketStatus::parse(status).is_some_and(TicketStatus::is_active);
            let due_at = match status {
                "new" => Some(fr_due),
                "open" => Some(res_due),
                _ => None,
            };
            let fr_breached = if responded {
                first > fr_due
            } else {
                now > fr_due
            };
            let res_breached = if is_resolved {
                resolved > res_due
            } else {
                status != "waiting" && now > res_due
            };
            ticket_no += 1;
            let number = crate::tickets::model::number(wib_date(created).year(), ticket_no);
            let body = texts::complaint(category, rng);
            let summary: String = body.chars().take(80).collect();
            let by_staff = matches!(channel, Channel::Phone | Channel::WalkIn);
            ts.push(args![
                ticket_id,
                number.as_str(),
                c.id,
                c.subscription_id,
                c.area_id,
                category,
                priority,
                status,
                channel,
                summary,
                (status != "new" || rng.gen_bool(0.5)).then_some(*admin_id),
                by_staff.then_some(*admin_id),
                created,
                if is_resolved {
                    resolved
                } else {
                    now.min(first)
                },
                responded.then_some(first),
                is_resolved.then_some(resolved),
                (status == "closed").then_some(closed),
                fr_due,
                res_due,
                due_at,
                (status == "waiting").then_some(first),
                (status == "waiting").then(|| (res_due - first).num_seconds().max(0)),
                fr_breached,
                res_breached,
                i64::from(status == "closed" && rng.gen_bool(0.03)),
            ]);
            // The thread: the complaint, then staff and customer in turn; the last staff
            // message of a resolved ticket says what was done.
            let count = *pick(rng, &[(1, 10), (2, 25), (3, 25), (4, 20), (5, 12), (6, 8)]);
            let end = if is_resolved {
                resolved
            } else {
                now.min(first)
            };
            for k in 0..count {
                let at = if k == 0 {
                    created
                } else {
                    (first + (end - first) * k / count.max(1)).min(now)
                };
                let (author, name, kind, internal, text) = if k == 0 {
                    (Some(c.user_id), c.name.as_str(), "customer", false, body)
                } else if k == count - 1 && is_resolved {
                    let r = texts::RESOLUTIONS.choose(rng).expect("texts");
                    (Some(*admin_id), admin_name.as_str(), "staff", false, *r)
                } else if k % 2 == 1 {
                    if rng.gen_bool(0.2) {
                        let r = texts::NOTES.choose(rng).expect("texts");
                        (Some(*admin_id), admin_name.as_str(), "staff", true, *r)
                    } else {
                        let r = texts::STAFF_REPLIES.choose(rng).expect("texts");
                        (Some(*admin_id), admin_name.as_str(), "staff", false, *r)
                    }
                } else {
                    let r = texts::CUSTOMER_REPLIES.choose(rng).expect("texts");
                    (Some(c.user_id), c.name.as_str(), "customer", false, *r)
                };
                if k > 0 && !responded {
                    break;
                }
                msgs.push(args![
                    message_id, ticket_id, author, name, kind, internal, text, at
                ]);
                let doc = if k == 0 {
                    format!("{number} {} {}\n{text}", c.name, c.phone)
                } else {
                    text.to_string()
                };
                let key = search_key(ticket_id, i64::from(k) + 1);
                if active {
                    active_docs.push(args![key, doc.as_str()]);
                }
                docs.push(args![key, doc]);
                message_id += 1;
            }
            if is_resolved && rng.gen_bool(0.3) {
                let stars = *pick(rng, &[(5i64, 50), (4, 28), (3, 10), (2, 6), (1, 6)]);
                let comment = match stars {
                    5 => "Cepat ditangani, terima kasih!",
                    4 => "Sudah normal, tapi agak lama.",
                    3 => "Lumayan.",
                    _ => "Gangguan terlalu lama, sudah beberapa kali terjadi.",
                };
                let rated = (resolved + Duration::hours(rng.gen_range(1..48))).min(now);
                ratings.push(args![
                    rating_id,
                    "ticket",
                    ticket_id,
                    c.id,
                    stars,
                    if rng.gen_bool(0.5) { comment } else { "" },
                    category,
                    *admin_id,
                    c.area_id,
                    "link",
                    rated,
                ]);
                rating_id += 1;
            }
            if is_resolved
                && matches!(category, Category::NoConnection | Category::Intermittent)
                && rng.gen_bool(0.05)
            {
                if let Some(tech) = ctx.technicians.choose(rng) {
                    visit_no += 1;
                    let day = wib_date(resolved);
                    let start = resolved.with_timezone(&wib()).hour().clamp(8, 15);
                    visits.push(args![
                        visit_id,
                        format!("KJG-{}-{visit_no:06}", day.year()),
                        "repair",
                        "done",
                        c.id,
                        c.subscription_id,
                        Option::<i64>::None,
                        ticket_id,
                        "",
                        c.area_id,
                        *tech,
                        day,
                        format!("{start:02}:00"),
                        format!("{:02}:00", start + 2),
                        first,
                        first,
                        resolved - Duration::minutes(60),
                        resolved - Duration::minutes(40),
                        resolved,
                        first,
                        resolved,
                    ]);
                    visit_id += 1;
                }
            }
            ticket_id += 1;
        }
        let mut tx = db.begin().await?;
        insert(
            &mut tx,
            "INSERT INTO tickets (id, number, customer_id, subscription_id, area_id, category, \
             priority, status, channel, summary, assignee_id, created_by, created_at, updated_at, \
             first_response_at, resolved_at, closed_at, first_response_due_at, resolution_due_at, \
             due_at, sla_paused_at, resolution_left_secs, first_response_breached, \
             resolution_breached, reopen_count)",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ts,
        )
        .await?;
        insert(
            &mut tx,
            "INSERT INTO ticket_messages (id, ticket_id, author_id, author_name, author_kind, \
             internal, body, created_at)",
            "(?, ?, ?, ?, ?, ?, ?, ?)",
            msgs,
        )
        .await?;
        insert(&mut tx, &fts_head, &fts_row, docs).await?;
        insert(&mut tx, &active_fts_head, &fts_row, active_docs).await?;
        insert(
            &mut tx,
            "INSERT INTO ratings (id, subject_kind, subject_id, customer_id, stars, comment, \
             category, staff_id, area_id, via, created_at)",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ratings,
        )
        .await?;
        insert(&mut tx, VISIT_HEAD, VISIT_ROW, visits).await?;
        tx.commit().await?;
        bar.inc(block.len() as u64);
    }
    let mut tx = db.begin().await?;
    set_counter(&mut tx, "ticket", ticket_no).await?;
    set_counter(&mut tx, "visit", visit_no).await?;
    tx.commit().await?;
    Ok(())
}

/// Two NPS surveys (half a year ago and last month), each to a sixth of the customers active
/// then; four in ten answer, promoters most.
async fn nps(
    db: &Db,
    customers: &[Customer],
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> anyhow::Result<()> {
    let mut request_id = next_id(db, "nps_requests").await?;
    for days_ago in [180, 30] {
        let sent = now - Duration::days(days_ago);
        let mut tx = db.begin().await?;
        let survey: i64 = tx
            .scalar(
                "INSERT INTO nps_surveys (segment, created_at) VALUES ('all', $1) RETURNING id",
                args![sent],
            )
            .await?;
        let mut rows = Vec::new();
        for c in customers {
            if c.since > sent || c.until.is_some_and(|u| u < sent) || !rng.gen_bool(1.0 / 6.0) {
                continue;
            }
            let answered = rng.gen_bool(0.4);
            let score = answered.then(|| {
                *pick(
                    rng,
                    &[
                        (10i64, 25),
                        (9, 22),
                        (8, 18),
                        (7, 12),
                        (6, 8),
                        (5, 6),
                        (3, 5),
                        (0, 4),
                    ],
                )
            });
            rows.push(args![
                request_id,
                survey,
                c.id,
                c.area_id,
                sent,
                score,
                if score.is_some_and(|s| s <= 6) {
                    "Sering gangguan di malam hari."
                } else {
                    ""
                },
                answered.then(|| sent + Duration::hours(rng.gen_range(1..96))),
            ]);
            request_id += 1;
        }
        insert(
            &mut tx,
            "INSERT INTO nps_requests (id, survey_id, customer_id, area_id, sent_at, score, \
             reason, answered_at)",
            "(?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Moves PostgreSQL's identity sequences past the generated ids, tidies the full-text indexes
/// and refreshes the planners' statistics on both databases.
async fn finish(db: &Db) -> DbResult<()> {
    if db.backend() == Backend::Postgres {
        for table in [
            "users",
            "customers",
            "subscriptions",
            "registrations",
            "visits",
            "tickets",
            "ticket_messages",
            "ratings",
            "nps_surveys",
            "nps_requests",
        ] {
            db.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {table}), 1))"
                ),
                args![],
            )
            .await?;
        }
        // The full-text GIN indexes keep bulk inserts in a pending list that every search
        // reads through (a search with no match: 13 ms before, 0.6 ms after); VACUUM merges it.
        db.execute(
            &format!("VACUUM (ANALYZE) {EVERY_SEARCH}, {ACTIVE_SEARCH}, customer_search"),
            args![],
        )
        .await?;
        db.execute("ANALYZE", args![]).await?;
    } else {
        // Bulk inserts leave the full-text indexes in many segments, which every search then
        // merges: one b-tree each (a few seconds; a common word's search 12 -> 6 ms).
        for index in [EVERY_SEARCH, ACTIVE_SEARCH, "customer_search"] {
            db.execute(
                &format!("INSERT INTO {index} ({index}) VALUES ('optimize')"),
                args![],
            )
            .await?;
        }
        db.execute("ANALYZE", args![]).await?;
        // Without its per-value samples: with them, SQLite compiles a statement again
        // whenever a value bound in its WHERE clause changes (every request), which took
        // most of a ticket's, a customer's and the portal's page (bench finding 27).
        db.execute("DELETE FROM sqlite_stat4", args![]).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referral_codes_are_distinct() {
        let codes: HashSet<String> = (1..100_000).map(referral_code).collect();
        assert_eq!(codes.len(), 99_999);
        assert_eq!(referral_code(1).len(), 6);
    }
}
