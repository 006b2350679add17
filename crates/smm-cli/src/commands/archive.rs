//! The backup archive: one tar file holding a manifest and the members it lists by SHA-256 and
//! size (the database copy, the keys' public parts, and the keys secret only when asked).
//!
//! Tar because every operator's tools read it (`tar tf` lists a backup without smm) and it
//! streams: nothing is held in memory whole. It is not compressed: a `pg_dump` member is
//! compressed already, and operators compress or encrypt backups with their own tools.
//!
//! Reading extracts members only under their fixed names into a private folder, never where the
//! archive's paths point, and checks every digest before anything is used.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use smm_store::backup::StoreFacts;

/// What the manifest's `format` says.
pub const FORMAT: &str = "smm-backup";
/// The archive format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The manifest's member name.
pub const MANIFEST: &str = "manifest.json";
/// An SQLite store's database copy.
pub const SQLITE_DATABASE: &str = "smm.db";
/// A PostgreSQL store's dump (`pg_dump --format=custom`).
pub const POSTGRES_DUMP: &str = "smm.pgdump";
/// The public parts of every key.
pub const PUBLIC_KEYS: &str = "public-keys.json";
/// The keys secret, only with `--include-keys-secret`.
pub const KEYS_SECRET: &str = "keys.secret";

/// Every member name an archive may hold.
const NAMES: [&str; 5] = [
    MANIFEST,
    SQLITE_DATABASE,
    POSTGRES_DUMP,
    PUBLIC_KEYS,
    KEYS_SECRET,
];

/// The back end a backup came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

impl StoreKind {
    /// The member that holds the database.
    pub fn database_member(self) -> &'static str {
        match self {
            StoreKind::Sqlite => SQLITE_DATABASE,
            StoreKind::Postgres => POSTGRES_DUMP,
        }
    }
}

/// What the archive holds and what the store looked like, written first in the archive.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] when written by this build.
    pub format_version: u32,
    /// The smm that made it.
    pub smm_version: String,
    /// When the snapshot was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The back end.
    pub store: StoreKind,
    /// Whether the keys secret is in the archive.
    pub keys_secret_included: bool,
    /// The store's facts, read in the snapshot the database member holds.
    pub facts: StoreFacts,
    /// Every other member: its SHA-256 and size.
    pub members: BTreeMap<String, MemberDigest>,
}

/// A member's digest and size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDigest {
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Bytes.
    pub bytes: u64,
}

/// The SHA-256 and size of a file, read in blocks.
pub fn digest_file(path: &Path) -> io::Result<MemberDigest> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let bytes = io::copy(&mut file, &mut HashingWriter(&mut hasher))?;
    Ok(MemberDigest {
        sha256: hex(&hasher.finalize()),
        bytes,
    })
}

/// Writes the manifest, then each `(name, file)` member, as a tar stream into `out`.
pub fn write(out: impl Write, manifest: &Manifest, members: &[(&str, &Path)]) -> io::Result<()> {
    let mut builder = tar::Builder::new(out);
    let text = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
    builder.append(&header(MANIFEST, text.len() as u64)?, text.as_slice())?;
    for (name, path) in members {
        let file = File::open(path)?;
        let size = file.metadata()?.len();
        builder.append(&header(name, size)?, file)?;
    }
    builder.into_inner()?.flush()
}

/// A regular file's header, private to its owner when extracted by `tar`.
fn header(name: &str, size: u64) -> io::Result<tar::Header> {
    let mut header = tar::Header::new_gnu();
    header.set_path(name)?;
    header.set_size(size);
    header.set_mode(0o600);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_mtime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    );
    header.set_cksum();
    Ok(header)
}

/// An archive read into a private folder and checked against its manifest.
#[derive(Debug)]
pub struct Extracted {
    /// The manifest.
    pub manifest: Manifest,
    /// Where the members are, by name (the folder goes when this is dropped).
    pub dir: tempfile::TempDir,
}

impl Extracted {
    /// The path of a member.
    pub fn member(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Reads the archive at `path` into a new private folder and checks it whole: the manifest's
/// format, every member's digest and size, no member missing, none unlisted. Any failure is a
/// sentence saying what is wrong; the folder is removed.
pub fn extract(path: &Path) -> Result<Extracted, String> {
    let file = File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let dir = tempfile::Builder::new()
        .prefix("smm-restore-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary folder to check the archive in: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("cannot make the temporary folder private: {e}"))?;
    }
    let found = unpack(file, dir.path())?;
    let manifest = read_manifest(&dir.path().join(MANIFEST))?;
    check(&manifest, &found)?;
    Ok(Extracted { manifest, dir })
}

/// Unpacks every member under its own fixed name; returns the digests of those found.
fn unpack(file: File, dir: &Path) -> Result<BTreeMap<String, MemberDigest>, String> {
    let damaged = |what: String| format!("damaged or truncated archive: {what}");
    let mut archive = tar::Archive::new(io::BufReader::new(file));
    let mut found = BTreeMap::new();
    let entries = archive
        .entries()
        .map_err(|e| damaged(format!("cannot read: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| damaged(e.to_string()))?;
        let name = entry
            .path()
            .map_err(|e| damaged(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        let Some(name) = NAMES.iter().find(|n| **n == name) else {
            return Err(damaged(format!("unexpected member `{name}`")));
        };
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(damaged(format!("`{name}` is not a regular file")));
        }
        if found.contains_key(*name) {
            return Err(damaged(format!("`{name}` appears twice")));
        }
        let expected = entry.size();
        let digest = copy_private(&mut entry, &dir.join(name))
            .map_err(|e| damaged(format!("`{name}`: {e}")))?;
        if digest.bytes != expected {
            return Err(damaged(format!(
                "`{name}` is cut short: {} of {expected} bytes",
                digest.bytes
            )));
        }
        found.insert(name.to_string(), digest);
    }
    Ok(found)
}

/// Copies `from` into a new file (0600), flushed, and returns what it wrote.
fn copy_private(from: &mut impl Read, to: &Path) -> io::Result<MemberDigest> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(to)?;
    let mut hasher = Sha256::new();
    let bytes = io::copy(from, &mut Tee(&mut file, &mut hasher))?;
    file.sync_all()?;
    Ok(MemberDigest {
        sha256: hex(&hasher.finalize()),
        bytes,
    })
}

fn read_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|_| format!("no {MANIFEST}: not an smm backup, or cut short before it"))?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| format!("damaged archive: {MANIFEST} does not read: {e}"))?;
    if manifest.format != FORMAT {
        return Err(format!(
            "not an smm backup: its manifest's format is `{}`",
            manifest.format
        ));
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(format!(
            "backup format version {} (made by smm {}); this smm reads version {FORMAT_VERSION}",
            manifest.format_version, manifest.smm_version
        ));
    }
    Ok(manifest)
}

/// Every member the manifest lists is there with its digest and size; nothing else is, and the
/// members the restore needs are listed.
fn check(manifest: &Manifest, found: &BTreeMap<String, MemberDigest>) -> Result<(), String> {
    let mut required = vec![manifest.store.database_member(), PUBLIC_KEYS];
    if manifest.keys_secret_included {
        required.push(KEYS_SECRET);
    }
    for name in required {
        if !manifest.members.contains_key(name) {
            return Err(format!(
                "damaged archive: the manifest does not list `{name}`"
            ));
        }
    }
    for (name, listed) in &manifest.members {
        match found.get(name) {
            None => return Err(format!("damaged or truncated archive: `{name}` is missing")),
            Some(got) if got.bytes != listed.bytes => {
                return Err(format!(
                    "damaged archive: `{name}` has {} bytes, the manifest says {}",
                    got.bytes, listed.bytes
                ))
            }
            Some(got) if got.sha256 != listed.sha256 => {
                return Err(format!(
                    "damaged archive: `{name}` does not match its SHA-256 in the manifest \
                     (found {}, expected {})",
                    got.sha256, listed.sha256
                ))
            }
            Some(_) => {}
        }
    }
    match found
        .keys()
        .find(|name| *name != MANIFEST && !manifest.members.contains_key(*name))
    {
        Some(extra) => Err(format!("damaged archive: `{extra}` is not in the manifest")),
        None => Ok(()),
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A writer that only feeds a hash.
struct HashingWriter<'a>(&'a mut Sha256);

impl Write for HashingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A writer that writes to a file and feeds a hash.
struct Tee<'a>(&'a mut File, &'a mut Sha256);

impl Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
