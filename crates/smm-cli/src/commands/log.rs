//! `smm log follow` (a monitor) and `smm log witness`: follow a server's transparency log from
//! the checkpoint kept in a state folder to its latest one, proving on the way that the log only
//! grew and that the entries reported are exactly those its signed checkpoint commits to.
//!
//! The state folder holds one file, `state.json` (`_type` `urn:smm:log-follower:v1`): the log's
//! pinned verifier key, the last checkpoint verified (as the signed note served) and the
//! frontier of the tree at that checkpoint (the roots of its complete subtrees along the right
//! edge), which is all that is needed to extend the tree with new entries. It is replaced
//! atomically, and only when every check passed. A witness keeps, besides, the last checkpoint it
//! cosigned in `cosigned`.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use smm_cert::tlog::merkle::{empty_root, leaf_hash, Hash};
use smm_cert::tlog::{advance, Checkpoint, Frontier, Note, NoteVerifier};

use super::log_fetch::Remote;
use super::log_report::{describe, Reported};
use crate::cli::{FollowArgs, LogAction, LogFormat};
use crate::failure::{Failure, Problem};
use crate::input::read_source;
use crate::output::{self, styled, HEADER, MET, UNDER};
use crate::write::write_atomically;

/// The state file's name in the state folder.
const STATE_FILE: &str = "state.json";
/// The state file's type.
const STATE_TYPE: &str = "urn:smm:log-follower:v1";
/// Where a witness keeps the last checkpoint it cosigned.
const COSIGNED_FILE: &str = "cosigned";

/// The state file as written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    #[serde(rename = "_type")]
    state_type: String,
    log_key: String,
    checkpoint: String,
    frontier: Vec<String>,
}

/// What a follower kept: the pinned key, and the last checkpoint verified with its frontier.
struct Kept {
    key: NoteVerifier,
    checkpoint: Checkpoint,
    frontier: Frontier,
}

/// A follow that passed every check, not yet kept.
struct Followed {
    key: NoteVerifier,
    old_size: Option<u64>,
    checkpoint: Checkpoint,
    note: String,
    frontier: Frontier,
    entries: Vec<Reported>,
}

/// Why a follow stopped.
enum Stop {
    /// The input (flags, files, the server's reachability) is at fault: exit 2.
    Input(Failure),
    /// The log failed a check: reported loudly, exit 1, state unchanged.
    Alarm(String),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Input(f)
    }
}

/// Reads a log's verifier key: the key text itself, or a file whose first line is one.
pub fn read_log_key(text: &str) -> Result<NoteVerifier, Failure> {
    let path = Path::new(text);
    let (key, origin) = if !text.contains('+') && path.is_file() {
        let source = read_source(path)?;
        let line = source.text.lines().next().unwrap_or("").trim().to_string();
        (line, path.to_path_buf())
    } else {
        (text.trim().to_string(), PathBuf::from("--log-key"))
    };
    let verifier = NoteVerifier::decode(&key).map_err(|e| {
        Problem::file(
            &origin,
            format!("not a log key: {e} (expected the `verifier_key` of GET /api/log)"),
        )
    })?;
    if !verifier.is_log_key() {
        return Err(Problem::file(
            &origin,
            "this is a witness's cosigning key (type 0x04), not a log's key (type 0x01)",
        )
        .into());
    }
    Ok(verifier)
}

/// Runs `smm log ...`.
pub fn run(action: &LogAction) -> Result<(), Failure> {
    match action {
        LogAction::Follow {
            log,
            vendor,
            product,
            format,
            json,
        } => {
            let json = *json || matches!(format, LogFormat::Json);
            let followed = match follow(log) {
                Ok(f) => f,
                Err(stop) => return stopped(stop, log, json),
            };
            keep(&log.state, &followed)?;
            let shown: Vec<&Reported> = followed
                .entries
                .iter()
                .filter(|e| e.matches(vendor.as_deref(), product.as_deref()))
                .collect();
            if json {
                output::print_tagged_json(
                    "LogFollow",
                    &LogFollowJson {
                        consistent: true,
                        alarm: None,
                        origin: Some(followed.checkpoint.origin.clone()),
                        old_size: followed.old_size,
                        size: Some(followed.checkpoint.size),
                        root: Some(STANDARD.encode(followed.checkpoint.root)),
                        new_entries: Some(followed.entries.len()),
                        entries: shown.into_iter().cloned().collect(),
                    },
                );
            } else {
                output::print(&text_report(&followed, &shown, &log.state));
            }
            Ok(())
        }
        LogAction::Witness {
            log,
            witness_key,
            name,
            passphrase_file,
            output: out,
        } => witness(
            log,
            witness_key,
            name,
            passphrase_file.as_deref(),
            out.as_deref(),
        ),
    }
}

/// `smm log follow --json`: whether the log stayed consistent, and what it added.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct LogFollowJson {
    /// Whether the new checkpoint extends the one kept (false: an alarm).
    pub consistent: bool,
    /// What broke, when the log is not consistent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alarm: Option<String>,
    /// The log's origin line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The size of the checkpoint kept before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_size: Option<u64>,
    /// The size of the new checkpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The new checkpoint's root hash, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<String>,
    /// How many entries the log added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_entries: Option<usize>,
    /// The added entries that match the filters (none after an alarm).
    pub entries: Vec<Reported>,
}

/// Reports a stopped follow: an alarm loudly (exit 1), bad input as a problem (exit 2).
fn stopped(stop: Stop, log: &FollowArgs, json: bool) -> Result<(), Failure> {
    match stop {
        Stop::Input(failure) => Err(failure),
        Stop::Alarm(why) => {
            if json {
                output::print_tagged_json(
                    "LogFollow",
                    &LogFollowJson {
                        consistent: false,
                        alarm: Some(why.to_string()),
                        origin: None,
                        old_size: None,
                        size: None,
                        root: None,
                        new_entries: None,
                        entries: Vec::new(),
                    },
                );
            } else {
                output::print(&format!(
                    "{} {why}\nThe state in {} was left as it was.\n",
                    styled(UNDER, "LOG CHECK FAILED:"),
                    log.state.display()
                ));
            }
            Err(Failure::CheckFailed)
        }
    }
}

/// Reads the state folder, if it holds a state.
fn kept(dir: &Path) -> Result<Option<Kept>, Stop> {
    let path = dir.join(STATE_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let source = read_source(&path)?;
    let bad = |why: String| Stop::Input(Problem::file(&path, why).into());
    let file: StateFile = serde_json::from_str(&source.text)
        .map_err(|e| bad(format!("not a log follower's state: {e}")))?;
    if file.state_type != STATE_TYPE {
        return Err(bad(format!(
            "`_type` is `{}`, expected `{STATE_TYPE}`",
            file.state_type
        )));
    }
    let key = NoteVerifier::decode(&file.log_key).map_err(|e| bad(format!("log_key: {e}")))?;
    let (checkpoint, _) = Checkpoint::open(&file.checkpoint, &key).map_err(|e| {
        Stop::Alarm(format!(
            "the checkpoint kept in {} does not verify with the pinned log key ({e}): the \
             state was altered",
            path.display()
        ))
    })?;
    let hashes = file
        .frontier
        .iter()
        .map(|h| STANDARD.decode(h).ok().and_then(|b| Hash::try_from(b).ok()))
        .collect::<Option<Vec<Hash>>>()
        .ok_or_else(|| bad("frontier: not base64 SHA-256 hashes".to_string()))?;
    let frontier =
        Frontier::from_parts(checkpoint.size, hashes).map_err(|e| bad(format!("frontier: {e}")))?;
    Ok(Some(Kept {
        key,
        checkpoint,
        frontier,
    }))
}

/// The key to check the log with: the pinned one, or the one given on first use. A key given
/// that is not the pinned one is refused: a log's key never changes.
fn log_key(given: Option<&str>, kept: Option<&Kept>, state: &Path) -> Result<NoteVerifier, Stop> {
    let given = given.map(read_log_key).transpose()?;
    match (given, kept) {
        (Some(given), Some(kept)) if given != kept.key => Err(Stop::Input(
            Problem::file(
                &state.join(STATE_FILE),
                format!(
                    "the log key given ({}) is not the one pinned here ({}): a log's key never \
                     changes; a log with another key is another log, to follow with a state \
                     folder of its own",
                    given.encode(),
                    kept.key.encode()
                ),
            )
            .into(),
        )),
        (_, Some(kept)) => Ok(kept.key.clone()),
        (Some(given), None) => Ok(given),
        (None, None) => Err(Stop::Input(
            Problem::file(
                state,
                "nothing is pinned here yet: give --log-key, the log's verifier key (the \
                 `verifier_key` of GET /api/log, obtained through a channel you trust); it is \
                 pinned on this first use",
            )
            .into(),
        )),
    }
}

/// Follows the log from the kept checkpoint to the latest: every check, nothing written.
fn follow(args: &FollowArgs) -> Result<Followed, Stop> {
    let kept = kept(&args.state)?;
    let key = log_key(args.log_key.as_deref(), kept.as_ref(), &args.state)?;
    let remote = Remote::new(&args.url)?;
    let note = remote.checkpoint()?;
    let (checkpoint, _) = Checkpoint::open(&note, &key).map_err(|e| {
        Stop::Alarm(format!(
            "the log's latest checkpoint is not signed by its key {}: {e}",
            key.encode()
        ))
    })?;
    let (old, frontier) = match &kept {
        Some(k) => (k.checkpoint.clone(), k.frontier.clone()),
        None => (
            Checkpoint {
                origin: key.name.clone(),
                size: 0,
                root: empty_root(),
                extensions: Vec::new(),
            },
            Frontier::new(),
        ),
    };
    if checkpoint.size < old.size {
        return Err(Stop::Alarm(format!(
            "the log shrank from {} to {} entries: it rewrote its history",
            old.size, checkpoint.size
        )));
    }
    let consistency = if old.size > 0 && old.size < checkpoint.size {
        remote.consistency(old.size, checkpoint.size)?
    } else {
        Vec::new()
    };
    let served = remote.entries(old.size, checkpoint.size)?;
    let leaves: Vec<Hash> = served
        .iter()
        .map(|e| leaf_hash(e.data.as_bytes()))
        .collect();
    let frontier = advance(&old, &frontier, &checkpoint, &consistency, &leaves).map_err(|e| {
        Stop::Alarm(format!(
            "the log at {} is not the log whose checkpoint of size {} was kept: {e}",
            args.url, old.size
        ))
    })?;
    let entries = describe(&served, &remote, &checkpoint)?;
    Ok(Followed {
        key,
        old_size: kept.map(|k| k.checkpoint.size),
        checkpoint,
        note,
        frontier,
        entries,
    })
}

/// Keeps the new checkpoint (and pins the key): one atomic write.
fn keep(dir: &Path, followed: &Followed) -> Result<(), Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Problem::file(dir, format!("cannot create the state folder: {e}")))?;
    let file = StateFile {
        state_type: STATE_TYPE.to_string(),
        log_key: followed.key.encode(),
        checkpoint: followed.note.clone(),
        frontier: followed
            .frontier
            .hashes()
            .iter()
            .map(|h| STANDARD.encode(h))
            .collect(),
    };
    let text = serde_json::to_string_pretty(&file).unwrap_or_default() + "\n";
    write_atomically(&dir.join(STATE_FILE), &text)
}

fn text_report(followed: &Followed, shown: &[&Reported], state: &Path) -> String {
    let c = &followed.checkpoint;
    let mut out = format!(
        "{}\n",
        styled(
            HEADER,
            &format!("Transparency log {} at {} entries", c.origin, c.size)
        )
    );
    match followed.old_size {
        None => out.push_str(&format!(
            "{} first follow: the checkpoint is signed by the log key given, now pinned, and the \
             {} entries hash to its root\n",
            styled(MET, "ok"),
            c.size
        )),
        Some(old) => out.push_str(&format!(
            "{} consistent with the checkpoint of size {old} kept: the log only grew, and the {} \
             new entries hash to the new root\n",
            styled(MET, "ok"),
            c.size - old
        )),
    }
    for e in shown {
        out.push_str(&format!("  {}\n", e.line()));
    }
    out.push_str(&format!(
        "{} new entries, {} reported; the checkpoint of size {} is kept in {}\n",
        followed.entries.len(),
        shown.len(),
        c.size,
        state.display()
    ));
    out
}

/// `smm log witness`: follow, then cosign the checkpoint just proved consistent with the last
/// one this state kept (the last one cosigned).
fn witness(
    log: &FollowArgs,
    key_path: &Path,
    name: &str,
    passphrase_file: Option<&Path>,
    out: Option<&Path>,
) -> Result<(), Failure> {
    if log.log_key.is_none() {
        return Err(Problem::file(
            Path::new("--log-key"),
            "a witness names the log it witnesses: give --log-key",
        )
        .into());
    }
    smm_cert::tlog::note::check_name(name)
        .map_err(|e| Problem::file(Path::new("--name"), e.to_string()))?;
    let key = super::cert::read_key(key_path, passphrase_file)?;
    let followed = match follow(log) {
        Ok(f) => f,
        Err(stop) => return stopped(stop, log, false),
    };
    let mut note = Note::parse(&followed.note)
        .map_err(|e| Problem::file(Path::new(&log.url), e.to_string()))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    note.cosign(name, &key, now)
        .map_err(|e| Problem::file(key_path, e.to_string()))?;
    let cosigned = note.encode();
    keep(&log.state, &followed)?;
    write_atomically(&log.state.join(COSIGNED_FILE), &cosigned)?;
    if let Some(path) = out {
        write_atomically(path, &cosigned)?;
    }
    let verifier = NoteVerifier::cosigner(name, key.verifying_key())
        .map_err(|e| Problem::file(Path::new("--name"), e.to_string()))?;
    output::note(&format!(
        "{} cosigned {} at {} entries (consistent with the last checkpoint cosigned{}); \
         witness key {}\n",
        styled(MET, "ok"),
        followed.checkpoint.origin,
        followed.checkpoint.size,
        followed
            .old_size
            .map(|s| format!(", of size {s}"))
            .unwrap_or_else(|| ": none, this is the first".to_string()),
        verifier.encode()
    ));
    output::print(&cosigned);
    Ok(())
}
