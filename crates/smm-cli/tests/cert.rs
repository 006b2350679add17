//! `smm key` and `smm cert`, run for real: issue, verify, tamper, expire, revoke, and verify with
//! an independent implementation (Python's `cryptography`) that follows docs/certificates.md.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use predicates::prelude::*;
use serde_json::Value;
use support::{digest, root, workspace, BOTTLING_ASSESSMENT, BOTTLING_TARGET_TEXT};

/// The `smm` binary, run in `dir`.
fn smm(dir: &Path) -> Command {
    let mut cmd = support::smm();
    cmd.current_dir(dir);
    cmd
}

/// `smm cert issue` in `dir` on its target.yaml and assessment.yaml, signed with `key` as
/// `issuer`; the caller adds what is certified and where the certificate goes.
fn cert_issue(dir: &Path, key: &str, issuer: &str) -> Command {
    let mut cmd = smm(dir);
    cmd.args([
        "cert",
        "issue",
        "--target",
        "target.yaml",
        "--assessment",
        "assessment.yaml",
    ])
    .args(["--key", key, "--issuer", issuer]);
    cmd
}

const PRODUCT: &str = "Bottling line BL-2 (plant Lyon)";

/// A temp dir with an issuer key, the bottling-line target, and an assessment of version `V`
/// that meets every practice with all findings closed.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = workspace();
        std::fs::write(dir.path().join("target.yaml"), BOTTLING_TARGET_TEXT).expect("write");
        let setup = Setup { dir };
        smm(setup.path())
            .args(["key", "new", "-o", "issuer"])
            .assert()
            .success();
        setup.write_assessment("assessment.yaml", "2026.2");
        setup
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// An assessment at exactly the target's levels.
    fn write_assessment(&self, name: &str, version: &str) {
        let out = smm(self.path())
            .args(["show", "target.yaml", "--json"])
            .output()
            .expect("show");
        let shown: Value = serde_json::from_slice(&out.stdout).expect("json");
        let digest = digest(&self.file("target.yaml"));
        let mut yaml = format!(
            "smm: 1\nkind: Assessment\ntarget: {{ path: target.yaml, sha256: \"{digest}\" }}\n\
             product: {{ name: \"{PRODUCT}\", version: \"{version}\", line: \"BL series\" }}\nassessors: [\"A. Assessor\"]\n\
             date: 2026-10-01\npractices:\n"
        );
        for p in shown["practices"].as_array().expect("practices") {
            yaml.push_str(&format!(
                "  {}: {{ comprehensiveness: {}, scope: {} }}\n",
                p["id"].as_str().expect("id"),
                p["comprehensiveness"],
                p["scope"].as_str().expect("scope")
            ));
        }
        yaml.push_str(
            "findings:\n  - id: NC-1\n    kind: nonconformity\n    practice: threat-modeling\n    severity: medium\n    \
             title: Threat model missed the cloud connector\n    status: resolved\n    reason: Model updated and reviewed\n",
        );
        std::fs::write(self.file(name), yaml).expect("write");
    }

    fn issue(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        cert_issue(self.path(), "issuer.key", "Example Certification Body")
            .args([
                "--product",
                PRODUCT,
                "--version",
                "2026.2",
                "--date",
                "2026-11-01",
                "--valid-until",
                "2029-10-31",
                "-o",
                "cert.json",
            ])
            .args(extra)
            .assert()
    }

    /// Verifies cert.json, on 2027-01-01 unless `extra` says `--at`.
    fn verify(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        let mut cmd = smm(self.path());
        cmd.args(["cert", "verify", "cert.json", "--issuer", "issuer.pub"]);
        if !extra.contains(&"--at") {
            cmd.args(["--at", "2027-01-01"]);
        }
        cmd.args(extra).assert()
    }

    fn envelope(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.file("cert.json")).expect("cert"))
            .expect("json")
    }

    fn write_envelope(&self, value: &Value) {
        std::fs::write(
            self.file("cert.json"),
            serde_json::to_string_pretty(value).expect("json"),
        )
        .expect("write");
    }
}

#[test]
fn a_key_pair_is_written_private_and_never_overwritten() {
    let s = Setup::new();
    let key = std::fs::read_to_string(s.file("issuer.key")).expect("key");
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(std::fs::read_to_string(s.file("issuer.pub"))
        .expect("pub")
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.file("issuer.key"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    smm(s.path())
        .args(["key", "new", "-o", "issuer"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("never overwritten"));
    assert_eq!(
        std::fs::read_to_string(s.file("issuer.key")).expect("key"),
        key
    );
}

#[test]
fn a_certificate_is_issued_and_verified_with_its_documents() {
    let s = Setup::new();
    s.issue(&[])
        .success()
        .stdout(predicate::str::contains("wrote cert.json"));
    let env = s.envelope();
    assert_eq!(env["payloadType"], "application/vnd.in-toto+json");
    let statement: Value = serde_json::from_slice(
        &STANDARD
            .decode(env["payload"].as_str().expect("payload"))
            .expect("b64"),
    )
    .expect("json");
    let cert = &statement["predicate"];
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(cert["covers"]["products"][0]["version"], "2026.2");
    assert_eq!(cert["target"]["name"], "Smart beverage bottling line");
    assert_eq!(cert["catalog"]["id"], "iot-smm");
    assert_eq!(cert["findings"]["resolved"], 1);
    assert_eq!(cert["result"].as_array().expect("result").len(), 3);
    assert_eq!(cert["serial"].as_str().expect("serial").len(), 32);
    s.verify(&["--target", "target.yaml", "--assessment", "assessment.yaml"])
        .success()
        .stdout(predicate::str::contains("VALID"))
        .stdout(predicate::str::contains("signature: valid Ed25519"))
        .stdout(predicate::str::contains("target: the given profile"));
    let out = smm(s.path())
        .args([
            "cert",
            "verify",
            "cert.json",
            "--issuer",
            "issuer.pub",
            "--at",
            "2027-01-01",
            "--json",
        ])
        .output()
        .expect("run");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["valid"], true);
}

#[test]
fn reformatting_the_target_keeps_it_valid_and_changing_its_meaning_does_not() {
    let s = Setup::new();
    s.issue(&[]).success();
    let original = std::fs::read_to_string(s.file("target.yaml")).expect("target");
    // Comments and an extra blank line change no meaning.
    std::fs::write(
        s.file("target.yaml"),
        format!("# reviewed 2026-11-02\n\n{original}\n# end\n"),
    )
    .expect("write");
    s.verify(&["--target", "target.yaml"]).success();
    // One practice's level, changed.
    let changed = original.replacen(
        "    comprehensiveness: 3\n    scope: industry\n",
        "    comprehensiveness: 2\n    scope: industry\n",
        1,
    );
    assert_ne!(changed, original);
    std::fs::write(s.file("target.yaml"), changed).expect("write");
    s.verify(&["--target", "target.yaml"])
        .code(1)
        .stdout(predicate::str::contains("is not the certified"));
    // An assessment the certificate does not rest on.
    s.write_assessment("other.yaml", "2026.3");
    s.verify(&["--assessment", "other.yaml"])
        .code(1)
        .stdout(predicate::str::contains(
            "is not one the certificate rests on",
        ));
}

#[test]
fn any_changed_byte_of_payload_or_signature_fails() {
    let s = Setup::new();
    s.issue(&[]).success();
    let env = s.envelope();
    let payload = STANDARD
        .decode(env["payload"].as_str().expect("payload"))
        .expect("b64");
    let sig = STANDARD
        .decode(env["signatures"][0]["sig"].as_str().expect("sig"))
        .expect("b64");
    for i in (0..payload.len()).step_by(97) {
        let mut p = payload.clone();
        p[i] ^= 0x01;
        let mut e = env.clone();
        e["payload"] = Value::String(STANDARD.encode(&p));
        s.write_envelope(&e);
        s.verify(&[])
            .code(1)
            .stdout(predicate::str::contains("INVALID"));
    }
    for i in [0, 31, 63] {
        let mut g = sig.clone();
        g[i] ^= 0x80;
        let mut e = env.clone();
        e["signatures"][0]["sig"] = Value::String(STANDARD.encode(&g));
        s.write_envelope(&e);
        s.verify(&[])
            .code(1)
            .stdout(predicate::str::contains("signature"));
    }
    let mut e = env.clone();
    e["payloadType"] = Value::String("application/json".to_string());
    s.write_envelope(&e);
    s.verify(&[]).code(1);
    s.write_envelope(&env);
    s.verify(&[]).success();
}

#[test]
fn a_wrong_key_an_expired_or_a_revoked_certificate_fails() {
    let s = Setup::new();
    s.issue(&[]).success();
    smm(s.path())
        .args(["key", "new", "-o", "other"])
        .assert()
        .success();
    smm(s.path())
        .args([
            "cert",
            "verify",
            "cert.json",
            "--issuer",
            "other.pub",
            "--at",
            "2027-01-01",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not signed by the given key"));
    s.verify(&["--at", "2030-01-01"])
        .code(1)
        .stdout(predicate::str::contains("expired on 2029-10-31"));
    s.verify(&["--at", "2026-10-01"])
        .code(1)
        .stdout(predicate::str::contains("not valid yet"));
    smm(s.path())
        .args([
            "cert",
            "revoke",
            "cert.json",
            "--key",
            "issuer.key",
            "--reason",
            "Product withdrawn",
            "--date",
            "2027-06-01",
            "--list",
            "revoked.json",
        ])
        .assert()
        .success();
    // Valid before the revocation date, invalid from it on.
    s.verify(&["--revoked", "revoked.json"]).success();
    s.verify(&["--revoked", "revoked.json", "--at", "2027-06-02"])
        .code(1)
        .stdout(predicate::str::contains(
            "revoked on 2027-06-01: Product withdrawn",
        ));
    // A list signed by someone else is not trusted.
    smm(s.path())
        .args([
            "cert",
            "verify",
            "cert.json",
            "--issuer",
            "other.pub",
            "--revoked",
            "revoked.json",
        ])
        .assert()
        .code(1);
    // Nobody but the issuer can revoke.
    smm(s.path())
        .args([
            "cert",
            "revoke",
            "cert.json",
            "--key",
            "other.key",
            "--reason",
            "spite",
            "--list",
            "mine.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot revoke"));
}

#[test]
fn a_certificate_is_refused_with_every_reason() {
    let s = Setup::new();
    std::fs::copy(root().join(BOTTLING_ASSESSMENT), s.file("assessment.yaml")).expect("copy");
    cert_issue(s.path(), "issuer.key", "X")
        .args([
            "--product",
            PRODUCT,
            "--version",
            "2026.1",
            "-o",
            "cert.json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("REFUSED"))
        .stdout(predicate::str::contains(
            "practice threat-modeling is 2/industry, the target asks 3/industry",
        ))
        .stdout(predicate::str::contains("finding V-1"));
    assert!(!s.file("cert.json").exists());
    // A version without an assessment is refused too.
    s.issue(&["--version", "2027.1"])
        .code(1)
        .stdout(predicate::str::contains("2027.1 has no assessment"));
}

#[test]
fn an_encrypted_key_needs_its_passphrase() {
    let s = Setup::new();
    smm(s.path())
        .env("SMM_PASSPHRASE", "long enough passphrase")
        .args(["key", "new", "-o", "locked", "--encrypt"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(s.file("locked.key"))
        .expect("key")
        .starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    let issue = |pass: Option<&str>| {
        let mut cmd = cert_issue(s.path(), "locked.key", "X");
        if let Some(p) = pass {
            cmd.env("SMM_PASSPHRASE", p);
        }
        cmd.args([
            "--product",
            PRODUCT,
            "--version",
            "2026.2",
            "-o",
            "locked.json",
        ])
        .assert()
    };
    issue(None)
        .code(2)
        .stderr(predicate::str::contains("passphrase is needed"));
    issue(Some("wrong"))
        .code(2)
        .stderr(predicate::str::contains("wrong passphrase"));
    issue(Some("long enough passphrase")).success();
}

#[test]
fn a_product_line_is_certified_through_its_representatives() {
    let s = Setup::new();
    cert_issue(s.path(), "issuer.key", "X")
        .args([
            "--product-line",
            "BL series",
            "--date",
            "2026-11-01",
            "-o",
            "cert.json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("product line BL series"));
    s.verify(&[]).success().stdout(predicate::str::contains(
        "product line BL series (assessed: ",
    ));
}

#[test]
fn an_independent_implementation_verifies_the_certificate() {
    let s = Setup::new();
    s.issue(&[]).success();
    let script = root().join("crates/smm-cli/tests/independent/verify_certificate.py");
    let digest = digest(&s.file("target.yaml"));
    let run = |at: &str| {
        Process::new("python3")
            .arg(&script)
            .arg(s.file("cert.json"))
            .arg(s.file("issuer.pub"))
            .arg(at)
            .arg(&digest)
            .output()
            .expect("python3 runs (scripts/test installs it and the cryptography package)")
    };
    let ok = run("2027-01-01");
    assert!(
        ok.status.success(),
        "independent verification failed: {}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("VALID"));
    assert_eq!(run("2031-01-01").status.code(), Some(1));
    let mut env = s.envelope();
    let mut payload = STANDARD
        .decode(env["payload"].as_str().expect("payload"))
        .expect("b64");
    let at = payload.len() / 2;
    payload[at] ^= 0x02;
    env["payload"] = Value::String(STANDARD.encode(&payload));
    s.write_envelope(&env);
    assert_eq!(run("2027-01-01").status.code(), Some(1));
}

#[test]
fn the_published_example_certificate_verifies_against_its_documents() {
    let dir = root().join("examples/ota-gateway/certification");
    smm(&dir)
        .args([
            "cert",
            "verify",
            "cert.json",
            "--issuer",
            "issuer.pub",
            "--target",
            "../target.yaml",
            "--assessment",
            "assessment-final.yaml",
            "--at",
            "2027-06-01",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("VALID"));
    // The first assessment of the round is not what the certificate rests on, and could not be.
    smm(&dir)
        .args([
            "cert",
            "verify",
            "cert.json",
            "--issuer",
            "issuer.pub",
            "--assessment",
            "assessment-initial.yaml",
            "--at",
            "2027-06-01",
        ])
        .assert()
        .code(1);
    let out = workspace();
    smm(out.path())
        .args(["key", "new", "-o", "k"])
        .assert()
        .success();
    smm(&dir)
        .args([
            "cert",
            "issue",
            "--target",
            "../target.yaml",
            "--assessment",
            "assessment-initial.yaml",
            "--key",
        ])
        .arg(out.path().join("k.key"))
        .args([
            "--issuer",
            "X",
            "--product",
            "GW-7 central gateway",
            "--version",
            "firmware 4.2.1",
            "-o",
        ])
        .arg(out.path().join("c.json"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("is open"));
}
