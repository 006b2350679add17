//! `smm completions SHELL` and `smm man`: every script names every subcommand and offers the
//! catalog's ids after `smm explain` and `smm catalog`, bash really completes with its script,
//! fish and zsh accept theirs (when installed), and the manual pages render with groff.
//!
//! groff (Debian's groff-base), fish and zsh are provisioned by scripts/test: without them their
//! tests are skipped, except under `CI=true`, where they fail.

use std::path::Path;
use std::process::Command;

use crate::support::{smm, stdout_of, workspace};

/// The shells whose scripts must name every subcommand and the practice ids.
const SHELLS: [&str; 4] = ["bash", "zsh", "fish", "powershell"];

/// The top-level subcommands as `smm --help` lists them (`help` included): the reference the
/// scripts are held to, so a new command cannot be left out of them.
fn subcommands() -> Vec<String> {
    let help = stdout_of(&["--help"]);
    let (_, listed) = help
        .split_once("\nCommands:\n")
        .expect("`smm --help` has a Commands section");
    let names: Vec<String> = listed
        .lines()
        .take_while(|line| !line.trim().is_empty())
        // A command's own line; its wrapped description is indented further.
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect();
    for expected in [
        "catalog",
        "check",
        "explain",
        "cert",
        "serve",
        "completions",
        "man",
        "help",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "`smm --help` lists no `{expected}`: {names:?}"
        );
    }
    names
}

/// Whether `word` occurs in `text` as a whole word (not inside a longer name such as
/// `check` in `checkpoint` or `threat-modeling` in `threat-modeling-x`).
fn has_word(text: &str, word: &str) -> bool {
    let in_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(in_name) && !after.is_some_and(in_name)
    })
}

#[test]
fn every_script_names_every_subcommand_and_the_practice_ids() {
    let commands = subcommands();
    for shell in SHELLS {
        let script = stdout_of(&["completions", shell]);
        for command in &commands {
            assert!(has_word(&script, command), "{shell}: no `{command}`");
        }
        for id in [
            "threat-modeling",
            "patch-management",
            "threats",
            "hardening",
        ] {
            assert!(has_word(&script, id), "{shell}: no `{id}`");
        }
    }
}

#[test]
fn each_shell_offers_the_ids_after_explain() {
    let zsh = stdout_of(&["completions", "zsh"]);
    assert!(zsh.contains(r#"threat-modeling\:"Threat Modeling""#), "zsh");

    // clap_complete's fish and PowerShell generators leave positional arguments out; smm adds
    // their values under the subcommand's own condition or case.
    let fish = stdout_of(&["completions", "fish"]);
    for id in ["threat-modeling", "hardening-needs-patching"] {
        assert!(
            fish.lines()
                .any(|l| l.contains("using_subcommand explain\"")
                    && l.contains(&format!("-a '{id}'"))),
            "fish: {id} after explain"
        );
    }
    assert!(
        fish.lines().any(
            |l| l.contains("using_subcommand catalog\"") && l.contains("-a 'patch-management'")
        ),
        "fish: patch-management after catalog"
    );

    let powershell = stdout_of(&["completions", "powershell"]);
    let case = |name: &str| -> String {
        let start = powershell
            .find(&format!("'{name}' {{"))
            .unwrap_or_else(|| panic!("powershell: no case {name}"));
        let rest = &powershell[start..];
        rest[..rest.find("break").unwrap_or(rest.len())].to_string()
    };
    let explain = case("smm;explain");
    assert!(explain.contains("'threat-modeling', 'threat-modeling'"));
    assert!(explain.contains("'hardening-needs-patching'"));
    assert!(case("smm;catalog").contains("'patch-management', 'patch-management'"));
}

/// Sources `script` in bash and calls the function it registers for `smm` as bash would for the
/// command line `words` (the cursor at the end of the last word): the candidates, one a line.
fn bash_completes(script: &Path, words: &[&str]) -> Vec<String> {
    const CALL: &str = r#"
source "$1" || exit 1
shift
fn=$(complete -p smm | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
[ -n "$fn" ] || { echo "no completion function registered for smm" >&2; exit 1; }
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", CALL, "bash"])
        .arg(script)
        .args(words)
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "bash completing {words:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_subcommands_and_ids_with_its_script() {
    let dir = workspace();
    let script = dir.path().join("smm.bash");
    std::fs::write(&script, stdout_of(&["completions", "bash"])).expect("write");
    let syntax = Command::new("bash")
        .args(["-n"])
        .arg(&script)
        .output()
        .expect("run bash -n");
    assert!(
        syntax.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&syntax.stderr)
    );

    assert_eq!(
        bash_completes(&script, &["smm", "exp"]),
        ["explain", "export"]
    );
    let ids = bash_completes(&script, &["smm", "explain", "thr"]);
    assert!(ids.iter().any(|c| c == "threat-modeling"), "{ids:?}");
    assert!(ids.iter().all(|c| c.starts_with("thr")), "{ids:?}");
    assert_eq!(
        bash_completes(&script, &["smm", "catalog", "patch"]),
        ["patch-management"]
    );
    // Rules are explained, not shown by `smm catalog`.
    assert_eq!(
        bash_completes(&script, &["smm", "explain", "hardening-needs-p"]),
        ["hardening-needs-patching"]
    );
    assert!(bash_completes(&script, &["smm", "catalog", "hardening-needs-p"]).is_empty());
    // A nested subcommand.
    assert_eq!(bash_completes(&script, &["smm", "cert", "ver"]), ["verify"]);

    // The script's top-level words are exactly the commands `smm --help` lists.
    let mut top: Vec<String> = bash_completes(&script, &["smm", ""])
        .into_iter()
        .filter(|c| !c.starts_with('-'))
        .collect();
    let mut commands = subcommands();
    top.sort();
    commands.sort();
    assert_eq!(top, commands);
}

/// Whether `program` runs here; when it does not, a note says the test skipped it, except under
/// `CI=true`, where it fails (scripts/test installs Debian's fish and zsh).
fn installed(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {program} is missing: scripts/test provisions Debian's {program}"
        );
        eprintln!("skipped: {program} is not installed (scripts/test provisions it)");
    }
    found
}

#[test]
fn fish_accepts_its_script_and_completes_ids() {
    if !installed("fish") {
        return;
    }
    let dir = workspace();
    let script = dir.path().join("smm.fish");
    std::fs::write(&script, stdout_of(&["completions", "fish"])).expect("write");
    let syntax = Command::new("fish")
        .arg("--no-execute")
        .arg(&script)
        .output()
        .expect("run fish");
    assert!(
        syntax.status.success(),
        "fish -n: {}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    let out = Command::new("fish")
        .args(["--no-config", "-c"])
        .arg(format!(
            "source '{}'; complete -C 'smm explain threat-m'; complete -C 'smm exp'",
            script.display()
        ))
        .output()
        .expect("run fish");
    let completed = String::from_utf8_lossy(&out.stdout);
    assert!(
        completed.contains("threat-modeling\tThreat Modeling"),
        "{completed}"
    );
    assert!(
        completed.lines().any(|l| l.starts_with("explain\t")),
        "{completed}"
    );
}

#[test]
fn zsh_accepts_its_script() {
    if !installed("zsh") {
        return;
    }
    let dir = workspace();
    let script = dir.path().join("_smm");
    std::fs::write(&script, stdout_of(&["completions", "zsh"])).expect("write");
    let syntax = Command::new("zsh")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("run zsh");
    assert!(
        syntax.status.success(),
        "zsh -n: {}",
        String::from_utf8_lossy(&syntax.stderr)
    );
}

#[test]
fn an_unknown_shell_is_refused() {
    smm()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("tcsh"));
}

/// Whether groff can render manual pages here; under `CI=true` it must (scripts/test installs
/// Debian's groff-base).
fn groff_present() -> bool {
    let present = Command::new("groff")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but groff is missing: scripts/test provisions Debian's groff-base"
        );
        eprintln!("skipped: the manual page tests need groff (Debian's groff-base); scripts/test provisions it");
    }
    present
}

/// A manual page rendered as plain text by groff (UTF-8 input through preconv, as `man` reads
/// it), asserting that groff took it without a warning.
fn render(page: &Path) -> String {
    let out = Command::new("groff")
        .args(["-k", "-man", "-Tutf8", "-ww", "-P-cbou"])
        .arg(page)
        .output()
        .expect("run groff");
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && warnings.trim().is_empty(),
        "groff {}: {warnings}",
        page.display()
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn the_man_page_renders() {
    if !groff_present() {
        return;
    }
    let dir = workspace();
    let page = dir.path().join("smm.1");
    std::fs::write(&page, stdout_of(&["man"])).expect("write");
    let text = render(&page);
    for expected in ["NAME", "SYNOPSIS", "DESCRIPTION", "SUBCOMMANDS"] {
        assert!(text.contains(expected), "no {expected}:\n{text}");
    }
    assert!(has_word(&text, "smm"), "{text}");
    assert!(text.contains("smm-check(1)"), "{text}");
    // Justified text: spaces are widened to fill a line.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("The CI gate"), "{text}");
    // `smm help` merely repeats --help: no page, no entry.
    assert!(!text.contains("smm-help"), "{text}");
}

#[test]
fn man_dir_writes_a_page_per_subcommand_and_each_renders() {
    if !groff_present() {
        return;
    }
    let dir = workspace();
    smm()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout("");
    let mut pages: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    pages.sort();
    for expected in [
        "smm.1",
        "smm-check.1",
        "smm-cert-verify.1",
        "smm-oscal-export-poam.1",
    ] {
        assert!(
            pages.iter().any(|p| p == expected),
            "no {expected}: {pages:?}"
        );
    }
    // A page for every top-level subcommand but `help`, and no temporary file left behind.
    for command in subcommands().iter().filter(|c| *c != "help") {
        assert!(
            pages.contains(&format!("smm-{command}.1")),
            "no page for {command}"
        );
    }
    assert!(pages.iter().all(|p| p.ends_with(".1")), "{pages:?}");

    let main = render(&dir.path().join("smm.1"));
    assert!(main.contains("SYNOPSIS") && main.contains("smm-check(1)"));
    let check = render(&dir.path().join("smm-check.1"));
    assert!(
        check.contains("smm-check") && check.contains("--junit"),
        "{check}"
    );
    let verify = render(&dir.path().join("smm-cert-verify.1"));
    assert!(verify.contains("smm cert verify"), "{verify}");
    for page in &pages {
        render(&dir.path().join(page));
    }
}

#[test]
fn man_dir_refuses_a_folder_that_does_not_exist() {
    let dir = workspace();
    let missing = dir.path().join("no-such-folder");
    smm()
        .args(["man", "--dir"])
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(missing.display().to_string()));
    assert!(!missing.exists());
}

#[test]
fn catalog_ids_still_take_names_and_report_unknown_ids() {
    let by_id = stdout_of(&["explain", "threat-modeling"]);
    assert!(by_id.contains("Threat Modeling"), "{by_id}");
    let by_name = stdout_of(&["explain", "Threat Modeling"]);
    assert!(by_name.contains("Threat Modeling"), "{by_name}");
    let subdomain = stdout_of(&["catalog", "threats"]);
    assert!(subdomain.contains("Threat Modeling"), "{subdomain}");
    stdout_of(&["explain", "hardening-needs-patching"]);
    smm()
        .args(["explain", "no-such"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`no-such` is not a practice"));
    smm()
        .args(["catalog", "no-such"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no-such"));
    // The ids are for completion only: the help lists none of them.
    for command in ["explain", "catalog"] {
        let help = stdout_of(&[command, "--help"]);
        assert!(
            !help.contains("threat-modeling") && !help.contains("possible values"),
            "{command} --help:\n{help}"
        );
    }
}
