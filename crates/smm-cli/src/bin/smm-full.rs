//! `smm-full`: the `smm` command line with everything built in, the server and the PDF engine
//! included. `smm` hands it `serve`, `admin`, `audit` and PDF output; it can be run directly too.

use std::process::ExitCode;

/// mimalloc, for the server (`smm` keeps the system's: see its main.rs): its creates spent about
/// a quarter of their CPU in glibc's malloc and free (docs/performance.md, "Creates").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    smm_cli::whole()
}
