//! Demo complaints: every status, threads in Indonesian with internal notes, a few photos,
//! deadlines met and missed, filed over the last two months through the same services the
//! app uses.

use chrono::{Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::{demo_actor, set_clock};
use crate::args;
use crate::audit::Actor;
use crate::clock::{Clock, MockClock};
use crate::satisfaction::model::{Stars, SubjectKind, Via};
use crate::satisfaction::service::{self as satisfaction_service, RateInput};
use crate::state::AppState;
use crate::tickets::filing::{self, Caller, NewTicketInput};
use crate::tickets::model::{Category, Channel, Priority, TicketStatus};
use crate::tickets::service::{self, CustomerReply, StaffReply};
use crate::uploads::form::Incoming;
use crate::uploads::process::{self, Accept};

const TICKETS: usize = 70;

/// What customers write, by category.
pub(super) fn complaint(category: Category, rng: &mut StdRng) -> &'static str {
    let texts: &[&str] = match category {
        Category::NoConnection => &[
            "Internet mati total sejak tadi malam, lampu LOS di modem berkedip merah.",
            "Tidak bisa konek sama sekali dari pagi. Modem sudah saya restart tetap tidak bisa.",
            "WiFi muncul tapi tidak ada internet. Anak saya perlu untuk sekolah daring, mohon segera.",
        ],
        Category::Slow => &[
            "Internet lambat sekali setiap malam jam 7 sampai jam 10, speedtest cuma 2 Mbps.",
            "Paket 30 Mbps tapi kecepatan hanya sekitar 5 Mbps sejak minggu lalu.",
        ],
        Category::Intermittent => &[
            "Koneksi putus-putus tiap 10 menit, terutama kalau hujan.",
            "Sering putus sebentar lalu nyambung lagi, video call jadi terputus terus.",
        ],
        Category::Installation => &["Kabel di depan rumah menjuntai rendah setelah pemasangan, mohon dirapikan."],
        Category::Relocation => &["Bulan depan saya pindah ke Jl. Cihanjuang, apakah layanan bisa dipindahkan?"],
        Category::Billing => &["Mohon info tagihan bulan ini, apakah sudah termasuk diskon promo?"],
        Category::Other => &["Bisa minta ganti nama WiFi dan kata sandinya?"],
    };
    texts.choose(rng).unwrap()
}

pub(super) const STAFF_REPLIES: &[&str] = &[
    "Mohon maaf atas gangguannya. Kami sedang mengecek jaringan di area Bapak/Ibu.",
    "Terima kasih laporannya. Mohon matikan modem 30 detik lalu nyalakan kembali, dan kabari kami hasilnya.",
    "Kami sudah menemukan gangguan pada kabel distribusi di area Anda, teknisi sedang menuju lokasi.",
];

pub(super) const NOTES: &[&str] = &[
    "Cek OLT: redaman ONT -29 dBm, kemungkinan konektor kotor.",
    "Pelanggan ini sudah 2x lapor bulan ini, prioritaskan.",
    "Sudah dicek dari NMS, port normal. Tunggu konfirmasi pelanggan.",
];

pub(super) const CUSTOMER_REPLIES: &[&str] = &[
    "Sudah saya restart, tapi masih sama.",
    "Baik, terima kasih. Saya tunggu teknisinya.",
    "Sekarang sudah normal lagi, terima kasih!",
];

const SAVED_REPLIES: &[(&str, &str)] = &[
    ("Restart modem", "Mohon matikan modem selama 30 detik, lalu nyalakan kembali. Kabari kami bila lampu LOS masih merah."),
    ("Gangguan area", "Saat ini ada gangguan jaringan di area Anda dan tim kami sedang memperbaikinya. Kami akan mengabari begitu normal kembali."),
    ("Jadwal teknisi", "Teknisi kami akan datang ke lokasi Anda. Mohon pastikan ada yang di rumah untuk membukakan akses ke modem."),
];

pub(super) const RESOLUTIONS: &[&str] = &[
    "Teknisi sudah mengganti konektor fiber, koneksi kembali normal. Silakan dicoba.",
    "Gangguan di jaringan distribusi sudah diperbaiki. Mohon kabari bila masih bermasalah.",
    "Konfigurasi modem sudah kami perbarui dari jarak jauh, kecepatan kembali sesuai paket.",
];

/// A small made-up photo of a modem's lights, as a customer's phone would send.
pub(super) fn photo(rng: &mut StdRng) -> Option<process::Prepared> {
    let (w, h) = (320, 240);
    let mut img = image::RgbImage::from_pixel(w, h, image::Rgb([40, 44, 52]));
    for (i, x) in [60u32, 120, 180, 240].iter().enumerate() {
        let colour = if i == 2 && rng.gen_bool(0.7) {
            image::Rgb([220, 40, 40])
        } else {
            image::Rgb([60, 200, 90])
        };
        for dx in 0..16 {
            for dy in 0..16 {
                img.put_pixel(x + dx, 110 + dy, colour);
            }
        }
    }
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .ok()?;
    process::prepare_blocking(
        &Incoming {
            field: "photos".into(),
            name: "modem.png".into(),
            bytes,
        },
        Accept::Images,
    )
    .ok()
}

/// Files and works [`TICKETS`] complaints of active customers, the oldest first.
pub async fn load(
    state: &AppState,
    clock: &MockClock,
    rng: &mut StdRng,
    admins: &[(i64, &'static str)],
) -> anyhow::Result<()> {
    let db = &state.db;
    let customers: Vec<(i64, i64, String, i64)> = db
        .fetch_all(
            "SELECT c.id, c.user_id, c.name, s.id FROM customers c \
             JOIN subscriptions s ON s.customer_id = c.id \
             WHERE s.status = 'active' AND c.user_id IS NOT NULL ORDER BY c.id",
            args![],
        )
        .await?;
    if customers.is_empty() {
        return Ok(());
    }
    let links = state.links();
    let now = Utc::now();
    let (admin_id, admin_name) = admins[0];
    let office = Actor {
        name: admin_name,
        ..demo_actor(admin_id)
    };
    for (title, body) in SAVED_REPLIES {
        service::save_reply(db, office, clock.now(), None, title, body).await?;
    }
    // Ages from two months to a few minutes, oldest first, so the newest are still open.
    // Skewed towards the last days, as a desk sees: most tickets of two months ago are closed.
    let mut ages: Vec<i64> = (0..TICKETS)
        .map(|_| (rng.gen::<f64>().powf(2.5) * 60.0 * 24.0 * 60.0) as i64 + 10)
        .collect();
    ages.sort_unstable_by(|a, b| b.cmp(a));
    ages.iter_mut()
        .rev()
        .take(6)
        .enumerate()
        .for_each(|(i, a)| *a = 15 + 25 * i as i64);
    for (n, age) in ages.into_iter().enumerate() {
        set_clock(clock, now - Duration::minutes(age));
        let (customer_id, user_id, name, sub) = customers.choose(rng).unwrap().clone();
        let category = *[
            Category::NoConnection,
            Category::NoConnection,
            Category::NoConnection,
            Category::Slow,
            Category::Slow,
            Category::Intermittent,
            Category::Installation,
            Category::Relocation,
            Category::Billing,
            Category::Other,
        ]
        .choose(rng)
        .unwrap();
        let by_customer = rng.gen_bool(0.6);
        let customer = Actor {
            id: Some(user_id),
            name: &name,
            ip: "demo",
        };
        let (admin_id, admin_name) = *admins.choose(rng).unwrap();
        let admin = Actor {
            name: admin_name,
            ..demo_actor(admin_id)
        };
        let photos = if by_customer && category == Category::NoConnection && n % 3 == 0 {
            photo(rng).into_iter().collect()
        } else {
            Vec::new()
        };
        let filed = filing::file(
            db,
            &links,
            if by_customer { customer } else { admin },
            clock.now(),
            NewTicketInput {
                caller: Caller::Customer(customer_id),
                subscription_id: Some(sub),
                category,
                priority: (!by_customer).then(|| {
                    *[
                        Priority::Low,
                        Priority::Normal,
                        Priority::High,
                        Priority::Urgent,
                    ]
                    .choose(rng)
                    .unwrap()
                }),
                channel: if by_customer {
                    Channel::Web
                } else {
                    *[Channel::Phone, Channel::WalkIn, Channel::Whatsapp]
                        .choose(rng)
                        .unwrap()
                },
                body: complaint(category, rng).into(),
                photos,
                hourly_limit: None,
            },
        )
        .await?;
        let id = filed.id;
        // The newest stay new; older ones are answered, sometimes late.
        if age < 120 {
            continue;
        }
        // Most are answered within the target, some late.
        let slowest = if rng.gen_bool(0.15) { 600 } else { 100 };
        let answer_after = Duration::minutes(rng.gen_range(10..slowest));
        let step =
            |by: Duration| set_clock(clock, (clock.now() + by).min(now - Duration::minutes(5)));
        step(answer_after);
        if rng.gen_bool(0.5) {
            service::assign(db, &links, admin, clock.now(), id, Some(admin_id)).await?;
        }
        if rng.gen_bool(0.4) {
            let note = NOTES.choose(rng).unwrap();
            service::staff_reply(db, &links, admin, clock.now(), id, reply(note, true, None))
                .await?;
        }
        let wait = rng.gen_bool(0.35);
        let text = STAFF_REPLIES.choose(rng).unwrap();
        let then = wait.then_some(TicketStatus::Waiting);
        service::staff_reply(db, &links, admin, clock.now(), id, reply(text, false, then)).await?;
        if age < 600 {
            continue;
        }
        step(Duration::minutes(rng.gen_range(30..1500)));
        if wait {
            if age < 2000 {
                continue;
            }
            let text = CUSTOMER_REPLIES.choose(rng).unwrap();
            let r = CustomerReply {
                ticket_id: id,
                customer_id,
                body: text,
                photos: Vec::new(),
            };
            service::customer_reply(db, &links, customer, clock.now(), r).await?;
            step(Duration::minutes(rng.gen_range(30..600)));
        }
        if age < 2 * 24 * 60 && rng.gen_bool(0.5) {
            continue;
        }
        let text = RESOLUTIONS.choose(rng).unwrap();
        service::staff_reply(
            db,
            &links,
            admin,
            clock.now(),
            id,
            reply(text, false, Some(TicketStatus::Resolved)),
        )
        .await?;
        // Most customers rate, mostly well; a few low scores wait for a call back.
        if rng.gen_bool(0.7) {
            step(Duration::minutes(rng.gen_range(20..900)));
            let stars = *[5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1]
                .choose(rng)
                .unwrap();
            let comment = match stars {
                5 => "Cepat ditangani, terima kasih!",
                4 => "",
                3 => "Lumayan, tapi agak lama.",
                _ => "Dua hari baru beres, padahal saya kerja dari rumah.",
            };
            let input = RateInput {
                kind: SubjectKind::Ticket,
                subject_id: id,
                customer_id,
                stars: Stars::parse(&stars.to_string()).map_err(anyhow::Error::msg)?,
                comment,
                via: if rng.gen_bool(0.6) {
                    Via::Link
                } else {
                    Via::Portal
                },
            };
            satisfaction_service::rate(db, customer, clock.now(), input).await?;
        }
        if age > 9 * 24 * 60 {
            step(Duration::days(7) + Duration::minutes(10));
            service::auto_close(db, clock.now(), clock.now() - Duration::days(7)).await?;
        }
    }
    Ok(())
}

fn reply(body: &str, internal: bool, then: Option<TicketStatus>) -> StaffReply {
    StaffReply {
        body: body.into(),
        internal,
        then,
    }
}
