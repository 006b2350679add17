//! Checkpoints as the C2SP tlog-checkpoint specification writes them: the log's origin, its size
//! and its root hash, one per line, optionally followed by extension lines, signed as a note.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::SigningKey;

use super::merkle::Hash;
use super::note::{Note, NoteVerifier};
use super::TlogError;

/// A log's state at one size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name, unique among logs (by convention a URL without its scheme).
    pub origin: String,
    /// How many entries the log has.
    pub size: u64,
    /// The Merkle root of those entries.
    pub root: Hash,
    /// Extension lines, kept and signed as written (smm writes none).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The checkpoint's text, the body of its note.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        );
        for line in &self.extensions {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// Reads a checkpoint's text, strictly: a size in canonical decimal, a 32-byte root in
    /// standard base64, no empty lines.
    pub fn parse(text: &str) -> Result<Checkpoint, TlogError> {
        let bad = |why: &str| TlogError::Invalid(format!("not a checkpoint: {why}"));
        let body = text
            .strip_suffix('\n')
            .ok_or_else(|| bad("it must end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| bad("no origin line"))?;
        let size_line = lines.next().ok_or_else(|| bad("no size line"))?;
        let canonical = !size_line.is_empty()
            && size_line.bytes().all(|b| b.is_ascii_digit())
            && (size_line == "0" || !size_line.starts_with('0'));
        if !canonical {
            return Err(bad(
                "the size must be a decimal number without leading zeros",
            ));
        }
        let size: u64 = size_line
            .parse()
            .map_err(|_| bad("the size is too large"))?;
        let root_line = lines.next().ok_or_else(|| bad("no root hash line"))?;
        let root: Hash = STANDARD
            .decode(root_line)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("the root hash must be 32 bytes in standard base64"))?;
        if STANDARD.encode(root) != root_line {
            return Err(bad("the root hash is not in canonical base64"));
        }
        let extensions: Vec<String> = lines.map(str::to_string).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(bad("empty extension line"));
        }
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            extensions,
        })
    }

    /// The checkpoint signed by the log's key, named by its origin.
    pub fn sign(&self, key: &SigningKey) -> Result<Note, TlogError> {
        Note::sign(&self.text(), &self.origin, key)
    }

    /// Reads a signed checkpoint and checks the log's signature on it (and that the key is the
    /// log's: its name is the checkpoint's origin).
    pub fn open(note: &str, log: &NoteVerifier) -> Result<(Checkpoint, Note), TlogError> {
        let note = Note::parse(note)?;
        let checkpoint = Checkpoint::parse(&note.text)?;
        if checkpoint.origin != log.name {
            return Err(TlogError::Signature(format!(
                "the checkpoint is of log {:?}, not of {:?}",
                checkpoint.origin, log.name
            )));
        }
        note.verify(log)?;
        Ok((checkpoint, note))
    }
}
