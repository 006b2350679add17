//! `smm admin backup` and `smm admin restore`, run as the real binary beside a real server.
//!
//! A backup is only worth the restore it allows: so the backup is taken while writers keep the
//! server busy, restored into a fresh store, and every write acknowledged before the backup
//! began must be there (documents and evidence bytes alike), the audit chain must verify, and a
//! server must start on the restored store with the keys secret kept apart. A damaged or
//! truncated archive, and a target that holds anything, are refused with nothing written.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::server::{
    assert_stored, assessment, audit_verify, bootstrap, client, serve_args, sign_in, smm,
    sqlite_data, strs, system, token, Acknowledged, Server,
};
use crate::support::{
    assert_no_duplicate_keys, assert_output_schema, fresh_postgres_database, workspace,
};

/// Concurrent writers.
const WRITERS: usize = 6;
/// Acknowledged writes before the backup starts.
const BEFORE_BACKUP: usize = 40;

/// An evidence file the server acknowledged: its digest and its bytes.
#[derive(Clone, Debug)]
struct Evidence {
    sha256: String,
    bytes: String,
}

/// Everything acknowledged so far.
#[derive(Default)]
struct Acks {
    documents: Vec<Acknowledged>,
    evidence: Vec<Evidence>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_under_write_load_restores_every_acknowledged_write() {
    let (dir, data, url) = sqlite_data();
    let restored = dir.path().join("restored");
    let secret = data.join("keys.secret");
    backup_under_load_restores(&data, &url, &dir.path().join("backup.tar"), |archive| {
        run_smm(&[
            "admin",
            "restore",
            &archive.display().to_string(),
            "--data-dir",
            &restored.display().to_string(),
            "--keys-secret",
            &secret.display().to_string(),
        ]);
        let url = format!("sqlite://{}", restored.join("smm.db").display());
        (restored.clone(), url)
    })
    .await;
    assert_eq!(mode(&restored.join("smm.db")), 0o600);
    assert_eq!(
        std::fs::read(restored.join("keys.secret")).expect("restored secret"),
        std::fs::read(&secret).expect("secret")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_under_write_load_restores_every_acknowledged_write() {
    let Some((_, url)) = fresh_postgres_database().await else {
        return;
    };
    let Some((_, target)) = fresh_postgres_database().await else {
        return;
    };
    let dir = workspace();
    let data = dir.path().join("data");
    let restored = dir.path().join("restored");
    let secret = data.join("keys.secret");
    backup_under_load_restores(&data, &url, &dir.path().join("backup.tar"), |archive| {
        run_smm(&[
            "admin",
            "restore",
            &archive.display().to_string(),
            "--database-url",
            &target,
            "--data-dir",
            &restored.display().to_string(),
            "--keys-secret",
            &secret.display().to_string(),
        ]);
        (restored.clone(), target.clone())
    })
    .await;
}

/// Writers run; the backup is taken while they do; then the restore (done by `restore`, which
/// returns the restored data directory and database URL) must hold every write acknowledged
/// before the backup began.
async fn backup_under_load_restores(
    data: &Path,
    url: &str,
    archive: &Path,
    restore: impl FnOnce(&Path) -> (PathBuf, String),
) {
    let started = Instant::now();
    bootstrap(url);
    let mut server = Server::start(&strs(&serve_args(data, url)), &[]);
    let http = client();
    let session = sign_in(&http, &server).await;
    let token = token(&http, &server, &session, "owner").await;
    let system = system(&http, &server, &token, session.organization, "BL-2").await;
    let key = http
        .post(server.url(&format!("/api/organizations/{}/keys", session.organization)))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .expect("POST keys");
    assert_eq!(key.status(), 201, "create a signing key");

    let acks = Arc::new(Mutex::new(Acks::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (http, token, base) = (http.clone(), token.clone(), server.base.clone());
        let (acks, stop) = (acks.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            write_until_stopped(writer, &http, &base, &token, system, &acks, &stop).await
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while acks.lock().expect("acks").documents.len() < BEFORE_BACKUP {
        assert!(Instant::now() < deadline, "writers too slow");
        assert!(
            !writers.iter().all(|w| w.is_finished()),
            "every writer stopped; the log:\n{}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Whatever was acknowledged before the backup starts must be in it.
    let (documents, evidence) = {
        let acks = acks.lock().expect("acks");
        (acks.documents.clone(), acks.evidence.clone())
    };
    let backup = {
        let archive = archive.to_path_buf();
        let (data, url) = (data.to_path_buf(), url.to_string());
        tokio::task::spawn_blocking(move || {
            smm()
                .args(["admin", "backup", "-o"])
                .arg(&archive)
                .arg("--data-dir")
                .arg(&data)
                .args(["--database-url", &url])
                .output()
                .expect("run smm admin backup")
        })
    };
    let backup = backup.await.expect("backup task");
    let during = acks.lock().expect("acks").documents.len() - documents.len();
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer
            .await
            .expect("writer task")
            .unwrap_or_else(|e| panic!("a write failed during the backup: {e}\n{}", server.log()));
    }
    assert!(backup.status.success(), "smm admin backup: {backup:?}");
    assert!(
        during > 0,
        "no write was acknowledged while the backup ran: it was not online"
    );
    server.stop().await;

    let (restored_dir, restored_url) = restore(archive);
    let (intact, report) = audit_verify(&restored_url);
    assert!(intact, "audit chain of the restored store: {report}");

    // A server starts on the restored store with the keys secret kept apart, and serves every
    // acknowledged write as it was.
    let mut restored = Server::start(&strs(&serve_args(&restored_dir, &restored_url)), &[]);
    for write in &documents {
        assert_stored(&http, &restored, &token, write).await;
    }
    for file in &evidence {
        let got = http
            .get(restored.url(&format!("/api/systems/{system}/evidence/{}", file.sha256)))
            .bearer_auth(&token)
            .send()
            .await
            .expect("GET evidence");
        assert_eq!(got.status(), 200, "evidence {} is missing", file.sha256);
        assert_eq!(got.text().await.expect("bytes"), file.bytes);
    }
    restored.stop().await;
    eprintln!(
        "{} documents and {} evidence files acknowledged before the backup, {during} during it, \
         all restored, in {:?}",
        documents.len(),
        evidence.len(),
        started.elapsed()
    );
}

/// One writer: an assessment each round and an evidence file every third, until stopped. Any
/// answer but 201 is a failure: a backup must not make the server shed writes.
async fn write_until_stopped(
    writer: usize,
    http: &reqwest::Client,
    base: &str,
    token: &str,
    system: i64,
    acks: &Mutex<Acks>,
    stop: &AtomicBool,
) -> Result<(), String> {
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        let response = http
            .post(format!("{base}/api/systems/{system}/assessments"))
            .bearer_auth(token)
            .header("content-type", "application/yaml")
            .body(assessment(&format!("2026.1-w{writer}-{n}")))
            .send()
            .await
            .map_err(|e| format!("writer {writer}: {e}"))?;
        let body = created(response).await?;
        let write = Acknowledged {
            id: body["id"].as_i64().ok_or("no id")?,
            sha256: body["sha256"].as_str().ok_or("no sha256")?.to_string(),
        };
        acks.lock()
            .map_err(|e| e.to_string())?
            .documents
            .push(write);
        if n % 3 == 0 {
            let bytes = format!("inspection note {writer}-{n}\n");
            let response = http
                .post(format!("{base}/api/systems/{system}/evidence"))
                .bearer_auth(token)
                .header("content-type", "text/plain")
                .body(bytes.clone())
                .send()
                .await
                .map_err(|e| format!("writer {writer}: {e}"))?;
            let body = created(response).await?;
            let sha256 = body["sha256"].as_str().ok_or("no sha256")?.to_string();
            let mut acks = acks.lock().map_err(|e| e.to_string())?;
            acks.evidence.push(Evidence { sha256, bytes });
        }
        n += 1;
    }
    Ok(())
}

/// The JSON of a 201, or what went wrong.
async fn created(response: reqwest::Response) -> Result<Value, String> {
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if status != 201 {
        return Err(format!("{status} {text}"));
    }
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

#[test]
fn a_damaged_or_truncated_archive_or_a_used_target_is_refused_and_nothing_is_written() {
    let (dir, data, url) = sqlite_data();
    bootstrap(&url);
    let archive = dir.path().join("backup.tar");
    run_smm(&[
        "admin",
        "backup",
        "--data-dir",
        &data.display().to_string(),
        "-o",
        &archive.display().to_string(),
    ]);
    let bytes = std::fs::read(&archive).expect("archive");
    let database = find(&bytes, b"SQLite format 3\0").expect("the database member");

    let flipped = dir.path().join("flipped.tar");
    let mut damaged = bytes.clone();
    damaged[database + 2000] ^= 0x01;
    std::fs::write(&flipped, &damaged).expect("write");
    let truncated = dir.path().join("truncated.tar");
    std::fs::write(&truncated, &bytes[..database + 4096]).expect("write");

    let cases = [
        (
            &flipped,
            "`smm.db` does not match its SHA-256 in the manifest",
        ),
        (&truncated, "damaged or truncated archive"),
    ];
    for (file, expected) in cases {
        let target = dir.path().join("new").join("data");
        let out = smm()
            .args(["admin", "restore"])
            .arg(file)
            .arg("--data-dir")
            .arg(&target)
            .output()
            .expect("run smm admin restore");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", file.display());
        assert!(stderr.contains(expected), "{}: {stderr}", file.display());
        assert!(
            !dir.path().join("new").exists(),
            "{}: something was written",
            file.display()
        );
    }

    // A folder with anything in it is never restored into, and is left as it was.
    let used = dir.path().join("used");
    std::fs::create_dir(&used).expect("dir");
    std::fs::write(used.join("notes.txt"), "keep me").expect("write");
    let out = smm()
        .args(["admin", "restore"])
        .arg(&archive)
        .arg("--data-dir")
        .arg(&used)
        .output()
        .expect("run smm admin restore");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not empty"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&used).expect("list").collect();
    assert_eq!(left.len(), 1, "the used folder changed");

    // An existing archive is not overwritten without --force.
    let out = smm()
        .args(["admin", "backup", "--data-dir"])
        .arg(&data)
        .arg("-o")
        .arg(&flipped)
        .output()
        .expect("run smm admin backup");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&flipped).expect("read"), damaged);
    // The intact archive restores.
    run_smm(&[
        "admin",
        "restore",
        &archive.display().to_string(),
        "--data-dir",
        &dir.path().join("fresh").display().to_string(),
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keys_secret_is_in_a_backup_only_when_asked_and_the_public_keys_are_the_stores() {
    let (dir, data, url) = sqlite_data();
    bootstrap(&url);
    let mut server = Server::start(&strs(&serve_args(&data, &url)), &[]);
    let http = client();
    let session = sign_in(&http, &server).await;
    let token = token(&http, &server, &session, "owner").await;
    let key = http
        .post(server.url(&format!("/api/organizations/{}/keys", session.organization)))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .expect("POST keys");
    assert_eq!(key.status(), 201);
    server.stop().await;
    let secret = std::fs::read(data.join("keys.secret")).expect("keys secret");
    let data_arg = data.display().to_string();

    let plain = dir.path().join("plain.tar");
    let out = run_smm(&[
        "admin",
        "backup",
        "--data-dir",
        &data_arg,
        "-o",
        &plain.display().to_string(),
    ]);
    assert!(
        out.contains("the keys secret is not in the backup"),
        "{out}"
    );
    let bytes = std::fs::read(&plain).expect("archive");
    assert!(
        find(&bytes, &secret).is_none(),
        "the secret is in a plain backup"
    );
    assert!(find(&bytes, b"keys.secret\0").is_none());
    assert_eq!(mode(&plain), 0o600);

    let with = dir.path().join("with-secret.tar");
    let out = run_smm(&[
        "admin",
        "backup",
        "--data-dir",
        &data_arg,
        "-o",
        &with.display().to_string(),
        "--include-keys-secret",
    ]);
    assert!(out.contains("the backup holds the keys secret"), "{out}");
    assert!(find(&std::fs::read(&with).expect("archive"), &secret).is_some());

    // public-keys.json is every key the store holds, public part for public part.
    let listed = member_json(&plain, "public-keys.json");
    let store = smm_store::Store::open(&url).await.expect("store");
    let sealed = store.sealed_signing_keys().await.expect("keys");
    let log_keys = store.sealed_log_keys().await.expect("log keys");
    store.close().await;
    let kept: Vec<(String, String)> = sealed
        .iter()
        .map(|k| (k.record.keyid.clone(), k.record.public_key.clone()))
        .collect();
    let signing: Vec<(String, String)> = listed["signing_keys"]
        .as_array()
        .expect("signing keys")
        .iter()
        .map(|k| {
            assert_eq!(k["algorithm"], "ed25519");
            (
                k["keyid"].as_str().expect("keyid").to_string(),
                k["public_key"].as_str().expect("public key").to_string(),
            )
        })
        .collect();
    assert!(!kept.is_empty());
    assert_eq!(signing, kept);
    let logs: Vec<&str> = listed["log_keys"]
        .as_array()
        .expect("log keys")
        .iter()
        .map(|k| k["public_key"].as_str().expect("public key"))
        .collect();
    assert_eq!(
        logs,
        log_keys.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>()
    );
    assert!(
        !listed.to_string().contains("sealed"),
        "a sealed key is listed"
    );

    // The same with --json: the keys counted, where the secret is said, in the published shape.
    let json = dir.path().join("json.tar");
    let doc = run_smm_json(&[
        "admin",
        "backup",
        "--data-dir",
        &data_arg,
        "-o",
        &json.display().to_string(),
        "--include-keys-secret",
        "--json",
    ]);
    assert_output_schema("backup", &doc);
    assert_eq!(doc["signing_keys"], kept.len());
    assert_eq!(doc["log_keys"], log_keys.len());
    assert_eq!(doc["keys_secret_included"], true);
    assert!(doc["keys_secret"].is_null(), "{doc}");
    let sealed_keys = kept.len() + log_keys.len();
    let restored_json = dir.path().join("restored-json");
    let doc = run_smm_json(&[
        "admin",
        "restore",
        &json.display().to_string(),
        "--data-dir",
        &restored_json.display().to_string(),
        "--json",
    ]);
    assert_output_schema("restore", &doc);
    assert_eq!(doc["sealed_keys"], sealed_keys);
    assert_eq!(
        doc["keys_secret"].as_str(),
        Some(
            restored_json
                .join("keys.secret")
                .display()
                .to_string()
                .as_str()
        )
    );
    assert_eq!(doc["keys_secret_needed"], false);
    // Without the secret, the restored store cannot sign until it is given: the JSON says so.
    let doc = run_smm_json(&[
        "admin",
        "restore",
        &plain.display().to_string(),
        "--data-dir",
        &dir.path().join("restored-plain").display().to_string(),
        "--json",
    ]);
    assert_output_schema("restore", &doc);
    assert!(doc["keys_secret"].is_null(), "{doc}");
    assert_eq!(doc["keys_secret_needed"], true);

    // The archive's secret is restored with the store; a wrong secret is refused.
    let restored = dir.path().join("restored");
    run_smm(&[
        "admin",
        "restore",
        &with.display().to_string(),
        "--data-dir",
        &restored.display().to_string(),
    ]);
    assert_eq!(
        std::fs::read(restored.join("keys.secret")).expect("secret"),
        secret
    );
    assert_eq!(mode(&restored.join("keys.secret")), 0o600);
    let wrong = dir.path().join("wrong.secret");
    std::fs::write(&wrong, [7u8; 32]).expect("write");
    let refused = dir.path().join("refused");
    let out = smm()
        .args(["admin", "restore"])
        .arg(&plain)
        .arg("--data-dir")
        .arg(&refused)
        .arg("--keys-secret")
        .arg(&wrong)
        .output()
        .expect("run smm admin restore");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("does not open signing key"), "{stderr}");
    assert!(
        !refused.exists(),
        "a restore with the wrong secret wrote something"
    );
}

/// Runs smm and fails unless it succeeds; returns what it printed.
fn run_smm(args: &[&str]) -> String {
    let out = smm().args(args).output().expect("run smm");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "smm {}: {text}", args.join(" "));
    text
}

/// Runs smm with `--json` among `args`, fails unless it succeeds, and returns the one JSON
/// document it printed (no key twice).
fn run_smm_json(args: &[&str]) -> Value {
    let out = smm().args(args).output().expect("run smm");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "smm {}: {text}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_duplicate_keys(&text);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("smm {}: {e}: {text}", args.join(" ")))
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A JSON member of an archive, read with the tar crate as any tool would.
fn member_json(archive: &Path, name: &str) -> Value {
    use std::io::Read;
    let file = std::fs::File::open(archive).expect("archive");
    let mut tar = tar::Archive::new(file);
    for entry in tar.entries().expect("entries") {
        let mut entry = entry.expect("entry");
        if entry.path().expect("path").to_string_lossy() == name {
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("read");
            return serde_json::from_str(&text).expect("JSON");
        }
    }
    panic!("no {name} in {}", archive.display());
}

/// A file's permission bits.
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}
