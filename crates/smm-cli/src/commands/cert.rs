//! `smm key new`, `smm cert issue|verify|revoke`: files, passphrases and dates around smm-cert.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use smm_cert::certificate::{issue, IssueRequest, Scope};
use smm_cert::revocation::{revoke, Revocation};
use smm_cert::{keys, verify, CertError, Envelope, VerifyInput};
use smm_core::document::Date;
use smm_core::{content_digest, parse_assessment, parse_target, Catalog};

use crate::cli::{CertAction, KeyAction};
use crate::clock::today;
use crate::failure::{Failure, Problem};
use crate::input::{load_assessment, load_target, read_source};
use crate::output::{self, styled, HEADER, MET, UNDER};
use crate::write::{write_atomically, write_secret};
use smm_core::calendar::three_years_after;

/// Runs `smm key ...` (no catalog needed).
pub fn key(action: &KeyAction) -> Result<(), Failure> {
    let KeyAction::New {
        output,
        encrypt,
        passphrase_file,
    } = action;
    let private = with_extension(output, "key");
    let public = with_extension(output, "pub");
    if private.exists() {
        return Err(Problem::file(
            &private,
            "already exists: a key is never overwritten; move it away or choose another name",
        )
        .into());
    }
    let passphrase = if *encrypt {
        Some(passphrase(passphrase_file.as_deref(), true, &private)?)
    } else {
        None
    };
    let key = keys::generate();
    let private_pem =
        keys::private_pem(&key, passphrase.as_deref()).map_err(|e| cert_problem(&private, e))?;
    let public_pem =
        keys::public_pem(&key.verifying_key()).map_err(|e| cert_problem(&public, e))?;
    let id = keys::key_id(&key.verifying_key()).map_err(|e| cert_problem(&public, e))?;
    write_secret(&private, private_pem.as_bytes())?;
    write_atomically(&public, &public_pem)?;
    output::print(&format!(
        "{} wrote {} (private key, mode 0600{}) and {} (public key)\nkey id {id}\n",
        styled(MET, "ok"),
        private.display(),
        if *encrypt { ", encrypted" } else { "" },
        public.display()
    ));
    Ok(())
}

/// Runs `smm cert ...`.
pub fn run(catalog: &Catalog, action: &CertAction) -> Result<(), Failure> {
    match action {
        CertAction::Issue {
            target,
            assessments,
            key,
            issuer,
            product,
            versions,
            product_line,
            date,
            valid_until,
            passphrase_file,
            output,
        } => {
            let issued = match date {
                Some(d) => checked_date(d, "--date")?,
                None => today(),
            };
            let valid_until = match valid_until {
                Some(d) => checked_date(d, "--valid-until")?,
                None => three_years_after(&issued),
            };
            let scope = match (product, product_line) {
                (Some(name), _) => Scope::Products {
                    name: name.clone(),
                    versions: versions.clone(),
                },
                (None, Some(line)) => Scope::Line { name: line.clone() },
                (None, None) => unreachable_scope()?,
            };
            issue_command(
                catalog,
                target,
                assessments,
                key,
                issuer,
                scope,
                issued,
                valid_until,
                passphrase_file.as_deref(),
                output,
            )
        }
        CertAction::Verify {
            cert,
            issuer,
            target,
            assessments,
            revoked,
            at,
            json,
        } => verify_command(
            cert,
            issuer,
            target.as_deref(),
            assessments,
            revoked.as_deref(),
            at.as_deref(),
            *json,
        ),
        CertAction::Revoke {
            cert,
            key,
            reason,
            date,
            list,
            passphrase_file,
        } => revoke_command(
            cert,
            key,
            reason,
            date.as_deref(),
            list,
            passphrase_file.as_deref(),
        ),
    }
}

fn unreachable_scope() -> Result<Scope, Failure> {
    Err(Problem::file(
        Path::new("smm cert issue"),
        "give --product NAME --version V, or --product-line NAME",
    )
    .into())
}

#[allow(clippy::too_many_arguments)]
fn issue_command(
    catalog: &Catalog,
    target_path: &Path,
    assessment_paths: &[PathBuf],
    key_path: &Path,
    issuer: &str,
    scope: Scope,
    issued: String,
    valid_until: String,
    passphrase_file: Option<&Path>,
    output_path: &Path,
) -> Result<(), Failure> {
    let target = load_target(catalog, target_path)?;
    let assessments = assessment_paths
        .iter()
        .map(|p| load_assessment(catalog, p))
        .collect::<Result<Vec<_>, _>>()?;
    let key = read_key(key_path, passphrase_file)?;
    let request = IssueRequest {
        catalog,
        target: (&target.document, &target.resolved),
        assessments: assessments
            .iter()
            .map(|a| (&a.document, &a.current))
            .collect(),
        issuer: issuer.to_string(),
        scope,
        issued,
        valid_until,
    };
    match issue(&request, &key) {
        Ok((envelope, statement)) => {
            let text = serde_json::to_string_pretty(&envelope).unwrap_or_default() + "\n";
            write_atomically(output_path, &text)?;
            let c = &statement.predicate;
            let products: Vec<String> = c
                .covers
                .products
                .iter()
                .map(|p| format!("{} {}", p.name, p.version))
                .collect();
            output::print(&format!(
                "{} wrote {}: certificate {}\n  covers   {}{}\n  target   {} {} (sha256 {})\n  valid    {} until {}\n",
                styled(MET, "ok"),
                output_path.display(),
                c.serial,
                c.covers.product_line.as_ref().map(|l| format!("product line {l}, assessed: ")).unwrap_or_default(),
                products.join(", "),
                c.target.name,
                c.target.version.as_deref().unwrap_or(""),
                c.target.sha256,
                c.issued,
                c.valid_until
            ));
            Ok(())
        }
        Err(CertError::Refused(reasons)) => {
            let mut out = format!("{} no certificate issued:\n", styled(UNDER, "REFUSED"));
            for r in reasons {
                out.push_str(&format!("  - {r}\n"));
            }
            output::print(&out);
            Err(Failure::CheckFailed)
        }
        Err(e) => Err(cert_problem(key_path, e).into()),
    }
}

fn verify_command(
    cert_path: &Path,
    issuer_path: &Path,
    target: Option<&Path>,
    assessments: &[PathBuf],
    revoked: Option<&Path>,
    at: Option<&str>,
    json: bool,
) -> Result<(), Failure> {
    let envelope = read_envelope(cert_path)?;
    let issuer_source = read_source(issuer_path)?;
    let issuer =
        keys::read_public(&issuer_source.text).map_err(|e| cert_problem(issuer_path, e))?;
    let at = match at {
        Some(d) => checked_date(d, "--at")?,
        None => today(),
    };
    let target_digest = match target {
        Some(path) => {
            let source = read_source(path)?;
            let doc = parse_target(&source.text)
                .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
            Some(content_digest(&doc))
        }
        None => None,
    };
    let mut assessment_digests = Vec::new();
    for path in assessments {
        let source = read_source(path)?;
        let doc = parse_assessment(&source.text)
            .map_err(|d| Problem::from_diagnostics(path, &source.text, d))?;
        assessment_digests.push((path.display().to_string(), content_digest(&doc)));
    }
    let revocations = revoked.map(read_envelope).transpose()?;
    let report = verify(&VerifyInput {
        envelope: &envelope,
        issuer: &issuer,
        at: &at,
        target: target_digest.as_deref(),
        assessments: assessment_digests,
        revocations: revocations.as_ref(),
    });
    if json {
        output::print_tagged_json(
            "Verification",
            &serde_json::json!({
                "valid": report.passed(),
                "reason": report.reason(),
                "at": at,
                "checks": report.checks.iter().map(|c| serde_json::json!({"ok": c.ok, "check": c.what})).collect::<Vec<_>>(),
                "certificate": report.certificate,
            }),
        );
    } else {
        let mut out = format!(
            "{}\n",
            styled(HEADER, &format!("Certificate {}", cert_path.display()))
        );
        for c in &report.checks {
            let mark = if c.ok {
                styled(MET, "  ok  ")
            } else {
                styled(UNDER, "  FAIL")
            };
            out.push_str(&format!("{mark} {}\n", c.what));
        }
        match report.reason() {
            None => out.push_str(&format!(
                "{} the certificate is valid\n",
                styled(MET, "VALID:")
            )),
            Some(reason) => out.push_str(&format!("{} {reason}\n", styled(UNDER, "INVALID:"))),
        }
        output::print(&out);
    }
    if report.passed() {
        Ok(())
    } else {
        Err(Failure::CheckFailed)
    }
}

fn revoke_command(
    cert_path: &Path,
    key_path: &Path,
    reason: &str,
    date: Option<&str>,
    list_path: &Path,
    passphrase_file: Option<&Path>,
) -> Result<(), Failure> {
    if reason.trim().is_empty() {
        return Err(Problem::file(cert_path, "a revocation needs a --reason").into());
    }
    let key = read_key(key_path, passphrase_file)?;
    let envelope = read_envelope(cert_path)?;
    // Only a certificate this key signed can be revoked with it.
    let report = verify(&VerifyInput {
        envelope: &envelope,
        issuer: &key.verifying_key(),
        at: "0000-01-01",
        target: None,
        assessments: Vec::new(),
        revocations: None,
    });
    let Some(cert) = report.certificate else {
        return Err(Problem::file(
            cert_path,
            format!(
                "cannot revoke: {}",
                report.reason().unwrap_or("not a certificate of this key")
            ),
        )
        .into());
    };
    let existing = if list_path.exists() {
        Some(read_envelope(list_path)?)
    } else {
        None
    };
    let date = match date {
        Some(d) => checked_date(d, "--date")?,
        None => today(),
    };
    let (list, contents) = revoke(
        existing.as_ref(),
        &key,
        Revocation {
            serial: cert.serial.clone(),
            date,
            reason: reason.trim().to_string(),
        },
    )
    .map_err(|e| cert_problem(list_path, e))?;
    write_atomically(
        list_path,
        &(serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"),
    )?;
    output::print(&format!(
        "{} revoked certificate {} in {} ({} revoked in all)\n",
        styled(MET, "ok"),
        cert.serial,
        list_path.display(),
        contents.revoked.len()
    ));
    Ok(())
}

fn read_envelope(path: &Path) -> Result<Envelope, Failure> {
    let source = read_source(path)?;
    serde_json::from_str(&source.text).map_err(|e| {
        Problem::file(
            path,
            format!("not a signed envelope (DSSE JSON with payloadType, payload, signatures): {e}"),
        )
        .into()
    })
}

fn read_key(
    path: &Path,
    passphrase_file: Option<&Path>,
) -> Result<ed25519_dalek::SigningKey, Failure> {
    let source = read_source(path)?;
    let secret = if keys::is_encrypted(&source.text) {
        Some(passphrase(passphrase_file, false, path)?)
    } else {
        None
    };
    keys::read_private(&source.text, secret.as_deref()).map_err(|e| cert_problem(path, e).into())
}

/// The passphrase: from a file, from SMM_PASSPHRASE, or asked on the terminal.
fn passphrase(file: Option<&Path>, confirm: bool, key: &Path) -> Result<String, Failure> {
    if let Some(file) = file {
        let source = read_source(file)?;
        let line = source.text.lines().next().unwrap_or("").to_string();
        if line.is_empty() {
            return Err(Problem::file(file, "the passphrase file is empty").into());
        }
        return Ok(line);
    }
    if let Ok(value) = std::env::var("SMM_PASSPHRASE") {
        if !value.is_empty() {
            return Ok(value);
        }
    }
    if !std::io::stdin().is_terminal() {
        return Err(Problem::file(
            key,
            "a passphrase is needed: set SMM_PASSPHRASE, give --passphrase-file, or run in a terminal",
        )
        .into());
    }
    let mut prompt = inquire::Password::new("Passphrase for the private key:");
    if !confirm {
        prompt = prompt.without_confirmation();
    }
    prompt
        .prompt()
        .map_err(|e| Problem::file(key, format!("no passphrase: {e}")).into())
}

fn cert_problem(path: &Path, e: CertError) -> Problem {
    Problem::file(path, e.to_string())
}

fn with_extension(base: &Path, extension: &str) -> PathBuf {
    let mut name = base.as_os_str().to_os_string();
    name.push(".");
    name.push(extension);
    PathBuf::from(name)
}

fn checked_date(text: &str, option: &str) -> Result<String, Failure> {
    Date::parse(text).map(|d| d.to_string()).ok_or_else(|| {
        Problem::file(
            Path::new(option),
            format!("`{text}` is not a date: expected YYYY-MM-DD"),
        )
        .into()
    })
}
