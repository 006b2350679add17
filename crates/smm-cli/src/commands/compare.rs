//! `smm compare A B`: two profiles, targets or assessments, practice by practice; and the form
//! of `smm check` whose second file is a target profile (does this vendor's profile meet my
//! needs?).

use std::path::Path;

use smm_core::compare::{Comparison, PracticeComparison, ProfileKind, Relation, RelationCounts};
use smm_core::gap::Status;
use smm_core::{compare, Catalog};

use crate::failure::{Failure, Problem};
use crate::input::{load_profile, LoadedProfile, LoadedTarget};
use crate::output::{self, styled, Table, DIM, HEADER, MET, OVER, UNDER};

use super::report::{write_chart, wrote};

/// Compares the two loaded profiles; they were checked against one catalog, so a mismatch means
/// a document the catalog let through does not list every practice.
fn comparison(
    catalog: &Catalog,
    a: &LoadedProfile,
    b: &LoadedProfile,
) -> Result<Comparison, Failure> {
    compare(&a.view(catalog), &b.view(catalog))
        .map_err(|e| Failure::from(Problem::file(&b.source().path, e.to_string())))
}

/// `smm compare A B [--json] [-o chart.svg|chart.png]`: never a failed check, whatever the
/// comparison shows (`smm check` is the gate).
pub fn run(
    catalog: &Catalog,
    a: &Path,
    b: &Path,
    json: bool,
    chart: Option<&Path>,
) -> Result<(), Failure> {
    let a = load_profile(catalog, a)?;
    let b = load_profile(catalog, b)?;
    let c = comparison(catalog, &a, &b)?;
    if json {
        output::print_tagged_json("Comparison", &c);
    } else {
        output::print(&render(&c));
    }
    if let Some(path) = chart {
        write_chart(path, &smm_report::chart::compare(catalog, &c))?;
        // JSON on standard output stays a single document.
        if !json {
            wrote(path, "comparison chart");
        }
    }
    Ok(())
}

/// `smm check TARGET PROFILE`: the target compared with the profile that must cover it.
pub(crate) fn cover(target: &LoadedTarget, offer: &LoadedTarget) -> Result<Comparison, Failure> {
    let a = smm_core::ProfileView::of_target(&target.resolved);
    let b = smm_core::ProfileView::of_target(&offer.resolved);
    compare(&a, &b).map_err(|e| Failure::from(Problem::file(&offer.source.path, e.to_string())))
}

/// What B lacks, in words: "1 level short, scope general not industry".
pub(crate) fn shortfall(p: &PracticeComparison) -> String {
    let mut parts = Vec::new();
    let short =
        p.a.comprehensiveness
            .value()
            .saturating_sub(p.b.comprehensiveness.value());
    if short > 0 {
        parts.push(format!(
            "{short} level{} short",
            if short == 1 { "" } else { "s" }
        ));
    }
    if p.scope == Relation::Below {
        parts.push(format!("scope {} not {}", p.b.scope, p.a.scope));
    }
    parts.join(", ")
}

fn kind_name(kind: ProfileKind) -> &'static str {
    match kind {
        ProfileKind::TargetProfile => "target profile",
        ProfileKind::Assessment => "assessment",
    }
}

fn relation_cell(relation: Relation) -> (String, anstyle::Style) {
    let style = match relation {
        Relation::Below => UNDER,
        Relation::Equal => Default::default(),
        Relation::Above => OVER,
    };
    (relation.as_str().to_string(), style)
}

fn status_cell(status: Status) -> (String, anstyle::Style) {
    let style = match status {
        Status::Under => UNDER,
        Status::Met => MET,
        Status::Over => OVER,
    };
    (status.as_str().to_string(), style)
}

/// `1 below, 4 equal, 1 above`, leaving out what is zero.
fn counts(c: &RelationCounts) -> String {
    let parts: Vec<String> = [(c.below, "below"), (c.equal, "equal"), (c.above, "above")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    parts.join(", ")
}

/// The limitations either side declares: a level compared without its limitation says more
/// than the target promises.
fn limitations(c: &Comparison) -> String {
    let mut out = String::new();
    for p in c.practices.iter().filter(|p| p.limited()) {
        for (side, limitation) in [("A", &p.a_limitation), ("B", &p.b_limitation)] {
            let Some(l) = limitation else { continue };
            if out.is_empty() {
                out.push_str(&format!(
                    "\n{}\n",
                    styled(HEADER, "Limitations and compensating measures")
                ));
            }
            out.push_str(&format!(
                "  {} ({side}): limited: {}; because: {}; compensated by: {}\n",
                p.id,
                l.limited,
                l.because,
                l.compensating.join("; ")
            ));
        }
    }
    out
}

fn render(c: &Comparison) -> String {
    let mut out = format!(
        "{}  A: {} ({})\n         B: {} ({})\n\n",
        styled(HEADER, "Compare"),
        c.a.label(),
        kind_name(c.a.kind),
        c.b.label(),
        kind_name(c.b.kind)
    );
    let mut table = Table::new(&[
        "",
        "ID",
        "A",
        "B",
        "COMPREHENSIVENESS",
        "SCOPE",
        "B AGAINST A",
    ]);
    for domain in &c.domains {
        let short = domain.covered < domain.total;
        table.styled_row(vec![
            (domain.name.clone(), HEADER),
            (domain.id.to_string(), DIM),
            (String::new(), HEADER),
            (String::new(), HEADER),
            (counts(&domain.comprehensiveness), DIM),
            (counts(&domain.scope), DIM),
            (
                format!("{} of {} covered", domain.covered, domain.total),
                if short { UNDER } else { MET },
            ),
        ]);
        for p in c.practices.iter().filter(|p| p.domain == domain.id) {
            table.styled_row(vec![
                (format!("  {}", p.name), Default::default()),
                (p.id.to_string(), DIM),
                (p.a.to_string(), Default::default()),
                (p.b.to_string(), Default::default()),
                relation_cell(p.comprehensiveness),
                relation_cell(p.scope),
                status_cell(p.status),
            ]);
        }
    }
    out.push_str(&table.render());
    out.push_str(&limitations(c));
    out.push_str(&format!(
        "\n{} {}\n",
        styled(HEADER, "Verdict:"),
        c.verdict.text
    ));
    out.push_str(&format!(
        "{}\n",
        styled(
            DIM,
            "B covers a practice when it reaches A on both measures (met or over). Levels read comprehensiveness/scope."
        )
    ));
    out
}
