//! The transparency log from a holder's, a monitor's and a witness's side, against the real
//! `smm serve`: `smm cert verify --log-proof` checks offline that a certificate is in the log;
//! `smm log follow` reports new entries only once they are proved to be what the signed
//! checkpoint commits to, and refuses (loudly, state unchanged) a log that rewrote its history or
//! a state that was altered; `smm log witness` cosigns only checkpoints it proved consistent.

// Shared with the `serve` tests, which use all of it; this file uses part.
#[allow(dead_code)]
#[path = "../serve/server.rs"]
mod server;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use server::{bootstrap, client, serve_args, sign_in, sqlite_data, strs, token, Server};
use smm_cert::tlog::{Checkpoint, Note, NoteVerifier};

/// The gateway's target profile and the assessment that meets it.
const TARGET: &str = "examples/ota-gateway/target.yaml";
const ASSESSMENT: &str = "examples/ota-gateway/certification/assessment-final.yaml";
const PRODUCT: &str = "GW-7 central gateway";

/// A server with a vendor's system ready to declare: the owner's token and the system id.
struct Vendor {
    server: Server,
    http: reqwest::Client,
    token: String,
    system: i64,
    /// The owner's session cookie, for the pages.
    cookie: String,
}

impl Vendor {
    async fn start(data: &Path, url: &str) -> Vendor {
        let server = Server::start(&strs(&serve_args(data, url)), &[]);
        let http = client();
        let session = sign_in(&http, &server).await;
        let token = token(&http, &server, &session, "owner").await;
        let system = server::system(&http, &server, &token, session.organization, "GW").await;
        let vendor = Vendor {
            server,
            http,
            token,
            system,
            cookie: session.cookie,
        };
        vendor
            .post("targets", crate::support::repository_text(TARGET))
            .await;
        vendor
    }

    async fn post(&self, collection: &str, yaml: String) -> i64 {
        let response = server::post_document(
            &self.http,
            &self.server,
            &self.token,
            self.system,
            collection,
            yaml,
        )
        .await
        .expect("POST document");
        assert_eq!(response.status(), 201, "store a document");
        let body: Value = response.json().await.expect("JSON");
        body["id"].as_i64().expect("id")
    }

    /// Signs a supplier's declaration of `product`: (certificate id, serial).
    async fn declare(&self, product: &str) -> (i64, String) {
        let assessment = crate::support::repository_text(ASSESSMENT).replacen(PRODUCT, product, 1);
        let id = self.post("assessments", assessment).await;
        let body = self
            .api(
                "POST",
                &format!("/api/systems/{}/certificates", self.system),
                Some(json!({"kind": "declaration", "assessments": [id]})),
            )
            .await;
        (
            body["id"].as_i64().expect("id"),
            body["serial"].as_str().expect("serial").to_string(),
        )
    }

    async fn revoke(&self, id: i64, reason: &str) {
        self.api(
            "POST",
            &format!("/api/certificates/{id}/revoke"),
            Some(json!({ "reason": reason })),
        )
        .await;
    }

    async fn api(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let mut request = match method {
            "POST" => self.http.post(self.server.url(path)),
            _ => self.http.get(self.server.url(path)),
        }
        .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).expect("JSON")
    }

    async fn log_key(&self) -> String {
        self.api("GET", "/api/log", None).await["verifier_key"]
            .as_str()
            .expect("verifier_key")
            .to_string()
    }
}

/// A fresh data folder with the owner created: (folder kept alive, data dir, database URL).
fn data() -> (tempfile::TempDir, PathBuf, String) {
    let (dir, data, url) = sqlite_data();
    bootstrap(&url);
    (dir, data, url)
}

/// Runs `smm ARGS`: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = server::smm().args(args).output().expect("run smm");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// `smm log follow --format json` with these further arguments: (exit code, the document).
fn follow(base: &str, state: &Path, more: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "log", "follow", "--url", base, "--format", "json", "--state",
    ];
    let state = state.display().to_string();
    args.push(&state);
    args.extend_from_slice(more);
    let (code, out, err) = run(&args);
    let doc = serde_json::from_str(&out).unwrap_or(Value::Null);
    if !doc.is_null() {
        crate::support::assert_output_schema("log-follow", &doc);
    }
    (code, doc, format!("{out}{err}"))
}

fn serials(doc: &Value) -> Vec<(String, String)> {
    doc["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or("").to_string(),
                e["serial"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_monitor_reports_each_new_entry_once_with_its_revocations_and_filters() {
    let (dir, data, url) = data();
    let vendor = Vendor::start(&data, &url).await;
    let base = vendor.server.base.clone();
    let key = vendor.log_key().await;
    let state = dir.path().join("monitor");
    let (first_id, first) = vendor.declare(PRODUCT).await;

    // Nothing pinned and no key given: no trust on first use by default.
    let (code, _, text) = follow(&base, &state, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("--log-key"), "{text}");
    assert!(!state.join("state.json").exists());

    let (code, doc, text) = follow(&base, &state, &["--log-key", &key]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(doc["size"], 1);
    assert_eq!(serials(&doc), [("attestation".into(), first.clone())]);
    let entry = &doc["entries"][0];
    assert_eq!(entry["attestation"], "declaration");
    assert_eq!(entry["vendor"], server::ORGANIZATION);
    assert_eq!(entry["status"], "valid");
    assert_eq!(
        entry["products"][0],
        json!({"name": PRODUCT, "version": "firmware 4.2.1"})
    );

    // A second follow reports only what is new (and the key is pinned now).
    let (_, second) = vendor.declare("GW-9 edge gateway").await;
    let (code, doc, text) = follow(&base, &state, &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        (doc["old_size"].clone(), doc["size"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(serials(&doc), [("attestation".into(), second.clone())]);

    // A revocation of an attestation seen in an earlier follow names it and its products.
    vendor
        .revoke(first_id, "the gateway's SBOM was wrong")
        .await;
    let (_, third) = vendor.declare("GW-9 edge gateway").await;
    let (code, doc, text) = follow(&base, &state, &["--product", PRODUCT]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(doc["new_entries"], 2, "{doc}");
    assert_eq!(
        serials(&doc),
        [("revocation".into(), first.clone())],
        "{text}"
    );
    let revocation = &doc["entries"][0];
    assert_eq!(revocation["reason"], "the gateway's SBOM was wrong");
    assert_eq!(
        revocation["products"][0],
        json!({"name": PRODUCT, "version": "firmware 4.2.1"})
    );
    assert!(revocation["revoked_at"].is_string());

    // Filters on a fresh state that reads the whole log.
    let all = dir.path().join("all");
    let (code, doc, text) = follow(
        &base,
        &all,
        &["--log-key", &key, "--product", "gw-9 EDGE gateway"],
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        serials(&doc),
        [
            ("attestation".into(), second),
            ("attestation".into(), third)
        ]
    );
    let fresh = dir.path().join("vendor");
    let (_, doc, _) = follow(
        &base,
        &fresh,
        &["--log-key", &key, "--vendor", "plant lyon"],
    );
    assert_eq!(doc["entries"].as_array().expect("entries").len(), 4);
    assert_eq!(doc["entries"][0]["status"], "revoked");
    // `--json` is `--format json`.
    let other = dir.path().join("other");
    let (code, out, _) = run(&[
        "log",
        "follow",
        "--url",
        &base,
        "--state",
        &other.display().to_string(),
        "--log-key",
        &key,
        "--vendor",
        "Elsewhere",
        "--json",
    ]);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    crate::support::assert_output_schema("log-follow", &doc);
    assert_eq!(code, 0);
    assert_eq!(doc["new_entries"], 4);
    assert!(doc["entries"].as_array().expect("entries").is_empty());

    // The text report says what was checked.
    let (code, out, _) = run(&[
        "log",
        "follow",
        "--url",
        &base,
        "--state",
        &state.display().to_string(),
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("consistent with the checkpoint of size 4 kept"),
        "{out}"
    );
    drop(vendor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_altered_state_a_forked_log_or_another_key_is_refused_and_nothing_is_kept() {
    // Two servers that share a log's key and origin but not its entries: the same data folder,
    // copied before anything was logged.
    let (dir, data, url) = data();
    let mut first = Server::start(&strs(&serve_args(&data, &url)), &[]);
    first.stop().await;
    drop(first);
    let fork_data = dir.path().join("fork");
    copy_dir(&data, &fork_data);
    let fork_url = format!("sqlite://{}", fork_data.join("smm.db").display());
    let vendor = Vendor::start(&data, &url).await;
    let fork = Vendor::start(&fork_data, &fork_url).await;
    let key = vendor.log_key().await;
    assert_eq!(key, fork.log_key().await, "the fork shares the log's key");
    vendor.declare(PRODUCT).await;
    fork.declare("GW-9 edge gateway").await;
    fork.declare("GW-9 edge gateway").await;

    let state = dir.path().join("monitor");
    let (code, _, text) = follow(&vendor.server.base, &state, &["--log-key", &key]);
    assert_eq!(code, 0, "{text}");
    let kept = std::fs::read_to_string(state.join("state.json")).expect("state");

    // The fork signs with the same key, but its history is not the one kept.
    let (code, doc, text) = follow(&fork.server.base, &state, &[]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(doc["consistent"], false);
    assert!(
        doc["alarm"]
            .as_str()
            .expect("alarm")
            .contains("inconsistent"),
        "{doc}"
    );
    assert_eq!(
        std::fs::read_to_string(state.join("state.json")).expect("state"),
        kept
    );

    // An altered kept checkpoint.
    let mut altered: Value = serde_json::from_str(&kept).expect("state JSON");
    let note = altered["checkpoint"]
        .as_str()
        .expect("note")
        .replacen("\n1\n", "\n2\n", 1);
    altered["checkpoint"] = Value::String(note);
    let altered = serde_json::to_string_pretty(&altered).expect("JSON");
    std::fs::write(state.join("state.json"), &altered).expect("write");
    let (code, doc, text) = follow(&vendor.server.base, &state, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        doc["alarm"]
            .as_str()
            .expect("alarm")
            .contains("state was altered"),
        "{doc}"
    );
    assert_eq!(
        std::fs::read_to_string(state.join("state.json")).expect("state"),
        altered
    );
    std::fs::write(state.join("state.json"), &kept).expect("restore");

    // Another log's key, given against the pinned one.
    let stranger = NoteVerifier::ed25519(
        "elsewhere.example/log",
        smm_cert::keys::generate().verifying_key(),
    )
    .expect("key")
    .encode();
    let (code, _, text) = follow(&vendor.server.base, &state, &["--log-key", &stranger]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("is not the one pinned here"), "{text}");
    // And a first follow with a key the log's checkpoints are not signed with.
    let (code, doc, text) = follow(
        &vendor.server.base,
        &dir.path().join("new"),
        &["--log-key", &stranger],
    );
    assert_eq!(code, 1, "{text}");
    assert!(
        doc["alarm"]
            .as_str()
            .expect("alarm")
            .contains("not signed by its key"),
        "{doc}"
    );
    assert!(!dir.path().join("new/state.json").exists());
    assert_eq!(
        std::fs::read_to_string(state.join("state.json")).expect("state"),
        kept
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_cosigns_only_checkpoints_consistent_with_the_last_it_cosigned() {
    let (dir, data, url) = data();
    let mut first = Server::start(&strs(&serve_args(&data, &url)), &[]);
    first.stop().await;
    drop(first);
    let fork_data = dir.path().join("fork");
    copy_dir(&data, &fork_data);
    let fork_url = format!("sqlite://{}", fork_data.join("smm.db").display());
    let vendor = Vendor::start(&data, &url).await;
    let fork = Vendor::start(&fork_data, &fork_url).await;
    let key = vendor.log_key().await;
    vendor.declare(PRODUCT).await;
    fork.declare("GW-9 edge gateway").await;
    fork.declare("GW-9 edge gateway").await;

    let witness_key = dir.path().join("witness");
    let (code, _, text) = run(&["key", "new", "--output", &witness_key.display().to_string()]);
    assert_eq!(code, 0, "{text}");
    let public = std::fs::read_to_string(dir.path().join("witness.pub")).expect("pub");
    let public = smm_cert::keys::read_public(&public).expect("public key");
    let state = dir.path().join("witness-state");
    let witness = |base: &str| {
        run(&[
            "log",
            "witness",
            "--url",
            base,
            "--state",
            &state.display().to_string(),
            "--log-key",
            &key,
            "--witness-key",
            &dir.path().join("witness.key").display().to_string(),
            "--name",
            "witness.example/w1",
        ])
    };
    let (code, out, err) = witness(&vendor.server.base);
    assert_eq!(code, 0, "{out}{err}");
    let log = NoteVerifier::decode(&key).expect("log key");
    let cosigner = NoteVerifier::cosigner("witness.example/w1", public).expect("cosigner");
    let (checkpoint, note) = Checkpoint::open(&out, &log).expect("still the log's checkpoint");
    assert_eq!(checkpoint.size, 1);
    let time = note.verify(&cosigner).expect("the cosignature verifies");
    assert!(time.is_some_and(|t| t > 1_700_000_000));
    assert!(err.contains(&cosigner.encode()), "{err}");
    let cosigned = std::fs::read_to_string(state.join("cosigned")).expect("cosigned");
    assert_eq!(cosigned, out);

    // Another history under the same key: no cosignature, nothing kept.
    let (code, out, err) = witness(&fork.server.base);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("LOG CHECK FAILED"), "{out}");
    assert!(Note::parse(&out).is_err(), "nothing cosigned is printed");
    assert_eq!(
        std::fs::read_to_string(state.join("cosigned")).expect("cosigned"),
        cosigned
    );

    // The log grows: the next checkpoint is cosigned.
    vendor.declare("GW-9 edge gateway").await;
    let (code, out, err) = witness(&vendor.server.base);
    assert_eq!(code, 0, "{out}{err}");
    let (checkpoint, note) = Checkpoint::open(&out, &log).expect("checkpoint");
    assert_eq!(checkpoint.size, 2);
    note.verify(&cosigner).expect("cosigned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cert_verify_checks_the_log_proof_offline_and_says_what_it_checked() {
    let (dir, data, url) = data();
    let vendor = Vendor::start(&data, &url).await;
    let (id, serial) = vendor.declare(PRODUCT).await;
    let (other_id, _) = vendor.declare("GW-9 edge gateway").await;
    let key = vendor.log_key().await;
    let issued = vendor
        .api("GET", &format!("/api/certificates/{id}"), None)
        .await;
    let other = vendor
        .api("GET", &format!("/api/certificates/{other_id}"), None)
        .await;
    let issuers = vendor.api("GET", "/api/issuers", None).await;
    let write = |name: &str, value: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, serde_json::to_string_pretty(value).expect("JSON")).expect("write");
        path.display().to_string()
    };
    let cert = write("cert.json", &issued["envelope"]);
    let proof = write("cert.proof.json", &issued["log_proof"]);
    let other_proof = write("other.proof.json", &other["log_proof"]);
    let issuers = write("issuers.json", &issuers);
    // The public endpoint serves the same proof file the certificate came with.
    let served: Value = vendor
        .http
        .get(
            vendor
                .server
                .url(&format!("/api/log/attestations/{serial}/proof")),
        )
        .send()
        .await
        .expect("GET proof")
        .json()
        .await
        .expect("JSON");
    assert_eq!(served["_type"], "urn:smm:log-proof:v1");
    assert_eq!(served["index"], issued["log_proof"]["index"]);
    drop(vendor);

    let verify = |more: &[&str]| {
        let mut args = vec![
            "cert",
            "verify",
            cert.as_str(),
            "--issuers",
            issuers.as_str(),
        ];
        args.extend_from_slice(more);
        run(&args)
    };
    // Offline: the server is gone.
    let (code, out, err) = verify(&["--log-proof", &proof, "--log-key", &key, "--require-log"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("log: entry 0 of log"), "{out}");
    let (code, out, _) = verify(&["--log-proof", &proof, "--log-key", &key, "--json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["log"]["in_log"], true);
    assert_eq!(doc["log"]["checkpoint_size"], 2);

    // Without a proof: valid, but it says the log was not checked, unless one is required.
    let (code, out, _) = verify(&[]);
    assert_eq!(code, 0);
    assert!(out.contains("log: not checked"), "{out}");
    let (code, out, _) = verify(&["--require-log"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no log proof was given, and one is required"),
        "{out}"
    );

    // Another attestation's proof.
    let (code, out, _) = verify(&["--log-proof", &other_proof, "--log-key", &key]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("this attestation is not entry 1"), "{out}");

    // A checkpoint signed by another key under the log's name.
    let origin = key.split('+').next().expect("origin");
    let impostor =
        NoteVerifier::ed25519(origin, smm_cert::keys::generate().verifying_key()).expect("key");
    let (code, out, _) = verify(&["--log-proof", &proof, "--log-key", &impostor.encode()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the checkpoint is not the log's"), "{out}");

    // A tampered checkpoint (its size), and a tampered proof hash.
    let mut tampered = issued["log_proof"].clone();
    let note = tampered["checkpoint"]
        .as_str()
        .expect("note")
        .replacen("\n2\n", "\n3\n", 1);
    tampered["checkpoint"] = Value::String(note);
    let tampered = write("tampered.proof.json", &tampered);
    let (code, out, _) = verify(&["--log-proof", &tampered, "--log-key", &key]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("does not verify"), "{out}");
    let mut bent = issued["log_proof"].clone();
    bent["inclusion"][0] = Value::String(base64_of(&[7u8; 32]));
    let bent = write("bent.proof.json", &bent);
    let (code, out, _) = verify(&["--log-proof", &bent, "--log-key", &key]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("does not lead to the checkpoint's root"),
        "{out}"
    );

    // A certificate the log never saw (signed offline by the same holder of the proof).
    let mut unlogged = issued["envelope"].clone();
    unlogged["signatures"]
        .as_array_mut()
        .expect("signatures")
        .push(json!({"keyid": "an-extra-signature", "sig": base64_of(&[1u8; 64])}));
    let unlogged = write("unlogged.json", &unlogged);
    let (code, out, _) = run(&[
        "cert",
        "verify",
        &unlogged,
        "--issuers",
        &issuers,
        "--log-proof",
        &proof,
        "--log-key",
        &key,
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("this attestation is not entry 0"), "{out}");

    // A witness's cosigning key is not the log's key: bad input.
    let cosigner = NoteVerifier::cosigner(origin, smm_cert::keys::generate().verifying_key())
        .expect("key")
        .encode();
    let (code, _, err) = verify(&["--log-proof", &proof, "--log-key", &cosigner]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a log's key"), "{err}");

    // A proof file that is not one: bad input, with the file named.
    let (code, _, err) = verify(&["--log-proof", &cert, "--log-key", &key]);
    assert_eq!(code, 2);
    assert!(err.contains("not a log proof"), "{err}");
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_issued_before_the_log_has_no_proof_and_the_server_says_so() {
    let (_dir, data, url) = data();
    let vendor = Vendor::start(&data, &url).await;
    let (logged, _) = vendor.declare(PRODUCT).await;
    // An attestation kept from before the server kept a log: a row without a log entry.
    crate::support::execute(
        &url,
        &[
            "INSERT INTO certificates (organization_id, system_id, serial, sha256, envelope, \
           issued_by, created_at, kind, issuer_organization_id, keyid, profile) \
           SELECT organization_id, system_id, '0123456789abcdef0123456789abcdef', 'legacy', \
           envelope, issued_by, created_at, kind, issuer_organization_id, keyid, profile \
           FROM certificates",
        ],
    )
    .await;
    let legacy = vendor
        .api(
            "GET",
            &format!("/api/systems/{}/certificates", vendor.system),
            None,
        )
        .await["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .find(|id| *id != logged)
        .expect("the legacy certificate");

    let with_proof = vendor
        .api("GET", &format!("/api/certificates/{logged}"), None)
        .await;
    assert_eq!(with_proof["log_proof"]["_type"], "urn:smm:log-proof:v1");
    let without = vendor
        .api("GET", &format!("/api/certificates/{legacy}"), None)
        .await;
    assert!(without["envelope"].is_object());
    assert!(without.get("log_proof").is_none(), "{without}");

    // The page's download says why there is none; the logged one downloads.
    let page = |id: i64| {
        vendor
            .http
            .get(
                vendor
                    .server
                    .url(&format!("/certificates/{id}/cert.proof.json")),
            )
            .header("cookie", &vendor.cookie)
            .send()
    };
    let response = page(legacy).await.expect("GET");
    assert_eq!(response.status(), 404);
    let text = response.text().await.expect("text");
    assert!(
        text.contains("issued before this server kept a transparency log"),
        "{text}"
    );
    let response = page(logged).await.expect("GET");
    assert_eq!(response.status(), 200);
    assert!(server::content_type(&response).starts_with("application/json"));
    let proof = response.text().await.expect("text");
    assert!(proof.contains("urn:smm:log-proof:v1"), "{proof}");
    let response = vendor
        .http
        .get(
            vendor
                .server
                .url("/api/log/attestations/0123456789abcdef0123456789abcdef/proof"),
        )
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 404);
    assert!(response
        .text()
        .await
        .expect("text")
        .contains("has no log proof"));
}
