//! `smm admin restore`: a backup archive back into an empty store, checked before and after.
//!
//! Before anything is written, the archive is read whole and every member checked against the
//! manifest. An SQLite store is then built in a private folder beside the target, checked (its
//! facts against the manifest, migrations, the audit chain, the keys secret) and only then
//! renamed into place: the target holds a complete, verified data directory or nothing. A
//! PostgreSQL dump is loaded by `pg_restore` in one transaction into an empty database, then
//! checked the same way.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Serialize;
use smm_store::backup::{self, StoreFacts};
use smm_store::{Backend, Store};

use crate::commands::archive::{self, Extracted, StoreKind, KEYS_SECRET};
use crate::commands::backup::{
    make_private, parent_of, redact, runtime, sync_folder, AuditLogJson, TransparencyLogJson,
};
use crate::failure::{Failure, Problem};
use crate::output::{self, styled, MET, WARN};

/// Where to restore to.
pub struct Args<'a> {
    /// The archive.
    pub archive: &'a Path,
    /// The data directory: the SQLite store and the keys secret go there.
    pub data_dir: Option<&'a Path>,
    /// An empty PostgreSQL database, for a PostgreSQL backup.
    pub database_url: Option<&'a str>,
    /// The keys secret to restore with (when the archive holds none).
    pub keys_secret: Option<&'a Path>,
    /// Print JSON instead of text.
    pub json: bool,
}

/// `smm admin restore --json`: where the backup went and what the restored store holds, every
/// fact checked against the backup's manifest.
#[derive(Serialize, JsonSchema)]
pub struct RestoreJson {
    /// The archive restored.
    pub archive: String,
    /// When the backup's snapshot was taken (RFC 3339, UTC).
    pub backup_taken_at: String,
    /// The smm version that made the backup.
    pub backup_smm_version: String,
    /// Where it was restored: the data directory, or the PostgreSQL database (its password left
    /// out).
    pub restored_into: String,
    /// The store's back end: `sqlite` or `postgres`.
    pub store: StoreKind,
    /// The schema migration of the backup (the store is then brought up to date when opened).
    pub migration: i64,
    /// Tables restored, each with the row count the backup recorded.
    pub tables: usize,
    /// Rows in all those tables.
    pub rows: i64,
    /// The restored audit log, as the backup recorded it.
    pub audit_log: AuditLogJson,
    /// The restored transparency log, as the backup recorded it.
    pub transparency_log: TransparencyLogJson,
    /// Signing and log keys sealed in the store.
    pub sealed_keys: usize,
    /// The keys secret restored with the store (it opens every sealed key), when one was.
    pub keys_secret: Option<String>,
    /// Whether the server still needs the original keys secret to start: the store holds
    /// sealed keys and no secret was restored (give it `--keys-secret`, or put it at
    /// DATA_DIR/keys.secret).
    pub keys_secret_needed: bool,
}

/// What the restored store is, for the report.
struct Restored {
    place: String,
    facts: StoreFacts,
    sealed_keys: usize,
    secret: Option<PathBuf>,
}

/// Restores the archive.
pub fn run(args: &Args<'_>) -> Result<(), Failure> {
    let target = Target::of(args)?;
    target.ensure_empty()?;
    let progress = crate::progress::Progress::spinner("checking and unpacking the archive");
    let extracted = archive::extract(args.archive).map_err(|e| Problem::file(args.archive, e))?;
    let manifest = &extracted.manifest;
    target.matches(manifest.store)?;
    let newest = backup::latest_known_migration(target.backend());
    if manifest.facts.migration > newest {
        return Err(Problem::file(
            args.archive,
            format!(
                "made by smm {} at schema migration {}; this smm knows migrations up to {newest}: \
                 restore with that smm or a newer one",
                manifest.smm_version, manifest.facts.migration
            ),
        )
        .into());
    }
    let secret = keys_secret(args, &extracted)?;
    progress.say("loading the database and checking it against the backup's record");
    let restored = match &target {
        Target::Sqlite { data_dir } => restore_sqlite(data_dir, &extracted, secret.as_deref())?,
        Target::Postgres { url, data_dir } => {
            restore_postgres(url, data_dir.as_deref(), &extracted, secret.as_deref())?
        }
    };
    drop(progress);
    if args.json {
        output::print_tagged_json("Restore", &json(args.archive, &restored, &extracted));
    } else {
        output::print(&report(&restored, &extracted));
    }
    Ok(())
}

/// The store a restore writes.
enum Target {
    Sqlite {
        data_dir: PathBuf,
    },
    Postgres {
        url: String,
        data_dir: Option<PathBuf>,
    },
}

impl Target {
    fn of(args: &Args<'_>) -> Result<Target, Failure> {
        match (args.database_url, args.data_dir) {
            (Some(url), data_dir) if backup::backend_of(url).ok() == Some(Backend::Postgres) => {
                Ok(Target::Postgres {
                    url: url.to_string(),
                    data_dir: data_dir.map(Path::to_path_buf),
                })
            }
            (Some(url), _) => Err(Problem::file(
                Path::new("--database-url"),
                format!(
                    "`{url}`: --database-url names an empty PostgreSQL database; restore an \
                     SQLite backup with --data-dir DIR"
                ),
            )
            .into()),
            (None, Some(dir)) => Ok(Target::Sqlite {
                data_dir: dir.to_path_buf(),
            }),
            (None, None) => Err(Problem::file(
                Path::new("smm admin restore"),
                "say where to restore: --data-dir DIR (SQLite) or --database-url URL of an empty \
                 PostgreSQL database",
            )
            .into()),
        }
    }

    fn backend(&self) -> Backend {
        match self {
            Target::Sqlite { .. } => Backend::Sqlite,
            Target::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Refuses a target that holds anything: a restore never writes over a store.
    fn ensure_empty(&self) -> Result<(), Failure> {
        if let Target::Sqlite { data_dir }
        | Target::Postgres {
            data_dir: Some(data_dir),
            ..
        } = self
        {
            ensure_empty_dir(data_dir, matches!(self, Target::Sqlite { .. }))?;
        }
        if let Target::Postgres { url, .. } = self {
            runtime(Path::new(url))?
                .block_on(backup::ensure_empty_postgres(url))
                .map_err(|e| Problem::file(Path::new("--database-url"), e.to_string()))?;
        }
        Ok(())
    }

    /// Refuses a backup of the other back end.
    fn matches(&self, store: StoreKind) -> Result<(), Failure> {
        match (self, store) {
            (Target::Sqlite { .. }, StoreKind::Sqlite)
            | (Target::Postgres { .. }, StoreKind::Postgres) => Ok(()),
            (Target::Sqlite { .. }, StoreKind::Postgres) => Err(Problem::file(
                Path::new("--data-dir"),
                "this is a backup of a PostgreSQL store: restore it with --database-url URL of \
                 an empty PostgreSQL database",
            )
            .into()),
            (Target::Postgres { .. }, StoreKind::Sqlite) => Err(Problem::file(
                Path::new("--database-url"),
                "this is a backup of an SQLite store: restore it with --data-dir DIR",
            )
            .into()),
        }
    }
}

/// Refuses a folder with anything in it. For SQLite the folder is the store, so anything in it
/// is refused; for PostgreSQL only the keys secret goes there, so only that is.
fn ensure_empty_dir(dir: &Path, whole: bool) -> Result<(), Failure> {
    let refused = |what: &str| {
        Failure::from(Problem::file(
            dir,
            format!("{what}: a backup is restored only into an empty or new data directory, never over a store"),
        ))
    };
    if !whole {
        return match dir.join(KEYS_SECRET).exists() {
            true => Err(refused("holds a keys secret already")),
            false => Ok(()),
        };
    }
    match std::fs::read_dir(dir) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(refused("is not empty")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(refused("is a file")),
        Err(e) => Err(Problem::file(dir, format!("cannot read: {e}")).into()),
    }
}

/// The keys secret to restore: the one given or the archive's (they must agree when both are).
fn keys_secret(args: &Args<'_>, extracted: &Extracted) -> Result<Option<PathBuf>, Failure> {
    let inside = extracted
        .manifest
        .keys_secret_included
        .then(|| extracted.member(KEYS_SECRET));
    match (args.keys_secret, inside) {
        (Some(given), Some(inside)) => {
            let read = |p: &Path| {
                std::fs::read(p)
                    .map_err(|e| Failure::from(Problem::file(p, format!("cannot read: {e}"))))
            };
            if read(given)? != read(&inside)? {
                return Err(Problem::file(
                    given,
                    "differs from the keys secret inside the backup: give neither or the same",
                )
                .into());
            }
            Ok(Some(inside))
        }
        (Some(given), None) => match given.is_file() {
            true => Ok(Some(given.to_path_buf())),
            false => Err(Problem::file(given, "no such keys secret").into()),
        },
        (None, inside) => Ok(inside),
    }
}

/// Builds the data directory in a private folder beside the target, checks it, then renames
/// it into place.
fn restore_sqlite(
    data_dir: &Path,
    extracted: &Extracted,
    secret: Option<&Path>,
) -> Result<Restored, Failure> {
    let parent = parent_of(data_dir);
    smm_store::create_private_dir(parent)
        .map_err(|e| Problem::file(parent, format!("cannot create: {e}")))?;
    let build = tempfile::Builder::new()
        .prefix(".smm-restore-")
        .tempdir_in(parent)
        .map_err(|e| Problem::file(parent, format!("cannot make a temporary folder: {e}")))?;
    make_private(build.path())?;
    let database = build.path().join("smm.db");
    copy_private(
        &extracted.member(StoreKind::Sqlite.database_member()),
        &database,
    )?;
    let staged_secret = match secret {
        Some(secret) => {
            let path = build.path().join(KEYS_SECRET);
            copy_private(secret, &path)?;
            Some(path)
        }
        None => None,
    };
    let url = format!("sqlite://{}", database.display());
    let (facts, sealed_keys) = check_restored(&url, extracted, staged_secret.as_deref())?;
    // Renaming onto an empty folder replaces it; onto none, makes it.
    std::fs::rename(build.path(), data_dir).map_err(|e| {
        Problem::file(
            data_dir,
            format!("cannot move the restored store into place: {e}"),
        )
    })?;
    let _ = build.keep();
    sync_folder(parent);
    Ok(Restored {
        place: data_dir.display().to_string(),
        facts,
        sealed_keys,
        secret: secret.map(|_| data_dir.join(KEYS_SECRET)),
    })
}

/// `pg_restore` into the empty database, then the same checks; the keys secret, if any, goes
/// into the data directory.
fn restore_postgres(
    url: &str,
    data_dir: Option<&Path>,
    extracted: &Extracted,
    secret: Option<&Path>,
) -> Result<Restored, Failure> {
    let secret_target = match (secret, data_dir) {
        (Some(_), None) => {
            return Err(Problem::file(
                Path::new("--data-dir"),
                "the keys secret needs a home: give --data-dir DIR (the server's data \
                 directory) to put it in",
            )
            .into())
        }
        (Some(_), Some(dir)) => Some(dir.join(KEYS_SECRET)),
        (None, _) => None,
    };
    let dump = extracted.member(StoreKind::Postgres.database_member());
    runtime(&dump)?
        .block_on(backup::restore_dump(&dump, url))
        .map_err(|e| Problem::file(Path::new("--database-url"), e.to_string()))?;
    let (facts, sealed_keys) = check_restored(url, extracted, secret)?;
    if let (Some(secret), Some(target)) = (secret, &secret_target) {
        if let Some(dir) = target.parent() {
            smm_store::create_private_dir(dir)
                .map_err(|e| Problem::file(dir, format!("cannot create: {e}")))?;
        }
        let bytes = std::fs::read(secret)
            .map_err(|e| Problem::file(secret, format!("cannot read: {e}")))?;
        crate::write::write_secret(target, &bytes)?;
    }
    Ok(Restored {
        place: redact(url),
        facts,
        sealed_keys,
        secret: secret_target,
    })
}

/// The restored store's facts must be the manifest's; then it is opened as the server opens it
/// (migrations brought up to date), its audit chain verified again, and the keys secret, if
/// any, must open every sealed key. Returns the facts and how many keys are sealed.
fn check_restored(
    url: &str,
    extracted: &Extracted,
    secret: Option<&Path>,
) -> Result<(StoreFacts, usize), Failure> {
    let place = Path::new(url);
    let fail = |message: String| Failure::from(Problem::file(place, message));
    runtime(place)?.block_on(async {
        let facts = backup::read_facts(url)
            .await
            .map_err(|e| fail(e.to_string()))?;
        if let Some(difference) = difference(&extracted.manifest.facts, &facts) {
            return Err(fail(format!(
                "the restored store is not what the backup recorded: {difference}"
            )));
        }
        let store = Store::open(url).await.map_err(|e| fail(e.to_string()))?;
        // Each system's standing is derived from its documents. `pg_restore` loads the versions
        // in the order they lie on disk, and the trigger that keeps the standing as versions are
        // stored is only exact in the order they were written: found again from the documents.
        // (An SQLite copy holds the rows as they were.)
        if store.backend() == smm_store::Backend::Postgres {
            store
                .refresh_standings()
                .await
                .map_err(|e| fail(e.to_string()))?;
        }
        let outcome = check_open_store(&store, &extracted.manifest.facts, secret).await;
        store.close().await;
        outcome.map_err(fail).map(|sealed| (facts, sealed))
    })
}

/// The audit chain verifies as it did at backup time, and the secret opens the sealed keys.
async fn check_open_store(
    store: &Store,
    recorded: &StoreFacts,
    secret: Option<&Path>,
) -> Result<usize, String> {
    let report = store.verify_audit().await.map_err(|e| e.to_string())?;
    if !report.intact() && recorded.audit.intact() {
        return Err(format!(
            "the restored audit chain does not verify: {}",
            report.problems.join("; ")
        ));
    }
    let sealed = store
        .sealed_signing_keys()
        .await
        .map_err(|e| e.to_string())?
        .len()
        + store
            .sealed_log_keys()
            .await
            .map_err(|e| e.to_string())?
            .len();
    if let Some(secret) = secret {
        smm_server::serve::open_keyring(store, secret)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(sealed)
}

/// The first fact that differs, said in words.
fn difference(recorded: &StoreFacts, restored: &StoreFacts) -> Option<String> {
    if recorded.migration != restored.migration {
        return Some(format!(
            "schema migration {} instead of {}",
            restored.migration, recorded.migration
        ));
    }
    let tables = recorded.tables.keys().chain(restored.tables.keys());
    for table in tables {
        let (was, is) = (recorded.tables.get(table), restored.tables.get(table));
        if was != is {
            let show = |n: Option<&i64>| n.map_or("no table".to_string(), |n| format!("{n} rows"));
            return Some(format!(
                "table {table}: {} instead of {}",
                show(is),
                show(was)
            ));
        }
    }
    if recorded.audit != restored.audit {
        return Some(format!(
            "the audit log ends at entry {} ({}) instead of {} ({})",
            restored.audit.last_seq,
            restored.audit.head,
            recorded.audit.last_seq,
            recorded.audit.head
        ));
    }
    if recorded.transparency_log != restored.transparency_log {
        return Some(format!(
            "the transparency log has {} entries (root {}) instead of {} (root {})",
            restored.transparency_log.size,
            restored.transparency_log.root,
            recorded.transparency_log.size,
            recorded.transparency_log.root
        ));
    }
    None
}

/// Copies a file into a new private file (0600), flushed to disk.
fn copy_private(from: &Path, to: &Path) -> Result<(), Failure> {
    let mut source =
        std::fs::File::open(from).map_err(|e| Problem::file(from, format!("cannot read: {e}")))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let fail = |e: std::io::Error| Failure::from(Problem::file(to, format!("cannot write: {e}")));
    let mut file = options.open(to).map_err(fail)?;
    std::io::copy(&mut source, &mut file).map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// The report as JSON.
fn json(archive: &Path, restored: &Restored, extracted: &Extracted) -> RestoreJson {
    let facts = &restored.facts;
    let manifest = &extracted.manifest;
    RestoreJson {
        archive: archive.display().to_string(),
        backup_taken_at: manifest.created_at.clone(),
        backup_smm_version: manifest.smm_version.clone(),
        restored_into: restored.place.clone(),
        store: manifest.store,
        migration: facts.migration,
        tables: facts.tables.len(),
        rows: facts.tables.values().sum(),
        audit_log: AuditLogJson::of(&facts.audit),
        transparency_log: TransparencyLogJson::of(&facts.transparency_log),
        sealed_keys: restored.sealed_keys,
        keys_secret: restored.secret.as_ref().map(|p| p.display().to_string()),
        keys_secret_needed: restored.secret.is_none() && restored.sealed_keys > 0,
    }
}

fn report(restored: &Restored, extracted: &Extracted) -> String {
    let facts = &restored.facts;
    let manifest = &extracted.manifest;
    let rows: i64 = facts.tables.values().sum();
    let mut text = format!(
        "{} restored the backup of {} into {}\n  every member matched its SHA-256; {} tables, \
         {rows} rows, as recorded\n  audit log: {} entries, head {} ({})\n  transparency log: \
         {} entries, root {}\n",
        styled(MET, "ok"),
        manifest.created_at,
        restored.place,
        facts.tables.len(),
        facts.audit.entries,
        facts.audit.head,
        if facts.audit.intact() {
            "chain verified"
        } else {
            "chain broken, as it was when backed up"
        },
        facts.transparency_log.size,
        facts.transparency_log.root,
    );
    match (&restored.secret, restored.sealed_keys) {
        (Some(path), n) => text.push_str(&format!(
            "  keys secret: {} opens all {n} sealed key(s)\n",
            path.display()
        )),
        (None, 0) => {}
        (None, n) => text.push_str(&format!(
            "{} the store holds {n} sealed key(s) and no keys secret was restored: give the \
             server the original secret (--keys-secret, or put it at DATA_DIR/keys.secret) or it \
             will refuse to start\n",
            styled(WARN, "warning:")
        )),
    }
    text
}
