//! What `smm log` asks a server: its latest checkpoint, consistency and inclusion proofs, and
//! entries. Nothing read here is believed: every answer is checked by the caller against a
//! checkpoint signed with the pinned log key.

use std::path::Path;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;

use smm_cert::tlog::Hash;

use crate::failure::{Failure, Problem};

/// At most this many entries per request, as the server serves them.
const PAGE: u64 = 1000;

/// A log's public API at one address.
pub struct Remote {
    base: String,
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

/// One entry as served.
#[derive(Debug, Deserialize)]
pub struct ServedEntry {
    /// Its index.
    pub index: u64,
    /// Its bytes (the leaf hash is recomputed from them, never read from the server).
    pub data: String,
}

#[derive(Deserialize)]
struct Proof {
    proof: Vec<String>,
}

#[derive(Deserialize)]
struct Logged {
    entries: Vec<LoggedEntry>,
}

#[derive(Deserialize)]
struct LoggedEntry {
    index: u64,
    kind: String,
}

impl Remote {
    /// The server at `url` (its address, without `/api`).
    pub fn new(url: &str) -> Result<Remote, Failure> {
        let base = url.trim_end_matches('/').to_string();
        if !base.starts_with("http://") {
            return Err(problem(
                url,
                "expected the server's address as http://HOST[:PORT] (this build of smm speaks \
                 plain HTTP; every answer is checked against the log's signed checkpoint, so a \
                 TLS-terminating proxy in front of smm log is enough)",
            ));
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| problem(url, format!("cannot make an HTTP client: {e}")))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| problem(url, format!("cannot start: {e}")))?;
        Ok(Remote {
            base,
            client,
            runtime,
        })
    }

    fn get(&self, path: &str) -> Result<String, Failure> {
        let url = format!("{}{path}", self.base);
        self.runtime.block_on(async {
            let response = self
                .client
                .get(&url)
                .send()
                .await
                .map_err(|e| problem(&url, format!("cannot reach the log: {e}")))?;
            let status = response.status();
            let text = response
                .text()
                .await
                .map_err(|e| problem(&url, format!("cannot read the answer: {e}")))?;
            if !status.is_success() {
                return Err(problem(
                    &url,
                    format!("the log answered {status}: {}", text.trim()),
                ));
            }
            Ok(text)
        })
    }

    fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let text = self.get(path)?;
        serde_json::from_str(&text).map_err(|e| {
            problem(
                &format!("{}{path}", self.base),
                format!("unexpected answer: {e}"),
            )
        })
    }

    /// The latest signed checkpoint, as served.
    pub fn checkpoint(&self) -> Result<String, Failure> {
        self.get("/api/log/checkpoint")
    }

    /// The consistency proof between two sizes.
    pub fn consistency(&self, old: u64, new: u64) -> Result<Vec<Hash>, Failure> {
        let path = format!("/api/log/proofs/consistency?old={old}&new={new}");
        let proof: Proof = self.get_json(&path)?;
        self.hashes(&path, &proof.proof)
    }

    /// The inclusion proof of an entry at a size.
    pub fn inclusion(&self, index: u64, size: u64) -> Result<Vec<Hash>, Failure> {
        let path = format!("/api/log/proofs/inclusion?index={index}&size={size}");
        let proof: Proof = self.get_json(&path)?;
        self.hashes(&path, &proof.proof)
    }

    /// Entries `start..end`, in order, a page at a time; exactly those indexes or an error.
    pub fn entries(&self, start: u64, end: u64) -> Result<Vec<ServedEntry>, Failure> {
        let mut out = Vec::new();
        let mut next = start;
        let progress = (end > start).then(|| {
            crate::progress::Progress::counted(
                "fetching the log's new entries",
                end - start,
                "entries",
            )
        });
        while next < end {
            let limit = (end - next).min(PAGE);
            let path = format!("/api/log/entries?start={next}&limit={limit}");
            let page: Vec<ServedEntry> = self.get_json(&path)?;
            if page.is_empty() {
                return Err(problem(
                    &format!("{}{path}", self.base),
                    format!("the log served no entry {next}, though its checkpoint has {end}"),
                ));
            }
            for entry in page.into_iter().take(usize::try_from(limit).unwrap_or(0)) {
                if entry.index != next {
                    return Err(problem(
                        &format!("{}{path}", self.base),
                        format!("the log served entry {} where {next} was due", entry.index),
                    ));
                }
                out.push(entry);
                next += 1;
                if let Some(p) = &progress {
                    p.advance(1);
                }
            }
        }
        Ok(out)
    }

    /// Where the log says an attestation's issue is (a hint, to be proved).
    pub fn attestation_index(&self, serial: &str) -> Result<Option<u64>, Failure> {
        if !serial
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Ok(None);
        }
        let logged: Logged = self.get_json(&format!("/api/log/attestations/{serial}"))?;
        Ok(logged
            .entries
            .iter()
            .find(|e| e.kind == "attestation")
            .map(|e| e.index))
    }

    fn hashes(&self, path: &str, text: &[String]) -> Result<Vec<Hash>, Failure> {
        text.iter()
            .map(|h| {
                STANDARD
                    .decode(h)
                    .ok()
                    .and_then(|b| Hash::try_from(b).ok())
                    .ok_or_else(|| {
                        problem(
                            &format!("{}{path}", self.base),
                            format!("{h:?} is not a base64 SHA-256 hash"),
                        )
                    })
            })
            .collect()
    }
}

/// A problem with what the log at `url` served (or with reaching it).
fn problem(url: &str, message: impl Into<String>) -> Failure {
    Problem::file(Path::new(url), message).into()
}
