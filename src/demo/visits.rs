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
use crate::visits::model::{Slot, VisitStatus, WorkingHours};
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
    dispatch::step(
        &state.db,
        &links,
        actor,
        role,
        clock.now(),
        id,
        VisitStatus::OnTheWay,
    )
    .await?;
    clock.advance(Duration::minutes(rng.gen_range(15..45)));
    dispatch::step(
        &state.db,
        &links,
        actor,
        role,
        clock.now(),
        id,
        VisitStatus::InProgress,
    )
    .await?;
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
