//! SMTP delivery with lettre, configured by `smtp_*` and `mail_from`.

use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::store::OutboxMail;
use crate::config::{Config, SmtpTls};

/// Gives up on an SMTP conversation after this long (well below the outbox claim timeout).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Right-hand side of our `Message-ID`s.
    domain: String,
}

impl Mailer {
    /// The mailer the configuration describes; `None` when `smtp_host` is not set.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Mailer>> {
        let Some(host) = config.smtp_host() else {
            return Ok(None);
        };
        let from: Mailbox = config.mail_from.parse().map_err(|e| {
            anyhow::anyhow!(
                "mail_from {:?} is not a mail address: {e}",
                config.mail_from
            )
        })?;
        let mut builder = match config.smtp_tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
        }
        .port(config.smtp_port.unwrap_or(config.smtp_tls.default_port()))
        .timeout(Some(SMTP_TIMEOUT));
        if let Some(user) = config.smtp_user.as_deref().filter(|u| !u.is_empty()) {
            builder = builder.credentials(Credentials::new(
                user.to_string(),
                config.smtp_password.clone().unwrap_or_default(),
            ));
        }
        let domain = from.email.domain().to_string();
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
            domain,
        }))
    }

    /// The `Message-ID` of an outbox row: the same on every attempt, unique per row.
    pub fn message_id(&self, mail: &OutboxMail) -> String {
        format!(
            "<outbox-{}.{}@{}>",
            mail.id,
            mail.created_at.timestamp_micros(),
            self.domain
        )
    }

    pub async fn send(&self, mail: &OutboxMail) -> anyhow::Result<()> {
        let to: Mailbox = mail.to_addr.parse().map_err(|e| {
            anyhow::anyhow!("recipient {:?} is not a mail address: {e}", mail.to_addr)
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(self.message_id(mail)))
            .header(ContentType::TEXT_PLAIN)
            // Base64 keeps long links intact whatever the line length.
            .header(ContentTransferEncoding::Base64)
            .body(mail.body.clone())?;
        self.transport.send(message).await?;
        Ok(())
    }
}
