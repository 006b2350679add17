//! Prepares the built-in catalog, so that `smm` does not parse 150 kB of YAML at every start.
//!
//! The catalog is checked here, as `parse_catalog` checks it, and written in the binary form that
//! `Catalog::from_prepared` reads (see `smm_core::catalog::prepare`); `src/input.rs` embeds it.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=../../catalog/iot-smm-1.2.yaml");
    let bytes = match smm_core::catalog::prepare(smm_core::catalog::BUILTIN_CATALOG_YAML) {
        Ok(bytes) => bytes,
        Err(problems) => panic!("the built-in catalog is invalid:\n{problems}"),
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        panic!("cargo sets OUT_DIR for build scripts");
    };
    let path = PathBuf::from(out_dir).join("iot-smm-1.2.catalog");
    if let Err(e) = std::fs::write(&path, bytes) {
        panic!("cannot write {}: {e}", path.display());
    }
}
