//! `smm gap`: the target against an assessment (`smm check` is the gate on the same gap).

use std::path::Path;

use smm_core::gap::{Gap, PracticeGap, Status};
use smm_core::{gap, Catalog};

use crate::failure::{Failure, Problem};
use crate::input::{check_pairing, load_assessment, load_target, LoadedAssessment, LoadedTarget};
use crate::output::{self, styled, Table, DIM, HEADER, MET, OVER, UNDER};

fn compute(catalog: &Catalog, target: &Path, assessment: &Path) -> Result<Gap, Failure> {
    let target = load_target(catalog, target)?;
    let assessment = load_assessment(catalog, assessment)?;
    gap_of(&target, &assessment)
}

pub(crate) fn gap_of(target: &LoadedTarget, assessment: &LoadedAssessment) -> Result<Gap, Failure> {
    check_pairing(target, assessment)?;
    // Both were checked against the same catalog, so they always match.
    gap(&target.resolved, &assessment.current)
        .map_err(|e| Failure::from(Problem::file(&assessment.source.path, e.to_string())))
}

/// `smm gap`: the table and summary; never a failed check, whatever the gap.
pub fn run_gap(
    catalog: &Catalog,
    target: &Path,
    assessment: &Path,
    json: bool,
) -> Result<(), Failure> {
    let gap = compute(catalog, target, assessment)?;
    if json {
        output::print_tagged_json("Gap", &gap);
    } else {
        output::print(&render(&gap));
    }
    Ok(())
}

/// What is missing, in words: "1 level short, scope too general".
pub(crate) fn shortfall(p: &PracticeGap) -> String {
    let mut parts = Vec::new();
    if p.comprehensiveness_delta < 0 {
        let n = -p.comprehensiveness_delta;
        parts.push(format!("{n} level{} short", if n == 1 { "" } else { "s" }));
    }
    if p.scope_delta < 0 {
        parts.push(format!("scope {} not {}", p.current.scope, p.target.scope));
    }
    parts.join(", ")
}

fn status_cell(status: Status) -> (String, anstyle::Style) {
    let style = match status {
        Status::Under => UNDER,
        Status::Met => MET,
        Status::Over => OVER,
    };
    (status.as_str().to_string(), style)
}

fn render(gap: &Gap) -> String {
    let mut out = format!(
        "{}\n\n",
        styled(
            HEADER,
            &format!("Gap: {}  vs  {} {}", gap.target, gap.product, gap.version)
        )
    );
    let mut table = Table::new(&["", "ID", "TARGET", "CURRENT", "STATUS", "NOTE"]);
    for domain in &gap.domains {
        table.styled_row(vec![
            (domain.name.clone(), HEADER),
            (domain.id.clone(), DIM),
            (rollup_cell(&domain.target), HEADER),
            (String::new(), HEADER),
            status_cell(domain.status),
            (counts(&domain.summary), DIM),
        ]);
        for sub in gap.subdomains.iter().filter(|s| {
            gap.practices
                .iter()
                .any(|p| p.subdomain.as_str() == s.id && p.domain.as_str() == domain.id)
        }) {
            table.styled_row(vec![
                (format!("  {}", sub.name), Default::default()),
                (sub.id.clone(), DIM),
                (rollup_cell(&sub.target), Default::default()),
                (String::new(), Default::default()),
                status_cell(sub.status),
                (counts(&sub.summary), DIM),
            ]);
            for p in gap
                .practices
                .iter()
                .filter(|p| p.subdomain.as_str() == sub.id)
            {
                table.styled_row(vec![
                    (format!("    {}", p.name), Default::default()),
                    (p.id.to_string(), DIM),
                    (p.target.to_string(), Default::default()),
                    (p.current.to_string(), Default::default()),
                    status_cell(p.status),
                    (
                        if p.status == Status::Under {
                            shortfall(p)
                        } else {
                            String::new()
                        },
                        Default::default(),
                    ),
                ]);
            }
        }
    }
    out.push_str(&table.render());
    let s = gap.summary;
    out.push_str(&format!(
        "\n{} {} practices: {} under, {} met, {} over\n",
        styled(HEADER, "Summary:"),
        s.total,
        styled(if s.under > 0 { UNDER } else { MET }, &s.under.to_string()),
        s.met,
        s.over
    ));
    out.push_str(&format!(
        "{}\n",
        styled(
            DIM,
            "Levels read comprehensiveness/scope: 2/I is ad hoc, industry scope."
        )
    ));
    out
}

/// A group's target roll-up in the same short form as a practice's level: `2+/I+`.
fn rollup_cell(rollup: &smm_core::Rollup) -> String {
    let marks = rollup.scope.trim_start_matches(rollup.base.scope.token());
    format!(
        "{}/{}{marks}",
        rollup.comprehensiveness,
        rollup.base.scope.letter()
    )
}

fn counts(s: &smm_core::gap::Summary) -> String {
    format!("{} under, {} met, {} over", s.under, s.met, s.over)
}
