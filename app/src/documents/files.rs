//! Files: the checks every uploaded file passes (its type found from its content, its size, a
//! safe name), the files a draft, a submission or a shared document has, and how a download
//! names its file.

use super::AttachmentInfo;
use crate::error::AppError;

/// The types people may attach, found from the first bytes of the file.
const ALLOWED: [(&str, &str); 8] = [
    ("application/pdf", "PDF"),
    ("application/msword", "Word"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    ("image/jpeg", "JPEG"),
    ("image/png", "PNG"),
    ("image/gif", "GIF"),
    ("image/webp", "WebP"),
    ("image/heif", "HEIC"),
];

/// The sentence shown when a file is refused for its type.
pub const ALLOWED_TYPES_TEXT: &str =
    "a PDF, a Word document (.doc or .docx) or a photo (JPEG, PNG, GIF, WebP or HEIC)";

/// The type of a file from its content, if it is one people may attach.
pub fn sniff(content: &[u8]) -> Option<&'static str> {
    let found = infer::get(content)?.mime_type();
    // An old .doc is an OLE compound file: `infer` names it as such or as msword.
    let found = if found == "application/x-ole-storage" {
        "application/msword"
    } else if found == "image/heic" {
        "image/heif"
    } else {
        found
    };
    ALLOWED.iter().map(|(t, _)| *t).find(|t| *t == found)
}

/// Why an upload was refused, in words for the person.
pub fn refusal(name: &str, size: u64, limit: u64, content: &[u8]) -> Option<String> {
    if size == 0 {
        return Some(format!("The file ‘{name}’ is empty"));
    }
    if size > limit {
        return Some(format!(
            "The file ‘{name}’ is larger than {} MB. Choose a smaller file",
            limit / (1024 * 1024)
        ));
    }
    if sniff(content).is_none() {
        return Some(format!("The file ‘{name}’ must be {ALLOWED_TYPES_TEXT}"));
    }
    None
}

/// A file name safe to show and to send back in a header: no folders, no control characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "file".into()
    } else {
        cleaned
    }
}

/// An attachment as listed: what the page shows of it.
#[derive(sqlx::FromRow)]
struct FileRow {
    public_id: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
}

fn info(row: FileRow) -> AttachmentInfo {
    AttachmentInfo {
        id: row.public_id,
        name: row.file_name,
        content_type: row.content_type,
        size: row.size_bytes.max(0) as u64,
    }
}

/// The files uploaded to a draft (whether or not an answer names them yet).
pub async fn files_of_draft<'c>(
    db: impl sqlx::Executor<'c, Database = sqlx::Any>,
    draft_id: i64,
) -> Result<Vec<AttachmentInfo>, AppError> {
    let rows: Vec<FileRow> = sqlx::query_as(
        "SELECT public_id, file_name, content_type, size_bytes FROM attachments WHERE draft_id = $1 ORDER BY id",
    )
    .bind(draft_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(info).collect())
}

/// The files of a submission.
/// The files of a shared document.
pub async fn files_of_shared_document(
    pool: &sqlx::AnyPool,
    document_id: i64,
) -> Result<Vec<AttachmentInfo>, AppError> {
    let rows: Vec<FileRow> = sqlx::query_as(
        "SELECT public_id, file_name, content_type, size_bytes FROM attachments WHERE shared_document_id = $1 ORDER BY id",
    )
    .bind(document_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(info).collect())
}

pub async fn files_of_submission(
    pool: &sqlx::AnyPool,
    submission: &str,
) -> Result<Vec<AttachmentInfo>, AppError> {
    let rows: Vec<FileRow> = sqlx::query_as(
        "SELECT a.public_id, a.file_name, a.content_type, a.size_bytes FROM attachments a \
         JOIN submissions s ON s.id = a.submission_id WHERE s.public_id = $1 ORDER BY a.id",
    )
    .bind(submission)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(info).collect())
}

/// `attachment; filename="plain"; filename*=UTF-8''percent-encoded` (RFC 6266).
pub fn content_disposition(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
            Some("image/jpeg")
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        // A program renamed to look like a PDF is still a program.
        assert_eq!(sniff(b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"), None);
        assert_eq!(sniff(b"<html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"just some text"), None);
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let pdf = b"%PDF-1.7\n";
        assert_eq!(refusal("a.pdf", 9, 100, pdf), None);
        assert!(refusal("a.pdf", 0, 100, b"").unwrap().contains("is empty"));
        assert!(refusal("big.pdf", 30 * 1024 * 1024, 20 * 1024 * 1024, pdf)
            .unwrap()
            .contains("larger than 20 MB"));
        assert!(refusal("virus.pdf", 5, 100, b"MZ\x90\0\x03")
            .unwrap()
            .contains("must be a PDF"));
    }

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_name("   "), "file");
    }

    #[test]
    fn downloads_are_attachments_with_a_safe_name() {
        assert_eq!(
            content_disposition("Ellie’s report.pdf"),
            "attachment; filename=\"Ellie_s report.pdf\"; filename*=UTF-8''Ellie%E2%80%99s%20report.pdf"
        );
        assert!(content_disposition("a\"b.pdf").starts_with("attachment; filename=\"a_b.pdf\""));
    }
}
