//! `smm template list` and `smm template show NAME`: the industry templates.

use std::path::Path;

use smm_core::diagnostic::nearest;
use smm_core::document::{builtin_templates, parse_template, Date, Particulars, Template};
use smm_core::{resolve, Catalog, ResolvedTarget};

use crate::failure::{Failure, Problem};
use crate::input::read_source;
use crate::output::{self, styled, Table, DIM, HEADER};

/// Finds a template by built-in name, or reads it from a file path.
pub fn load(name: &str) -> Result<Template, Failure> {
    let templates = builtin_templates();
    if let Some(t) = templates.iter().find(|t| t.id.value == name) {
        return Ok(t.clone());
    }
    let path = Path::new(name);
    if path.exists() {
        let source = read_source(path)?;
        return parse_template(&source.text)
            .map_err(|d| Problem::from_diagnostics(path, &source.text, d).into());
    }
    let mut problem = Problem::file(path, format!("no template named `{name}`"));
    problem.path = None;
    problem.diagnostic.help = Some(match nearest(name, templates.iter().map(|t| t.id.value.as_str())) {
        Some(near) => format!("did you mean `{near}`? (`smm template list` shows them all)"),
        None => "`smm template list` shows the built-in templates; a path to a template file works too".to_string(),
    });
    Err(problem.into())
}

/// A template resolved as a profile, to preview its levels; fails if it does not fit the catalog.
pub fn preview(catalog: &Catalog, template: &Template) -> Result<ResolvedTarget, Failure> {
    let particulars = Particulars {
        name: template.title.clone(),
        system: template.description.clone(),
        role: None,
        authors: Vec::new(),
        date: Date::parse("2026-01-01").unwrap_or_else(|| unreachable!("a valid literal date")),
    };
    resolve(catalog, &template.to_profile(particulars)).map_err(|d| {
        let text: std::sync::Arc<str> = std::sync::Arc::from(String::new());
        Failure::BadInput(Problem::from_diagnostics(
            Path::new(&format!("template {}", template.id.value)),
            &text,
            d,
        ))
    })
}

/// `smm template list`.
pub fn list(json: bool) {
    let templates = builtin_templates();
    if json {
        output::print_json(&templates);
        return;
    }
    let mut table = Table::new(&["NAME", "TITLE", "INDUSTRY", "ROLE"]);
    for t in &templates {
        let role = t
            .role
            .map(|r| format!("{r:?}").to_lowercase())
            .unwrap_or_default();
        table.row(vec![
            t.id.value.clone(),
            t.title.clone(),
            t.industry.clone(),
            role,
        ]);
    }
    output::print(&format!("{}\n{}\n", table.render(), styled(DIM, "`smm template show NAME` for details; `smm target new --from NAME` starts a target from one.")));
}

/// `smm template show NAME`.
pub fn show(catalog: &Catalog, name: &str, json: bool) -> Result<(), Failure> {
    let template = load(name)?;
    let resolved = preview(catalog, &template)?;
    if json {
        output::print_json(&template);
        return Ok(());
    }
    let mut out = format!(
        "{}  {}\n{}\n\n{}\n",
        styled(HEADER, &template.title),
        styled(DIM, &template.id.value),
        styled(
            DIM,
            &format!(
                "industry: {}   suggested role: {}",
                template.industry,
                template
                    .role
                    .map(|r| format!("{r:?}").to_lowercase())
                    .unwrap_or_else(|| "any".into())
            )
        ),
        template.description.trim()
    );
    if !template.factors.is_empty() {
        out.push_str(&format!("\n{}\n", styled(HEADER, "Typical factors")));
        for f in &template.factors {
            let kind = serde_json::to_value(f.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let impact = f
                .impact
                .map(|i| format!(" ({})", format!("{i:?}").to_lowercase()))
                .unwrap_or_default();
            out.push_str(&format!("  {kind}{impact}: {}\n", f.description.trim()));
        }
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "Goals")));
    for d in &resolved.domains {
        out.push_str(&format!("  {} ({}): {}\n", d.id, d.level, d.goal));
    }
    let overrides: Vec<String> = template
        .subdomains
        .iter()
        .chain(template.practices.iter())
        .map(|(id, o)| {
            let mut what = Vec::new();
            if let Some(c) = &o.comprehensiveness {
                what.push(c.value.to_string());
            }
            if let Some(s) = &o.scope {
                what.push(s.value.to_string());
            }
            let what = if what.is_empty() {
                "confirmed".to_string()
            } else {
                what.join(" / ")
            };
            let why = o
                .rationale
                .as_ref()
                .map(|r| r.value.trim().to_string())
                .unwrap_or_default();
            format!("  {} -> {what}: {why}", id.value)
        })
        .collect();
    if !overrides.is_empty() {
        out.push_str(&format!(
            "\n{}\n{}\n",
            styled(HEADER, "Overrides"),
            overrides.join("\n")
        ));
    }
    out.push_str(&format!("\n{}\n", styled(HEADER, "Resulting levels")));
    let mut table = Table::new(&["PRACTICE", "C", "SCOPE"]);
    for p in &resolved.practices {
        table.row(vec![
            p.id.to_string(),
            p.comprehensiveness.to_string(),
            p.scope.to_string(),
        ]);
    }
    out.push_str(&table.render());
    output::print(&out);
    Ok(())
}
