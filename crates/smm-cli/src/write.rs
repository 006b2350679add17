//! Writing documents: atomically, so an interrupted write never leaves half a file.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::failure::{Failure, Problem};

/// A document as YAML text, with a comment line on top.
pub fn to_yaml<T: Serialize>(header: &str, value: &T) -> String {
    // Our documents are plain data; serializing them cannot fail.
    let body =
        serde_saphyr::to_string(value).unwrap_or_else(|e| format!("# could not serialize: {e}\n"));
    format!("# {header}\n{body}")
}

/// Refuses to write over an approved target profile: an approved version is never edited,
/// only superseded by a new version in a file of its own. Whatever else is at `path` (nothing,
/// another kind of document, text that does not parse) is left to the caller.
pub fn refuse_approved_target(path: &Path) -> Result<(), Failure> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(());
    };
    let Ok(existing) = smm_core::parse_target(&text) else {
        return Ok(());
    };
    match &existing.approval {
        Some(approval) => Err(Problem::file(
            path,
            format!(
                "holds version {} of `{}`, approved by {} on {}: an approved version is never overwritten; write to another file (a new version records `supersedes`)",
                existing.version.as_deref().unwrap_or("(none)"),
                existing.name.value,
                approval.by.value,
                approval.date.value
            ),
        )
        .into()),
        None => Ok(()),
    }
}

/// Writes `text` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), Failure> {
    write_bytes_atomically(path, text.as_bytes())
}

/// Writes a secret (a private key) atomically, readable by its owner only (0600), refusing to
/// replace an existing file: overwriting a key by mistake would lose it for good.
pub fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::from(Problem::file(path, format!("cannot write: {e}")));
    // The temporary file is created 0600 and keeps that mode through the rename.
    let file = synced_temp_file(path, bytes)?;
    file.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Failure::from(Problem::file(
                path,
                "already exists: a key is never overwritten; move it away or choose another name",
            ))
        } else {
            fail(e.error)
        }
    })?;
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_bytes_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::from(Problem::file(path, format!("cannot write: {e}")));
    let file = synced_temp_file(path, bytes)?;
    // A temporary file is private (0600); a profile is meant to be shared and kept in git, so
    // keep an existing file's permissions or use the usual ones for a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(fail)?;
    }
    file.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// `bytes` in a new temporary file (mode 0600) in `path`'s folder, flushed to disk, ready to be
/// renamed over `path`.
fn synced_temp_file(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Failure> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| Failure::from(Problem::file(path, format!("cannot write: {e}")));
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    file.write_all(bytes).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    Ok(file)
}
