//! `smm show TARGET [--json]`: the resolved target, with sources and roll-ups.

use std::path::Path;

use smm_core::resolve::{ResolvedTarget, Source, Sources};
use smm_core::{check_rules, Catalog, Level, Rollup};

use crate::failure::Failure;
use crate::input::load_target;
use smm_report::parties;

use crate::output::{self, styled, Table, DIM, HEADER};

/// Runs the command.
pub fn run(catalog: &Catalog, path: &Path, json: bool) -> Result<(), Failure> {
    let target = load_target(catalog, path)?;
    let findings = check_rules(catalog, &target.resolved);
    if json {
        output::print_tagged_json(
            "ResolvedTarget",
            &ShowJson {
                target: target.resolved.clone(),
                rules: findings,
            },
        );
    } else {
        let mut text = render(&target.resolved);
        if !findings.is_empty() {
            text.push_str(&format!("\n{}\n", styled(HEADER, "Consistency rules")));
            text.push_str(&output::render_findings(path, &findings));
        }
        output::print(&text);
    }
    Ok(())
}

/// A source as a few words.
pub fn source_words(source: Source) -> &'static str {
    match source {
        Source::DomainGoal => "domain goal",
        Source::SubdomainOverride => "subdomain override",
        Source::PracticeOverride => "practice override",
    }
}

fn sources_words(sources: Sources) -> String {
    if sources.comprehensiveness == sources.scope {
        source_words(sources.comprehensiveness).to_string()
    } else {
        format!(
            "level: {}, scope: {}",
            source_words(sources.comprehensiveness),
            source_words(sources.scope)
        )
    }
}

fn level_cells(level: Level) -> [String; 2] {
    [level.comprehensiveness.to_string(), level.scope.to_string()]
}

fn rollup_cells(rollup: &Rollup) -> [String; 2] {
    [rollup.comprehensiveness.clone(), rollup.scope.clone()]
}

fn render(t: &ResolvedTarget) -> String {
    let version = t
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let mut out = format!(
        "{}\n{}\n\n",
        styled(HEADER, &format!("Target profile: {}{version}", t.name)),
        styled(
            DIM,
            &format!("role: {:?}   catalog: {}", t.role, t.catalog).to_lowercase()
        ),
    );
    if t.approval.is_some() {
        out.push_str(&format!("{}\n\n", parties::approval(t)));
    }
    let mut table = Table::new(&["", "ID", "C", "SCOPE", "SOURCE"]);
    for domain in &t.domains {
        let [c, s] = rollup_cells(&domain.rollup);
        table.styled_row(vec![
            (domain.name.clone(), HEADER),
            (domain.id.to_string(), DIM),
            (c, HEADER),
            (s, HEADER),
            ("domain goal".into(), DIM),
        ]);
        for sub in t.subdomains.iter().filter(|s| s.domain == domain.id) {
            let [c, s] = rollup_cells(&sub.rollup);
            table.row(vec![
                format!("  {}", sub.name),
                sub.id.to_string(),
                c,
                s,
                sources_words(sub.sources),
            ]);
            for p in t.practices.iter().filter(|p| p.subdomain == sub.id) {
                let [c, s] = level_cells(p.level());
                let mut source = sources_words(p.sources);
                if p.confirmed {
                    source.push_str(", confirmed");
                }
                table.row(vec![
                    format!("    {}", p.name),
                    p.id.to_string(),
                    c,
                    s,
                    source,
                ]);
            }
        }
    }
    out.push_str(&table.render());

    let differing: Vec<String> = t
        .domains
        .iter()
        .map(|d| (d.id.as_str(), &d.rollup))
        .chain(t.subdomains.iter().map(|s| (s.id.as_str(), &s.rollup)))
        .filter(|(_, r)| !r.above.is_empty() || !r.below.is_empty())
        .map(|(id, r)| {
            let list = |ids: &[smm_core::id::PracticeId]| {
                ids.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut parts = Vec::new();
            if !r.above.is_empty() {
                parts.push(format!("above {}: {}", r.base, list(&r.above)));
            }
            if !r.below.is_empty() {
                parts.push(format!("below {}: {}", r.base, list(&r.below)));
            }
            format!("  {id}: {}", parts.join("; "))
        })
        .collect();
    if !differing.is_empty() {
        out.push_str(&format!(
            "\n{}\n{}\n",
            styled(
                HEADER,
                "Roll-ups (+ some parts above the base, - some below)"
            ),
            differing.join("\n")
        ));
    }

    out.push_str(&format!("\n{}\n", styled(HEADER, "Goals")));
    for d in &t.domains {
        out.push_str(&format!("  {} ({}): {}\n", d.id, d.level, d.goal));
        let plan = parties::goal_plan(d);
        if !plan.is_empty() {
            out.push_str(&format!("    {plan}\n"));
        }
    }
    out.push_str(&render_parties(t));
    let rationales: Vec<String> = t
        .subdomains
        .iter()
        .filter_map(|s| s.rationale.as_ref().map(|r| format!("  {}: {r}", s.id)))
        .chain(
            t.practices
                .iter()
                .filter(|p| p.source == Source::PracticeOverride || p.confirmed)
                .filter_map(|p| p.rationale.as_ref().map(|r| format!("  {}: {r}", p.id))),
        )
        .collect();
    if !rationales.is_empty() {
        out.push_str(&format!(
            "\n{}\n{}\n",
            styled(HEADER, "Rationales"),
            rationales.join("\n")
        ));
    }
    out
}

/// The stakeholders, then the practices by responsible party and by cost bearer (the model's "who
/// chooses, who pays"); empty when the target names no one.
fn render_parties(t: &ResolvedTarget) -> String {
    let mut out = String::new();
    let named = parties::stakeholders(t);
    if named.is_empty() {
        return out;
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "Stakeholders")));
    for s in named {
        out.push_str(&format!("  {}: {} ({})\n", s.id, s.name, s.role));
    }
    for group in parties::groups(t) {
        out.push_str(&format!("\n{}\n", styled(HEADER, group.title)));
        for row in group.rows {
            out.push_str(&format!("  {}: {}\n", row.party, row.practices.join(", ")));
        }
    }
    out
}

/// `smm show --json`: the resolved target with the consistency rules that fire on it.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ShowJson {
    /// The target, resolved.
    #[serde(flatten)]
    pub target: ResolvedTarget,
    /// The consistency rules that fire on it, accepted or not.
    pub rules: Vec<smm_core::RuleFinding>,
}
