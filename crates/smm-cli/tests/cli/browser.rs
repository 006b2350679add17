//! The web pages in a real Chromium: `tests/browser/run.mjs` (sign-in to certificate
//! verification, permissions, accessibility with axe-core, screenshots) run against this build's
//! `smm`. It needs Chromium, Node.js and the runner's npm packages, which `scripts/test` installs:
//! without them the test is skipped, except under `CI=true`, where it fails.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::root;

/// Longer than the runner's own limits (a minute per journey) together, so that only a hung
/// browser or server reaches it.
const LIMIT: Duration = Duration::from_secs(8 * 60);

/// What is missing to run the browser tests, if anything.
fn missing(chromium: &Path, runner: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !chromium.exists() {
        missing.push(format!("Chromium at {}", chromium.display()));
    }
    let node = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !node {
        missing.push("node on PATH".to_string());
    }
    for package in ["playwright-core", "axe-core"] {
        let path = runner
            .join("node_modules")
            .join(package)
            .join("package.json");
        if !path.exists() {
            missing.push(format!("the npm package {package} in {}", runner.display()));
        }
    }
    missing
}

fn read_all(mut from: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Waits for the runner, or kills its whole process group (browser and server too) at `LIMIT`.
fn wait(child: &mut Child) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + LIMIT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(200)),
            _ => {
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.wait();
                return None;
            }
        }
    }
}

#[test]
fn the_pages_work_in_a_real_browser_and_pass_the_accessibility_audit() {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let runner = root().join("tests/browser");
    let missing = missing(&chromium, &runner);
    if !missing.is_empty() {
        let what = missing.join(", ");
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the browser tests cannot run: missing {what} (scripts/test provisions them)");
        }
        eprintln!("skipped: the browser tests need {what}; scripts/test provisions them");
        return;
    }

    let bin = PathBuf::from(env!("CARGO_BIN_EXE_smm"));
    // Screenshots beside this build (target/screenshots), unless SMM_SCREENSHOTS says otherwise.
    let screenshots = std::env::var_os("SMM_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| match bin.parent().and_then(Path::parent) {
            Some(target) => target.join("screenshots"),
            None => root().join("target/screenshots"),
        });
    let mut child = {
        use std::os::unix::process::CommandExt;
        Command::new("node")
            .arg(runner.join("run.mjs"))
            .env("SMM_BIN", &bin)
            .env("CHROMIUM", &chromium)
            .env("SMM_SCREENSHOTS", &screenshots)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("node starts")
    };
    let stdout = read_all(child.stdout.take().expect("stdout"));
    let stderr = read_all(child.stderr.take().expect("stderr"));
    let status = wait(&mut child);
    let output = format!(
        "{}{}",
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default()
    );
    println!("{output}");
    match status {
        Some(s) if s.success() => {}
        Some(s) => panic!("the browser tests failed ({s}); their output is above"),
        None => panic!(
            "the browser tests did not finish within {} s and were stopped; their output is above",
            LIMIT.as_secs()
        ),
    }
}
