//! Demo installation visits: a verified registration's queued visit is booked for a technician
//! and, for installed customers, carried through on the way → in progress → done with a report,
//! exactly as a technician would on their phone.

use chrono::{Duration, NaiveTime, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::audit::Actor;
use crate::clock::{Clock, MockClock};
use crate::dispatch::service::{self as dispatch, BookError, Booking, Report};
use crate::state::AppState;
use crate::types::{wib, wib_date};
use crate::visits::model::{FailReason, Slot, VisitStatus, WorkingHours};
use crate::visits::store as visits;

pub struct Technician {
    pub id: i64,
    pub name: String,
}

fn hours(state: &AppState) -> WorkingHours {
    WorkingHours::from_config(&state.config.visit_day_start, &state.config.visit_day_end)
}

/// Books the queued visit of registration `reg` for a free technician, `days_ahead` days after
/// the demo clock's day. Returns the visit id and its slot.
pub async fn book(
    state: &AppState,
    rng: &mut StdRng,
    reg: i64,
    technicians: &[Technician],
    actor: Actor<'_>,
    days_ahead: i64,
) -> anyhow::Result<(i64, Slot)> {
    let queued = visits::serving(&state.db, Some(reg), None, None)
        .await?
        .into_iter()
        .find(|v| v.status == VisitStatus::Queued)
        .ok_or_else(|| anyhow::anyhow!("no queued visit for registration {reg}"))?;
    let date = wib_date(state.now()) + Duration::days(days_ahead);
    let mut starts = [8, 10, 13, 15];
    starts.shuffle(rng);
    let mut order: Vec<&Technician> = technicians.iter().collect();
    order.shuffle(rng);
    for start in starts {
        for t in &order {
            let slot = Slot {
                date,
                start: NaiveTime::from_hms_opt(start, 0, 0).expect("valid"),
                end: NaiveTime::from_hms_opt(start + 2, 0, 0).expect("valid"),
            };
            let booking = Booking {
                technician_id: t.id,
                slot,
                notes: String::new(),
                seen: Some(VisitStatus::Queued),
            };
            let links = state.links();
            match dispatch::schedule(
                &state.db,
                &links,
                actor,
                state.now(),
                hours(state),
                queued.id,
                &booking,
            )
            .await
            {
                Ok(v) => return Ok((v.id, slot)),
                Err(BookError::Clash(_)) => continue,
                Err(BookError::Field(f, k)) => anyhow::bail!("demo booking refused: {f} {k}"),
                Err(BookError::Other(e)) => anyhow::bail!("demo booking failed: {e}"),
            }
        }
    }
    anyhow::bail!("no free technician for registration {reg}")
}

/// The technician does visit `id` in its slot: sets out, works, reports. `false` when the slot
/// lies after the real present (the demo clock never passes it).
pub async fn carry_out(
    state: &AppState,
    clock: &MockClock,
    rng: &mut StdRng,
    id: i64,
    slot: Slot,
    technicians: &[Technician],
) -> anyhow::Result<bool> {
    let v = visits::get(&state.db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("visit {id}"))?;
    let tech = technicians
        .iter()
        .find(|t| Some(t.id) == v.technician_id)
        .ok_or_else(|| anyhow::anyhow!("technician of visit {id}"))?;
    let start = wib()
        .from_local_datetime(&slot.date.and_time(slot.start))
        .single()
        .ok_or_else(|| anyhow::anyhow!("slot time"))?
        .with_timezone(&Utc)
        + Duration::minutes(rng.gen_range(0..40));
    if start + Duration::hours(2) > Utc::now() - Duration::minutes(5) || start < clock.now() {
        return Ok(false);
    }
    let actor = Actor {
        id: Some(tech.id),
        name: &tech.name,
        ip: "demo",
    };
    let links = state.links();
    let role = crate::auth::Role::Technician;
    clock.advance(start - clock.now());
    field_step(state, clock, actor, id, VisitStatus::OnTheWay).await?;
    clock.advance(Duration::minutes(rng.gen_range(15..45)));
    field_step(state, clock, actor, id, VisitStatus::InProgress).await?;
    clock.advance(Duration::minutes(rng.gen_range(40..100)));
    let serial = format!("ZTEG{:08X}", rng.gen::<u32>());
    let report = Report {
        submission: format!("demo-{id}"),
        work_done: "Tarik kabel drop core, pasang ONT dan router, tes kecepatan.".into(),
        serials: vec![serial],
        signal_dbm: Some(-(rng.gen_range(170..250) as f64) / 10.0),
        download_mbps: None,
        upload_mbps: None,
        customer_present: true,
        fixed: true,
        photos: Vec::new(),
    };
    dispatch::finish(&state.db, &links, actor, role, clock.now(), id, report).await?;
    Ok(true)
}

/// One made-up repair or relocation job and what becomes of it.
#[derive(Clone, Copy)]
enum Outcome {
    /// Done (and, for repairs, fixed) `days` ago.
    Done(i64),
    /// Done `days` ago but not fixed: the ticket is open again.
    NotFixed(i64),
    /// Failed `days` ago: the job waits in the queue again.
    Failed(i64, FailReason),
    /// Booked for a day that has passed and never started.
    Overdue(i64),
    /// Today, the technician already on the way.
    OnTheWayToday,
    /// Today, the technician at work on site.
    WorkingToday,
    /// Today, later.
    Today,
    /// `days` ahead.
    Ahead(i64),
    /// Still waiting in the queue.
    Queued,
}

const REPAIRS: &[(&str, Outcome)] = &[
    (
        "Internet mati total sejak semalam, lampu LOS merah berkedip.",
        Outcome::Done(9),
    ),
    (
        "Sinyal hilang timbul setiap hujan, kabel di tiang terlihat kendur.",
        Outcome::Done(5),
    ),
    (
        "Lampu PON mati, modem sudah direstart berkali-kali.",
        Outcome::NotFixed(4),
    ),
    (
        "Tidak ada koneksi, router tidak menyala sama sekali.",
        Outcome::Failed(2, FailReason::CustomerAbsent),
    ),
    (
        "Kabel putus tertabrak truk di depan rumah.",
        Outcome::Overdue(1),
    ),
    (
        "Internet mati sejak pagi, lampu LOS merah.",
        Outcome::OnTheWayToday,
    ),
    (
        "ONT mati total, adaptor berbau gosong.",
        Outcome::WorkingToday,
    ),
    (
        "Koneksi putus-putus tiap sore, sudah ganti kabel LAN.",
        Outcome::Today,
    ),
    ("Modem panas dan sering mati sendiri.", Outcome::Ahead(1)),
    (
        "Lampu LOS merah setelah pemadaman listrik.",
        Outcome::Queued,
    ),
];

/// Visits of every kind and status for the demo technicians, around the real present: repairs
/// from complaints (done with reports and photos, not fixed, failed, overdue, today's, upcoming,
/// waiting), a relocation, and dismantlings of terminated subscriptions.
pub async fn scenarios(
    state: &AppState,
    clock: &MockClock,
    rng: &mut StdRng,
    technicians: &[Technician],
    office: Actor<'_>,
) -> anyhow::Result<()> {
    let db = &state.db;
    let links = state.links();
    let customers: Vec<(i64, i64)> = db
        .fetch_all(
            "SELECT s.customer_id, s.id FROM subscriptions s WHERE s.status = 'active' ORDER BY s.id DESC LIMIT 20",
            crate::args![],
        )
        .await?;
    let now = Utc::now() - Duration::minutes(5);
    let today = wib_date(now);
    for (i, (text, outcome)) in REPAIRS.iter().enumerate() {
        let Some(&(customer, sub)) = customers.get(i) else {
            break;
        };
        let days_back = match *outcome {
            Outcome::Done(d)
            | Outcome::NotFixed(d)
            | Outcome::Failed(d, _)
            | Outcome::Overdue(d) => d,
            _ => 0,
        };
        // The complaint comes in the evening before the visit day.
        let filed = now - Duration::days(days_back + 1) - Duration::hours(3);
        clock.advance(filed - clock.now());
        let ticket = crate::tickets::filing::file(
            db,
            &links,
            office,
            clock.now(),
            crate::tickets::filing::NewTicketInput {
                caller: crate::tickets::filing::Caller::Customer(customer),
                subscription_id: Some(sub),
                category: crate::tickets::model::Category::NoConnection,
                priority: None,
                channel: crate::tickets::model::Channel::Phone,
                body: (*text).into(),
                photos: Vec::new(),
                hourly_limit: None,
            },
        )
        .await?;
        let visit = dispatch::open_job(
            db,
            office,
            clock.now(),
            dispatch::Origin::Ticket(ticket.id),
            "Bawa ONT cadangan.",
        )
        .await?;
        if matches!(outcome, Outcome::Queued) {
            continue;
        }
        let date = match *outcome {
            Outcome::Ahead(d) => today + Duration::days(d),
            Outcome::OnTheWayToday | Outcome::WorkingToday | Outcome::Today => today,
            _ => wib_date(now - Duration::days(days_back)),
        };
        let start = match *outcome {
            Outcome::OnTheWayToday => 8,
            Outcome::WorkingToday => 10,
            Outcome::Today => 14,
            _ => [8, 10, 13].choose(rng).copied().unwrap_or(10),
        };
        let tech = &technicians[i % technicians.len()];
        let slot = Slot {
            date,
            start: NaiveTime::from_hms_opt(start, 0, 0).expect("valid"),
            end: NaiveTime::from_hms_opt(start + 2, 0, 0).expect("valid"),
        };
        let booking = Booking {
            technician_id: tech.id,
            slot,
            notes: "Bawa ONT cadangan.".into(),
            seen: Some(VisitStatus::Queued),
        };
        // Booked at once; today's were booked the evening before.
        match dispatch::schedule(
            db,
            &links,
            office,
            clock.now(),
            hours(state),
            visit.id,
            &booking,
        )
        .await
        {
            Ok(_) => {}
            Err(BookError::Clash(_)) => continue,
            Err(BookError::Field(f, k)) => anyhow::bail!("demo repair booking refused: {f} {k}"),
            Err(BookError::Other(e)) => anyhow::bail!("demo repair booking failed: {e}"),
        }
        let actor = Actor {
            id: Some(tech.id),
            name: &tech.name,
            ip: "demo",
        };
        let role = crate::auth::Role::Technician;
        let at = |minutes: i64| {
            wib()
                .from_local_datetime(&date.and_time(slot.start))
                .single()
                .map(|t| t.with_timezone(&Utc) + Duration::minutes(minutes))
        };
        match *outcome {
            Outcome::Done(_) | Outcome::NotFixed(_) => {
                let Some(t) = at(rng.gen_range(0..30)) else {
                    continue;
                };
                clock.advance(t - clock.now());
                field_step(state, clock, actor, visit.id, VisitStatus::OnTheWay).await?;
                clock.advance(Duration::minutes(25));
                field_step(state, clock, actor, visit.id, VisitStatus::InProgress).await?;
                clock.advance(Duration::minutes(rng.gen_range(30..80)));
                let fixed = matches!(outcome, Outcome::Done(_));
                let report = Report {
                    submission: format!("demo-{}", visit.id),
                    work_done: if fixed {
                        "Sambungan fiber di ODP putus, disambung ulang (splicing). Redaman normal."
                            .into()
                    } else {
                        "Redaman tinggi dari ODP, perlu penggantian kabel dari tiang; dijadwalkan ulang dengan tim jaringan.".into()
                    },
                    serials: vec![format!("ZTEG{:08X}", rng.gen::<u32>())],
                    signal_dbm: Some(if fixed { -21.4 } else { -31.8 }),
                    download_mbps: fixed.then_some(48.6),
                    upload_mbps: fixed.then_some(19.2),
                    customer_present: true,
                    fixed,
                    photos: super::tickets::photo(rng).into_iter().collect(),
                };
                dispatch::finish(db, &links, actor, role, clock.now(), visit.id, report).await?;
            }
            Outcome::Failed(_, reason) => {
                let Some(t) = at(10) else { continue };
                clock.advance(t - clock.now());
                field_step(state, clock, actor, visit.id, VisitStatus::OnTheWay).await?;
                clock.advance(Duration::minutes(40));
                let note = "Rumah terkunci, telepon tidak diangkat.";
                dispatch::fail(db, &links, actor, role, clock.now(), visit.id, reason, note)
                    .await?;
            }
            Outcome::OnTheWayToday => {
                // Early in the morning the technician sets out before the window.
                let t = at(5).unwrap_or(now).min(now);
                clock.advance(t - clock.now());
                field_step(state, clock, actor, visit.id, VisitStatus::OnTheWay).await?;
            }
            Outcome::WorkingToday => {
                // Set out half an hour ago, but not before 00:00 WIB of the planned day (setting
                // out earlier is refused).
                let midnight = wib()
                    .from_local_datetime(&date.and_time(NaiveTime::MIN))
                    .single()
                    .map_or(now, |t| t.with_timezone(&Utc));
                let t = at(0)
                    .unwrap_or(now)
                    .min(now - Duration::minutes(30))
                    .max(midnight);
                clock.advance(t - clock.now());
                field_step(state, clock, actor, visit.id, VisitStatus::OnTheWay).await?;
                clock.advance((t + Duration::minutes(20)).min(now) - clock.now());
                field_step(state, clock, actor, visit.id, VisitStatus::InProgress).await?;
            }
            _ => {}
        }
    }
    // A customer moving house waits for the technician.
    if let Some(&(_, sub)) = customers.get(REPAIRS.len()) {
        clock.advance(now - Duration::days(1) - clock.now());
        let origin = dispatch::Origin::Subscription {
            id: sub,
            kind: crate::visits::model::VisitKind::Relocation,
            address: Some("Jl. Sangkuriang No. 41, RT 03/RW 07".into()),
        };
        dispatch::open_job(
            db,
            office,
            clock.now(),
            origin,
            "Pindah rumah, kabel lama dicabut.",
        )
        .await?;
    }
    // Dismantlings of subscriptions ended long ago were done by the office: called off here;
    // recent ones wait in the queue.
    clock.advance(now - clock.now());
    let old: Vec<(i64,)> = db
        .fetch_all(
            "SELECT id FROM visits WHERE kind = 'dismantling' AND status = 'queued' AND queued_at < $1",
            crate::args![now - Duration::days(14)],
        )
        .await?;
    for (id,) in old {
        dispatch::cancel(
            db,
            &links,
            office,
            clock.now(),
            id,
            "Perangkat diantar pelanggan ke kantor.",
            false,
        )
        .await?;
    }
    Ok(())
}

/// The technician moves visit `id` on at the demo clock's time.
async fn field_step(
    state: &AppState,
    clock: &MockClock,
    actor: Actor<'_>,
    id: i64,
    to: VisitStatus,
) -> anyhow::Result<()> {
    let role = crate::auth::Role::Technician;
    dispatch::step(&state.db, &state.links(), actor, role, clock.now(), id, to).await?;
    Ok(())
}
