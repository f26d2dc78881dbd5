//! Where a registration stands, for the step display staff and customers see.

use super::model::RegStatus;
use super::store::{self, RegistrationRow};
use crate::customers::store as customers;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::visits::store::{self as visits, VisitRow};

/// What the portal says about a registration's progress.
pub struct Progress {
    pub reg: RegistrationRow,
    pub status: RegStatus,
    /// The installation visit booked for it, while it is booked.
    pub installation: Option<VisitRow>,
}

impl Progress {
    /// `done`, `current` or `todo` for each happy-path step.
    pub fn step_class(&self, step: &RegStatus) -> &'static str {
        let pos = |s: RegStatus| RegStatus::STEPS.iter().position(|x| *x == s);
        match (pos(self.status), pos(*step)) {
            (Some(cur), Some(i)) if i < cur => "done",
            (Some(cur), Some(i)) if i == cur && self.status == RegStatus::Installed => "done",
            (Some(cur), Some(i)) if i == cur => "current",
            _ => "todo",
        }
    }

    /// A step's words: the step that is under way says what it waits for ("Menunggu
    /// verifikasi"), the others their name.
    pub fn step_label(&self, step: &RegStatus) -> &'static str {
        if self.step_class(step) != "current" {
            return step.label_key();
        }
        match step {
            RegStatus::Submitted => "step.now.submitted",
            RegStatus::Verified => "step.now.verified",
            _ => step.label_key(),
        }
    }
}

pub async fn progress(state: &AppState, reg: RegistrationRow) -> AppResult<Progress> {
    let status = reg.status;
    let installation = visits::serving(&state.db, Some(reg.id), None, None)
        .await?
        .into_iter()
        .find(|v| v.status.is_booked());
    Ok(Progress {
        reg,
        status,
        installation,
    })
}

/// A registration of the customer whose login is `user_id`; anyone else's is "not found".
pub async fn owned_registration(db: &Db, user_id: i64, id: i64) -> AppResult<RegistrationRow> {
    let customer = customers::by_user(db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::get(db, id)
        .await?
        .filter(|r| r.customer_id == customer.id)
        .ok_or(AppError::NotFound)
}
