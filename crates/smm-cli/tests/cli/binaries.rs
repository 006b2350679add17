//! The two binaries: `smm` for everyday commands, `smm-full` with the server and the PDF engine,
//! and the hand-over between them (`src/full.rs`).

use std::path::Path;

use crate::support::{root, smm, BOTTLING_ASSESSMENT, BOTTLING_TARGET};

const FULL: &str = env!("CARGO_BIN_EXE_smm-full");
const EVERYDAY: &str = env!("CARGO_BIN_EXE_smm");

fn size(path: &str) -> u64 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .len()
}

/// The point of the split: code that named the server or the PDF engine from an everyday path
/// would link them into `smm` again, and its start would pay for them (docs/performance.md).
#[test]
fn the_everyday_binary_leaves_the_server_and_the_pdf_engine_out() {
    let (everyday, full) = (size(EVERYDAY), size(FULL));
    assert!(
        everyday * 2 < full,
        "smm is {everyday} bytes, smm-full {full}: smm links what it should hand over"
    );
}

/// Commands that need `smm-full` still work through `smm`, with the same exit codes.
#[test]
fn smm_hands_pdf_output_and_the_server_to_smm_full() {
    let work = tempfile::tempdir().expect("temp dir");
    let pdf = work.path().join("report.pdf");
    let pdf = pdf.to_str().expect("UTF-8 path");
    smm()
        .args(["report", BOTTLING_TARGET, BOTTLING_ASSESSMENT, "-o", pdf])
        .assert()
        .success();
    let bytes = std::fs::read(pdf).expect("the report");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");

    // Bad input found by smm-full is still bad input (exit 2), and nothing is written.
    let data = work.path().join("data");
    let refused = smm()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "mysql://db/smm",
        ])
        .arg("--data-dir")
        .arg(&data)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(
        err.contains("unsupported database URL `mysql://db/smm`"),
        "{err}"
    );
    assert!(!data.exists(), "nothing written");
}

/// `smm-full` is the same command line and runs everyday commands itself.
#[test]
fn smm_full_runs_every_command_itself() {
    let gap = |binary: &str| {
        let out = std::process::Command::new(binary)
            .current_dir(root())
            .args(["gap", BOTTLING_TARGET, BOTTLING_ASSESSMENT, "--json"])
            .output()
            .expect("run");
        assert!(out.status.success(), "{binary}: {out:?}");
        out.stdout
    };
    assert_eq!(gap(FULL), gap(EVERYDAY));
}

/// A copy of `smm` without `smm-full` beside it says what is missing and where it looked,
/// instead of failing obscurely; everyday commands still work.
#[test]
fn smm_without_smm_full_says_what_is_missing() {
    let alone = tempfile::tempdir().expect("temp dir");
    let copy = alone.path().join("smm");
    std::fs::copy(EVERYDAY, &copy).expect("copy smm");
    let run = |args: &[&str]| {
        std::process::Command::new(&copy)
            .current_dir(root())
            .args(args)
            .output()
            .expect("run")
    };
    let out = run(&["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    let expected = alone.path().join("smm-full");
    assert!(
        err.contains("needs smm-full") && err.contains(&*expected.to_string_lossy()),
        "{err}"
    );
    assert!(!Path::new(&expected).exists());
    let gap = run(&["gap", BOTTLING_TARGET, BOTTLING_ASSESSMENT]);
    assert!(gap.status.success(), "{gap:?}");
}
