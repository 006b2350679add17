//! `smm`, the everyday binary: every command but those that need the server, the store's
//! administration or the PDF engine, which it hands to `smm-full` (see `full.rs`).

use std::process::ExitCode;

// The system's allocator, not mimalloc as `smm-full` has: a command here runs for a few
// milliseconds, and mimalloc's pages per size class touched 170 more pages of memory than
// glibc's heap in `smm gap` (573 page faults against 403), a tenth of its time on this machine
// (docs/performance.md, "The everyday binary's allocator").

fn main() -> ExitCode {
    smm_cli::everyday()
}
