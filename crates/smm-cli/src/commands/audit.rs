//! `smm audit verify`: checks the store's audit log (its hash chain, and its Merkle root against
//! every signed checkpoint it is given or has kept) and the digests the store recorded for
//! documents and evidence.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;
use smm_cert::tlog::{Checkpoint, NoteVerifier};
use smm_core::digest::{content_digest, sha256_hex};
use smm_store::{hex_of, AuditCheckpoint, AuditReport, ChainCheck, Store, StoreError};

use crate::cli::AuditAction;
use crate::failure::{Failure, Problem};
use crate::output::{self, styled, MET, UNDER};
use crate::write::write_atomically;

/// The database `smm serve` uses when none is given.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://smm-data/smm.db";

/// Read a batch at a time, so a large store is never held whole.
const BATCH: i64 = 500;

/// Runs the command.
pub fn run(action: &AuditAction) -> Result<(), Failure> {
    let AuditAction::Verify {
        database_url,
        head,
        checkpoint,
        log_key,
        state,
        json,
    } = action;
    let url = database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL);
    if let Some(file) = url.strip_prefix("sqlite://") {
        // Verifying must never create an empty database and call it intact.
        let file = file.split('?').next().unwrap_or(file);
        if !Path::new(file).exists() {
            return Err(Problem::file(Path::new(file), "no such database").into());
        }
    }
    let state = state.as_deref().map(State::open).transpose()?;
    let key = trusted_key(log_key.as_deref(), state.as_ref())?;
    let given = match &key {
        Some(key) => given_checkpoints(checkpoint, state.as_ref(), key)?,
        None if !checkpoint.is_empty() => {
            return Err(Problem::file(
                &checkpoint[0],
                "a checkpoint is only worth its signature: give the log's key with --log-key \
                 (the `audit_verifier_key` of GET /api/log)",
            )
            .into())
        }
        None => Vec::new(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Problem::file(Path::new(url), format!("cannot start: {e}")))?;
    let outcome = runtime
        .block_on(verify(url, head.as_deref(), key.as_ref(), given))
        .map_err(|e| Problem::file(Path::new(url), e.to_string()))?;
    let intact = outcome.problems().is_empty();
    if let (true, Some(state), Some(key)) = (intact, &state, &key) {
        state.keep(key, &outcome.verified)?;
    }
    if *json {
        let kept = intact && key.is_some();
        output::print_tagged_json("AuditVerification", &outcome.json(state.as_ref(), kept));
    } else {
        output::print(&outcome.render(state.as_ref()));
    }
    if intact {
        Ok(())
    } else {
        Err(Failure::CheckFailed)
    }
}

/// The key to check checkpoints with: the one given, which must be the one `state` pinned.
fn trusted_key(
    given: Option<&str>,
    state: Option<&State>,
) -> Result<Option<NoteVerifier>, Failure> {
    let pinned = state.map(State::pinned_key).transpose()?.flatten();
    let decode = |text: &str, origin: &Path| {
        NoteVerifier::decode(text.trim())
            .map_err(|e| Failure::from(Problem::file(origin, format!("not a verifier key: {e}"))))
    };
    match (given, pinned) {
        (Some(given), Some((pinned, file))) if given.trim() != pinned.trim() => Err(Problem::file(
            &file,
            "--log-key differs from the key kept here: a log's key never changes, so this is \
                 another log (or an attack); use another --state directory for another log",
        )
        .into()),
        (Some(given), _) => decode(given, Path::new("--log-key")).map(Some),
        (None, Some((pinned, file))) => decode(&pinned, &file).map(Some),
        (None, None) => Ok(None),
    }
}

/// The checkpoints given as files and kept in `state`, each opened with `key`: a file that does
/// not verify is refused, as bad input.
fn given_checkpoints(
    files: &[PathBuf],
    state: Option<&State>,
    key: &NoteVerifier,
) -> Result<Vec<Verified>, Failure> {
    let kept = state
        .map(State::checkpoint_files)
        .transpose()?
        .unwrap_or_default();
    files
        .iter()
        .map(|f| (f.clone(), false))
        .chain(kept.into_iter().map(|f| (f, true)))
        .map(|(file, from_state)| {
            let note = std::fs::read_to_string(&file)
                .map_err(|e| Problem::file(&file, format!("cannot read: {e}")))?;
            let (checkpoint, _) = Checkpoint::open(&note, key).map_err(|e| {
                Problem::file(
                    &file,
                    format!("not a checkpoint signed by the log's key: {e}"),
                )
            })?;
            Ok(Verified {
                checkpoint: AuditCheckpoint {
                    size: checkpoint.size,
                    root: checkpoint.root,
                    source: file.display().to_string(),
                },
                note,
                origin: if from_state {
                    Origin::State
                } else {
                    Origin::File
                },
            })
        })
        .collect()
}

/// Where a checkpoint came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Database,
    File,
    State,
}

/// A checkpoint whose signature was checked.
#[derive(Clone, Debug)]
struct Verified {
    checkpoint: AuditCheckpoint,
    note: String,
    origin: Origin,
}

/// `smm audit verify --json`: what was checked, and whether the log and the stored digests hold.
#[derive(Serialize, JsonSchema)]
pub struct AuditVerificationJson {
    /// Whether every check passed: the hash chain is intact, every signed checkpoint matches
    /// the log, no checkpoint kept in the database is forged, and every stored document version
    /// and evidence file matches its recorded digest.
    pub intact: bool,
    /// Every problem found, in words (what the text lists after `FAIL`); empty when intact.
    pub problems: Vec<String>,
    /// Audit log entries read.
    pub entries: usize,
    /// The hash of the last entry: record it and give it as `--head` next time.
    pub head: String,
    /// The Merkle root of the entries read (what a checkpoint of this size signs), in hex.
    pub root: String,
    /// The signed checkpoints the log was compared with.
    pub checkpoints: AuditCheckpointsJson,
    /// Stored document versions whose text was parsed and digested again.
    pub document_versions: usize,
    /// Stored evidence files whose bytes were digested again.
    pub evidence_files: usize,
    /// The `--state` directory, when one was given.
    pub state: Option<AuditStateJson>,
}

/// The checkpoints of an audit verification.
#[derive(Serialize, JsonSchema)]
pub struct AuditCheckpointsJson {
    /// Whether the log's key was at hand to check signatures (`--log-key`, or pinned in the
    /// state directory).
    pub key_given: bool,
    /// Checkpoints whose signature held and that the log was compared with, from every source.
    pub verified: usize,
    /// Of those, kept in the database by the server.
    pub database: usize,
    /// Of those, given with `--checkpoint`.
    pub given: usize,
    /// Of those, kept in the state directory by earlier runs.
    pub state: usize,
    /// Checkpoints kept in the database whose signatures were not checked, for want of the log's
    /// key: without copies kept elsewhere, a rewrite of the whole log cannot be told from the
    /// original. (With the key, a checkpoint it did not sign is a problem instead.)
    pub unchecked: usize,
}

/// The state directory of an audit verification.
#[derive(Serialize, JsonSchema)]
pub struct AuditStateJson {
    /// The directory, as given.
    pub dir: String,
    /// Whether the key was pinned and the verified checkpoints added there: only when the log
    /// holds and the key was at hand; otherwise the directory is left as it was.
    pub updated: bool,
}

/// What one run found.
struct Outcome {
    report: AuditReport,
    verified: Vec<Verified>,
    /// Kept in the database but not signed by the key (or not checked, without a key).
    unsigned: Vec<u64>,
    key_given: bool,
    versions: usize,
    evidence: usize,
    digest_problems: Vec<String>,
}

impl Outcome {
    fn problems(&self) -> Vec<String> {
        let mut all = self.report.problems.clone();
        if self.key_given {
            all.extend(self.unsigned.iter().map(|size| {
                format!(
                    "the database keeps a checkpoint of size {size} that the log's key did not \
                     sign: it was forged or altered"
                )
            }));
        }
        all.extend(self.digest_problems.iter().cloned());
        all
    }

    fn json(&self, state: Option<&State>, kept: bool) -> AuditVerificationJson {
        let problems = self.problems();
        let count = |o: Origin| self.verified.iter().filter(|v| v.origin == o).count();
        AuditVerificationJson {
            intact: problems.is_empty(),
            problems,
            entries: self.report.entries,
            head: self.report.head.clone(),
            root: hex_of(&self.report.root),
            checkpoints: AuditCheckpointsJson {
                key_given: self.key_given,
                verified: self.verified.len(),
                database: count(Origin::Database),
                given: count(Origin::File),
                state: count(Origin::State),
                unchecked: if self.key_given {
                    0
                } else {
                    self.unsigned.len()
                },
            },
            document_versions: self.versions,
            evidence_files: self.evidence,
            state: state.map(|state| AuditStateJson {
                dir: state.dir.display().to_string(),
                updated: kept,
            }),
        }
    }

    fn render(&self, state: Option<&State>) -> String {
        let problems = self.problems();
        let count = |o: Origin| self.verified.iter().filter(|v| v.origin == o).count();
        let mut out = if problems.is_empty() {
            format!(
                "{} audit log intact: {} entries, head {}\n",
                styled(MET, "ok"),
                self.report.entries,
                self.report.head
            )
        } else {
            let mut out = format!(
                "{} audit log broken ({} entries read):\n",
                styled(UNDER, "FAIL"),
                self.report.entries
            );
            for p in &problems {
                out.push_str(&format!("  - {p}\n"));
            }
            out
        };
        out.push_str(&format!(
            "  checked: the hash chain; the Merkle root (now {}) against {} signed checkpoints \
             ({} kept in the database, {} given, {} kept in the state directory)\n",
            hex_of(&self.report.root),
            self.verified.len(),
            count(Origin::Database),
            count(Origin::File),
            count(Origin::State),
        ));
        if !self.key_given && !self.unsigned.is_empty() {
            out.push_str(&format!(
                "  not checked: {} checkpoints kept in the database, whose signatures need the \
                 log's key (--log-key); without copies kept elsewhere, a rewrite of the whole log \
                 in the database cannot be told from the original\n",
                self.unsigned.len()
            ));
        }
        out.push_str(&format!(
            "  checked: {} document versions and {} evidence files against the digests \
             recorded for them\n",
            self.versions, self.evidence
        ));
        if let Some(state) = state {
            out.push_str(&format!(
                "  state: {}{}\n",
                state.dir.display(),
                if problems.is_empty() {
                    " (verified checkpoints added)"
                } else {
                    " (unchanged: the log does not hold)"
                }
            ));
        }
        out
    }
}

async fn verify(
    url: &str,
    head: Option<&str>,
    key: Option<&NoteVerifier>,
    mut verified: Vec<Verified>,
) -> Result<Outcome, StoreError> {
    let store = Store::open(url).await?;
    let unsigned = match key {
        Some(key) => {
            let kept = store.checked_audit_checkpoints(key).await?;
            verified.extend(kept.signed.into_iter().map(|(checkpoint, note)| Verified {
                checkpoint,
                note,
                origin: Origin::Database,
            }));
            kept.unsigned
        }
        // Without a key nothing kept can be told from a forgery: all are left unchecked.
        None => store
            .audit_checkpoints()
            .await?
            .into_iter()
            .map(|k| k.size)
            .collect(),
    };
    let check = head.map_or_else(ChainCheck::default, ChainCheck::expecting_head);
    let report = store
        .check_audit(check.against(verified.iter().map(|v| v.checkpoint.clone()).collect()))
        .await?;
    let (versions, mut digest_problems) = check_versions(&store).await?;
    let (evidence, evidence_problems) = check_evidence(&store).await?;
    digest_problems.extend(evidence_problems);
    Ok(Outcome {
        report,
        verified,
        unsigned,
        key_given: key.is_some(),
        versions,
        evidence,
        digest_problems,
    })
}

/// Every document version's text, parsed and digested again, against the digest recorded when
/// it was stored.
async fn check_versions(store: &Store) -> Result<(usize, Vec<String>), StoreError> {
    let (mut after, mut count, mut problems) = ((0, 0), 0, Vec::new());
    loop {
        let batch = store.recorded_versions(after, BATCH).await?;
        for v in &batch {
            after = (v.document, v.version);
            count += 1;
            let digest = match v.kind.as_str() {
                "TargetProfile" => smm_core::parse_target(&v.body).map(|d| content_digest(&d)),
                _ => smm_core::parse_assessment(&v.body).map(|d| content_digest(&d)),
            };
            match digest {
                Ok(d) if d == v.sha256 => {}
                Ok(_) => problems.push(format!(
                    "document {} version {}: its text does not match the digest recorded for it",
                    v.document, v.version
                )),
                Err(_) => problems.push(format!(
                    "document {} version {}: its text is no longer a valid document",
                    v.document, v.version
                )),
            }
        }
        if (batch.len() as i64) < BATCH {
            return Ok((count, problems));
        }
    }
}

/// Every evidence file's bytes against the SHA-256 it is filed under.
async fn check_evidence(store: &Store) -> Result<(usize, Vec<String>), StoreError> {
    let (mut after, mut count, mut problems) = ((0, String::new()), 0, Vec::new());
    loop {
        let batch = store.recorded_evidence((after.0, &after.1), BATCH).await?;
        for e in &batch {
            count += 1;
            if sha256_hex(&e.content) != e.sha256 {
                problems.push(format!(
                    "evidence {} of organization {}: its bytes do not match their digest",
                    e.sha256, e.organization
                ));
            }
        }
        match batch.last() {
            Some(last) if batch.len() as i64 == BATCH => {
                after = (last.organization, last.sha256.clone());
            }
            _ => return Ok((count, problems)),
        }
    }
}

/// A directory kept between runs: the pinned key (`audit-key`) and the verified checkpoints
/// (`audit-checkpoints/<size>`).
struct State {
    dir: PathBuf,
}

impl State {
    fn open(dir: &Path) -> Result<State, Failure> {
        std::fs::create_dir_all(dir.join("audit-checkpoints"))
            .map_err(|e| Problem::file(dir, format!("cannot create: {e}")))?;
        Ok(State {
            dir: dir.to_path_buf(),
        })
    }

    fn key_file(&self) -> PathBuf {
        self.dir.join("audit-key")
    }

    fn pinned_key(&self) -> Result<Option<(String, PathBuf)>, Failure> {
        let file = self.key_file();
        match std::fs::read_to_string(&file) {
            Ok(text) => Ok(Some((text, file))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Problem::file(&file, format!("cannot read: {e}")).into()),
        }
    }

    fn checkpoint_files(&self) -> Result<Vec<PathBuf>, Failure> {
        let dir = self.dir.join("audit-checkpoints");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| Problem::file(&dir, format!("cannot read: {e}")))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "checkpoint"))
            .collect();
        files.sort();
        Ok(files)
    }

    /// Pins the key and adds every checkpoint verified (one file per size; a size kept already
    /// keeps its file).
    fn keep(&self, key: &NoteVerifier, verified: &[Verified]) -> Result<(), Failure> {
        if self.pinned_key()?.is_none() {
            write_atomically(&self.key_file(), &format!("{}\n", key.encode()))?;
        }
        for v in verified {
            let file = self
                .dir
                .join("audit-checkpoints")
                .join(format!("{:020}.checkpoint", v.checkpoint.size));
            if !file.exists() {
                write_atomically(&file, &v.note)?;
            }
        }
        Ok(())
    }
}
