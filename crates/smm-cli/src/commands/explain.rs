//! `smm explain ID`: a practice, subdomain, domain or rule, with everything that bears on it.

use smm_core::catalog::{Catalog, Node};
use smm_core::diagnostic::nearest;
use smm_core::document::builtin_templates;
use smm_core::{check_rules, Comprehensiveness, Scope, Source};

use crate::commands::template::preview;
use crate::failure::{Failure, Problem};
use crate::output::{self, styled, DIM, HEADER, WARN};

/// Runs the command.
pub fn run(catalog: &Catalog, id: &str, level: Option<u8>) -> Result<(), Failure> {
    if let Some(rule) = catalog.rule(id) {
        return explain_rule(catalog, rule);
    }
    if let Some(retired) = catalog.retired_rule(id) {
        output::print(&format!(
            "{}  {}\nretired consistency rule: it no longer fires, and profiles that accept it still load\n\n{}\n{}\n",
            styled(HEADER, id),
            styled(DIM, "retired"),
            styled(HEADER, "Why it was retired"),
            wrap(&retired.why)
        ));
        return Ok(());
    }
    match catalog.find(id) {
        Some(Node::Practice(d, s, p)) => explain_practice(catalog, d, s, p, level),
        Some(Node::Subdomain(d, s)) => {
            let sub = &catalog.domains[d].subdomains[s];
            let mut out = header(
                &sub.name,
                sub.id.as_str(),
                &catalog.domains[d].name,
                &sub.summary,
            );
            out.push_str(&format!("\n{}\n", styled(HEADER, "Practices")));
            for p in &sub.practices {
                out.push_str(&format!("  {}  {}\n", p.name, styled(DIM, p.id.as_str())));
            }
            out.push_str(&adjustments(catalog, |t| {
                t.subdomain.as_ref().is_some_and(|x| {
                    catalog
                        .subdomain(&x.value)
                        .is_some_and(|r| r.subdomain.id.value == sub.id.value)
                })
            }));
            output::print(&out);
            Ok(())
        }
        Some(Node::Domain(d)) => {
            let domain = &catalog.domains[d];
            let mut out = header(&domain.name, domain.id.as_str(), "domain", &domain.summary);
            if !domain.goals.is_empty() {
                out.push_str(&format!("\n{}\n", styled(HEADER, "Goal options (step 3)")));
                for g in &domain.goals {
                    out.push_str(&format!(
                        "  {} -> {}/{}  {}\n    {}\n    {}\n",
                        g.id.value,
                        g.comprehensiveness,
                        g.scope,
                        "",
                        wrap(&g.question),
                        styled(DIM, &wrap(&g.statement))
                    ));
                }
            }
            out.push_str(&adjustments(catalog, |t| {
                t.domain
                    .as_ref()
                    .is_some_and(|x| x.value == domain.id.as_str())
            }));
            output::print(&out);
            Ok(())
        }
        None => {
            let ids = catalog
                .domain_ids()
                .chain(catalog.subdomain_ids())
                .chain(catalog.practice_ids())
                .chain(catalog.rules().iter().map(|r| r.rule.id.value.as_str()));
            let mut problem = Problem::file(
                std::path::Path::new(""),
                format!("`{id}` is not a practice, subdomain, domain or rule id"),
            );
            problem.path = None;
            problem.diagnostic.help = Some(match nearest(id, ids) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "`smm catalog` lists the ids; docs/rules.md lists the rules".to_string(),
            });
            Err(problem.into())
        }
    }
}

fn wrap(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn header(name: &str, id: &str, parent: &str, summary: &str) -> String {
    format!(
        "{}  {}\n{}\n\n{}\n",
        styled(HEADER, name),
        styled(DIM, id),
        styled(DIM, parent),
        wrap(summary)
    )
}

fn adjustments(
    catalog: &Catalog,
    applies: impl Fn(&smm_core::catalog::AdjustmentTarget) -> bool,
) -> String {
    let mut lines = Vec::new();
    for guide in &catalog.factors {
        for a in guide.adjustments.iter().filter(|a| applies(&a.applies_to)) {
            let kind = serde_json::to_value(guide.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let mut floor = Vec::new();
            if let Some(c) = a.at_least.comprehensiveness {
                floor.push(format!("comprehensiveness >= {c}"));
            }
            if let Some(s) = a.at_least.scope {
                floor.push(format!("scope >= {s}"));
            }
            lines.push(format!(
                "  {kind} at least {}: {} ({})",
                format!("{:?}", a.when_impact).to_lowercase(),
                floor.join(", "),
                wrap(&a.reason)
            ));
        }
    }
    if lines.is_empty() {
        String::new()
    } else {
        format!(
            "\n{}\n{}\n",
            styled(HEADER, "Factors that raise the suggested default"),
            lines.join("\n")
        )
    }
}

fn explain_practice(
    catalog: &Catalog,
    d: usize,
    s: usize,
    p: usize,
    only: Option<u8>,
) -> Result<(), Failure> {
    let domain = &catalog.domains[d];
    let sub = &domain.subdomains[s];
    let practice = &sub.practices[p];
    let mut out = header(
        &practice.name,
        practice.id.as_str(),
        &format!("{} > {}", domain.name, sub.name),
        &practice.purpose,
    );
    let levels: Vec<Comprehensiveness> = match only {
        Some(n) => match Comprehensiveness::from_value(u64::from(n)) {
            Some(level) => vec![level],
            None => {
                let mut problem = Problem::file(
                    std::path::Path::new(""),
                    format!("--level {n} is out of range: expected 0 (none) to 4 (formalized)"),
                );
                problem.path = None;
                return Err(problem.into());
            }
        },
        None => Comprehensiveness::ALL.to_vec(),
    };
    for level in levels {
        let name = catalog
            .comprehensiveness_meaning(level)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        out.push_str(&format!(
            "\n{}\n",
            styled(HEADER, &format!("{} {name}", level.value()))
        ));
        match practice.level(level) {
            Some(meaning) => {
                out.push_str(&format!(
                    "  {}\n  {}\n",
                    wrap(&meaning.description),
                    styled(DIM, "To get there:")
                ));
                for a in &meaning.actions {
                    out.push_str(&format!("    - {a}\n"));
                }
                out.push_str(&format!("  {}\n", styled(DIM, "An assessor looks for:")));
                for i in &meaning.indicators {
                    out.push_str(&format!("    - {i}\n"));
                }
            }
            None => {
                let general = catalog
                    .comprehensiveness_meaning(level)
                    .map(|m| wrap(&m.summary))
                    .unwrap_or_default();
                out.push_str(&format!("  {general}\n"));
            }
        }
    }
    if only.is_none() {
        for scope in [Scope::Industry, Scope::System] {
            if let Some(text) = practice.scope_addition(scope) {
                let name = catalog
                    .scope_meaning(scope)
                    .map(|m| m.name.clone())
                    .unwrap_or_default();
                out.push_str(&format!(
                    "\n{}\n  {}\n",
                    styled(HEADER, &format!("{name} scope adds")),
                    wrap(text)
                ));
            }
        }
    }
    let id = practice.id.as_str();
    let rules: Vec<String> = catalog
        .rules()
        .iter()
        .filter(|r| r.per_practice || r.practices().iter().any(|p| p == id))
        .map(|r| {
            format!(
                "  {}: {}{}",
                r.rule.id.value,
                r.rule.title,
                if r.per_practice {
                    " (checked on every practice)"
                } else {
                    ""
                }
            )
        })
        .collect();
    if !rules.is_empty() {
        out.push_str(&format!(
            "\n{}\n{}\n",
            styled(HEADER, "Consistency rules that involve it"),
            rules.join("\n")
        ));
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "What the templates set")));
    for template in builtin_templates() {
        if let Ok(resolved) = preview(catalog, &template) {
            if let Some(rp) = resolved.practice(id) {
                let how = match rp.source {
                    _ if rp.confirmed => "confirmed for this practice",
                    Source::PracticeOverride => "set for this practice",
                    Source::SubdomainOverride => "set for its subdomain",
                    Source::DomainGoal => "from the domain goal",
                };
                out.push_str(&format!(
                    "  {:<22} {}/{:<9} {}\n",
                    template.id.value,
                    rp.comprehensiveness,
                    rp.scope,
                    styled(DIM, how)
                ));
            }
        }
    }
    out.push_str(&adjustments(catalog, |t| {
        t.practice.as_ref().is_some_and(|x| x.value == id)
    }));
    output::print(&out);
    Ok(())
}

fn explain_rule(catalog: &Catalog, rule: &smm_core::rules::CompiledRule) -> Result<(), Failure> {
    let (when, require) = rule.describe();
    let mut out = format!(
        "{}  {}\n{}\n",
        styled(WARN, &rule.rule.title),
        styled(DIM, &rule.rule.id.value),
        styled(DIM, "consistency rule")
    );
    if rule.per_practice {
        out.push_str("\nChecked for every practice in turn (\"the practice\" below).\n");
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "Applies when")));
    if when.is_empty() {
        out.push_str("  always\n");
    }
    for w in &when {
        out.push_str(&format!("  - {w}\n"));
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "Requires")));
    for r in &require {
        out.push_str(&format!("  - {r}\n"));
    }
    out.push_str(&format!(
        "\n{}\n  {}\n\n{}\n  {}\n",
        styled(HEADER, "Why"),
        wrap(&rule.rule.why),
        styled(HEADER, "What to do"),
        wrap(&rule.rule.fix)
    ));
    let practices = rule.practices();
    if !practices.is_empty() {
        out.push_str(&format!(
            "\n{} {}\n",
            styled(HEADER, "Practices:"),
            practices.join(", ")
        ));
    }
    let firing: Vec<String> = builtin_templates()
        .iter()
        .filter_map(|t| preview(catalog, t).ok().map(|r| (t.id.value.clone(), r)))
        .filter(|(_, r)| {
            check_rules(catalog, r)
                .iter()
                .any(|f| f.rule == rule.rule.id.value)
        })
        .map(|(id, _)| id)
        .collect();
    out.push_str(&format!(
        "{} {}\n",
        styled(HEADER, "Fires on templates:"),
        if firing.is_empty() {
            "none".to_string()
        } else {
            firing.join(", ")
        }
    ));
    out.push_str(&format!("\n{}\n", styled(DIM, &format!("Accept it in a profile with `accepted-rules: {{{}: {{reason: ...}}}}`; see docs/rules.md.", rule.rule.id.value))));
    output::print(&out);
    Ok(())
}
