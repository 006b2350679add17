//! `smm cert render`: the one-page document to hand over with a certificate or declaration, as
//! PDF or HTML, rendered only from an envelope whose signature holds.

use std::path::Path;

use smm_cert::{verify, VerifyInput};
use smm_report::attestation::{self, Input, VerifyBase};

use crate::clock::today;
use crate::commands::cert::{read_envelope, Signers};
use crate::failure::{Failure, Problem};
use crate::output::{self, styled, MET, UNDER};
use crate::write::{write_atomically, write_bytes_atomically};

/// What the output file's extension asks for.
enum Format {
    Pdf,
    Html,
}

/// Verifies `cert` against the issuers document or key, then writes the document to `output`.
pub fn run(
    cert: &Path,
    issuers: Option<&Path>,
    issuer: Option<&Path>,
    verify_url: &str,
    output: &Path,
) -> Result<(), Failure> {
    let format = match output
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .as_deref()
    {
        Some("pdf") => Format::Pdf,
        Some("html" | "htm") => Format::Html,
        _ => {
            return Err(Problem::file(
                output,
                "the document is written as PDF or HTML: name the file FILE.pdf or FILE.html",
            )
            .into())
        }
    };
    let base = VerifyBase::parse(verify_url)
        .map_err(|e| Failure::from(Problem::file(Path::new("--verify-url"), e)))?;
    let envelope = read_envelope(cert)?;
    let signers = Signers::read(cert, issuers, issuer)?;
    let today = today();
    let report = verify(&VerifyInput {
        envelope: &envelope,
        trust: signers.trust(),
        at: &today,
        target: None,
        assessments: Vec::new(),
        revocations: None,
    });
    // The attestation is there only when the signature, the statement and the issuer held; the
    // checks after that are the dates, and an expired one is not handed over as current.
    let refused = match &report.certificate {
        None => Some(
            report
                .reason()
                .unwrap_or("the signature could not be checked")
                .to_string(),
        ),
        Some(a) if a.valid_until.as_str() < today.as_str() => Some(format!(
            "it expired on {}; a document is rendered only for an attestation still valid",
            a.valid_until
        )),
        Some(_) => None,
    };
    let attestation = match (refused, report.certificate) {
        (None, Some(a)) => a,
        (reason, _) => {
            output::print(&format!(
                "{} {} not rendered: {}\n",
                styled(UNDER, "REFUSED:"),
                cert.display(),
                reason.unwrap_or_default()
            ));
            return Err(Failure::CheckFailed);
        }
    };
    let input = Input {
        attestation: &attestation,
        verify: &base,
        rendered: &today,
    };
    let failed = |e: String| Failure::from(Problem::file(output, e));
    let what = match format {
        Format::Pdf => {
            let typeset = crate::full::engines()?.attestation_pdf;
            write_bytes_atomically(output, &typeset(&input).map_err(failed)?)?;
            "PDF"
        }
        Format::Html => {
            write_atomically(output, &attestation::html(&input).map_err(failed)?)?;
            "HTML"
        }
    };
    output::print(&format!(
        "{} wrote {} ({what}): {} {} of {}, verify at {}\n",
        styled(MET, "ok"),
        output.display(),
        attestation.kind.label(),
        attestation.serial,
        attestation.issuer.name,
        base.link(&attestation.serial)
    ));
    Ok(())
}
