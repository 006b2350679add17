//! The audit log: who changed what, when, with the digests before and after. Each entry carries
//! the hash of the one before it, so editing or deleting an entry breaks the chain from there on,
//! and numbering is gap-free, so removing the last entries shows too (up to the last verified
//! count, which `smm audit verify` prints).

use serde::Serialize;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// 1, 2, 3, … without gaps.
    pub seq: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who (a user name, or `token:<name>` for an API token).
    pub actor: String,
    /// The organization whose data changed, if the change belongs to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<i64>,
    /// What was done, e.g. `document.update`.
    pub action: String,
    /// On what, e.g. `document/12`.
    pub object: String,
    /// Content digest before the change, if any.
    pub before_hash: Option<String>,
    /// Content digest after the change, if any.
    pub after_hash: Option<String>,
    /// The previous entry's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry must have: SHA-256 over its fields and the previous hash, as canonical
    /// JSON (RFC 8785), in lowercase hex.
    pub fn expected_hash(&self) -> String {
        #[derive(Serialize)]
        struct Hashed<'a> {
            seq: i64,
            at: &'a str,
            actor: &'a str,
            // Entries without an organization hash as they did before the field existed.
            #[serde(skip_serializing_if = "Option::is_none")]
            organization: Option<i64>,
            action: &'a str,
            object: &'a str,
            before_hash: &'a Option<String>,
            after_hash: &'a Option<String>,
            prev_hash: &'a str,
        }
        smm_core::digest::content_digest(&Hashed {
            seq: self.seq,
            at: &self.at,
            actor: &self.actor,
            organization: self.organization,
            action: &self.action,
            object: &self.object,
            before_hash: &self.before_hash,
            after_hash: &self.after_hash,
            prev_hash: &self.prev_hash,
        })
    }
}

/// The result of checking the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Entries read.
    pub entries: usize,
    /// The hash of the last entry (to write down and compare next time).
    pub head: String,
    /// Every break found; empty when the log is intact.
    pub problems: Vec<String>,
}

impl AuditReport {
    /// Whether the chain is intact.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks a log read in `seq` order.
pub fn verify_chain(entries: &[AuditEntry]) -> AuditReport {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    for (i, e) in entries.iter().enumerate() {
        let expected_seq = i64::try_from(i).unwrap_or(i64::MAX) + 1;
        if e.seq != expected_seq {
            problems.push(format!(
                "entry {expected_seq} is missing (the next one is {}): entries were deleted",
                e.seq
            ));
        }
        if e.prev_hash != prev {
            problems.push(format!(
                "entry {} does not follow the entry before it: an entry was changed or removed",
                e.seq
            ));
        }
        if e.expected_hash() != e.hash {
            problems.push(format!("entry {} was changed after it was written", e.seq));
        }
        prev = e.hash.clone();
    }
    AuditReport {
        entries: entries.len(),
        head: prev,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2026-11-23T10:00:{seq:02}Z"),
                    actor: "claire".to_string(),
                    organization: (seq % 2 == 0).then_some(7),
                    action: "document.update".to_string(),
                    object: format!("document/{seq}"),
                    before_hash: None,
                    after_hash: Some("ab".repeat(32)),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.expected_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_any_edit_or_deletion_is_found() {
        let good = chain(5);
        assert!(verify_chain(&good).intact());
        let mut edited = good.clone();
        edited[2].actor = "mallory".to_string();
        let report = verify_chain(&edited);
        assert!(report
            .problems
            .iter()
            .any(|p| p.contains("entry 3 was changed")));
        // Moving an entry to another organization is an edit too.
        let mut moved = good.clone();
        moved[3].organization = Some(99);
        assert!(!verify_chain(&moved).intact());
        let mut deleted = good.clone();
        deleted.remove(1);
        assert!(!verify_chain(&deleted).intact());
        // Rewriting an entry and its hash still breaks the next link.
        let mut rehashed = good;
        rehashed[1].actor = "mallory".to_string();
        rehashed[1].hash = rehashed[1].expected_hash();
        let report = verify_chain(&rehashed);
        assert!(report
            .problems
            .iter()
            .any(|p| p.contains("entry 3 does not follow")));
    }
}
