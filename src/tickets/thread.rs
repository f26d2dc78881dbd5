//! A ticket's conversation as its pages show it: the messages and their photos.

use super::model::text_html;
use super::store::{self, MessageRow};
use crate::db::{Db, DbResult};
use crate::uploads::access::Context;
use crate::uploads::store::{self as uploads, Upload};

pub struct Thread {
    pub messages: Vec<MessageRow>,
    photos: Vec<Upload>,
}

impl Thread {
    /// The thread of ticket `id`, oldest first; internal notes only `with_internal` (staff).
    pub async fn load(db: &Db, id: i64, with_internal: bool) -> DbResult<Thread> {
        let messages = store::messages(db, id, with_internal).await?;
        let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
        Ok(Thread {
            photos: uploads::attached_to(db, Context::TicketPhoto, &ids).await?,
            messages,
        })
    }

    /// A message's text as HTML (escaped, see [`text_html`]).
    pub fn text(&self, m: &MessageRow) -> String {
        text_html(&m.body)
    }

    pub fn photos_of(&self, m: &MessageRow) -> Vec<&Upload> {
        self.photos
            .iter()
            .filter(|p| p.context_id == Some(m.id))
            .collect()
    }
}
