//! `setia demo`: fills an empty database with a believable small ISP so that every page has
//! something to show. Time runs on a mock clock from six months ago to now, so sign-ups, steps
//! and changes are spread out like real ones.

mod bulk;
mod data;
mod images;
mod tickets;
mod visits;

use std::sync::Arc;

use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::audit::Actor;
use crate::auth::{password, Role};
use crate::catalog::store::{self as catalog, AreaRow, NewPackage, NewPromo, PackageRow};
use crate::clock::{Clock, MockClock};
use crate::config::Config;
use crate::customers::changes::{self, Change};
use crate::customers::model::{SuspendReason, TerminationReason};
use crate::customers::store as customers;
use crate::db::Db;
use crate::i18n::Lang;
use crate::news::store::{self as news, NewPost};
use crate::retention::store as retention;
use crate::signup::pipeline::{self, NewSignup, SignupError, Step};
use crate::site::service::{self as site_service, ImageChange};
use crate::site::store::{self as site, Company};
use crate::state::AppState;
use crate::types::{wib_date, PhoneNumber};
use crate::users::store::{self as users, NewUser};

pub use bulk::{generate, Sizes};

pub struct Login {
    pub role: &'static str,
    pub email: String,
    pub password: String,
}

const CUSTOMERS: usize = 200;

/// Loads the demo data. Refuses a database that already has customers unless `force`.
pub async fn load(db: &Db, config: Config, force: bool) -> anyhow::Result<Vec<Login>> {
    let existing = customers::count(db).await?;
    if existing > 0 && !force {
        anyhow::bail!("the database already holds {existing} customers; run `setia demo --force` to add demo data anyway");
    }
    let start = Utc::now() - Duration::days(180);
    let clock = MockClock::new(start);
    let state = crate::app::state(db.clone(), config, Arc::new(clock.clone())).await?;
    let mut rng = StdRng::seed_from_u64(20261128);
    let mut logins = Vec::new();

    if catalog::all_packages(db).await?.is_empty() {
        content(&state).await?;
    }
    let staff = staff_accounts(&state, &mut logins).await?;
    let technicians: Vec<visits::Technician> = users::names_of_role(db, Role::Technician)
        .await?
        .into_iter()
        .map(|u| visits::Technician {
            id: u.id,
            name: u.name,
        })
        .collect();
    let admin_id = staff.admin;

    let packages: Vec<PackageRow> = catalog::published_packages(db).await?;
    let retired = catalog::all_packages(db)
        .await?
        .into_iter()
        .find(|p| !p.published);
    let areas: Vec<AreaRow> = catalog::published_areas(db)
        .await?
        .into_iter()
        .filter(|a| a.covered)
        .collect();
    let competitors = retention::competitors(db).await?;
    let hash = password::hash(DEMO_CUSTOMER_PASSWORD.into()).await?;
    let mut referral_codes: Vec<(i64, String)> = Vec::new();
    let mut first_customer_phone = None;

    for i in 0..CUSTOMERS {
        // Spread sign-ups over the six months, the newest ones last.
        let when = start
            + Duration::minutes(
                (i as i64) * 180 * 24 * 60 / CUSTOMERS as i64 + rng.gen_range(0..600),
            );
        set_clock(&clock, when);
        let name = format!(
            "{} {}",
            data::FIRST_NAMES.choose(&mut rng).unwrap(),
            data::LAST_NAMES.choose(&mut rng).unwrap()
        );
        let phone = PhoneNumber::parse(&format!(
            "08{}{:08}",
            rng.gen_range(11..59),
            rng.gen_range(0..100_000_000)
        ))
        .map_err(|e| anyhow::anyhow!(e))?;
        let address = format!(
            "{} No. {}, RT 0{}/RW 0{}",
            data::STREETS.choose(&mut rng).unwrap(),
            rng.gen_range(1..200),
            rng.gen_range(1..9),
            rng.gen_range(1..9)
        );
        let area = areas.choose(&mut rng).unwrap();
        let package = if i % 17 == 3 {
            retired.as_ref().unwrap_or(&packages[0])
        } else {
            packages.choose(&mut rng).unwrap()
        };
        let referrer = if rng.gen_bool(0.15) && !referral_codes.is_empty() {
            let (id, _) = referral_codes.choose(&mut rng).unwrap();
            customers::get(db, *id).await?
        } else {
            None
        };
        let signup = NewSignup {
            name: &name,
            phone: &phone,
            email: None,
            address: &address,
            area,
            package,
            referrer: referrer.as_ref(),
            password_hash: &hash,
            must_change_password: false,
            channel: ["online", "online", "walk_in", "phone"]
                .choose(&mut rng)
                .unwrap(),
            lang: Lang::Id,
            actor_name: &name,
        };
        let actor = match signup.channel {
            "online" => Actor {
                id: None,
                name: &name,
                ip: "demo",
            },
            _ => demo_actor(staff.admin),
        };
        let created = match pipeline::register(&state.db, actor, state.now(), &signup).await {
            Ok(c) => c,
            Err(SignupError::PhoneTaken | SignupError::EmailTaken) => continue,
            Err(SignupError::Other(e)) => return Err(anyhow::anyhow!("{e}")),
        };
        first_customer_phone.get_or_insert_with(|| phone.to_string());

        // Where this sign-up ends up. The most recent ones are still moving through the pipeline.
        let recent = i >= CUSTOMERS - 30;
        let roll: f64 = rng.gen();
        let target = match (recent, roll) {
            (true, r) if r < 0.3 => 0,
            (true, r) if r < 0.55 => 1,
            (true, r) if r < 0.85 => 2,
            (_, r) if r < 0.06 => 4,
            _ => 3,
        };
        let reg = created.registration_id;
        let step_time = |clock: &MockClock, hours: i64| step(clock, Duration::hours(hours));
        if target == 4 {
            step_time(&clock, 20);
            let reason = data::REJECT_REASONS.choose(&mut rng).unwrap();
            pipeline::advance(
                &state.db,
                demo_actor(admin_id),
                state.now(),
                reg,
                &Step::Reject(reason),
            )
            .await?;
            continue;
        }
        if target >= 1 {
            step_time(&clock, rng.gen_range(2..30));
            pipeline::advance(
                &state.db,
                demo_actor(admin_id),
                state.now(),
                reg,
                &Step::Verify,
            )
            .await?;
        }
        if target >= 2 {
            step_time(&clock, rng.gen_range(2..24));
            let ahead = rng.gen_range(1..4);
            let actor = demo_actor(admin_id);
            let (visit, slot) =
                visits::book(&state, &mut rng, reg, &technicians, actor, ahead).await?;
            if target == 3
                && !visits::carry_out(&state, &clock, &mut rng, visit, slot, &technicians).await?
            {
                // Too close to today for the visit to have happened: stays scheduled.
                continue;
            }
        }
        if target == 3 {
            let customer = customers::by_user(db, created.user_id)
                .await?
                .expect("just created");
            referral_codes.push((customer.id, customer.referral_code));
            later_changes(
                &state,
                &clock,
                &mut rng,
                customer.id,
                &packages,
                &competitors,
                admin_id,
            )
            .await?;
        }
    }
    tickets::load(&state, &clock, &mut rng, &staff.admins).await?;
    visits::scenarios(&state, &clock, &mut rng, &technicians, demo_actor(admin_id)).await?;
    set_clock(&clock, Utc::now());
    if let Some(phone) = first_customer_phone {
        logins.push(Login {
            role: "customer",
            email: phone,
            password: DEMO_CUSTOMER_PASSWORD.into(),
        });
    }
    Ok(logins)
}

/// Every demo customer logs in with their phone number and this password.
pub const DEMO_CUSTOMER_PASSWORD: &str = "pelanggan-demo-2026";

fn set_clock(clock: &MockClock, to: chrono::DateTime<Utc>) {
    clock.advance(to - clock.now());
}

/// Moves the demo clock on, but never past the real present.
fn step(clock: &MockClock, by: Duration) {
    let target = (clock.now() + by).min(Utc::now() - Duration::minutes(5));
    set_clock(clock, target.max(clock.now()));
}

/// Some installed customers change package, get suspended or leave, like real ones do.
async fn later_changes(
    state: &AppState,
    clock: &MockClock,
    rng: &mut StdRng,
    customer_id: i64,
    packages: &[PackageRow],
    competitors: &[retention::CompetitorRow],
    admin_id: i64,
) -> anyhow::Result<()> {
    let roll: f64 = rng.gen();
    if roll > 0.3 {
        return Ok(());
    }
    let sub = customers::subscriptions_of(&state.db, customer_id)
        .await?
        .remove(0);
    step(clock, Duration::days(rng.gen_range(5..40)));
    let change = if roll < 0.08 {
        let to = packages.choose(rng).unwrap();
        if to.id == sub.package_id {
            return Ok(());
        }
        Change::Package {
            to_id: to.id,
            to_name: &to.name,
        }
    } else if roll < 0.16 {
        Change::Suspend(*SuspendReason::ALL.choose(rng).unwrap())
    } else {
        let reason = *TerminationReason::ALL.choose(rng).unwrap();
        let competitor = (reason == TerminationReason::Competitor)
            .then(|| competitors.choose(rng))
            .flatten()
            .map(|c| (c.id, c.name.as_str()));
        let note = match reason {
            TerminationReason::Other => "Tidak lagi membutuhkan internet rumah",
            TerminationReason::Relocation => "Pindah ke luar kota",
            _ => "",
        };
        Change::Terminate {
            reason,
            competitor,
            note,
        }
    };
    changes::apply(&state.db, demo_actor(admin_id), state.now(), &sub, &change).await?;
    Ok(())
}

/// The demo's office work is done by its admin account.
fn demo_actor(admin_id: i64) -> Actor<'static> {
    Actor {
        id: Some(admin_id),
        name: "Admin Demo",
        ip: "demo",
    }
}

struct Staff {
    /// The first admin, who does the demo's office work.
    admin: i64,
    admins: Vec<(i64, &'static str)>,
}

async fn staff_accounts(state: &AppState, logins: &mut Vec<Login>) -> anyhow::Result<Staff> {
    let accounts = [
        (
            Role::SystemAdmin,
            "sysadmin@demo.setia.id",
            "Rudi Hartono",
            "system-admin",
        ),
        (
            Role::Director,
            "direktur@demo.setia.id",
            "Ir. Bambang Sutrisno",
            "director",
        ),
        (
            Role::Admin,
            "admin@demo.setia.id",
            "Sari Wulandari",
            "admin",
        ),
        (Role::Admin, "admin2@demo.setia.id", "Yogi Pratama", "admin"),
        (
            Role::Technician,
            "teknisi1@demo.setia.id",
            "Dodi Firmansyah",
            "technician",
        ),
        (
            Role::Technician,
            "teknisi2@demo.setia.id",
            "Ikhsan Maulana",
            "technician",
        ),
    ];
    let mut admins = Vec::new();
    for (role, email, name, label) in accounts {
        let pw = password::generate();
        let hash = password::hash(pw.clone()).await?;
        let now = state.clock.now();
        let id = match users::find_by_login(&state.db, Some(email), None).await? {
            Some(u) => {
                let mut tx = state.db.begin().await?;
                users::set_password(&mut tx, u.id, &hash, false, now).await?;
                users::set_active(&mut tx, u.id, true, now).await?;
                tx.commit().await?;
                u.id
            }
            None => {
                let new = NewUser {
                    email: Some(email),
                    phone: None,
                    name,
                    role,
                    password_hash: &hash,
                    must_change_password: false,
                };
                users::create(&state.db, &new, now).await?
            }
        };
        if role == Role::Admin {
            admins.push((id, name));
        }
        logins.push(Login {
            role: label,
            email: email.into(),
            password: pw,
        });
    }
    Ok(Staff {
        admin: admins[0].0,
        admins,
    })
}

/// Company profile, packages, promos, news, coverage areas and competitors.
async fn content(state: &AppState) -> anyhow::Result<()> {
    let db = &state.db;
    let now = state.clock.now();
    site::save_company(
        db,
        &Company {
            name: "Blitz Net Cimahi".into(),
            tagline: "Internet rumah yang setia menemani, dari Cimahi untuk Cimahi.".into(),
            about: "Blitz Net Cimahi adalah penyedia jasa internet lokal sejak 2016. Tim kami yang berjumlah sembilan orang \
                    memasang dan merawat jaringan fiber di Cimahi dan sekitarnya."
                .into(),
            vision: "Menjadi penyedia internet pilihan keluarga di Cimahi.".into(),
            mission: "Layanan cepat tanggap, harga jujur, dan teknisi yang datang tepat waktu.".into(),
            address: "Jl. Kolonel Masturi No. 88, Cibabat, Cimahi Utara, Kota Cimahi, Jawa Barat 40513".into(),
            phone: "(022) 665 1234".into(),
            whatsapp: "+6281220001234".into(),
            email: "halo@blitznet.example".into(),
            opening_hours: "Senin–Sabtu 08.00–17.00 WIB".into(),
            map_url: "https://www.openstreetmap.org/search?query=Cimahi".into(),
            // English for some texts; the mission stays Indonesian, so the fallback shows.
            tagline_en: "Home internet that stays with you, from Cimahi for Cimahi.".into(),
            about_en: "Blitz Net Cimahi is a local internet provider founded in 2016. Our team of nine \
                       installs and looks after a fibre network in Cimahi and around it."
                .into(),
            vision_en: "To be the internet provider families in Cimahi choose.".into(),
            opening_hours_en: "Monday–Saturday 08:00–17:00 WIB".into(),
            ..Company::default()
        },
        now,
    )
    .await?;
    let demo = Actor {
        id: None,
        name: "demo",
        ip: "demo",
    };
    let image = |p: Option<crate::uploads::process::Prepared>| {
        p.map(ImageChange::Replace).unwrap_or(ImageChange::Keep)
    };
    let (logo, hero) = tokio::task::spawn_blocking(|| (images::logo(), images::hero())).await?;
    let company = site::company(db).await?;
    site_service::save_profile(db, demo, now, &company, image(logo), image(hero)).await?;
    let mut package_ids = Vec::new();
    for (i, (name, down, up, price, features, published)) in data::PACKAGES.iter().enumerate() {
        let p = NewPackage {
            name,
            download_mbps: *down,
            upload_mbps: *up,
            price: crate::types::Rupiah(*price),
            features,
            features_en: data::FEATURES_EN.get(i).copied().unwrap_or(""),
            published: *published,
            sort_order: i as i64,
        };
        package_ids.push(catalog::create_package(db, &p, now).await?);
    }
    for (name, city, covered) in data::AREAS {
        catalog::create_area(db, name, city, *covered, now).await?;
    }
    let today = wib_date(Utc::now());
    let mut tx = db.begin().await?;
    catalog::create_promo(
        &mut tx,
        &NewPromo {
            title: "Akhir tahun: gratis pasang dan harga spesial",
            title_en: "Year-end offer: free installation and a special price",
            body: "Daftar paket **Rumah 20** atau **Keluarga 30** sebelum akhir promo: biaya pemasangan Rp 300.000 kami tanggung \
                   dan harga bulanannya turun selama promo.",
            body_en: "Sign up for **Rumah 20** or **Keluarga 30** before the offer ends: we pay the Rp 300,000 installation \
                      fee and the monthly price drops while the offer lasts.",
            starts_on: today - Duration::days(10),
            ends_on: today + Duration::days(35),
            published: true,
            packages: &[
                (package_ids[1], Some(crate::types::Rupiah(225_000))),
                (package_ids[2], Some(crate::types::Rupiah(299_000))),
            ],
        },
        now,
    )
    .await?;
    catalog::create_promo(
        &mut tx,
        &NewPromo {
            title: "Promo Kemerdekaan: bulan pertama 50%",
            title_en: "",
            body: "Diskon 50% untuk tagihan bulan pertama semua paket.",
            body_en: "",
            starts_on: today - Duration::days(110),
            ends_on: today - Duration::days(95),
            published: true,
            packages: &[],
        },
        now,
    )
    .await?;
    tx.commit().await?;
    for (i, (slug, title, summary, body, kind)) in data::POSTS.iter().enumerate() {
        let (_, title_en, summary_en, body_md_en) = data::POSTS_EN
            .iter()
            .find(|p| p.0 == *slug)
            .copied()
            .unwrap_or_default();
        let post = NewPost {
            slug,
            title,
            summary,
            body_md: body,
            title_en,
            summary_en,
            body_md_en,
            kind: *kind,
            published: true,
            author_id: None,
        };
        news::create(db, &post, now + Duration::days(30 * i as i64 + 5)).await?;
    }
    for (name, notes, offers) in data::COMPETITORS {
        let id = retention::create(db, name, notes, now).await?;
        for (offer, mbps, price) in *offers {
            retention::add_offer(db, id, offer, *mbps, crate::types::Rupiah(*price), "").await?;
        }
    }
    Ok(())
}
