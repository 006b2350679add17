//! `smm catalog [ID] [--json]`: the model's hierarchy, or one entry in full.

use smm_core::catalog::{Catalog, Node, Practice};
use smm_core::diagnostic::nearest;
use smm_core::{Comprehensiveness, Scope};

use crate::failure::{Failure, Problem};
use crate::output::{self, styled, DIM, HEADER};

/// Runs the command.
pub fn run(catalog: &Catalog, id: Option<&str>, json: bool) -> Result<(), Failure> {
    let Some(id) = id else {
        if json {
            output::print_json(catalog);
        } else {
            output::print(&hierarchy(catalog));
        }
        return Ok(());
    };
    let node = catalog.find(id).ok_or_else(|| unknown(catalog, id))?;
    match node {
        Node::Practice(d, s, p) => {
            let practice = &catalog.domains[d].subdomains[s].practices[p];
            if json {
                output::print_json(practice);
            } else {
                output::print(&practice_in_full(
                    catalog,
                    practice,
                    &catalog.domains[d].name,
                    &catalog.domains[d].subdomains[s].name,
                ));
            }
        }
        Node::Subdomain(d, s) => {
            let subdomain = &catalog.domains[d].subdomains[s];
            if json {
                output::print_json(subdomain);
            } else {
                let mut out = format!(
                    "{}  {}\n{}\n\n",
                    styled(HEADER, &subdomain.name),
                    styled(DIM, subdomain.id.as_str()),
                    wrap(&subdomain.summary, 0)
                );
                for p in &subdomain.practices {
                    out.push_str(&practice_in_full(
                        catalog,
                        p,
                        &catalog.domains[d].name,
                        &subdomain.name,
                    ));
                    out.push('\n');
                }
                output::print(&out);
            }
        }
        Node::Domain(d) => {
            let domain = &catalog.domains[d];
            if json {
                output::print_json(domain);
            } else {
                let mut out = format!(
                    "{}  {}\n{}\n\n",
                    styled(HEADER, &domain.name),
                    styled(DIM, domain.id.as_str()),
                    wrap(&domain.summary, 0)
                );
                for s in &domain.subdomains {
                    out.push_str(&format!("  {}  {}\n", s.name, styled(DIM, s.id.as_str())));
                    for p in &s.practices {
                        out.push_str(&format!("    {}  {}\n", p.name, styled(DIM, p.id.as_str())));
                    }
                }
                output::print(&out);
            }
        }
    }
    Ok(())
}

fn unknown(catalog: &Catalog, id: &str) -> Failure {
    let all = catalog
        .domain_ids()
        .chain(catalog.subdomain_ids())
        .chain(catalog.practice_ids());
    let mut problem = Problem::file(
        std::path::Path::new("catalog"),
        format!(
            "no domain, subdomain or practice `{id}` in {}",
            catalog.reference()
        ),
    );
    problem.path = None;
    problem.diagnostic.help = Some(match nearest(id, all) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "run `smm catalog` to list every id".to_string(),
    });
    problem.into()
}

fn hierarchy(catalog: &Catalog) -> String {
    let mut out = format!(
        "{} ({})\n",
        styled(HEADER, &catalog.title),
        catalog.reference()
    );
    for domain in &catalog.domains {
        out.push_str(&format!(
            "\n{}  {}\n",
            styled(HEADER, &domain.name),
            styled(DIM, domain.id.as_str())
        ));
        for subdomain in &domain.subdomains {
            out.push_str(&format!(
                "  {}  {}\n",
                subdomain.name,
                styled(DIM, subdomain.id.as_str())
            ));
            for practice in &subdomain.practices {
                out.push_str(&format!(
                    "    {}  {}\n",
                    practice.name,
                    styled(DIM, practice.id.as_str())
                ));
            }
        }
    }
    out.push_str(&format!(
        "\n{}\n",
        styled(
            DIM,
            "`smm catalog ID` shows one practice with the meaning of every level."
        )
    ));
    out
}

fn practice_in_full(
    catalog: &Catalog,
    practice: &Practice,
    domain: &str,
    subdomain: &str,
) -> String {
    let mut out = format!(
        "{}  {}\n{}\n\n{}\n{}\n",
        styled(HEADER, &practice.name),
        styled(DIM, practice.id.as_str()),
        styled(DIM, &format!("{domain} > {subdomain}")),
        styled(HEADER, "Purpose"),
        wrap(&practice.purpose, 2)
    );
    for level in Comprehensiveness::ALL.iter().skip(1) {
        let Some(meaning) = practice.level(*level) else {
            continue;
        };
        let name = catalog
            .comprehensiveness_meaning(*level)
            .map(|m| m.name.as_str())
            .unwrap_or("");
        out.push_str(&format!(
            "\n{}\n{}\n",
            styled(HEADER, &format!("{} {name}", level.value())),
            wrap(&meaning.description, 2)
        ));
        out.push_str(&format!("  {}\n", styled(DIM, "Actions:")));
        for a in &meaning.actions {
            out.push_str(&format!("{}\n", wrap_bullet(a)));
        }
        out.push_str(&format!("  {}\n", styled(DIM, "Indicators:")));
        for i in &meaning.indicators {
            out.push_str(&format!("{}\n", wrap_bullet(i)));
        }
    }
    for scope in [Scope::Industry, Scope::System] {
        let name = catalog
            .scope_meaning(scope)
            .map(|m| m.name.as_str())
            .unwrap_or("");
        if let Some(text) = practice.scope_addition(scope) {
            out.push_str(&format!(
                "\n{}\n{}\n",
                styled(HEADER, &format!("{name} scope adds")),
                wrap(text, 2)
            ));
        }
    }
    out
}

/// Wraps prose to 96 columns with an indent; catalog text is folded YAML, one long line.
fn wrap(text: &str, indent: usize) -> String {
    let width = 96usize.saturating_sub(indent);
    let pad = " ".repeat(indent);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(format!("{pad}{line}"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{pad}{line}"));
    }
    lines.join("\n")
}

fn wrap_bullet(text: &str) -> String {
    let wrapped = wrap(text, 6);
    format!("    - {}", wrapped.trim_start())
}
