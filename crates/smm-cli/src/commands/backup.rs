//! `smm admin backup`: one archive file with a consistent copy of the live store, its facts and
//! its keys' public parts, written atomically.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;
use smm_store::backup::{self, AuditHead, LogHead, Snapshot};
use smm_store::Backend;

use crate::commands::archive::{self, Manifest, StoreKind, KEYS_SECRET, PUBLIC_KEYS};
use crate::failure::{Failure, Problem};
use crate::output::{self, styled, MET, WARN};

/// What to back up and where.
pub struct Args<'a> {
    /// The store's URL.
    pub database_url: &'a str,
    /// The keys secret, read only when it is to be included.
    pub keys_secret: &'a Path,
    /// The archive to write.
    pub output: &'a Path,
    /// Replace an existing archive.
    pub force: bool,
    /// Put the keys secret in the archive.
    pub include_keys_secret: bool,
    /// Print JSON instead of text.
    pub json: bool,
}

/// `smm admin backup --json`: the archive written and what it holds.
#[derive(Serialize, JsonSchema)]
pub struct BackupJson {
    /// The archive written.
    pub archive: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its SHA-256, in lowercase hex: record it, to know the archive later.
    pub sha256: String,
    /// When the snapshot was taken (RFC 3339, UTC): every write acknowledged before it is in.
    pub taken_at: String,
    /// The store backed up, its password left out.
    pub database: String,
    /// The store's back end: `sqlite` or `postgres`.
    pub store: StoreKind,
    /// The latest schema migration applied to the store.
    pub migration: i64,
    /// The audit log in the snapshot.
    pub audit_log: AuditLogJson,
    /// The transparency log in the snapshot.
    pub transparency_log: TransparencyLogJson,
    /// Signing keys whose public part is in the archive.
    pub signing_keys: usize,
    /// Transparency log keys whose public part is in the archive.
    pub log_keys: usize,
    /// Whether the archive holds the keys secret: whoever reads it can then open every
    /// organization's private signing key, so encrypt it before it leaves the machine.
    pub keys_secret_included: bool,
    /// The keys secret left out, to keep apart and safe (a restored server needs it to sign);
    /// absent when it is in the archive.
    pub keys_secret: Option<String>,
}

/// An audit log as backed up or restored.
#[derive(Serialize, JsonSchema)]
pub struct AuditLogJson {
    /// Entries.
    pub entries: u64,
    /// The last entry's hash.
    pub head: String,
    /// The Merkle root of the entries, in hex.
    pub root: String,
    /// Whether the hash chain verified.
    pub intact: bool,
    /// Every break in the chain; empty when it verified.
    pub problems: Vec<String>,
}

impl AuditLogJson {
    /// The JSON of a store's audit head.
    pub fn of(audit: &AuditHead) -> Self {
        AuditLogJson {
            entries: audit.entries,
            head: audit.head.clone(),
            root: audit.root.clone(),
            intact: audit.intact(),
            problems: audit.problems.clone(),
        }
    }
}

/// A transparency log as backed up or restored.
#[derive(Serialize, JsonSchema)]
pub struct TransparencyLogJson {
    /// Entries.
    pub size: u64,
    /// The root of the tree of those entries (RFC 9162), in hex.
    pub root: String,
}

impl TransparencyLogJson {
    /// The JSON of a store's transparency log head.
    pub fn of(log: &LogHead) -> Self {
        TransparencyLogJson {
            size: log.size,
            root: log.root.clone(),
        }
    }
}

/// Makes the backup; a broken audit chain is written down and reported as a failed check
/// (exit 1), the archive kept: a copy of a damaged store is worth more than none.
pub fn run(args: &Args<'_>) -> Result<(), Failure> {
    let out = args.output;
    if out.exists() && !args.force {
        return Err(Problem::file(
            out,
            "already exists: a backup is never overwritten unless --force is given",
        )
        .into());
    }
    let secret = args
        .include_keys_secret
        .then(|| read_secret(args.keys_secret))
        .transpose()?;
    // Everything is made beside the archive: the same disk, so the last step is a rename.
    let folder = parent_of(out);
    let work = tempfile::Builder::new()
        .prefix(".smm-backup-")
        .tempdir_in(folder)
        .map_err(|e| Problem::file(folder, format!("cannot make a temporary folder: {e}")))?;
    make_private(work.path())?;
    let runtime = runtime(out)?;
    let database = work.path().join("database");
    let progress = crate::progress::Progress::spinner("taking a consistent snapshot of the store");
    let snapshot = runtime
        .block_on(backup::snapshot(args.database_url, &database))
        .map_err(|e| Problem::file(Path::new(args.database_url), e.to_string()))?;
    let keys = work.path().join(PUBLIC_KEYS);
    let keys_json = serde_json::to_vec_pretty(&snapshot.keys)
        .map_err(|e| Problem::file(&keys, e.to_string()))?;
    write_private(&keys, &keys_json)?;
    let mut members = vec![
        (snapshot_kind(&snapshot).database_member(), database.clone()),
        (PUBLIC_KEYS, keys),
    ];
    if let Some(secret) = &secret {
        let path = work.path().join(KEYS_SECRET);
        write_private(&path, secret)?;
        members.push((KEYS_SECRET, path));
    }
    progress.say("writing and syncing the archive");
    let manifest = manifest(&snapshot, &members, secret.is_some())?;
    let digest = write_archive(out, &manifest, &members, args.force)?;
    drop(progress);
    if args.json {
        output::print_tagged_json("Backup", &json(out, &digest, &snapshot, args));
    } else {
        output::print(&report(out, &digest, &snapshot, args));
    }
    if snapshot.facts.audit.intact() {
        Ok(())
    } else {
        Err(Failure::CheckFailed)
    }
}

/// The secret's bytes, refused unless it looks like one (32 bytes).
fn read_secret(path: &Path) -> Result<Vec<u8>, Failure> {
    let bytes = std::fs::read(path).map_err(|e| {
        Problem::file(
            path,
            format!("cannot read the keys secret (give --keys-secret FILE): {e}"),
        )
    })?;
    if bytes.len() != smm_server::keyring::SECRET_BYTES {
        return Err(Problem::file(
            path,
            format!(
                "a keys secret is {} bytes; this file has {}",
                smm_server::keyring::SECRET_BYTES,
                bytes.len()
            ),
        )
        .into());
    }
    Ok(bytes)
}

fn snapshot_kind(snapshot: &Snapshot) -> StoreKind {
    match snapshot.backend {
        Backend::Sqlite => StoreKind::Sqlite,
        Backend::Postgres => StoreKind::Postgres,
    }
}

/// The manifest: facts from the snapshot, and each member's digest.
fn manifest(
    snapshot: &Snapshot,
    members: &[(&str, PathBuf)],
    keys_secret_included: bool,
) -> Result<Manifest, Failure> {
    let mut digests = std::collections::BTreeMap::new();
    for (name, path) in members {
        let digest = archive::digest_file(path)
            .map_err(|e| Problem::file(path, format!("cannot read: {e}")))?;
        digests.insert((*name).to_string(), digest);
    }
    Ok(Manifest {
        format: archive::FORMAT.to_string(),
        format_version: archive::FORMAT_VERSION,
        smm_version: env!("CARGO_PKG_VERSION").to_string(),
        created_at: snapshot.taken_at.clone(),
        store: snapshot_kind(snapshot),
        keys_secret_included,
        facts: snapshot.facts.clone(),
        members: digests,
    })
}

/// Writes the archive to a temporary file beside `out`, flushes it to disk, renames it into
/// place (over an existing file only with `force`) and flushes the folder; returns the
/// archive's own digest, for the operator to record.
fn write_archive(
    out: &Path,
    manifest: &Manifest,
    members: &[(&str, PathBuf)],
    force: bool,
) -> Result<archive::MemberDigest, Failure> {
    let fail = |e: std::io::Error| Failure::from(Problem::file(out, format!("cannot write: {e}")));
    let folder = parent_of(out);
    let file = tempfile::Builder::new()
        .prefix(".smm-backup-")
        .tempfile_in(folder)
        .map_err(fail)?;
    let listed: Vec<(&str, &Path)> = members.iter().map(|(n, p)| (*n, p.as_path())).collect();
    archive::write(std::io::BufWriter::new(file.as_file()), manifest, &listed).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    let digest = archive::digest_file(file.path()).map_err(fail)?;
    if force {
        file.persist(out).map_err(|e| fail(e.error))?;
    } else {
        file.persist_noclobber(out).map_err(|e| fail(e.error))?;
    }
    sync_folder(folder);
    Ok(digest)
}

/// The report as JSON.
fn json(
    out: &Path,
    digest: &archive::MemberDigest,
    snapshot: &Snapshot,
    args: &Args,
) -> BackupJson {
    let facts = &snapshot.facts;
    BackupJson {
        archive: out.display().to_string(),
        bytes: digest.bytes,
        sha256: digest.sha256.clone(),
        taken_at: snapshot.taken_at.clone(),
        database: redact(args.database_url),
        store: snapshot_kind(snapshot),
        migration: facts.migration,
        audit_log: AuditLogJson::of(&facts.audit),
        transparency_log: TransparencyLogJson::of(&facts.transparency_log),
        signing_keys: snapshot.keys.signing_keys.len(),
        log_keys: snapshot.keys.log_keys.len(),
        keys_secret_included: args.include_keys_secret,
        keys_secret: (!args.include_keys_secret).then(|| args.keys_secret.display().to_string()),
    }
}

/// What the operator reads: where the backup is, what it holds, and what it leaves out.
fn report(out: &Path, digest: &archive::MemberDigest, snapshot: &Snapshot, args: &Args) -> String {
    let facts = &snapshot.facts;
    let audit = &facts.audit;
    let mut text = format!(
        "{} wrote {} ({} bytes, SHA-256 {})\n  snapshot {} of {}, schema migration {}\n  \
         audit log: {} entries, head {} ({})\n  transparency log: {} entries, root {}\n  \
         public keys: {} signing key(s), {} log key(s)\n",
        styled(MET, "ok"),
        out.display(),
        digest.bytes,
        digest.sha256,
        snapshot.taken_at,
        redact(args.database_url),
        facts.migration,
        audit.entries,
        audit.head,
        if audit.intact() {
            "chain verified"
        } else {
            "CHAIN BROKEN"
        },
        facts.transparency_log.size,
        facts.transparency_log.root,
        snapshot.keys.signing_keys.len(),
        snapshot.keys.log_keys.len(),
    );
    for problem in &audit.problems {
        text.push_str(&format!("{} {problem}\n", styled(WARN, "audit:")));
    }
    if args.include_keys_secret {
        text.push_str(&format!(
            "{} the backup holds the keys secret: whoever reads it can open every \
             organization's private signing key. Encrypt it before it leaves this machine.\n",
            styled(WARN, "warning:")
        ));
    } else {
        text.push_str(&format!(
            "  the keys secret is not in the backup: keep {} apart and safe; a restored server \
             needs it to sign\n",
            args.keys_secret.display()
        ));
    }
    text
}

/// A database URL without its password, for printing.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

/// Writes a private file (0600) that must not exist yet.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let fail = |e: std::io::Error| Failure::from(Problem::file(path, format!("cannot write: {e}")));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// Makes a folder this user's alone (0700): what is built in it holds password hashes and
/// sealed keys.
pub fn make_private(dir: &Path) -> Result<(), Failure> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Problem::file(dir, format!("cannot make private: {e}")))?;
    }
    Ok(())
}

/// The folder a path is in (`.` for a bare name).
pub fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Flushes a folder's entries, so a rename into it survives a power cut. Best effort: not every
/// file system lets a folder be opened for this.
pub fn sync_folder(folder: &Path) {
    if let Ok(dir) = std::fs::File::open(folder) {
        let _ = dir.sync_all();
    }
}

/// A runtime for the store's async calls.
pub fn runtime(place: &Path) -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Problem::file(place, format!("cannot start: {e}")).into())
}
