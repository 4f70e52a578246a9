//! Delivering email through lettre: SMTP in production; otherwise every message is written to a
//! folder that the development mailbox page (and the tests) read. Features never send directly:
//! they write to the email outbox (`platform::outbox`), whose sender calls `Mailer::send`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use crate::mailbox::OutboxMessage;

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

    /// Only the outbox's sender calls this: every change writes its emails to the outbox.
    pub(super) async fn send(&self, email: Email) -> anyhow::Result<()> {
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

/// Every message in the outbox, newest first.
pub async fn read_outbox(dir: &Path) -> anyhow::Result<Vec<OutboxMessage>> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err).context("listing the outbox"),
    };
    let mut messages = Vec::new();
    while let Some(entry) = entries.next_entry().await.context("listing the outbox")? {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("eml") {
            continue;
        }
        let bytes = tokio::fs::read(&path)
            .await
            .with_context(|| format!("reading {}", path.display()))?;
        let modified = entry
            .metadata()
            .await
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        if let Some(message) = parse_eml(id, &bytes, modified) {
            messages.push(message);
        }
    }
    messages.sort_by(|a, b| b.sent_at_ms.cmp(&a.sent_at_ms).then(b.id.cmp(&a.id)));
    Ok(messages)
}

fn parse_eml(id: String, bytes: &[u8], sent_at_ms: i64) -> Option<OutboxMessage> {
    let parsed = mail_parser::MessageParser::default().parse(bytes)?;
    let to = parsed
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    Some(OutboxMessage {
        id,
        to,
        subject: parsed.subject().unwrap_or_default().to_owned(),
        text: parsed
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .unwrap_or_default(),
        sent_at_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outbox_keeps_what_was_sent_and_reads_it_back_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::outbox(dir.path(), "SEND Portal <no-reply@example.org>").unwrap();
        for n in 1..=2 {
            mailer
                .send(Email {
                    to: "parent@example.org".into(),
                    subject: format!("Message {n}"),
                    text: format!("Line one of {n}\nVisit http://127.0.0.1:3000/ — thank you"),
                })
                .await
                .unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let messages = read_outbox(dir.path()).await.unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].subject, "Message 2");
        assert_eq!(messages[0].to, "parent@example.org");
        assert!(messages[0]
            .text
            .contains("Line one of 2\nVisit http://127.0.0.1:3000/ — thank you"));
    }

    #[tokio::test]
    async fn a_missing_outbox_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let messages = read_outbox(&dir.path().join("absent")).await.unwrap();
        assert!(messages.is_empty());
    }

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
