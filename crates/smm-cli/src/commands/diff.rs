//! `smm diff OLD NEW`: what changed between two assessments or two versions of a target.

use std::path::Path;

use smm_core::diff::{
    diff_assessments_in, diff_targets, AssessmentDiff, AssessmentSummary, FindingChange,
    FindingDiff, ItemDiff, PracticeDiff, Supersession, TargetDiff,
};
use smm_core::header::read_kind;
use smm_core::lineage::describe;
use smm_core::{Catalog, Kind};

use crate::failure::{Failure, Problem};
use crate::input::{assessment_from, read_source, target_from};
use crate::output::{self, plural, styled, DIM, HEADER, MET, OVER, UNDER, WARN};

/// Runs the command. The diff is informational: it succeeds whatever changed.
pub fn run(catalog: &Catalog, old: &Path, new: &Path, json: bool) -> Result<(), Failure> {
    let old_source = read_source(old)?;
    let new_source = read_source(new)?;
    let kind_of = |path: &Path, text: &std::sync::Arc<str>| {
        read_kind(text).map_err(|d| Failure::from(Problem::from_diagnostics(path, text, d)))
    };
    let kinds = (
        kind_of(old, &old_source.text)?,
        kind_of(new, &new_source.text)?,
    );
    match kinds {
        (Kind::Assessment, Kind::Assessment) => {
            let a = assessment_from(catalog, old_source)?;
            let b = assessment_from(catalog, new_source)?;
            let diff = diff_assessments_in(
                catalog,
                (&a.document, &folder_of(old)),
                (&b.document, &folder_of(new)),
            );
            if json {
                output::print_tagged_json("AssessmentDiff", &diff);
            } else {
                output::print(&render_assessments(&diff, old, new));
            }
            Ok(())
        }
        (Kind::TargetProfile, Kind::TargetProfile) => {
            let a = target_from(catalog, old_source)?;
            let b = target_from(catalog, new_source)?;
            let diff = diff_targets(&a.document, &a.resolved, &b.document, &b.resolved);
            if json {
                output::print_tagged_json("TargetDiff", &diff);
            } else {
                output::print(&render_targets(&diff, old, new));
            }
            Ok(())
        }
        (a, b) => {
            let message = if a == b {
                format!(
                    "`smm diff` compares two assessments or two target profiles, not {} documents",
                    a.name()
                )
            } else {
                format!(
                    "{} is `kind: {}` and {} `kind: {}`: `smm diff` compares two assessments or two target profiles",
                    old.display(),
                    a.name(),
                    new.display(),
                    b.name()
                )
            };
            let mut problem = Problem::file(new, message);
            problem.path = None;
            Err(problem.into())
        }
    }
}

/// The folder a document lives in, absolute when it can be, so evidence files of two
/// assessments given by different relative paths still compare as the same files.
fn folder_of(path: &Path) -> std::path::PathBuf {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    folder
        .canonicalize()
        .unwrap_or_else(|_| folder.to_path_buf())
}

/// "3 practices improved, 1 regressed; 2 findings resolved, 1 new".
pub fn summary_line(s: &AssessmentSummary) -> String {
    let mut practices = format!(
        "{} improved, {} regressed",
        plural(s.practices_improved, "practice"),
        s.practices_regressed
    );
    if s.practices_mixed > 0 {
        practices.push_str(&format!(", {} mixed", s.practices_mixed));
    }
    let mut findings = format!(
        "{} resolved, {} new",
        plural(s.findings_resolved, "finding"),
        s.findings_new
    );
    for (n, what) in [
        (s.findings_accepted, "accepted"),
        (s.findings_reopened, "reopened"),
        (s.findings_gone, "gone"),
        (s.findings_severity_changed, "with a new severity"),
    ] {
        if n > 0 {
            findings.push_str(&format!(", {n} {what}"));
        }
    }
    format!("{practices}; {findings}")
}

fn render_assessments(d: &AssessmentDiff, old: &Path, new: &Path) -> String {
    let mut out = format!(
        "{} {}\n",
        styled(HEADER, "Assessment diff:"),
        if d.old.product == d.new.product {
            d.new.product.clone()
        } else {
            format!("{} -> {}", d.old.product, d.new.product)
        }
    );
    for (label, side, path) in [("old", &d.old, old), ("new", &d.new, new)] {
        out.push_str(&format!(
            "  {label}: {}, {} ({})\n",
            side.version,
            side.date,
            path.display()
        ));
    }
    let mut links = Vec::new();
    if d.new_follows_old {
        links.push("new follows old (digest matches)".to_string());
    } else {
        links.push("new does not record that it follows old".to_string());
    }
    if d.old_follows_new {
        links.push("old follows new: the files may be the wrong way round".to_string());
    }
    links.push(if d.same_target {
        "same target".to_string()
    } else {
        format!(
            "different targets ({} -> {})",
            short(&d.old.target_sha256),
            short(&d.new.target_sha256)
        )
    });
    out.push_str(&format!("  {}\n", links.join("; ")));
    if !d.practices.is_empty() {
        out.push_str(&format!("{}\n", styled(HEADER, "Practices")));
        for p in &d.practices {
            out.push_str(&render_practice(p));
        }
    }
    if !d.findings.is_empty() {
        out.push_str(&format!("{}\n", styled(HEADER, "Findings")));
        for f in &d.findings {
            out.push_str(&render_finding(f));
        }
    }
    if d.is_empty() {
        out.push_str("  no practice or finding changed\n");
    }
    out.push_str(&format!("{}\n", summary_line(&d.summary)));
    out
}

fn short(digest: &str) -> String {
    digest.chars().take(12).collect()
}

fn render_practice(p: &PracticeDiff) -> String {
    let mut out = format!("  {}", p.id);
    match &p.level {
        Some(level) => {
            let (word, style) = match level.direction {
                smm_core::diff::Direction::Up => ("improved", MET),
                smm_core::diff::Direction::Down => ("regressed", UNDER),
                smm_core::diff::Direction::Mixed => ("mixed", WARN),
            };
            out.push_str(&format!("  {}  {}\n", styled(style, word), describe(level)));
        }
        None => out.push('\n'),
    }
    let name = |e: &smm_core::diff::EvidenceItem| match (&e.file, &e.url) {
        (Some(file), _) => format!("{} ({file})", e.description),
        (None, Some(url)) => format!("{} ({url})", e.description),
        (None, None) => e.description.clone(),
    };
    for e in &p.evidence_added {
        out.push_str(&format!("    + evidence: {}\n", name(e)));
    }
    for e in &p.evidence_removed {
        out.push_str(&format!("    - evidence: {}\n", name(e)));
    }
    for e in &p.evidence_changed {
        let what = if e.from.sha256 != e.to.sha256 {
            "file changed"
        } else if e.from.description != e.to.description {
            "description changed"
        } else {
            "moved"
        };
        out.push_str(&format!("    ~ evidence ({what}): {}\n", name(&e.to)));
    }
    if p.notes.is_some() {
        out.push_str(&format!("    {}\n", styled(DIM, "notes changed")));
    }
    out
}

fn render_finding(f: &FindingDiff) -> String {
    let status = |s: smm_core::document::FindingStatus| s.as_str();
    let severity = |s: smm_core::document::Severity| {
        serde_json::to_value(s)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let (what, style, reason) = match &f.change {
        FindingChange::New {
            status: st,
            severity: sev,
            reason,
        } => (
            format!("new ({}, {})", status(*st), severity(*sev)),
            OVER,
            reason.clone(),
        ),
        FindingChange::Gone {
            status: st,
            severity: sev,
            ..
        } => (
            format!("gone (was {}, {})", status(*st), severity(*sev)),
            DIM,
            None,
        ),
        FindingChange::Changed {
            status: st,
            severity: sev,
            reason,
            ..
        } => {
            let mut parts = Vec::new();
            let mut style = DIM;
            if let Some(c) = st {
                parts.push(format!("{} -> {}", status(c.from), status(c.to)));
                style = if c.to.is_open() { UNDER } else { MET };
            }
            if let Some(c) = sev {
                parts.push(format!(
                    "severity {} -> {}",
                    severity(c.from),
                    severity(c.to)
                ));
            }
            if parts.is_empty() {
                parts.push("details changed".to_string());
            }
            (
                parts.join(", "),
                style,
                reason.as_ref().map(|r| r.to.clone()),
            )
        }
    };
    let mut out = format!("  {}  {}  {}\n", f.id, styled(style, &what), f.title);
    if let Some(reason) = reason.filter(|r| !r.is_empty()) {
        out.push_str(&format!("    reason: {reason}\n"));
    }
    out
}

fn render_targets(d: &TargetDiff, old: &Path, new: &Path) -> String {
    let mut out = format!(
        "{} {}\n",
        styled(HEADER, "Target diff:"),
        if d.old.name == d.new.name {
            d.new.name.clone()
        } else {
            format!("{} -> {}", d.old.name, d.new.name)
        }
    );
    for (label, side, path) in [("old", &d.old, old), ("new", &d.new, new)] {
        out.push_str(&format!(
            "  {label}: version {}, {} ({})\n",
            side.version.as_deref().unwrap_or("(none)"),
            side.date,
            path.display()
        ));
    }
    match &d.new_supersedes_old {
        Supersession::Matches { version, reason } => out.push_str(&format!(
            "  new supersedes old: version {version}, digest matches\n    reason: {reason}\n"
        )),
        Supersession::Other {
            version, sha256, ..
        } => out.push_str(&format!(
            "  new supersedes version {version} ({}), not old ({})\n",
            short(sha256),
            short(&d.old.digest)
        )),
        Supersession::None => out.push_str("  new records no `supersedes`\n"),
    }
    if d.old_supersedes_new.matches() {
        out.push_str("  old supersedes new: the files may be the wrong way round\n");
    }
    for (title, items) in [
        ("Goals", &d.goals),
        ("Subdomains", &d.subdomains),
        ("Practices", &d.practices),
    ] {
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("{}\n", styled(HEADER, title)));
        for item in items {
            out.push_str(&render_item(item));
        }
    }
    out.push_str(&render_plans(d));
    if d.levels_unchanged() {
        out.push_str("  no level changed\n");
    }
    let s = &d.summary;
    let mut line = format!(
        "{} raised, {} lowered",
        plural(s.practices_raised, "practice"),
        s.practices_lowered
    );
    if s.practices_mixed > 0 {
        line.push_str(&format!(", {} mixed", s.practices_mixed));
    }
    out.push_str(&format!("{line}\n"));
    if s.lowered_without_record {
        out.push_str(&format!(
            "{} new lowers a level without recording that it supersedes old: a lowered level needs `supersedes` with old's digest and a reason (see `smm target lower`)\n",
            styled(WARN, "warning:")
        ));
    }
    out
}

fn render_item(item: &ItemDiff) -> String {
    let flag = if item.lowered {
        styled(UNDER, "LOWERED")
    } else {
        styled(MET, "raised")
    };
    let mut out = format!("  {}  {flag}  {}\n", item.id, describe(&item.change));
    if let Some(why) = item.rationale.as_ref().filter(|r| !r.to.is_empty()) {
        let first = why.to.lines().next().unwrap_or_default();
        out.push_str(&format!("    {}\n", styled(DIM, &format!("why: {first}"))));
    }
    out
}

/// Who answers and pays, goal deadlines and budgets, and the approval, where they changed.
fn render_plans(d: &TargetDiff) -> String {
    let mut out = String::new();
    let or_none = |s: &str| {
        if s.is_empty() {
            "(none)".to_string()
        } else {
            s.to_string()
        }
    };
    let change = |what: &str, c: &smm_core::diff::Change<String>| {
        format!("{what}: {} -> {}", or_none(&c.from), or_none(&c.to))
    };
    if !d.parties.is_empty() {
        out.push_str(&format!("{}\n", styled(HEADER, "Responsibility")));
        for p in &d.parties {
            let parts: Vec<String> = [
                p.responsible.as_ref().map(|c| change("responsible", c)),
                p.cost_bearer.as_ref().map(|c| change("pays", c)),
            ]
            .into_iter()
            .flatten()
            .collect();
            out.push_str(&format!("  {}  {}\n", p.id, parts.join("; ")));
        }
    }
    if !d.goal_plans.is_empty() {
        out.push_str(&format!("{}\n", styled(HEADER, "Goal plans")));
        for g in &d.goal_plans {
            let budget = |b: &Option<smm_core::document::GoalBudget>| {
                b.as_ref()
                    .map(|b| smm_report::roadmap::money(b.amount, &b.currency.value))
                    .unwrap_or_default()
            };
            let date =
                |d: &Option<smm_core::document::Date>| d.map(|d| d.to_string()).unwrap_or_default();
            let parts: Vec<String> = [
                g.deadline.as_ref().map(|c| {
                    let c = smm_core::diff::Change {
                        from: date(&c.from),
                        to: date(&c.to),
                    };
                    change("deadline", &c)
                }),
                g.budget.as_ref().map(|c| {
                    let c = smm_core::diff::Change {
                        from: budget(&c.from),
                        to: budget(&c.to),
                    };
                    change("budget", &c)
                }),
            ]
            .into_iter()
            .flatten()
            .collect();
            out.push_str(&format!("  {}  {}\n", g.id, parts.join("; ")));
        }
    }
    if let Some(c) = &d.approval {
        let words = |a: &Option<smm_core::resolve::GivenApproval>| {
            smm_report::parties::approval_words(a.as_ref())
        };
        out.push_str(&format!(
            "{}\n  old: {}\n  new: {}\n",
            styled(HEADER, "Approval"),
            words(&c.from),
            words(&c.to)
        ));
    }
    out
}
