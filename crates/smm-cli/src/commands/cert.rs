//! `smm key new`, `smm cert issue|verify|revoke`: files, passphrases and dates around smm-cert.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use smm_cert::certificate::{issue, IssueRequest, IssuerName, Scope};
use smm_cert::issuers::{IssuerEntry, KeyStatus, PublishedKey};
use smm_cert::revocation::{revoke, Revocation};
use smm_cert::tlog::proof::check_log;
use smm_cert::tlog::LogProof;
use smm_cert::verify::covers;
use smm_cert::{keys, verify, CertError, Envelope, IssuersDocument, Trust, VerifyInput};
use smm_core::document::Date;
use smm_core::scheme::{parse_scheme, AttestationKind, Scheme};
use smm_core::{content_digest, parse_assessment, parse_target, Catalog};

use crate::cli::{CertAction, IssueArgs, KeyAction};
use crate::clock::today;
use crate::failure::{Failure, Problem};
use crate::input::{load_assessment, load_target, read_source};
use crate::output::{self, styled, HEADER, MET, UNDER};
use crate::write::{write_atomically, write_secret};

/// `smm key new --json`: the two files written and the key's id.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct KeyPairJson {
    /// The private key written (PKCS#8 PEM, mode 0600): keep it secret.
    pub private_key: String,
    /// Whether the private key is encrypted with a passphrase.
    pub encrypted: bool,
    /// The public key written (SubjectPublicKeyInfo PEM), to publish.
    pub public_key: String,
    /// The key's id: the SHA-256 of its SubjectPublicKeyInfo DER, in hex (what signatures and
    /// issuers documents name it by).
    pub keyid: String,
}

/// `smm key publish|retire|revoke --json`: the key changed, and where it stands now.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct IssuersUpdateJson {
    /// The issuers document written.
    pub issuers: String,
    /// What was done to the key: `published`, `retired` or `revoked`.
    pub action: String,
    /// The key's id.
    pub keyid: String,
    /// The id, in the document, of the issuer that holds the key.
    pub issuer_id: String,
    /// The issuer's name, as its statements carry it.
    pub issuer_name: String,
    /// Whether the issuer is a certification body (may issue certificates, not only
    /// declarations).
    pub certification_body: bool,
    /// Where the key stands now.
    pub status: KeyStatus,
    /// The first day it may sign, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Its last day, once retired, `YYYY-MM-DD`.
    pub valid_until: Option<String>,
    /// For a revoked key: from which day nothing it signed is trusted, `YYYY-MM-DD`.
    pub revoked_from: Option<String>,
    /// For a revoked key: why.
    pub revocation_reason: Option<String>,
}

/// `smm cert issue|declare --json`: the attestation issued, or every reason it was refused.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct IssuanceJson {
    /// Whether the attestation was signed and written; `false` when the scheme's requirements
    /// are not met (exit 1), each unmet one in `reasons`.
    pub issued: bool,
    /// What was asked for: `certificate` (`smm cert issue`) or `declaration` (`smm cert
    /// declare`).
    pub attestation_kind: String,
    /// The id of the scheme whose requirements were checked.
    pub scheme: String,
    /// The scheme's version.
    pub scheme_version: String,
    /// The file written (a DSSE envelope), once issued.
    pub output: Option<String>,
    /// The attestation's serial, once issued.
    pub serial: Option<String>,
    /// Every requirement not met, in words; empty when issued.
    pub reasons: Vec<String>,
    /// The signed statement's content (issuer and key, products covered, target, scheme,
    /// validity, result per domain), once issued.
    pub attestation: Option<smm_cert::Attestation>,
}

/// `smm cert revoke --json`: the revocation added to the issuer's list.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct RevocationJson {
    /// The serial of the attestation revoked.
    pub serial: String,
    /// What it was: `certificate` or `declaration`.
    pub attestation_kind: String,
    /// From when it is revoked, `YYYY-MM-DD`.
    pub date: String,
    /// Why.
    pub reason: String,
    /// The signed revocation list written.
    pub list: String,
    /// Attestations the list revokes, this one included.
    pub revoked_in_all: usize,
}

/// Runs `smm key ...` (no catalog needed).
pub fn key(action: &KeyAction) -> Result<(), Failure> {
    match action {
        KeyAction::New {
            output,
            encrypt,
            passphrase_file,
            json,
        } => new_key(output, *encrypt, passphrase_file.as_deref(), *json),
        KeyAction::Publish {
            issuers,
            key,
            id,
            name,
            certification_body,
            from,
            json,
        } => {
            let from = match from {
                Some(d) => checked_date(d, "--from")?.to_string(),
                None => today(),
            };
            let source = read_source(key)?;
            let public = keys::read_public(&source.text).map_err(|e| cert_problem(key, e))?;
            let keyid = keys::key_id(&public).map_err(|e| cert_problem(key, e))?;
            let pem = keys::public_pem(&public).map_err(|e| cert_problem(key, e))?;
            let change = KeyChange {
                action: "published",
                keyid: &keyid,
                json: *json,
            };
            update_issuers(issuers, &change, |doc| {
                if doc.key(&keyid).is_some() {
                    return Err(format!("key {keyid} is already published"));
                }
                if id.trim().is_empty() || name.trim().is_empty() {
                    return Err("give the issuer an --id and a --name".to_string());
                }
                let published = PublishedKey {
                    keyid: keyid.clone(),
                    public_key: pem.clone(),
                    valid_from: from.clone(),
                    valid_until: None,
                    status: KeyStatus::Active,
                    revoked_from: None,
                    revocation_reason: None,
                };
                match doc.issuers.iter_mut().find(|i| i.id == *id) {
                    Some(issuer) => {
                        if issuer.name != *name {
                            return Err(format!(
                                "issuer `{id}` is published as `{}`, not `{name}`",
                                issuer.name
                            ));
                        }
                        issuer.certification_body |= *certification_body;
                        issuer.keys.insert(0, published);
                    }
                    None => doc.issuers.push(IssuerEntry {
                        id: id.clone(),
                        name: name.clone(),
                        certification_body: *certification_body,
                        keys: vec![published],
                    }),
                }
                Ok(format!(
                    "published key {keyid} of {name} ({id}) from {from}"
                ))
            })
        }
        KeyAction::Retire {
            issuers,
            keyid,
            date,
            json,
        } => {
            let date = match date {
                Some(d) => checked_date(d, "--date")?.to_string(),
                None => today(),
            };
            let change = KeyChange {
                action: "retired",
                keyid,
                json: *json,
            };
            update_issuers(issuers, &change, |doc| {
                let key = published_key(doc, keyid)?;
                if key.status != KeyStatus::Active {
                    return Err(format!("key {keyid} is already {}", key.status.as_str()));
                }
                if date < key.valid_from {
                    return Err(format!("key {keyid} only signs from {}", key.valid_from));
                }
                key.status = KeyStatus::Retired;
                key.valid_until = Some(date.clone());
                Ok(format!("retired key {keyid}: its last day is {date}"))
            })
        }
        KeyAction::Revoke {
            issuers,
            keyid,
            from,
            reason,
            json,
        } => {
            let from = checked_date(from, "--from")?.to_string();
            if reason.trim().is_empty() {
                return Err(Problem::file(issuers, "a key revocation needs a --reason").into());
            }
            let change = KeyChange {
                action: "revoked",
                keyid,
                json: *json,
            };
            update_issuers(issuers, &change, |doc| {
                let key = published_key(doc, keyid)?;
                if key.status == KeyStatus::Revoked {
                    return Err(format!("key {keyid} is already revoked"));
                }
                key.status = KeyStatus::Revoked;
                key.revoked_from = Some(from.clone());
                key.revocation_reason = Some(reason.trim().to_string());
                Ok(format!(
                    "revoked key {keyid}: nothing it signed from {from} on is trusted"
                ))
            })
        }
    }
}

fn published_key<'a>(
    doc: &'a mut IssuersDocument,
    keyid: &str,
) -> Result<&'a mut PublishedKey, String> {
    doc.issuers
        .iter_mut()
        .flat_map(|i| i.keys.iter_mut())
        .find(|k| k.keyid == keyid)
        .ok_or_else(|| format!("no key {keyid} in the document"))
}

/// What `smm key publish|retire|revoke` does to which key, and how it reports.
struct KeyChange<'a> {
    /// `published`, `retired` or `revoked`.
    action: &'a str,
    keyid: &'a str,
    json: bool,
}

/// Reads the issuers document (or starts one), changes it, and writes it back atomically.
fn update_issuers(
    path: &Path,
    what: &KeyChange<'_>,
    change: impl FnOnce(&mut IssuersDocument) -> Result<String, String>,
) -> Result<(), Failure> {
    let mut doc = if path.exists() {
        let source = read_source(path)?;
        IssuersDocument::from_json(&source.text).map_err(|e| cert_problem(path, e))?
    } else {
        IssuersDocument {
            document_type: smm_cert::issuers::ISSUERS_TYPE.to_string(),
            published: today(),
            issuers: Vec::new(),
        }
    };
    let done = change(&mut doc).map_err(|e| Problem::file(path, e))?;
    doc.published = today();
    write_atomically(path, &(doc.to_json() + "\n"))?;
    if what.json {
        let held = doc.issuers.iter().find_map(|issuer| {
            let key = issuer.keys.iter().find(|k| k.keyid == what.keyid)?;
            Some((issuer, key))
        });
        let Some((issuer, key)) = held else {
            return Err(
                Problem::file(path, format!("no key {} in the document", what.keyid)).into(),
            );
        };
        output::print_tagged_json(
            "IssuersUpdate",
            &IssuersUpdateJson {
                issuers: path.display().to_string(),
                action: what.action.to_string(),
                keyid: key.keyid.clone(),
                issuer_id: issuer.id.clone(),
                issuer_name: issuer.name.clone(),
                certification_body: issuer.certification_body,
                status: key.status,
                valid_from: key.valid_from.clone(),
                valid_until: key.valid_until.clone(),
                revoked_from: key.revoked_from.clone(),
                revocation_reason: key.revocation_reason.clone(),
            },
        );
        return Ok(());
    }
    output::print(&format!(
        "{} {done} in {}\n",
        styled(MET, "ok"),
        path.display()
    ));
    Ok(())
}

fn new_key(
    output: &Path,
    encrypt: bool,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    let encrypt = &encrypt;
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
        Some(passphrase(passphrase_file, true, &private)?)
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
    if json {
        output::print_tagged_json(
            "KeyPair",
            &KeyPairJson {
                private_key: private.display().to_string(),
                encrypted: *encrypt,
                public_key: public.display().to_string(),
                keyid: id,
            },
        );
        return Ok(());
    }
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
        CertAction::Issue { args } => issue_command(catalog, args, AttestationKind::Certificate),
        CertAction::Declare { args } => issue_command(catalog, args, AttestationKind::Declaration),
        CertAction::Verify {
            cert,
            issuers,
            issuer,
            target,
            assessments,
            revoked,
            log_proof,
            log_key,
            require_log,
            at,
            json,
        } => verify_command(&VerifyArgs {
            cert_path: cert,
            issuers_path: issuers.as_deref(),
            issuer_path: issuer.as_deref(),
            target: target.as_deref(),
            assessments,
            revoked: revoked.as_deref(),
            log: LogArgs {
                proof: log_proof.as_deref(),
                key: log_key.as_deref(),
                required: *require_log,
            },
            at: at.as_deref(),
            json: *json,
        }),
        CertAction::Render {
            cert,
            issuers,
            issuer,
            verify_url,
            output,
        } => super::cert_render::run(
            cert,
            issuers.as_deref(),
            issuer.as_deref(),
            verify_url,
            output,
        ),
        CertAction::Revoke {
            cert,
            key,
            reason,
            date,
            list,
            passphrase_file,
            json,
        } => revoke_command(
            cert,
            key,
            reason,
            date.as_deref(),
            list,
            passphrase_file.as_deref(),
            *json,
        ),
    }
}

/// The scheme named with --scheme, or the built-in one.
pub(crate) fn load_scheme(path: Option<&Path>) -> Result<Scheme, Failure> {
    match path {
        None => Ok(Scheme::builtin()),
        Some(path) => {
            let source = read_source(path)?;
            parse_scheme(&source.text)
                .map_err(|d| Problem::from_diagnostics(path, &source.text, d).into())
        }
    }
}

/// `NAME@VERSION` (split at the last `@`, so a name may contain one).
fn product_version(text: &str) -> Result<(String, String), Failure> {
    match smm_cert::certificate::product_at_version(text) {
        Some(pair) => Ok(pair),
        None => Err(Problem::file(
            Path::new("--covers"),
            format!("`{text}` is not NAME@VERSION (for example \"GW-7 central gateway@firmware 4.2.1\")"),
        )
        .into()),
    }
}

fn issue_command(
    catalog: &Catalog,
    args: &IssueArgs,
    kind: AttestationKind,
) -> Result<(), Failure> {
    let scheme = load_scheme(args.scheme.as_deref())?;
    let issued = match &args.date {
        Some(d) => checked_date(d, "--date")?,
        None => checked_date(&today(), "today")?,
    };
    let valid_until = match &args.valid_until {
        Some(d) => checked_date(d, "--valid-until")?,
        None => scheme.longest_validity(issued),
    };
    let scope = match (&args.product, &args.product_line) {
        (Some(name), _) => Scope::Products {
            name: name.clone(),
            versions: args.versions.clone(),
        },
        (None, Some(line)) => Scope::Line {
            name: line.clone(),
            members: args
                .covers
                .iter()
                .map(|c| product_version(c))
                .collect::<Result<_, _>>()?,
        },
        (None, None) => {
            return Err(Problem::file(
                Path::new("smm cert"),
                "give --product NAME --version V, or --product-line NAME --covers NAME@VERSION",
            )
            .into())
        }
    };
    let target = load_target(catalog, &args.target)?;
    let assessments = args
        .assessments
        .iter()
        .map(|p| load_assessment(catalog, p))
        .collect::<Result<Vec<_>, _>>()?;
    let key = read_key(&args.key, args.passphrase_file.as_deref())?;
    let request = IssueRequest {
        kind,
        scheme: &scheme,
        catalog,
        target: (&target.document, &target.resolved),
        assessments: assessments
            .iter()
            .map(|a| (&a.document, &a.current))
            .collect(),
        issuer: IssuerName {
            name: args.issuer.clone(),
            id: args.issuer_id.clone(),
        },
        scope,
        issued,
        valid_until,
    };
    let output_path = args.output.as_path();
    match issue(&request, &key) {
        Ok((envelope, statement)) => {
            let text = serde_json::to_string_pretty(&envelope).unwrap_or_default() + "\n";
            write_atomically(output_path, &text)?;
            let c = &statement.predicate;
            if args.json {
                output::print_tagged_json(
                    "Issuance",
                    &IssuanceJson {
                        issued: true,
                        attestation_kind: kind.as_str().to_string(),
                        scheme: scheme.id.value.clone(),
                        scheme_version: scheme.version.clone(),
                        output: Some(output_path.display().to_string()),
                        serial: Some(c.serial.clone()),
                        reasons: Vec::new(),
                        attestation: Some(c.clone()),
                    },
                );
                return Ok(());
            }
            output::print(&format!(
                "{} wrote {}: {} {}\n  issuer   {} (key {})\n  covers   {}\n  target   {} {} (sha256 {}){}\n  scheme   {} {}\n  valid    {} until {}{}\n",
                styled(MET, "ok"),
                output_path.display(),
                c.kind.label(),
                c.serial,
                c.issuer.name,
                c.issuer.keyid,
                covers(c),
                c.target.name,
                c.target.version.as_deref().unwrap_or(""),
                c.target.sha256,
                c.target
                    .approval
                    .as_ref()
                    .map(|a| format!("\n           {}", a.words()))
                    .unwrap_or_default(),
                c.scheme.id,
                c.scheme.version,
                c.issued,
                c.valid_until,
                c.reassess_by.as_ref().map(|d| format!(", reassessment due by {d}")).unwrap_or_default()
            ));
            Ok(())
        }
        Err(CertError::Refused(reasons)) => {
            if args.json {
                output::print_tagged_json(
                    "Issuance",
                    &IssuanceJson {
                        issued: false,
                        attestation_kind: kind.as_str().to_string(),
                        scheme: scheme.id.value.clone(),
                        scheme_version: scheme.version.clone(),
                        output: None,
                        serial: None,
                        reasons,
                        attestation: None,
                    },
                );
                return Err(Failure::CheckFailed);
            }
            let mut out = format!(
                "{} no {} issued under scheme {} {}:\n",
                styled(UNDER, "REFUSED"),
                kind.as_str(),
                scheme.id.value,
                scheme.version
            );
            for r in reasons {
                out.push_str(&format!("  - {r}\n"));
            }
            output::print(&out);
            Err(Failure::CheckFailed)
        }
        Err(e) => Err(cert_problem(&args.key, e).into()),
    }
}

/// What `smm cert verify` was given.
struct VerifyArgs<'a> {
    cert_path: &'a Path,
    issuers_path: Option<&'a Path>,
    issuer_path: Option<&'a Path>,
    target: Option<&'a Path>,
    assessments: &'a [PathBuf],
    revoked: Option<&'a Path>,
    log: LogArgs<'a>,
    at: Option<&'a str>,
    json: bool,
}

/// Whether and how to check the attestation is in a transparency log.
struct LogArgs<'a> {
    proof: Option<&'a Path>,
    key: Option<&'a str>,
    required: bool,
}

/// `smm cert verify --json`: the verdict, every check in order, and the attestation.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct VerificationJson {
    /// `certificate` or `declaration`, once the signature held. Named apart from the document's
    /// own `kind` (`Verification`), which it once duplicated.
    pub attestation_kind: Option<String>,
    /// Whether every check passed.
    pub valid: bool,
    /// The first check that failed, in words.
    pub reason: Option<String>,
    /// The day the attestation was verified for (`YYYY-MM-DD`).
    pub at: String,
    /// Every check, in the order made.
    pub checks: Vec<CheckJson>,
    /// What the transparency log's proof showed.
    pub log: LogCheckJson,
    /// The attestation, once its signature and statement were valid.
    pub attestation: Option<smm_cert::Attestation>,
}

/// One check of a verification.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CheckJson {
    /// Whether it holds.
    pub ok: bool,
    /// What was checked and found.
    pub check: String,
}

/// The transparency log's part of a verification.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct LogCheckJson {
    /// Whether a log proof was given and checked.
    pub checked: bool,
    /// Whether `--log-required` made a missing or failing proof fail the verification.
    pub required: bool,
    /// Whether the proof shows the attestation in the log.
    pub in_log: bool,
    /// The log's origin line.
    pub origin: Option<String>,
    /// The attestation's index in the log.
    pub index: Option<u64>,
    /// The size of the checkpoint the proof is against.
    pub checkpoint_size: Option<u64>,
}

fn verify_command(args: &VerifyArgs<'_>) -> Result<(), Failure> {
    let VerifyArgs {
        cert_path,
        issuers_path,
        issuer_path,
        target,
        assessments,
        revoked,
        at,
        json,
        ..
    } = *args;
    let envelope = read_envelope(cert_path)?;
    let signers = Signers::read(cert_path, issuers_path, issuer_path)?;
    let trust = signers.trust();
    let at = match at {
        Some(d) => checked_date(d, "--at")?.to_string(),
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
    let mut report = verify(&VerifyInput {
        envelope: &envelope,
        trust,
        at: &at,
        target: target_digest.as_deref(),
        assessments: assessment_digests,
        revocations: revocations.as_ref(),
    });
    let log_proof = match args.log.proof {
        Some(path) => {
            let source = read_source(path)?;
            let proof = LogProof::from_json(&source.text)
                .map_err(|e| Problem::file(path, e.to_string()))?;
            let key = args.log.key.ok_or_else(|| {
                Problem::file(
                    path,
                    "give --log-key: the log's verifier key (`verifier_key` of GET /api/log)",
                )
            })?;
            Some((proof, super::log::read_log_key(key)?))
        }
        None => None,
    };
    let included = check_log(
        &mut report,
        &envelope,
        log_proof.as_ref().map(|(p, k)| (p, k)),
        args.log.required,
    );
    let log_view = LogCheckJson {
        checked: log_proof.is_some(),
        required: args.log.required,
        in_log: included.is_some(),
        origin: included.as_ref().map(|i| i.origin.clone()),
        index: included.as_ref().map(|i| i.index),
        checkpoint_size: included.as_ref().map(|i| i.checkpoint.size),
    };
    let kind = report.kind();
    if json {
        output::print_tagged_json(
            "Verification",
            &VerificationJson {
                attestation_kind: kind.map(|k| k.as_str().to_string()),
                valid: report.passed(),
                reason: report.reason().map(str::to_string),
                at: at.clone(),
                checks: report
                    .checks
                    .iter()
                    .map(|c| CheckJson {
                        ok: c.ok,
                        check: c.what.clone(),
                    })
                    .collect(),
                log: log_view,
                attestation: report.certificate.clone(),
            },
        );
    } else {
        let title = match kind {
            Some(k) => format!("{} — {}", k.label(), cert_path.display()),
            None => format!(
                "Attestation {} (kind unknown until the signature holds)",
                cert_path.display()
            ),
        };
        let mut out = format!("{}\n", styled(HEADER, &title));
        for c in &report.checks {
            let mark = if c.ok {
                styled(MET, "  ok  ")
            } else {
                styled(UNDER, "  FAIL")
            };
            out.push_str(&format!("{mark} {}\n", c.what));
        }
        if log_proof.is_none() && !args.log.required {
            out.push_str(
                "   --  log: not checked (no --log-proof given): nothing here shows the attestation \
                 was published in a transparency log\n",
            );
        }
        let what = match kind {
            Some(AttestationKind::Declaration) => "supplier's declaration (not a certificate)",
            Some(AttestationKind::Certificate) => "certificate",
            None => "attestation",
        };
        // The profile attested, once the signature holds: a customer sees who approved it.
        if let Some(c) = &report.certificate {
            out.push_str(&format!(
                "  profile {} {}: {}\n",
                c.target.name,
                c.target.version.as_deref().unwrap_or(""),
                c.target
                    .approval
                    .as_ref()
                    .map(|a| a.words())
                    .unwrap_or_else(|| "no approval recorded".to_string())
            ));
        }
        match report.reason() {
            None => out.push_str(&format!("{} the {what} is valid\n", styled(MET, "VALID:"))),
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

/// Who the verifier trusts: the issuers document, or one public key, as read from the file
/// named by `--issuers` or `--issuer`.
pub(crate) enum Signers {
    /// The issuers document.
    Document(IssuersDocument),
    /// One public key.
    Key(ed25519_dalek::VerifyingKey),
}

impl Signers {
    /// Reads `--issuers FILE` or, failing that, `--issuer FILE`.
    pub(crate) fn read(
        cert_path: &Path,
        issuers: Option<&Path>,
        issuer: Option<&Path>,
    ) -> Result<Signers, Failure> {
        match (issuers, issuer) {
            (Some(path), _) => {
                let source = read_source(path)?;
                let doc =
                    IssuersDocument::from_json(&source.text).map_err(|e| cert_problem(path, e))?;
                Ok(Signers::Document(doc))
            }
            (None, Some(path)) => {
                let source = read_source(path)?;
                let key = keys::read_public(&source.text).map_err(|e| cert_problem(path, e))?;
                Ok(Signers::Key(key))
            }
            (None, None) => Err(Problem::file(
                cert_path,
                "give --issuers FILE (the issuers document) or --issuer FILE (a public key)",
            )
            .into()),
        }
    }

    /// As verification takes it.
    pub(crate) fn trust(&self) -> Trust<'_> {
        match self {
            Signers::Document(doc) => Trust::Issuers(doc),
            Signers::Key(key) => Trust::Key(key),
        }
    }
}

fn revoke_command(
    cert_path: &Path,
    key_path: &Path,
    reason: &str,
    date: Option<&str>,
    list_path: &Path,
    passphrase_file: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    if reason.trim().is_empty() {
        return Err(Problem::file(cert_path, "a revocation needs a --reason").into());
    }
    let key = read_key(key_path, passphrase_file)?;
    let envelope = read_envelope(cert_path)?;
    // Only a certificate this key signed can be revoked with it.
    let verifying = key.verifying_key();
    let report = verify(&VerifyInput {
        envelope: &envelope,
        trust: Trust::Key(&verifying),
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
        Some(d) => checked_date(d, "--date")?.to_string(),
        None => today(),
    };
    let (list, contents) = revoke(
        existing.as_ref(),
        &key,
        Revocation {
            serial: cert.serial.clone(),
            date: date.clone(),
            reason: reason.trim().to_string(),
        },
    )
    .map_err(|e| cert_problem(list_path, e))?;
    write_atomically(
        list_path,
        &(serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"),
    )?;
    if json {
        output::print_tagged_json(
            "Revocation",
            &RevocationJson {
                serial: cert.serial.clone(),
                attestation_kind: cert.kind.as_str().to_string(),
                date,
                reason: reason.trim().to_string(),
                list: list_path.display().to_string(),
                revoked_in_all: contents.revoked.len(),
            },
        );
        return Ok(());
    }
    output::print(&format!(
        "{} revoked certificate {} in {} ({} revoked in all)\n",
        styled(MET, "ok"),
        cert.serial,
        list_path.display(),
        contents.revoked.len()
    ));
    Ok(())
}

pub(crate) fn read_envelope(path: &Path) -> Result<Envelope, Failure> {
    let source = read_source(path)?;
    serde_json::from_str(&source.text).map_err(|e| {
        Problem::file(
            path,
            format!("not a signed envelope (DSSE JSON with payloadType, payload, signatures): {e}"),
        )
        .into()
    })
}

pub(crate) fn read_key(
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

pub(crate) fn checked_date(text: &str, option: &str) -> Result<Date, Failure> {
    Date::parse(text).ok_or_else(|| {
        Problem::file(
            Path::new(option),
            format!("`{text}` is not a date: expected YYYY-MM-DD"),
        )
        .into()
    })
}
