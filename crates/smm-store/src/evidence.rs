//! What evidence may be stored: a bounded size and a known type, checked against the content
//! itself (a "PDF" must start like one), so the store never keeps executables or oversized blobs.

use crate::StoreError;

/// The largest evidence file accepted: 25 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 25 * 1024 * 1024;

/// The evidence types accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidenceType {
    /// `application/pdf`.
    Pdf,
    /// `image/png`.
    Png,
    /// `image/jpeg`.
    Jpeg,
    /// `text/plain`, `text/markdown`, `text/csv`, `application/json`, `application/yaml`: UTF-8.
    Text(&'static str),
}

impl EvidenceType {
    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            EvidenceType::Pdf => "application/pdf",
            EvidenceType::Png => "image/png",
            EvidenceType::Jpeg => "image/jpeg",
            EvidenceType::Text(t) => t,
        }
    }

    /// The type a client declared, checked against the bytes.
    pub fn check(declared: &str, bytes: &[u8]) -> Result<EvidenceType, StoreError> {
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(StoreError::Invalid(format!(
                "evidence of {} bytes is over the limit of {MAX_EVIDENCE_BYTES}",
                bytes.len()
            )));
        }
        if bytes.is_empty() {
            return Err(StoreError::Invalid(
                "evidence must not be empty".to_string(),
            ));
        }
        let declared = declared
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let kind = match declared.as_str() {
            "application/pdf" => EvidenceType::Pdf,
            "image/png" => EvidenceType::Png,
            "image/jpeg" => EvidenceType::Jpeg,
            "text/plain" => EvidenceType::Text("text/plain"),
            "text/markdown" => EvidenceType::Text("text/markdown"),
            "text/csv" => EvidenceType::Text("text/csv"),
            "application/json" => EvidenceType::Text("application/json"),
            "application/yaml" => EvidenceType::Text("application/yaml"),
            other => {
                return Err(StoreError::Invalid(format!(
                    "evidence type `{other}` is not accepted: use PDF, PNG, JPEG, plain text, \
                     Markdown, CSV, JSON or YAML"
                )))
            }
        };
        let matches = match kind {
            EvidenceType::Pdf => bytes.starts_with(b"%PDF-"),
            EvidenceType::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            EvidenceType::Jpeg => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
            EvidenceType::Text(_) => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
        };
        if matches {
            Ok(kind)
        } else {
            Err(StoreError::Invalid(format!(
                "the content is not {declared}: its first bytes do not match the declared type"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_must_match_the_content() {
        assert!(EvidenceType::check("application/pdf", b"%PDF-1.7 ...").is_ok());
        assert!(EvidenceType::check("application/pdf", b"MZ\x90\x00").is_err());
        assert!(EvidenceType::check("text/plain; charset=utf-8", "héllo".as_bytes()).is_ok());
        assert!(EvidenceType::check("text/plain", b"\xff\xfe").is_err());
        assert!(EvidenceType::check("application/x-msdownload", b"MZ").is_err());
        assert!(EvidenceType::check("text/plain", b"").is_err());
        assert!(EvidenceType::check("text/plain", &vec![b'a'; MAX_EVIDENCE_BYTES + 1]).is_err());
    }
}
