//! What only `smm-full` carries: the server, the store's administration and the PDF engine.
//!
//! The everyday binary `smm` does not link them, which makes it a third of the size and its
//! start about twice as fast (docs/performance.md, "A CLI at process-start speed"). A command
//! that needs them is recognized from the command line before anything else runs
//! ([`needs_full`]) and handed over whole: `smm` replaces itself with `smm-full`, installed
//! beside it, with the same arguments, so the process, its exit code and its signals stay the
//! same (`smm serve` under systemd or a test harness is still the process that was started).
//!
//! Inside, the heavy parts are reached only through [`Engines`], which `smm-full` installs at
//! start: code that names them directly would be linked into `smm` too.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use smm_report::attestation;
use smm_report::html::{ReportInput, ReportSections};

use crate::cli::{AdminAction, AuditAction, CertAction, Command};
use crate::commands;
use crate::commands::report::extension;
use crate::failure::{Failure, Problem};

/// The name of the binary with everything built in.
pub const FULL_BINARY: &str = "smm-full";

/// The parts only `smm-full` links, each behind a function pointer.
pub struct Engines {
    /// `smm serve`.
    pub serve: fn(&commands::serve::Args<'_>) -> Result<(), Failure>,
    /// `smm admin …`.
    pub admin: fn(&AdminAction) -> Result<(), Failure>,
    /// `smm audit …`.
    pub audit: fn(&AuditAction) -> Result<(), Failure>,
    /// A report typeset as PDF.
    pub report_pdf: fn(&ReportInput, &ReportSections) -> Result<Vec<u8>, String>,
    /// A certificate or declaration typeset as PDF.
    pub attestation_pdf: fn(&attestation::Input<'_>) -> Result<Vec<u8>, String>,
}

/// `smm-full`'s engines.
pub(crate) static ENGINES: Engines = Engines {
    serve: commands::serve::run,
    admin: commands::admin::run,
    audit: commands::audit::run,
    report_pdf: smm_report::pdf::report_with,
    attestation_pdf: attestation::pdf,
};

static INSTALLED: OnceLock<&'static Engines> = OnceLock::new();

/// Makes the engines reachable ([`engines`]); `smm-full` calls it before running a command.
pub(crate) fn install(engines: &'static Engines) {
    let _ = INSTALLED.set(engines);
}

/// The engines, in `smm-full`. In `smm` this is a mistake of ours, never of the user's: a command
/// that needs them should have been handed over by [`needs_full`] before it started.
pub(crate) fn engines() -> Result<&'static Engines, Failure> {
    INSTALLED.get().copied().ok_or_else(|| {
        Failure::from(Problem::general(format!(
            "this command needs {FULL_BINARY}, and smm did not hand it over (a bug: please report it)"
        )))
    })
}

/// Whether a command needs what only `smm-full` carries.
pub(crate) fn needs_full(command: &Command) -> bool {
    let pdf = |output: &Path| extension(output) == "pdf";
    match command {
        Command::Serve { .. } | Command::Admin { .. } | Command::Audit { .. } => true,
        Command::Report { output, .. } => pdf(output),
        Command::Cert {
            action: CertAction::Render { output, .. },
        } => pdf(output),
        _ => false,
    }
}

/// Runs this command line in `smm-full` instead: on Unix the process becomes `smm-full` and this
/// returns only if it could not; elsewhere it waits for `smm-full` and exits with its code.
pub(crate) fn hand_over() -> Result<(), Failure> {
    let binary = beside_this_one()?;
    let mut command = std::process::Command::new(&binary);
    command.args(std::env::args_os().skip(1));
    let cannot = |e: std::io::Error| {
        Failure::from(Problem::general(format!(
            "cannot start {}: {e}",
            binary.display()
        )))
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Messages and usage lines name the command as the user typed it.
        let arg0: OsString = std::env::args_os()
            .next()
            .unwrap_or_else(|| OsString::from("smm"));
        Err(cannot(command.arg0(arg0).exec()))
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(cannot)?;
        std::process::exit(status.code().unwrap_or(2))
    }
}

/// `smm-full` in the folder of the running binary (where `cargo install` and the Debian package
/// put both).
fn beside_this_one() -> Result<PathBuf, Failure> {
    let this = std::env::current_exe().map_err(|e| {
        Failure::from(Problem::general(format!(
            "cannot find {FULL_BINARY}: the running binary's path is unknown ({e})"
        )))
    })?;
    let name = format!("{FULL_BINARY}{}", std::env::consts::EXE_SUFFIX);
    let full = this.with_file_name(name);
    if full.is_file() {
        Ok(full)
    } else {
        Err(Failure::from(Problem::general(format!(
            "this command needs {FULL_BINARY}, which carries the server, the store's administration \
             and the PDF engine, and it is not installed beside smm (looked for {}): \
             `cargo install --path crates/smm-cli` installs both, and in a checkout \
             `cargo build -p smm-cli` builds both",
            full.display()
        ))))
    }
}
