//! Long operations show progress on a terminal and nothing when their output is piped.

use std::time::Duration;

use expectrl::{Eof, Session};

use crate::support::*;

const HVAC: [&str; 3] = [
    "examples/hvac/risk.yaml",
    "examples/hvac/assessment.yaml",
    "examples/hvac/target.yaml",
];

/// `smm ARGS` in `dir` on a pseudo-terminal, as a person would run it.
fn terminal(dir: &std::path::Path, args: &[&str]) -> Session {
    let mut command = process();
    command
        .current_dir(dir)
        .args(args)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .env_remove("SMM_NO_PROGRESS");
    let mut session = Session::spawn(command).expect("spawn smm in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(60)));
    session
}

#[test]
fn a_simulation_shows_what_it_does_on_a_terminal() {
    let mut session = terminal(
        &root(),
        &["risk", HVAC[0], HVAC[1], HVAC[2], "--iterations", "300000"],
    );
    session
        .expect("simulating 300,000 years of 4 loss scenarios for 2 profiles")
        .expect("the progress line");
    // The figures follow once the line is cleared.
    session.expect("Annual loss").expect("the result");
    session.expect(Eof).expect("the end");
}

#[test]
fn piped_output_carries_no_progress() {
    for args in [
        vec!["risk", HVAC[0], HVAC[1], HVAC[2], "--iterations", "20000"],
        vec![
            "roadmap",
            HVAC[2],
            HVAC[1],
            "--rank",
            "risk",
            "--scenarios",
            HVAC[0],
            "--iterations",
            "5000",
        ],
    ] {
        let out = smm().args(&args).output().expect("run");
        assert!(out.status.success(), "{args:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?} wrote to standard error: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn a_backup_and_a_restore_say_what_they_do_on_a_terminal_and_nothing_in_a_pipe() {
    let work = workspace();
    let dir = work.path();
    let url = format!("sqlite://{}", dir.join("data/smm.db").display());
    let created = smm()
        .current_dir(dir)
        .args([
            "admin",
            "create-user",
            "--name",
            "ana",
            "--organization",
            "Lab",
        ])
        .args(["--database-url", &url])
        .env("SMM_PASSWORD", "a long enough password")
        .output()
        .expect("run");
    assert!(created.status.success());

    // In a pipe: the report on standard output, nothing on standard error.
    let piped = smm()
        .current_dir(dir)
        .args(["admin", "backup", "--data-dir", "data", "-o", "piped.tar"])
        .output()
        .expect("run");
    assert!(piped.status.success());
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );

    // On a terminal: each phase says what it does.
    let mut backup = terminal(
        dir,
        &["admin", "backup", "--data-dir", "data", "-o", "tty.tar"],
    );
    backup
        .expect("taking a consistent snapshot of the store")
        .expect("the snapshot's progress line");
    backup.expect(Eof).expect("the end");
    let mut restore = terminal(
        dir,
        &["admin", "restore", "tty.tar", "--data-dir", "restored"],
    );
    restore
        .expect("checking and unpacking the archive")
        .expect("the restore's progress line");
    restore.expect(Eof).expect("the end");
    assert!(dir.join("restored/smm.db").is_file());
}
