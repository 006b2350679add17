//! `smm audit verify`: checks the store's hash-chained audit log.

use std::path::Path;

use smm_store::{ChainCheck, Store};

use crate::cli::AuditAction;
use crate::failure::{Failure, Problem};
use crate::output::{self, styled, MET, UNDER};

/// The database `smm serve` uses when none is given.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://smm-data/smm.db";

/// Runs the command.
pub fn run(action: &AuditAction) -> Result<(), Failure> {
    let AuditAction::Verify { database_url, head } = action;
    let url = database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL);
    if let Some(file) = url.strip_prefix("sqlite://") {
        // Verifying must never create an empty database and call it intact.
        let file = file.split('?').next().unwrap_or(file);
        if !Path::new(file).exists() {
            return Err(Problem::file(Path::new(file), "no such database").into());
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Problem::file(Path::new(url), format!("cannot start: {e}")))?;
    let check = head
        .as_deref()
        .map_or_else(ChainCheck::default, ChainCheck::expecting_head);
    let report = runtime
        .block_on(async { Store::open(url).await?.check_audit(check).await })
        .map_err(|e| Problem::file(Path::new(url), e.to_string()))?;
    if report.intact() {
        output::print(&format!(
            "{} audit log intact: {} entries, head {}\n",
            styled(MET, "ok"),
            report.entries,
            report.head
        ));
        Ok(())
    } else {
        let mut out = format!(
            "{} audit log broken ({} entries read):\n",
            styled(UNDER, "FAIL"),
            report.entries
        );
        for p in &report.problems {
            out.push_str(&format!("  - {p}\n"));
        }
        output::print(&out);
        Err(Failure::CheckFailed)
    }
}
