//! The audit log: who changed what, when, with the digests before and after. Each entry carries
//! the hash of the one before it, so editing or deleting an entry breaks the chain from there on,
//! and numbering is gap-free, so removing the last entries shows too (up to the last verified
//! count, which `smm audit verify` prints).
//!
//! A chain alone cannot show a log that was rewritten whole (every entry edited and every hash
//! recomputed) or cut short. Signed checkpoints can: each commits to the Merkle root (RFC 9162)
//! of the entries' hashes at one size, and [`ChainCheck::against`] compares the log as read with
//! every checkpoint it is given. A leaf's data is the entry's `hash` as stored, 64 lowercase hex
//! characters, so anyone can recompute a root from the entries.

use serde::Serialize;
use smm_cert::tlog::merkle::{leaf_hash, Hash};
use smm_cert::tlog::Frontier;

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
    /// The Merkle root of the entries read (what a checkpoint of this size signs), shown in hex.
    #[serde(serialize_with = "hex")]
    pub root: Hash,
    /// How many checkpoints the log was compared with (each one matched, or is in `problems`).
    pub checkpoints: usize,
    /// Every break found; empty when the log is intact.
    pub problems: Vec<String>,
}

impl AuditReport {
    /// Whether the chain is intact.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A hash in lowercase hex, as the rest of the audit log writes hashes.
pub fn hex_of(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex<S: serde::Serializer>(hash: &Hash, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&hex_of(hash))
}

/// Checks a log read in `seq` order, all at once.
#[cfg(test)]
fn verify_chain(entries: &[AuditEntry]) -> AuditReport {
    run_check(ChainCheck::default(), entries)
}

/// Runs `check` over a log read in `seq` order, all at once.
#[cfg(test)]
fn run_check(mut check: ChainCheck, entries: &[AuditEntry]) -> AuditReport {
    entries.iter().for_each(|e| check.push(e));
    check.finish()
}

/// What a signed checkpoint of the audit log says (its signature already checked by whoever
/// built it): the first `size` entries have this root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditCheckpoint {
    /// Entries covered.
    pub size: u64,
    /// Their Merkle root.
    pub root: Hash,
    /// Where the checkpoint came from, for the report (a file, "the database").
    pub source: String,
}

/// The leaf hash of an entry in the audit log's Merkle tree.
pub fn audit_leaf(entry: &AuditEntry) -> Hash {
    leaf_hash(entry.hash.as_bytes())
}

/// Checks a chain one entry at a time, so a long log is read in batches and never held whole.
#[derive(Debug)]
pub struct ChainCheck {
    entries: usize,
    prev: String,
    problems: Vec<String>,
    /// A head recorded earlier that must still be in the log, and whether it was seen.
    recorded_head: Option<(String, bool)>,
    /// The right edge of the Merkle tree of the entries read so far.
    frontier: Frontier,
    /// Checkpoints still to compare, largest size first (the next one is popped).
    pending: Vec<AuditCheckpoint>,
    compared: usize,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            entries: 0,
            prev: GENESIS.to_string(),
            problems: Vec::new(),
            recorded_head: None,
            frontier: Frontier::new(),
            pending: Vec::new(),
            compared: 0,
        }
    }
}

impl ChainCheck {
    /// A check that also requires `head`, the hash of an entry recorded at an earlier
    /// verification, to still be in the log: removing the last entries leaves the rest of the
    /// chain intact, and only a head written down elsewhere shows it.
    pub fn expecting_head(head: &str) -> Self {
        ChainCheck {
            recorded_head: Some((head.to_string(), false)),
            ..ChainCheck::default()
        }
    }

    /// Also compares the log with each of `checkpoints` when the check reaches its size: an
    /// entry edited, rehashed or removed after a checkpoint was signed changes the root at that
    /// size, and a log cut below a checkpoint's size falls short of it.
    pub fn against(mut self, checkpoints: Vec<AuditCheckpoint>) -> Self {
        self.pending.extend(checkpoints);
        self.pending.sort_by_key(|c| std::cmp::Reverse(c.size));
        // Size 0 is compared before any entry is read.
        self.compare_due();
        self
    }

    fn compare_due(&mut self) {
        let size = self.frontier.size();
        while self.pending.last().is_some_and(|c| c.size == size) {
            let Some(c) = self.pending.pop() else { break };
            self.compared += 1;
            if c.root != self.frontier.root() {
                self.problems.push(format!(
                    "the first {size} entries are not those the checkpoint from {} signed: \
                     entries were changed, rehashed or removed",
                    c.source
                ));
            }
        }
    }

    /// Checks the next entry against the ones before it.
    pub fn push(&mut self, e: &AuditEntry) {
        self.entries += 1;
        let expected_seq = i64::try_from(self.entries).unwrap_or(i64::MAX);
        if e.seq != expected_seq {
            self.problems.push(format!(
                "entry {expected_seq} is missing (the next one is {}): entries were deleted",
                e.seq
            ));
        }
        if e.prev_hash != self.prev {
            self.problems.push(format!(
                "entry {} does not follow the entry before it: an entry was changed or removed",
                e.seq
            ));
        }
        if e.expected_hash() != e.hash {
            self.problems
                .push(format!("entry {} was changed after it was written", e.seq));
        }
        if let Some((head, seen)) = &mut self.recorded_head {
            *seen |= *head == e.hash;
        }
        self.prev.clone_from(&e.hash);
        self.frontier.push(audit_leaf(e));
        self.compare_due();
    }

    /// The report on every entry pushed.
    pub fn finish(mut self) -> AuditReport {
        if let Some((head, false)) = &self.recorded_head {
            self.problems.push(format!(
                "the recorded head {head} is no longer in the log: entries were removed or rewritten"
            ));
        }
        for c in self.pending.iter().rev() {
            self.compared += 1;
            self.problems.push(format!(
                "the checkpoint from {} signed {} entries, but the log has {}: entries were removed",
                c.source, c.size, self.entries
            ));
        }
        AuditReport {
            entries: self.entries,
            head: self.prev,
            root: self.frontier.root(),
            checkpoints: self.compared,
            problems: self.problems,
        }
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

    #[test]
    fn a_recorded_head_must_still_be_in_the_log() {
        let good = chain(4);
        let head = good[3].hash.clone();
        let check = |entries: &[AuditEntry]| run_check(ChainCheck::expecting_head(&head), entries);
        assert!(check(&good).intact());
        // Dropping the last entry leaves an intact chain, but not the head written down.
        let report = check(&good[..3]);
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        assert!(report.problems[0].contains("no longer in the log"));
        assert!(verify_chain(&good[..3]).intact());
    }

    /// A checkpoint of the first `size` entries of `log`, as a signer would have made it.
    fn checkpoint(log: &[AuditEntry], size: usize, source: &str) -> AuditCheckpoint {
        let mut frontier = Frontier::new();
        log[..size]
            .iter()
            .for_each(|e| frontier.push(audit_leaf(e)));
        AuditCheckpoint {
            size: size as u64,
            root: frontier.root(),
            source: source.to_string(),
        }
    }

    #[test]
    fn a_log_rewritten_whole_or_cut_short_fails_the_checkpoints_it_passed() {
        let good = chain(6);
        let signed = vec![
            checkpoint(&good, 0, "zero"),
            checkpoint(&good, 3, "three"),
            checkpoint(&good, 6, "six"),
        ];
        let check = |entries: &[AuditEntry]| {
            run_check(ChainCheck::default().against(signed.clone()), entries)
        };
        let report = check(&good);
        assert!(report.intact(), "{:?}", report.problems);
        assert_eq!(report.checkpoints, 3);
        assert_eq!(report.root, checkpoint(&good, 6, "").root);
        // Entry 2 edited and every hash from it recomputed: the chain holds, the checkpoints
        // from size 3 on do not.
        let mut rewritten = good.clone();
        rewritten[1].actor = "mallory".to_string();
        for i in 1..rewritten.len() {
            rewritten[i].prev_hash = rewritten[i - 1].hash.clone();
            rewritten[i].hash = rewritten[i].expected_hash();
        }
        assert!(verify_chain(&rewritten).intact());
        let report = check(&rewritten);
        assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
        assert!(
            report.problems[0].contains("first 3 entries are not those the checkpoint from three")
        );
        assert!(report.problems[1].contains("checkpoint from six"));
        // The last two entries removed: an intact chain, shorter than a signed size.
        let report = check(&good[..4]);
        assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
        assert!(report.problems[0].contains("signed 6 entries, but the log has 4"));
        // A checkpoint signed over other entries never matches.
        let other = chain(7);
        let report = run_check(
            ChainCheck::default().against(vec![checkpoint(&other[1..], 3, "elsewhere")]),
            &good,
        );
        assert!(!report.intact());
    }
}
