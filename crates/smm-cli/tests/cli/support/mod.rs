//! What the `smm` binary's integration tests share: where the repository and its examples are,
//! the binary with a clean environment, temporary workspaces, and a fresh PostgreSQL database.
//!
//! Every test file declares `mod support;` (the `serve` test binary through `#[path]`), and each
//! uses only part of it: an item one binary does not use is not a warning.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The bottling line's target profile, as a path from the repository root.
pub const BOTTLING_TARGET: &str = "examples/bottling-line/target.yaml";
/// The bottling line's assessment, as a path from the repository root.
pub const BOTTLING_ASSESSMENT: &str = "examples/bottling-line/assessment.yaml";
/// The text of [`BOTTLING_TARGET`].
pub const BOTTLING_TARGET_TEXT: &str =
    include_str!("../../../../../examples/bottling-line/target.yaml");
/// The text of [`BOTTLING_ASSESSMENT`]: it names [`BOTTLING_TARGET_TEXT`] by digest.
pub const BOTTLING_ASSESSMENT_TEXT: &str =
    include_str!("../../../../../examples/bottling-line/assessment.yaml");

/// The repository's root: the examples, catalog and schemas are found from here.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text of a file given by its path from the repository root.
pub fn repository_text(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `smm` binary as a plain process, without the variables it reads from the environment
/// (colour, passphrase, password, database, log), so the developer's shell cannot change what a
/// test sees. For what needs a process of its own: a server, a pseudo-terminal.
pub fn process() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_smm"));
    cmd.env_remove("CLICOLOR_FORCE")
        .env_remove("SMM_PASSPHRASE")
        .env_remove("SMM_PASSWORD")
        .env_remove("SMM_DATABASE_URL")
        .env_remove("SMM_LOG_KEY")
        .env_remove("SMM_MAX_CONNECTIONS")
        .env_remove("SMM_HEADER_TIMEOUT")
        .env_remove("SMM_BODY_TIMEOUT")
        .env_remove("SMM_IDLE_TIMEOUT")
        .env_remove("SMM_LOG");
    cmd
}

/// The `smm` binary with a clean environment, run from the repository root so the examples'
/// relative paths work; args, stdin and env are set on the returned builder.
pub fn smm() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::from_std(process());
    cmd.current_dir(root());
    cmd
}

/// Runs `smm ARGS` from the repository root, asserts it succeeded and returns its stdout.
pub fn stdout_of(args: &[&str]) -> String {
    let out = smm().args(args).output().expect("run smm");
    assert!(
        out.status.success(),
        "smm {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Runs `smm ARGS` from the repository root, asserts it succeeded and parses its stdout as JSON.
pub fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).expect("valid JSON")
}

/// The digest `smm digest` prints for a document.
pub fn digest(path: &Path) -> String {
    let out = smm().arg("digest").arg(path).output().expect("digest");
    assert!(
        out.status.success(),
        "smm digest {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A fresh, empty temporary folder, removed when dropped.
pub fn workspace() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes `text` to `name` in a fresh temporary folder and returns (folder, path).
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = workspace();
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

/// A copy of the whole example `name` (`examples/NAME`) in a temporary folder, so files can be
/// changed.
pub fn example_copy(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("entry");
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
    let dir = workspace();
    copy(&root().join("examples").join(name), dir.path());
    dir
}

/// Replaces the first `from` in the file with `to`; the file must contain it.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

/// The PostgreSQL server for tests, or `None` outside CI when there is none (under CI=true a
/// missing one is a failure: scripts/test provides it).
pub fn postgres_base() -> Option<String> {
    match std::env::var("SMM_TEST_POSTGRES_URL") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but SMM_TEST_POSTGRES_URL is not set: scripts/test provisions PostgreSQL"
            );
            eprintln!("note: SMM_TEST_POSTGRES_URL not set; skipping the PostgreSQL half");
            None
        }
    }
}

/// A fresh, empty database on the test PostgreSQL: its name and URL.
pub async fn fresh_postgres_database() -> Option<(String, String)> {
    let base = postgres_base()?;
    let name = format!("smm_rel_{}", &smm_store::session::random_hex()[..12]);
    admin_sql(&format!("CREATE DATABASE {name}")).await;
    let (prefix, _) = base.rsplit_once('/').expect("URL with a database");
    Some((name.clone(), format!("{prefix}/{name}")))
}

/// Runs a statement as the test PostgreSQL's superuser, on its `postgres` database.
pub async fn admin_sql(statement: &str) {
    let base = postgres_base().expect("PostgreSQL");
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&base)
        .await
        .expect("connect to the test PostgreSQL");
    sqlx::query(statement)
        .execute(&admin)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
    admin.close().await;
}

/// Runs statements directly on a database (not through smm), for tests that play the attacker
/// or read what was stored.
pub async fn execute(database_url: &str, statements: &[&str]) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database_url)
        .await
        .expect("connect to the database");
    for statement in statements {
        sqlx::query(statement)
            .execute(&pool)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    pool.close().await;
}

/// Fails with every error when `doc` does not match the published schema of what smm prints
/// with `--json`: `schemas/output/KIND.schema.json`.
pub fn assert_output_schema(kind: &str, doc: &Value) {
    let path = format!("schemas/output/{kind}.schema.json");
    let schema: Value = serde_json::from_str(&repository_text(&path)).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{path} does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the output does not match {path}:\n{}",
        errors.join("\n")
    );
}

/// Fails when a JSON object in `text` has a key twice: most readers keep one of the values and
/// drop the other without a word (a flattened field once shadowed a document's `kind` so).
pub fn assert_no_duplicate_keys(text: &str) {
    use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

    struct Unique;
    impl<'de> Deserialize<'de> for Unique {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(UniqueVisitor)
        }
    }
    struct UniqueVisitor;
    impl<'de> Visitor<'de> for UniqueVisitor {
        type Value = Unique;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                if !seen.insert(key.clone()) {
                    return Err(A::Error::custom(format!("the key `{key}` appears twice")));
                }
                map.next_value::<Unique>()?;
            }
            Ok(Unique)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
            while seq.next_element::<Unique>()?.is_some() {}
            Ok(Unique)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
            Ok(Unique)
        }
        fn visit_unit<E>(self) -> Result<Unique, E> {
            Ok(Unique)
        }
    }
    if let Err(e) = serde_json::from_str::<Unique>(text) {
        panic!("{e}:\n{text}");
    }
}

/// A free port on loopback below the kernel's ephemeral range (32768 and up), for a server that
/// must be told its port before it starts: a server another test starts on port 0 cannot be
/// handed the same port between this check and the bind.
pub fn free_port_below_ephemeral() -> u16 {
    let start = 20_000 + (std::process::id() % 10_000) as u16;
    (start..32_000)
        .chain(20_000..start)
        .find(|&port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok())
        .expect("a free port below the ephemeral range")
}
