//! The interactive interview, driven through a real pseudo-terminal: keystrokes in, screen out.

use std::path::{Path, PathBuf};
use std::time::Duration;

use expectrl::{Eof, Session};

const FACTORS: [&str; 11] = [
    "safety",
    "continuity",
    "lifecycle",
    "exposure",
    "regulation",
    "industry",
    "system",
    "business",
    "threats",
    "expectations",
    "in-place",
];
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

fn smm(dir: &Path, args: &[&str]) -> Session {
    let mut command = crate::support::process();
    command
        .args(args)
        .current_dir(dir)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
    let mut session = Session::spawn(command).expect("spawn smm in a pty");
    // Wide enough that no prompt wraps: a wrapped line splits the text the test waits for.
    session
        .get_process_mut()
        .set_window_size(400, 60)
        .expect("window size");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

/// Waits until `text` is on the screen, then types `keys`.
fn answer(session: &mut Session, text: &str, keys: &str) {
    session
        .expect(text)
        .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"));
    // inquire redraws after it has read the terminal state; a short pause keeps keys from
    // arriving before the prompt listens.
    std::thread::sleep(Duration::from_millis(150));
    session.send(keys).expect("type");
}

fn step_one(session: &mut Session, name: &str) {
    answer(
        session,
        "Name of this target profile",
        &format!("{name}{ENTER}"),
    );
    answer(
        session,
        "system of interest",
        &format!("Packaging cell{ENTER}"),
    );
    answer(
        session,
        "Your role toward the system",
        &format!("integrator{ENTER}"),
    );
    answer(session, "Authors", ENTER);
    answer(session, "Date (YYYY-MM-DD)", ENTER);
    answer(
        session,
        "Background and problem",
        &format!("Robots and a remote maintenance link{ENTER}"),
    );
}

fn walk_factors(session: &mut Session, first: &str) {
    answer(session, "[safety]", first);
    answer(session, "In a sentence, why", ENTER);
    for kind in &FACTORS[1..] {
        answer(session, &format!("[{kind}]"), ENTER);
    }
}

fn read_target(path: &PathBuf) -> smm_core::ResolvedTarget {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let target = smm_core::parse_target(&text).expect("a valid profile");
    smm_core::resolve(&smm_core::Catalog::builtin(), &target).expect("resolves")
}

#[test]
fn a_full_run_with_a_step_back_writes_the_profile() {
    let dir = crate::support::workspace();
    let mut s = smm(dir.path(), &["target", "new", "-o", "target.yaml"]);
    step_one(&mut s, "Line 9");
    answer(&mut s, "[safety]", &format!("high{ENTER}"));
    answer(
        &mut s,
        "In a sentence, why",
        &format!("operators work next to robots{ENTER}"),
    );
    for kind in &FACTORS[1..] {
        answer(&mut s, &format!("[{kind}]"), ENTER);
    }
    // Step 3 shows the goal suggestion raised by the safety factor; ESC goes back to step 2.
    answer(&mut s, "Goal for Governance", ESC);
    s.expect("Step 2 of 5").expect("back at the factors");
    walk_factors(&mut s, ENTER);
    answer(&mut s, "Goal for Governance", &format!("[keep]{ENTER}"));
    answer(&mut s, "Goal for Enablement", &format!("[keep]{ENTER}"));
    s.expect("safety (high) moved the hardening goal from 2/G to 3/G")
        .expect("the move is explained");
    answer(&mut s, "Goal for Hardening", &format!("[keep]{ENTER}"));
    // Step 4: change the first subdomain, with a reason, then accept the rest.
    answer(
        &mut s,
        "Security Strategy and Governance:",
        &format!("[change]{ENTER}"),
    );
    answer(
        &mut s,
        "Comprehensiveness:",
        &format!("3 Consistent{ENTER}"),
    );
    answer(&mut s, "Scope:", &format!("industry{ENTER}"));
    answer(
        &mut s,
        "Why?",
        &format!("the customer audits us against IEC 62443{ENTER}"),
    );
    s.expect("governance rolls up to")
        .expect("the effect is shown");
    answer(&mut s, "Threat Modeling:", &format!("[accept-rest]{ENTER}"));
    s.expect("wrote target.yaml")
        .expect("the profile is written");
    s.expect(Eof).expect("smm exits");

    let t = read_target(&dir.path().join("target.yaml"));
    assert_eq!(t.name, "Line 9");
    let strategy = t.subdomain("strategy").expect("strategy");
    assert_eq!(
        (
            strategy.level.comprehensiveness.value(),
            strategy.level.scope.token()
        ),
        (3, "industry")
    );
    assert_eq!(
        strategy.rationale.as_deref(),
        Some("the customer audits us against IEC 62443")
    );
    assert_eq!(
        t.domain("hardening")
            .expect("hardening")
            .level
            .comprehensiveness
            .value(),
        3
    );
    assert!(
        !dir.path().join("target.draft.yaml").exists(),
        "the draft is removed once the profile is written"
    );
}

#[test]
fn quitting_saves_a_draft_that_resumes_where_it_stopped() {
    let dir = crate::support::workspace();
    let mut s = smm(dir.path(), &["target", "new", "-o", "target.yaml"]);
    step_one(&mut s, "Line 7");
    answer(&mut s, "[safety]", &format!("medium{ENTER}"));
    answer(
        &mut s,
        "In a sentence, why",
        &format!("a jammed cell is dangerous to clear{ENTER}"),
    );
    answer(&mut s, "[continuity]", CTRL_C);
    s.expect("Continue with: smm target new --resume")
        .expect("told how to resume");
    s.expect(Eof).expect("smm exits");
    let draft = std::fs::read_to_string(dir.path().join("target.draft.yaml")).expect("draft saved");
    assert!(
        draft.contains("Line 7") && draft.contains("a jammed cell is dangerous to clear"),
        "{draft}"
    );
    assert!(!dir.path().join("target.yaml").exists());

    let mut s = smm(
        dir.path(),
        &["target", "new", "--resume", "target.draft.yaml"],
    );
    s.expect("Step 2 of 5").expect("resumes at the factors");
    walk_factors(&mut s, ENTER);
    answer(
        &mut s,
        "Goal for Governance",
        &format!("[accept-rest]{ENTER}"),
    );
    s.expect("wrote").expect("the profile is written");
    s.expect(Eof).expect("smm exits");
    let t = read_target(&dir.path().join("target.yaml"));
    assert_eq!(t.name, "Line 7", "nothing typed before quitting is lost");
    assert!(t
        .factors
        .iter()
        .any(|f| f.description == "a jammed cell is dangerous to clear"));
}

#[test]
fn a_goal_option_is_followed_by_its_scope_so_4_industry_is_two_choices() {
    let dir = crate::support::workspace();
    let mut s = smm(dir.path(), &["target", "new", "-o", "target.yaml"]);
    step_one(&mut s, "Line 4");
    for kind in FACTORS {
        answer(&mut s, &format!("[{kind}]"), ENTER);
    }
    answer(&mut s, "Goal for Governance", &format!("[keep]{ENTER}"));
    answer(&mut s, "Goal for Enablement", &format!("[keep]{ENTER}"));
    answer(
        &mut s,
        "Goal for Hardening",
        &format!("[measured-response]{ENTER}"),
    );
    answer(&mut s, "Scope of the goal:", &format!("industry{ENTER}"));
    s.expect("hardening rolls up to 4 / industry")
        .expect("the effect is shown");
    answer(
        &mut s,
        "Security Strategy and Governance:",
        &format!("[accept-rest]{ENTER}"),
    );
    s.expect("wrote target.yaml")
        .expect("the profile is written");
    s.expect(Eof).expect("smm exits");
    let t = read_target(&dir.path().join("target.yaml"));
    let hardening = t.domain("hardening").expect("hardening");
    assert_eq!(
        (
            hardening.level.comprehensiveness.value(),
            hardening.level.scope.token()
        ),
        (4, "industry")
    );
}

#[test]
fn step_four_asks_who_is_responsible_and_who_pays() {
    let dir = crate::support::workspace();
    let catalog = smm_core::Catalog::builtin();
    let mut s = smm(dir.path(), &["target", "new", "-o", "target.yaml"]);
    step_one(&mut s, "Line 8");
    for kind in FACTORS {
        answer(&mut s, &format!("[{kind}]"), ENTER);
    }
    for domain in ["Governance", "Enablement", "Hardening"] {
        answer(
            &mut s,
            &format!("Goal for {domain}"),
            &format!("[keep]{ENTER}"),
        );
    }
    for sub in catalog.subdomains() {
        answer(&mut s, &format!("{}:", sub.subdomain.name), ENTER);
    }
    // The optional question, then two stakeholders.
    answer(
        &mut s,
        "Name who is responsible and who pays",
        &format!("y{ENTER}"),
    );
    answer(&mut s, "Add a stakeholder", &format!("us{ENTER}"));
    answer(&mut s, "Its role", &format!("integrator{ENTER}"));
    answer(&mut s, "Its name", &format!("Cell Integration{ENTER}"));
    answer(&mut s, "Add a stakeholder", &format!("owner{ENTER}"));
    answer(&mut s, "Its role", &format!("operator{ENTER}"));
    answer(&mut s, "Its name", ENTER);
    answer(&mut s, "Add a stakeholder", ENTER);
    // The hardening domain is ours to do and the owner's to pay; the rest stays unnamed.
    for domain in catalog.domains.iter() {
        let (responsible, pays) = if domain.id.as_str() == "hardening" {
            (format!("us{ENTER}"), format!("owner{ENTER}"))
        } else {
            (ENTER.to_string(), ENTER.to_string())
        };
        answer(
            &mut s,
            &format!("{}: responsible", domain.name),
            &responsible,
        );
        answer(&mut s, &format!("{}: pays", domain.name), &pays);
    }
    for sub in catalog.subdomains() {
        answer(
            &mut s,
            &format!("{}: responsible", sub.subdomain.name),
            ENTER,
        );
        answer(&mut s, &format!("{}: pays", sub.subdomain.name), ENTER);
    }
    answer(&mut s, "Step 5 of 5", "");
    let first = catalog.practices().next().expect("a practice");
    answer(
        &mut s,
        &format!("{}:", first.practice.name),
        &format!("[accept-rest]{ENTER}"),
    );
    s.expect("wrote target.yaml")
        .expect("the profile is written");
    s.expect(Eof).expect("smm exits");
    let t = read_target(&dir.path().join("target.yaml"));
    let p = t.practice("patch-management").expect("practice");
    assert_eq!(
        (p.responsible.as_deref(), p.cost_bearer.as_deref()),
        (Some("us"), Some("owner"))
    );
    assert_eq!(
        t.practice("threat-modeling")
            .and_then(|p| p.responsible.clone()),
        None
    );
    assert_eq!(
        t.stakeholder("us").map(|s| s.name.as_str()),
        Some("Cell Integration")
    );
}
