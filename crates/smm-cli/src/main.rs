//! `smm`, the everyday binary: every command but those that need the server, the store's
//! administration or the PDF engine, which it hands to `smm-full` (see `full.rs`).

use std::process::ExitCode;

/// mimalloc instead of the system allocator: parsing a document allocates many small values, and
/// a server create spent about a quarter of its CPU in glibc's malloc and free (see
/// docs/performance.md, "Creates").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    smm_cli::everyday()
}
