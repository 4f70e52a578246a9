//! Reading the development outbox: the emails the portal wrote to a folder instead of sending.

use std::path::Path;

use anyhow::Context;

use super::OutboxMessage;

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
    use crate::platform::{mail::Mailer, Email};

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
}
