//! The Debian package (`scripts/deb`), built from the binary under test, installed with dpkg in
//! the test environment, its service started, then removed and purged.
//!
//! Installing needs root and dpkg: without them the test is skipped, loudly, except under
//! `CI=true`, where it fails. The test environment has no systemd running as its first process,
//! so the unit itself is checked by `systemd-analyze verify` and the service is started as
//! systemd would start it: the unit's `ExecStart`, as its `User`, in its `WorkingDirectory`,
//! with its `EnvironmentFile` (a free port put in place of the configured one).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// Whether packages can be installed here; under `CI=true` they must.
fn can_install() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let dpkg = ["dpkg", "dpkg-deb", "systemd-analyze", "setpriv"]
        .iter()
        .all(|p| Command::new(p).arg("--version").output().is_ok());
    if !(root && dpkg) {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but the package cannot be installed here (root: {root}; dpkg, dpkg-deb, \
             systemd-analyze and setpriv present: {dpkg})"
        );
        eprintln!("skipped: installing the Debian package needs root, dpkg and systemd-analyze");
    }
    root && dpkg
}

/// Runs a command and returns its standard output, failing with its error output.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The value of `key=` in a unit file (the last one, as systemd reads it).
fn unit_value<'a>(unit: &'a str, key: &str) -> Option<&'a str> {
    unit.lines()
        .rev()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
}

/// The status line of `GET path` on loopback, or `None` while nothing answers.
fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

fn mode_and_owner(path: &str) -> String {
    run("stat", &["-c", "%a %U", path]).trim().to_string()
}

#[test]
fn the_debian_package_installs_its_files_and_its_service_starts() {
    if !can_install() {
        return;
    }
    let out = workspace();
    let built = run(
        root().join("scripts/deb").to_str().expect("UTF-8 path"),
        &[
            "--binary",
            env!("CARGO_BIN_EXE_smm"),
            "--fast",
            "--out",
            out.path().to_str().expect("UTF-8 path"),
        ],
    );
    let deb = built
        .lines()
        .last()
        .expect("the package's path")
        .to_string();
    assert!(Path::new(&deb).is_file(), "{deb}");
    let control = run("dpkg-deb", &["--field", &deb, "Package", "Depends"]);
    assert!(control.contains("Package: smm"), "{control}");
    assert!(control.contains("libc6 (>="), "{control}");

    // A clean slate: an earlier run that stopped half-way leaves nothing behind.
    let _ = Command::new("dpkg").args(["--purge", "smm"]).output();
    let _ = std::fs::remove_dir_all("/var/lib/smm");
    run("dpkg", &["--install", &deb]);

    // The binary, its manual pages and completions, where Debian's tools look for them.
    let version = run("/usr/bin/smm", &["--version"]);
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
    let full = run("/usr/bin/smm-full", &["--version"]);
    assert_eq!(full, version, "both binaries come from the same build");
    for page in ["smm", "smm-check", "smm-cert-verify", "smm-serve"] {
        let file = format!("/usr/share/man/man1/{page}.1.gz");
        assert!(Path::new(&file).is_file(), "{file}");
    }
    let manual = run("man", &["-P", "cat", "smm-check"]);
    assert!(manual.contains("SYNOPSIS"), "{manual}");
    for (file, needle) in [
        (
            "/usr/share/bash-completion/completions/smm",
            "threat-modeling",
        ),
        ("/usr/share/zsh/vendor-completions/_smm", "threat-modeling"),
        (
            "/usr/share/fish/vendor_completions.d/smm.fish",
            "threat-modeling",
        ),
        ("/usr/share/smm/completions/smm.ps1", "threat-modeling"),
    ] {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(text.contains(needle), "{file} does not complete {needle}");
    }

    // The configuration is a conffile; the service has a user of its own and a private home.
    let conffiles = run("dpkg-query", &["-W", "-f=${Conffiles}", "smm"]);
    assert!(conffiles.contains("/etc/smm/smm.env"), "{conffiles}");
    let user = run("getent", &["passwd", "smm"]);
    assert!(user.contains(":/var/lib/smm:/usr/sbin/nologin"), "{user}");
    assert_eq!(mode_and_owner("/var/lib/smm"), "700 smm");

    // The unit: valid for systemd, and hardened.
    let unit_path = "/lib/systemd/system/smm.service";
    run("systemd-analyze", &["verify", unit_path]);
    let unit = std::fs::read_to_string(unit_path).expect("the unit");
    for (key, value) in [
        ("User", "smm"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("CapabilityBoundingSet", ""),
        ("StateDirectory", "smm"),
    ] {
        assert_eq!(unit_value(&unit, key), Some(value), "{key}= in the unit");
    }

    // The service, started as systemd starts it.
    let port = crate::support::free_port_below_ephemeral();
    let env_file = unit_value(&unit, "EnvironmentFile")
        .expect("an environment file")
        .trim_start_matches('-');
    let mut environment: Vec<(String, String)> = std::fs::read_to_string(env_file)
        .expect("the configuration")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let listen = environment
        .iter_mut()
        .find(|(k, _)| k == "SMM_SERVE_ARGS")
        .expect("SMM_SERVE_ARGS in the configuration");
    assert_eq!(
        listen.1, "--listen 127.0.0.1:8080",
        "the default: loopback only"
    );
    listen.1 = format!("--listen 127.0.0.1:{port}");
    let exec: Vec<String> = unit_value(&unit, "ExecStart")
        .expect("ExecStart")
        .split_whitespace()
        .flat_map(|word| match word.strip_prefix('$') {
            Some(var) => environment
                .iter()
                .find(|(k, _)| k == var)
                .map(|(_, v)| v.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default(),
            None => vec![word.to_string()],
        })
        .collect();
    assert_eq!(exec[..2], ["/usr/bin/smm", "serve"]);
    let mut server = Command::new("setpriv")
        .args(["--reuid=smm", "--regid=smm", "--init-groups", "--"])
        .args(&exec)
        .current_dir(unit_value(&unit, "WorkingDirectory").expect("WorkingDirectory"))
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .envs(environment.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the service");
    let started = Instant::now();
    let answer = loop {
        if let Some(answer) = get(port, "/api/health") {
            break answer;
        }
        if let Ok(Some(status)) = server.try_wait() {
            let mut err = String::new();
            let _ = server.stderr.take().map(|mut e| e.read_to_string(&mut err));
            panic!("the service stopped ({status}): {err}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the service did not answer"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        answer
            .lines()
            .next()
            .is_some_and(|l| l.ends_with(" 200 OK")),
        "{answer}"
    );
    // What it keeps is the service user's alone.
    assert_eq!(mode_and_owner("/var/lib/smm/keys.secret"), "600 smm");
    assert_eq!(
        mode_and_owner("/var/lib/smm/smm.db").split(' ').nth(1),
        Some("smm")
    );
    run("kill", &["-TERM", &server.id().to_string()]);
    let status = server.wait().expect("the service stops");
    assert!(status.success(), "SIGTERM stops it cleanly: {status}");

    // Removing keeps the configuration and the data; purging removes the configuration only.
    run("dpkg", &["--remove", "smm"]);
    assert!(!Path::new("/usr/bin/smm").exists());
    assert!(!Path::new("/usr/bin/smm-full").exists());
    assert!(
        Path::new("/etc/smm/smm.env").exists(),
        "a conffile outlives removal"
    );
    run("dpkg", &["--purge", "smm"]);
    assert!(!Path::new("/etc/smm/smm.env").exists(), "purged");
    assert!(
        Path::new("/var/lib/smm/keys.secret").exists(),
        "the data is never purged"
    );
    std::fs::remove_dir_all("/var/lib/smm").expect("tidy");
}
