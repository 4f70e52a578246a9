//! Delivering email through lettre: SMTP in production; otherwise every message is written to a
//! folder that the development mailbox page (and the tests) read. Features never send directly:
//! they write to the email outbox (`platform::outbox`), whose sender calls `Mailer::send`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

/// A plain-text message to one person.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
}

#[derive(Clone)]
enum Transport {
    Outbox {
        dir: PathBuf,
        files: AsyncFileTransport<Tokio1Executor>,
    },
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.transport {
            Transport::Outbox { dir, .. } => format!("outbox at {}", dir.display()),
            Transport::Smtp(_) => "SMTP".to_owned(),
        };
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("transport", &kind)
            .finish()
    }
}

impl Mailer {
    /// Writes every message as an `.eml` file in `dir` (created when missing).
    pub fn outbox(dir: impl Into<PathBuf>, from: &str) -> anyhow::Result<Mailer> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the mail outbox {}", dir.display()))?;
        Ok(Mailer {
            from: parse_from(from)?,
            transport: Transport::Outbox {
                files: AsyncFileTransport::new(&dir),
                dir,
            },
        })
    }

    /// Sends through the SMTP server of a URL such as `smtps://user:password@smtp.example.org`.
    pub fn smtp(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("reading the SMTP URL")?
            .build();
        Ok(Mailer {
            from: parse_from(from)?,
            transport: Transport::Smtp(transport),
        })
    }

    /// The outbox folder, when mail goes to one.
    pub fn outbox_dir(&self) -> Option<&Path> {
        match &self.transport {
            Transport::Outbox { dir, .. } => Some(dir),
            Transport::Smtp(_) => None,
        }
    }

    /// Only the outbox's sender calls this (and the dev mailbox's tests): every change writes
    /// its emails to the outbox.
    pub(crate) async fn send(&self, email: Email) -> anyhow::Result<()> {
        let to: Mailbox = email
            .to
            .parse()
            .with_context(|| format!("reading the recipient address {:?}", email.to))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(email.text)
            .context("building an email")?;
        match &self.transport {
            Transport::Outbox { files, .. } => {
                files.send(message).await.context("writing to the outbox")?;
            }
            Transport::Smtp(smtp) => {
                smtp.send(message).await.context("sending by SMTP")?;
            }
        }
        Ok(())
    }
}

fn parse_from(from: &str) -> anyhow::Result<Mailbox> {
    from.parse()
        .with_context(|| format!("reading the sender address {from:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_bad_recipient_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::outbox(dir.path(), "no-reply@example.org").unwrap();
        let result = mailer
            .send(Email {
                to: "not an address".into(),
                subject: "x".into(),
                text: "x".into(),
            })
            .await;
        assert!(result.is_err());
    }
}
