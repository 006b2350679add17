//! `smm key` and `smm cert`, run for real: issue, verify, tamper, expire, revoke, and verify with
//! an independent implementation (Python's `cryptography`) that follows docs/certificates.md.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use crate::support::{digest, root, workspace, BOTTLING_ASSESSMENT, BOTTLING_TARGET_TEXT};
use assert_cmd::Command;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use predicates::prelude::*;
use serde_json::Value;

/// The `smm` binary, run in `dir`.
fn smm(dir: &Path) -> Command {
    let mut cmd = crate::support::smm();
    cmd.current_dir(dir);
    cmd
}

/// `smm cert issue` in `dir` on its target.yaml and assessment.yaml, signed with `key` as
/// `issuer`; the caller adds what is certified and where the certificate goes.
fn cert_issue(dir: &Path, key: &str, issuer: &str) -> Command {
    cert_attest(dir, "issue", key, issuer)
}

/// `smm cert VERB` (`issue` for a certificate, `declare` for a declaration), as [`cert_issue`].
fn cert_attest(dir: &Path, verb: &str, key: &str, issuer: &str) -> Command {
    let mut cmd = smm(dir);
    cmd.args([
        "cert",
        verb,
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
             date: 2026-10-01\nmethods: [document-review, vulnerability-analysis]\npractices:\n"
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

    /// The statement inside cert.json.
    fn statement(&self) -> Value {
        let env = self.envelope();
        serde_json::from_slice(
            &STANDARD
                .decode(env["payload"].as_str().expect("payload"))
                .expect("b64"),
        )
        .expect("json")
    }

    /// Publishes issuer.pub in issuers.json as `id`, a certification body or not.
    fn publish(&self, key: &str, id: &str, name: &str, body: bool) {
        let mut cmd = smm(self.path());
        cmd.args([
            "key",
            "publish",
            "--issuers",
            "issuers.json",
            "--key",
            key,
            "--id",
            id,
            "--name",
            name,
            "--from",
            "2026-01-01",
        ]);
        if body {
            cmd.arg("--certification-body");
        }
        cmd.assert().success();
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
        .stdout(predicate::str::contains("is not the attested"));
    // An assessment the certificate does not rest on.
    s.write_assessment("other.yaml", "2026.3");
    s.verify(&["--assessment", "other.yaml"])
        .code(1)
        .stdout(predicate::str::contains(
            "is not one the attestation rests on",
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

/// `text` with one of the unused bits of its last data character set: it decodes to the same
/// bytes under a lenient decoder, but is not the canonical spelling.
fn with_unused_bit_set(text: &str) -> String {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut chars: Vec<char> = text.chars().collect();
    let padding = chars.iter().rev().take_while(|c| **c == '=').count();
    assert!(padding > 0, "no unused bits in `{text}`");
    let last = chars.len() - padding - 1;
    let index = ALPHABET.find(chars[last]).expect("a base64 character");
    chars[last] = ALPHABET.as_bytes()[index | 1] as char;
    chars.into_iter().collect()
}

#[test]
fn a_certificate_reencoded_non_canonically_is_refused() {
    let s = Setup::new();
    s.issue(&[]).success();
    let env = s.envelope();
    let payload = env["payload"].as_str().expect("payload").to_string();
    let sig = env["signatures"][0]["sig"]
        .as_str()
        .expect("sig")
        .to_string();
    // A 64-byte signature always ends in `==`, so it always has unused bits.
    let mut respellings = vec![
        ("payload", format!("{payload}\n")),
        ("payload", format!(" {payload}")),
        ("signature", with_unused_bit_set(&sig)),
        ("signature", sig.trim_end_matches('=').to_string()),
    ];
    if payload.ends_with('=') {
        respellings.push(("payload", with_unused_bit_set(&payload)));
    }
    for (field, spelling) in respellings {
        let mut e = env.clone();
        match field {
            "payload" => e["payload"] = Value::String(spelling.clone()),
            _ => e["signatures"][0]["sig"] = Value::String(spelling.clone()),
        }
        s.write_envelope(&e);
        s.verify(&[])
            .code(1)
            .stdout(predicate::str::contains(format!(
                "{field} is not canonical base64"
            )));
    }
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
            "--covers",
            &format!("{PRODUCT}@2026.2"),
            "--covers",
            "Bottling line BL-3@2026.2",
            "--date",
            "2026-11-01",
            "-o",
            "cert.json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("product line BL series"));
    s.verify(&[])
        .success()
        .stdout(predicate::str::contains(format!(
            "product line BL series: {PRODUCT} 2026.2 (assessed), Bottling line BL-3 2026.2"
        )));
    let statement = s.statement();
    let covered = &statement["predicate"]["covers"]["products"];
    assert_eq!(covered[0]["assessed"], true);
    assert_eq!(covered[1]["name"], "Bottling line BL-3");
    assert_eq!(covered[1]["assessed"], false);
    // A line needs its members named, and a representative must be one of them.
    cert_issue(s.path(), "issuer.key", "X")
        .args(["--product-line", "BL series", "-o", "none.json"])
        .assert()
        .code(2);
    cert_issue(s.path(), "issuer.key", "X")
        .args([
            "--product-line",
            "BL series",
            "--covers",
            "Bottling line BL-3@2026.2",
            "-o",
            "none.json",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "was assessed as a representative but is not among the covered products",
        ));
}

#[test]
fn an_independent_implementation_verifies_the_certificate() {
    let s = Setup::new();
    s.publish("issuer.pub", "ecb", "Example Certification Body", true);
    s.issue(&[]).success();
    let script = root().join("crates/smm-cli/tests/independent/verify_certificate.py");
    let digest = digest(&s.file("target.yaml"));
    let run = |at: &str| {
        Process::new("python3")
            .arg(&script)
            .arg(s.file("cert.json"))
            .arg(s.file("issuers.json"))
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
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("VALID: certificate "));
    assert_eq!(run("2031-01-01").status.code(), Some(1));

    // A supplier's declaration verifies as a declaration; the same key claiming a certificate
    // for a supplier that is not a certification body fails.
    smm(s.path())
        .args(["key", "new", "-o", "vendor"])
        .assert()
        .success();
    s.publish("vendor.pub", "vendor", "Bottling Vendor", false);
    let declare = |verb: &str, out: &str| {
        cert_attest(s.path(), verb, "vendor.key", "Bottling Vendor")
            .args([
                "--product",
                PRODUCT,
                "--version",
                "2026.2",
                "--date",
                "2026-11-01",
            ])
            .args(["--issuer-id", "vendor", "-o", out])
            .assert()
            .success();
    };
    declare("declare", "declaration.json");
    let out = Process::new("python3")
        .arg(&script)
        .arg(s.file("declaration.json"))
        .arg(s.file("issuers.json"))
        .arg("2027-01-01")
        .output()
        .expect("python3");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("VALID: declaration "));
    declare("issue", "self-certificate.json");
    let out = Process::new("python3")
        .arg(&script)
        .arg(s.file("self-certificate.json"))
        .arg(s.file("issuers.json"))
        .arg("2027-01-01")
        .output()
        .expect("python3");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("is not a certification body"));
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
            "--issuers",
            "issuers.json",
            "--target",
            "../target.yaml",
            "--assessment",
            "assessment-final.yaml",
            "--at",
            "2027-06-01",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "Certificate (third-party certification)",
        ))
        .stdout(predicate::str::contains("a certification body"))
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

/// Issues cert `out` with `key` on `date` as the Example Certification Body.
fn issue_on(s: &Setup, key: &str, date: &str, out: &str) {
    cert_issue(s.path(), key, "Example Certification Body")
        .args([
            "--issuer-id",
            "ecb",
            "--product",
            PRODUCT,
            "--version",
            "2026.2",
        ])
        .args(["--date", date, "-o", out])
        .assert()
        .success();
}

/// Verifies `cert` against issuers.json at 2027-12-01.
fn verify_with_issuers(s: &Setup, cert: &str) -> assert_cmd::assert::Assert {
    smm(s.path())
        .args([
            "cert",
            "verify",
            cert,
            "--issuers",
            "issuers.json",
            "--at",
            "2027-12-01",
        ])
        .assert()
}

fn key_id_of(s: &Setup, public: &str) -> String {
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(s.file("issuers.json")).expect("doc"))
            .expect("json");
    let pem = std::fs::read_to_string(s.file(public)).expect("pem");
    doc["issuers"]
        .as_array()
        .expect("issuers")
        .iter()
        .flat_map(|i| i["keys"].as_array().expect("keys").iter())
        .find(|k| k["public_key"].as_str() == Some(pem.as_str()))
        .and_then(|k| k["keyid"].as_str())
        .expect("published")
        .to_string()
}

#[test]
fn keys_rotate_with_an_overlap_and_a_revoked_key_stops_being_trusted() {
    let s = Setup::new();
    s.publish("issuer.pub", "ecb", "Example Certification Body", true);
    smm(s.path())
        .args(["key", "new", "-o", "next"])
        .assert()
        .success();
    let mut publish = smm(s.path());
    publish.args([
        "key",
        "publish",
        "--issuers",
        "issuers.json",
        "--key",
        "next.pub",
        "--id",
        "ecb",
        "--name",
        "Example Certification Body",
        "--from",
        "2026-11-01",
    ]);
    publish.assert().success();
    let old = key_id_of(&s, "issuer.pub");
    // Both keys sign during the overlap.
    issue_on(&s, "issuer.key", "2026-11-10", "old.json");
    issue_on(&s, "next.key", "2026-11-10", "new.json");
    verify_with_issuers(&s, "old.json").success();
    verify_with_issuers(&s, "new.json")
        .success()
        .stdout(predicate::str::contains("a certification body"));
    // The old key is retired at the end of November: what it signed before still verifies,
    // a statement it signed later does not.
    smm(s.path())
        .args([
            "key",
            "retire",
            "--issuers",
            "issuers.json",
            "--keyid",
            &old,
            "--date",
            "2026-11-30",
        ])
        .assert()
        .success();
    verify_with_issuers(&s, "old.json").success();
    issue_on(&s, "issuer.key", "2026-12-02", "late.json");
    verify_with_issuers(&s, "late.json")
        .code(1)
        .stdout(predicate::str::contains("was retired on 2026-11-30"));
    // The new key is found compromised from 2026-11-20: earlier signatures hold, later fail.
    let new = key_id_of(&s, "next.pub");
    smm(s.path())
        .args([
            "key",
            "revoke",
            "--issuers",
            "issuers.json",
            "--keyid",
            &new,
            "--from",
            "2026-11-20",
        ])
        .args(["--reason", "key material leaked"])
        .assert()
        .success();
    verify_with_issuers(&s, "new.json").success();
    issue_on(&s, "next.key", "2026-11-25", "stolen.json");
    verify_with_issuers(&s, "stolen.json")
        .code(1)
        .stdout(predicate::str::contains(
            "revoked from 2026-11-20 (key material leaked)",
        ));
    // A key nobody published is an unknown signer.
    smm(s.path())
        .args(["key", "new", "-o", "stranger"])
        .assert()
        .success();
    issue_on(&s, "stranger.key", "2026-11-10", "stranger.json");
    verify_with_issuers(&s, "stranger.json")
        .code(1)
        .stdout(predicate::str::contains("the signer is unknown"));
    // The issuers document cannot carry one key twice, nor a key under another's id.
    smm(s.path())
        .args([
            "key",
            "publish",
            "--issuers",
            "issuers.json",
            "--key",
            "next.pub",
            "--id",
            "x",
            "--name",
            "X",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already published"));
}

#[test]
fn a_declaration_never_verifies_as_a_certificate() {
    let s = Setup::new();
    s.publish("issuer.pub", "vendor", "Bottling Vendor", false);
    cert_attest(s.path(), "declare", "issuer.key", "Bottling Vendor")
        .args([
            "--issuer-id",
            "vendor",
            "--product",
            PRODUCT,
            "--version",
            "2026.2",
        ])
        .args(["--date", "2026-11-01", "-o", "cert.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Supplier's declaration (self-assessed)",
        ));
    let statement = s.statement();
    assert_eq!(statement["predicateType"], "urn:smm:declaration:v2");
    assert_eq!(statement["predicate"]["kind"], "declaration");
    verify_with_issuers(&s, "cert.json")
        .success()
        .stdout(predicate::str::starts_with(
            "Supplier's declaration (self-assessed)",
        ))
        .stdout(predicate::str::contains(
            "the supplier's declaration (not a certificate) is valid",
        ));
    let out = smm(s.path())
        .args([
            "cert",
            "verify",
            "cert.json",
            "--issuers",
            "issuers.json",
            "--at",
            "2027-01-01",
            "--json",
        ])
        .output()
        .expect("run");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["kind"], "Verification");
    assert_eq!(json["attestation_kind"], "declaration");
    // Relabelling it a certificate breaks the signature; re-signing needs the key, and a
    // supplier's key claiming a certificate is refused by the issuers document.
    let mut env = s.envelope();
    let mut statement = statement;
    statement["predicateType"] = Value::String("urn:smm:certificate:v2".into());
    statement["predicate"]["kind"] = Value::String("certificate".into());
    env["payload"] = Value::String(STANDARD.encode(serde_json::to_vec(&statement).expect("json")));
    s.write_envelope(&env);
    verify_with_issuers(&s, "cert.json")
        .code(1)
        .stdout(predicate::str::contains("signature"));
    cert_issue(s.path(), "issuer.key", "Bottling Vendor")
        .args([
            "--issuer-id",
            "vendor",
            "--product",
            PRODUCT,
            "--version",
            "2026.2",
        ])
        .args(["--date", "2026-11-01", "-o", "cert.json"])
        .assert()
        .success();
    verify_with_issuers(&s, "cert.json")
        .code(1)
        .stdout(predicate::str::contains(
            "Bottling Vendor is not a certification body",
        ));
}

#[test]
fn a_scheme_of_ones_own_is_enforced_with_every_unmet_requirement() {
    let s = Setup::new();
    let scheme = std::fs::read_to_string(root().join("catalog/schemes/smm-baseline.yaml"))
        .expect("scheme")
        .replace("id: smm-baseline", "id: strict-lab")
        .replace(
            "methods: [vulnerability-analysis]",
            "methods: [vulnerability-analysis, penetration-test]",
        )
        .replace(
            "assessment-max-age-days: 365",
            "assessment-max-age-days: 10",
        )
        .replace("evidence: none", "evidence: every-practice");
    std::fs::write(s.file("strict.yaml"), scheme).expect("write");
    s.issue(&["--scheme", "strict.yaml"])
        .code(1)
        .stdout(predicate::str::contains(
            "REFUSED no certificate issued under scheme strict-lab 1",
        ))
        .stdout(predicate::str::contains("methods: "))
        .stdout(predicate::str::contains("penetration test"))
        .stdout(predicate::str::contains("assessment-max-age-days: "))
        .stdout(predicate::str::contains("evidence: "));
    smm(s.path())
        .args(["validate", "strict.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Scheme strict-lab 1 for certificate and declaration",
        ));
    std::fs::write(s.file("bad.yaml"), "smm: 1\nkind: Scheme\nid: x\nversion: '1'\ntitle: t\nattestations: [certificate]\nrequirements:\n  validity-max-months: 0\n").expect("write");
    smm(s.path())
        .args(["validate", "bad.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml:8"));
    s.issue(&[]).success();
    let statement = s.statement();
    assert_eq!(statement["predicate"]["scheme"]["id"], "smm-baseline");
    assert_eq!(statement["predicate"]["reassess_by"], "2027-11-01");
    assert_eq!(
        statement["predicate"]["assessments"][0]["methods"][1],
        "vulnerability-analysis"
    );
    assert_eq!(
        statement["predicate"]["assessments"][0]["assessors"][0],
        "A. Assessor"
    );
}

/// A product name that is HTML, typst markup and a QR-link breaker at once.
const HOSTILE: &str = "<script>alert(1)</script> & #set page(width: 1cm) *x* $y$ ] ?serial=0";

/// `smm cert render CERT` against issuers.json, to `out`.
fn render(s: &Setup, cert: &str, out: &str) -> assert_cmd::assert::Assert {
    smm(s.path())
        .args(["cert", "render", cert, "--issuers", "issuers.json"])
        .args(["--verify-url", "https://smm.example.org/", "-o", out])
        .assert()
}

/// The text of a PDF, its pages, each with whitespace runs made one space.
fn pdf_pages(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    pdf_extract::extract_text_from_mem_by_pages(&bytes)
        .expect("a PDF parser reads it")
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn a_certificate_renders_as_a_one_page_document_that_opens_with_its_kind() {
    let s = Setup::new();
    s.publish("issuer.pub", "ecb", "Example Certification Body", true);
    s.issue(&[]).success();
    let serial = s.statement()["predicate"]["serial"]
        .as_str()
        .expect("serial")
        .to_string();
    let link = format!("https://smm.example.org/verify?serial={serial}");
    render(&s, "cert.json", "cert.pdf")
        .success()
        .stdout(predicate::str::contains(format!(
            "wrote cert.pdf (PDF): Certificate (third-party certification) {serial}"
        )))
        .stdout(predicate::str::contains(&link));
    let pages = pdf_pages(&s.file("cert.pdf"));
    assert_eq!(pages.len(), 1, "one page");
    let text = &pages[0];
    assert!(
        text.starts_with("Certificate third-party certification"),
        "{text}"
    );
    for fact in [
        serial.as_str(),
        PRODUCT,
        "2026.2",
        "Example Certification Body",
        "2026-11-01",
        "2029-10-31",
        "A. Assessor",
        "smm-baseline",
        &link,
    ] {
        assert!(text.contains(fact), "{fact} missing from {text}");
    }
    render(&s, "cert.json", "cert.html").success();
    let html = std::fs::read_to_string(s.file("cert.html")).expect("html");
    let body = &html[html.find("<body>").expect("body")..];
    let first = body.find("Certificate").expect("kind");
    assert!(
        !body[..first].contains("</h1>") && body[..first].contains("<h1>"),
        "the kind is the first heading"
    );
    assert!(html.contains(&format!("<a href=\"{link}\">")));
    assert!(html.contains(&serial) && html.contains("2029-10-31"));
    assert!(html.contains("Bottling line BL-2 (plant Lyon)"));
}

#[test]
fn a_declaration_renders_as_not_a_certificate() {
    let s = Setup::new();
    s.publish("issuer.pub", "vendor", "Bottling Vendor", false);
    cert_attest(s.path(), "declare", "issuer.key", "Bottling Vendor")
        .args(["--issuer-id", "vendor", "--product", PRODUCT])
        .args([
            "--version",
            "2026.2",
            "--date",
            "2026-11-01",
            "-o",
            "cert.json",
        ])
        .assert()
        .success();
    render(&s, "cert.json", "decl.pdf").success();
    let pages = pdf_pages(&s.file("decl.pdf"));
    assert_eq!(pages.len(), 1, "one page");
    assert!(
        pages[0]
            .starts_with("Supplier's declaration self-assessed by the supplier, not a certificate"),
        "{}",
        pages[0]
    );
    assert!(!pages[0].contains("certifies"));
    render(&s, "cert.json", "decl.html").success();
    let html = std::fs::read_to_string(s.file("decl.html")).expect("html");
    assert!(html.contains(
        "<title>Supplier&#39;s declaration — self-assessed by the supplier, not a certificate"
    ));
}

#[test]
fn a_hostile_product_name_stays_text_in_the_document() {
    let s = Setup::new();
    s.publish("issuer.pub", "ecb", "Example Certification Body", true);
    let yaml = std::fs::read_to_string(s.file("assessment.yaml")).expect("assessment");
    std::fs::write(s.file("assessment.yaml"), yaml.replace(PRODUCT, HOSTILE)).expect("write");
    cert_issue(s.path(), "issuer.key", "Example Certification Body")
        .args(["--product", HOSTILE, "--version", "2026.2"])
        .args(["--date", "2026-11-01", "-o", "cert.json"])
        .assert()
        .success();
    render(&s, "cert.json", "cert.html").success();
    let html = std::fs::read_to_string(s.file("cert.html")).expect("html");
    assert!(!html.contains("<script>alert"), "markup injected");
    let at = html.find("&#60;script&#62;").expect("escaped");
    assert!(
        html[at..]
            .starts_with("&#60;script&#62;alert(1)&#60;/script&#62; &#38; #set page(width: 1cm)"),
        "{}",
        &html[at..at + 200]
    );
    render(&s, "cert.json", "cert.pdf").success();
    let pages = pdf_pages(&s.file("cert.pdf"));
    assert_eq!(pages.len(), 1, "a name cannot change the page");
    assert!(pages[0].contains(HOSTILE), "{}", pages[0]);
}

#[test]
fn a_tampered_or_expired_attestation_is_not_rendered() {
    let s = Setup::new();
    s.publish("issuer.pub", "ecb", "Example Certification Body", true);
    s.issue(&[]).success();
    let mut env = s.envelope();
    let mut statement = s.statement();
    statement["predicate"]["valid_until"] = Value::String("2099-12-31".into());
    env["payload"] = Value::String(STANDARD.encode(serde_json::to_vec(&statement).expect("json")));
    s.write_envelope(&env);
    render(&s, "cert.json", "cert.pdf")
        .code(1)
        .stdout(predicate::str::contains("REFUSED"))
        .stdout(predicate::str::contains("signature"));
    assert!(!s.file("cert.pdf").exists(), "nothing written");
    // Signed by a key the issuers document does not list.
    smm(s.path())
        .args(["key", "new", "-o", "stranger"])
        .assert()
        .success();
    issue_on(&s, "stranger.key", "2026-11-01", "stranger.json");
    render(&s, "stranger.json", "cert.html")
        .code(1)
        .stdout(predicate::str::contains("does not list"));
    assert!(!s.file("cert.html").exists(), "nothing written");
    // Expired: a document is not handed over for it.
    cert_issue(s.path(), "issuer.key", "Example Certification Body")
        .args([
            "--product",
            PRODUCT,
            "--version",
            "2026.2",
            "--date",
            "2026-11-01",
        ])
        .args(["--valid-until", "2026-11-30", "-o", "cert.json"])
        .assert()
        .success();
    render(&s, "cert.json", "cert.pdf")
        .code(1)
        .stdout(predicate::str::contains("expired on 2026-11-30"));
    // Bad input is exit 2.
    s.issue(&[]).success();
    smm(s.path())
        .args(["cert", "render", "cert.json", "--issuers", "issuers.json"])
        .args([
            "--verify-url",
            "https://evil.example/?next=",
            "-o",
            "cert.pdf",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no query or fragment"));
    render(&s, "cert.json", "cert.docx")
        .code(2)
        .stderr(predicate::str::contains("FILE.pdf or FILE.html"));
}

#[test]
fn a_server_given_a_scheme_that_does_not_validate_does_not_start() {
    let dir = workspace();
    std::fs::write(
        dir.path().join("lab.yaml"),
        "smm: 1\nkind: Scheme\nid: lab\nversion: \"1\"\ntitle: Lab\nattestations: [certificate]\n\
         requirements:\n  practices-at-target: yes-please\n",
    )
    .expect("write");
    smm(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", "data"])
        .args(["--scheme", "lab.yaml"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .failure()
        .stderr(predicate::str::contains("lab.yaml:8"))
        .stderr(predicate::str::contains("practices-at-target"));
    assert!(
        !dir.path().join("data/smm.db").exists(),
        "nothing is created before the schemes are read"
    );
}

#[test]
fn a_certificate_records_who_approved_the_profile_and_leaves_it_out_when_no_one_did() {
    let approved_by = "approved by Marie Lefebvre, plant manager, for the beverage producer on \
                       2026-02-20: Agreed as the security target of bottling line BL-2";
    let s = Setup::new();
    s.publish("issuer.pub", "ecb", "Example Certification Body", true);
    let approved = format!(
        "{BOTTLING_TARGET_TEXT}approval:\n  by: Marie Lefebvre, plant manager, for the beverage producer\n  \
         date: 2026-02-20\n  statement: Agreed as the security target of bottling line BL-2.\n"
    );
    std::fs::write(s.file("target.yaml"), &approved).expect("write");
    s.write_assessment("assessment.yaml", "2026.2");
    s.issue(&[])
        .success()
        .stdout(predicate::str::contains(approved_by));
    let approval = &s.statement()["predicate"]["target"]["approval"];
    assert_eq!(
        approval["by"],
        "Marie Lefebvre, plant manager, for the beverage producer"
    );
    assert_eq!(approval["date"], "2026-02-20");
    assert_eq!(
        approval["statement"],
        "Agreed as the security target of bottling line BL-2."
    );
    s.verify(&[])
        .success()
        .stdout(predicate::str::contains(format!(
            "profile Smart beverage bottling line 1.0: {approved_by}"
        )));
    render(&s, "cert.json", "cert.html").success();
    let html = std::fs::read_to_string(s.file("cert.html")).expect("html");
    assert!(html.contains("Profile approval"), "{html}");
    assert!(html.contains("Marie Lefebvre, plant manager"));
    render(&s, "cert.json", "cert.pdf").success();
    let pages = pdf_pages(&s.file("cert.pdf"));
    assert!(
        pages[0].contains("Profile approval") && pages[0].contains("Marie Lefebvre"),
        "{}",
        pages[0]
    );

    // The same target without its approval: the signed payload has no `approval` at all, as
    // in attestations issued before the field existed.
    std::fs::write(s.file("target.yaml"), BOTTLING_TARGET_TEXT).expect("write");
    s.write_assessment("assessment.yaml", "2026.2");
    s.issue(&[])
        .success()
        .stdout(predicate::str::contains("approved by").not());
    let payload = STANDARD
        .decode(s.envelope()["payload"].as_str().expect("payload"))
        .expect("b64");
    assert!(!String::from_utf8(payload)
        .expect("utf-8")
        .contains("approval"));
    s.verify(&[]).success().stdout(predicate::str::contains(
        "profile Smart beverage bottling line 1.0: no approval recorded",
    ));
}
