//! The HTML report: one self-contained file (inline CSS and SVG, no scripts, no network) that an
//! assessor can hand to a client, and that prints well.
//!
//! Management reads the first page: overall status, top gaps, and what "sufficient" means for
//! this system (the goals). Specialists read on: per domain the chart, the gap table with the
//! reasons for each target, evidence, findings and recommendations; the appendix quotes the
//! catalog's meaning of every level used. Without an assessment the same report is a target
//! profile sheet to agree with a client: its background and factors, the levels, and a place for
//! both parties to sign.
//!
//! Both open with an identification block (documents and their digests, dates, assessors, the
//! tool) and show the limitations the target declares, with their compensating measures, beside
//! the levels.

use askama::Template;
use smm_core::document::{Assessment, Date, Evidence, TargetProfile};
use smm_core::gap::{Gap, Status};
use smm_core::mapping::{ClauseStatus, Coverage, CoverageCounts};
use smm_core::resolve::Source;
use smm_core::risk::RiskOutlook;
use smm_core::{Catalog, Level, ResolvedTarget};

use crate::chart;
pub(crate) use crate::findings::FindingRow;
use crate::identification::{self, FactorRow, Field};
pub(crate) use crate::limitations::LimitationRow;
use crate::model::{chart_data, rollup_label, ChartData, Granularity};
use crate::risk::RiskSection;

/// What the report is about, and when it is written.
pub struct ReportInput<'a> {
    /// The catalog both documents were checked against.
    pub catalog: &'a Catalog,
    /// The target as written: its date, authors, background and factors, and its digest.
    pub profile: &'a TargetProfile,
    /// The same target, resolved.
    pub target: &'a ResolvedTarget,
    /// The assessment and its gap, for a gap report; `None` for a target profile sheet.
    pub assessment: Option<(&'a Assessment, &'a Gap)>,
    /// The report date. The caller passes it (today, usually) so that the same documents on the
    /// same day give the same report.
    pub date: Date,
    /// Standards to read the profile in (see [`smm_core::mapping`]): a section each.
    pub standards: &'a [Coverage],
}

/// Sections a report has only when asked for, beside what [`ReportInput`] holds.
///
/// Kept apart from [`ReportInput`] so that adding a section never breaks a caller that builds a
/// `ReportInput` field by field; `ReportSections::default()` is a report without them.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportSections<'a> {
    /// Risk in money: the annual loss today and with the target reached, from
    /// [`smm_core::risk::outlook`] on the report's assessment and target.
    pub risk: Option<&'a RiskOutlook>,
}

pub(crate) struct GoalRow {
    pub(crate) domain: String,
    pub(crate) statement: String,
    /// Deadline and budget in words; empty without.
    pub(crate) plan: String,
    pub(crate) level: String,
    pub(crate) rollup: String,
    pub(crate) meaning: String,
}

#[derive(Clone)]
pub(crate) struct PracticeRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) target: String,
    pub(crate) current: String,
    pub(crate) status: String,
    pub(crate) status_class: String,
    pub(crate) source: String,
    pub(crate) rationale: String,
    pub(crate) evidence: Vec<(String, String)>,
    pub(crate) notes: String,
    /// What the target's limitation on this practice says is limited; empty without one.
    pub(crate) limited: String,
}

#[derive(Clone)]
pub(crate) struct RecommendationRow {
    pub(crate) id: String,
    pub(crate) practice: String,
    pub(crate) text: String,
}

pub(crate) struct DomainSection {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) goal: String,
    pub(crate) rollup: String,
    pub(crate) status: String,
    pub(crate) status_class: String,
    pub(crate) chart: String,
    pub(crate) rows: Vec<PracticeRow>,
    pub(crate) findings: Vec<FindingRow>,
    pub(crate) recommendations: Vec<RecommendationRow>,
}

/// One clause of a standard in the report.
pub(crate) struct ClauseRow {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) obligation: String,
    /// Against the target: words and a CSS class; empty without.
    pub(crate) target: (String, String),
    /// Against the assessment (met today); empty without.
    pub(crate) today: (String, String),
    pub(crate) practices: String,
    pub(crate) outside: String,
}

/// A standard's section of the report.
pub(crate) struct StandardSection {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) chart: String,
    pub(crate) has_target: bool,
    pub(crate) has_today: bool,
    pub(crate) rows: Vec<ClauseRow>,
}

fn clause_words(status: Option<ClauseStatus>) -> (String, String) {
    let class = |s: ClauseStatus| match s {
        ClauseStatus::Addressed => "met",
        ClauseStatus::Partial => "partial",
        ClauseStatus::NotAddressed => "under",
        ClauseStatus::OutsideModel => "outside",
    };
    status.map_or((String::new(), String::new()), |s| {
        (s.label().to_string(), class(s).to_string())
    })
}

fn counts_words(counts: &CoverageCounts) -> String {
    format!(
        "{} of {} clauses addressed, {} partly, {} not addressed, {} outside the model",
        counts.addressed, counts.total, counts.partial, counts.not_addressed, counts.outside_model
    )
}

/// The report's section for one standard.
pub(crate) fn standard_section(c: &Coverage) -> StandardSection {
    let mut summary = Vec::new();
    if let Some(t) = &c.planned {
        summary.push(format!("The target: {}.", counts_words(t)));
    }
    if let Some(t) = &c.current {
        summary.push(format!("Met today: {}.", counts_words(t)));
    }
    StandardSection {
        id: c.standard.clone(),
        title: format!("{} {}", c.title, c.version),
        summary: summary.join(" "),
        chart: chart::coverage(c),
        has_target: c.planned.is_some(),
        has_today: c.current.is_some(),
        rows: c
            .clauses
            .iter()
            .map(|k| ClauseRow {
                id: k.id.clone(),
                title: k.title.clone(),
                obligation: k.obligation.map_or("", |o| o.as_str()).to_string(),
                target: clause_words(k.planned),
                today: clause_words(k.current),
                practices: crate::coverage::practices_text(k),
                outside: k.outside_model.as_deref().map(words).unwrap_or_default(),
            })
            .collect(),
    }
}

pub(crate) struct AppendixRow {
    pub(crate) practice: String,
    pub(crate) level: String,
    pub(crate) text: String,
}

#[derive(Template)]
#[template(path = "report.html")]
pub(crate) struct ReportPage {
    pub(crate) title: String,
    pub(crate) subtitle: String,
    pub(crate) catalog: String,
    pub(crate) identification: Vec<Field>,
    pub(crate) has_assessment: bool,
    pub(crate) background: String,
    pub(crate) factors: Vec<FactorRow>,
    pub(crate) limitations: Vec<LimitationRow>,
    pub(crate) stakeholders: Vec<crate::parties::StakeholderRow>,
    pub(crate) parties: Vec<crate::parties::PartyGroup>,
    /// The approval of the target version in one sentence, when it has one.
    pub(crate) approval: Option<String>,
    /// Who signs the target sheet (empty for a gap report).
    pub(crate) signatories: Vec<String>,
    pub(crate) signature_lines: Vec<&'static str>,
    pub(crate) verdict: String,
    pub(crate) total: usize,
    pub(crate) under: usize,
    pub(crate) met: usize,
    pub(crate) over: usize,
    pub(crate) goals: Vec<GoalRow>,
    pub(crate) top_gaps: Vec<PracticeRow>,
    pub(crate) overview_chart: String,
    pub(crate) radar_chart: String,
    pub(crate) heatmap_chart: String,
    pub(crate) domains: Vec<DomainSection>,
    pub(crate) findings: Vec<FindingRow>,
    pub(crate) recommendations: Vec<RecommendationRow>,
    pub(crate) scale: Vec<(String, String)>,
    pub(crate) scopes: Vec<(String, String)>,
    pub(crate) appendix: Vec<AppendixRow>,
    pub(crate) standards: Vec<StandardSection>,
    pub(crate) risk: Option<RiskSection>,
}

pub(crate) fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn status_words(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Under => ("Below target", "under"),
        Status::Met => ("Meets target", "met"),
        Status::Over => ("Above target", "over"),
    }
}

fn source_words(source: Source, confirmed: bool) -> &'static str {
    match source {
        _ if confirmed => "confirmed for the practice",
        Source::DomainGoal => "domain goal",
        Source::SubdomainOverride => "set for the subdomain",
        Source::PracticeOverride => "set for the practice",
    }
}

fn level_text(catalog: &Catalog, level: Level) -> String {
    let name = catalog
        .comprehensiveness_meaning(level.comprehensiveness)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let scope = catalog
        .scope_meaning(level.scope)
        .map(|m| m.name.clone())
        .unwrap_or_default();
    format!("{} {name}, {scope}", level.comprehensiveness)
}

fn evidence_row(e: &Evidence) -> (String, String) {
    let reference = match (&e.file, &e.sha256, &e.url) {
        (Some(file), Some(sha), _) => format!("{} (sha256 {})", file.value, sha.value),
        (_, _, Some(url)) => url.value.clone(),
        _ => String::new(),
    };
    (words(&e.description), reference)
}

/// Renders the report.
pub fn report(input: &ReportInput) -> Result<String, String> {
    report_with(input, &ReportSections::default())
}

/// Renders the report with the optional `sections` asked for.
pub fn report_with(input: &ReportInput, sections: &ReportSections) -> Result<String, String> {
    page(input, sections)
        .render()
        .map_err(|e| format!("cannot render the report: {e}"))
}

/// The report's content, shared by the HTML and PDF renderings.
pub(crate) fn page(input: &ReportInput, sections: &ReportSections) -> ReportPage {
    let ReportInput {
        catalog,
        target,
        assessment,
        ..
    } = *input;
    let gap = assessment.map(|(_, g)| g);
    let practice_data = chart_data(catalog, target, gap, Granularity::Practice);

    let rows: Vec<PracticeRow> = target
        .practices
        .iter()
        .map(|p| {
            let g = gap.and_then(|g| g.practices.iter().find(|x| x.id == p.id));
            let assessed = assessment.and_then(|(a, _)| {
                a.practices
                    .iter()
                    .find(|(k, _)| k.value == p.id.as_str())
                    .map(|(_, v)| v)
            });
            let (status, class) = g.map(|g| status_words(g.status)).unwrap_or(("", ""));
            PracticeRow {
                id: p.id.to_string(),
                name: p.name.clone(),
                target: p.level().to_string(),
                current: g.map(|g| g.current.to_string()).unwrap_or_default(),
                status: status.to_string(),
                status_class: class.to_string(),
                source: source_words(p.source, p.confirmed).to_string(),
                rationale: p.rationale.as_deref().map(words).unwrap_or_default(),
                evidence: assessed
                    .map(|a| a.evidence.iter().map(evidence_row).collect())
                    .unwrap_or_default(),
                notes: assessed
                    .and_then(|a| a.notes.as_deref())
                    .map(words)
                    .unwrap_or_default(),
                limited: target
                    .limitations
                    .iter()
                    .find(|l| l.practice == p.id.as_str())
                    .map(|l| words(&l.limited))
                    .unwrap_or_default(),
            }
        })
        .collect();

    let findings: Vec<FindingRow> = assessment
        .map(|(a, _)| crate::findings::rows(a))
        .unwrap_or_default();
    let recommendations: Vec<RecommendationRow> = assessment
        .map(|(a, _)| {
            a.recommendations
                .iter()
                .map(|r| RecommendationRow {
                    id: r.id.value.clone(),
                    practice: r
                        .practice
                        .as_ref()
                        .map(|p| p.value.clone())
                        .unwrap_or_default(),
                    text: words(&r.text),
                })
                .collect()
        })
        .unwrap_or_default();

    let practice_ids_of = |domain: &str| -> Vec<String> {
        target
            .practices
            .iter()
            .filter(|p| p.domain.as_str() == domain)
            .map(|p| p.id.to_string())
            .collect()
    };
    let domains = target
        .domains
        .iter()
        .map(|d| {
            let ids = practice_ids_of(d.id.as_str());
            let mut data: ChartData = practice_data.clone();
            data.items.retain(|i| ids.contains(&i.id));
            data.title = format!("{}: {}", target.name, d.name);
            let (status, class) = gap
                .and_then(|g| g.domains.iter().find(|x| x.id == d.id.as_str()))
                .map(|x| status_words(x.status))
                .unwrap_or(("", ""));
            DomainSection {
                id: d.id.to_string(),
                name: d.name.clone(),
                goal: words(&d.goal),
                rollup: rollup_label(&d.rollup),
                status: status.to_string(),
                status_class: class.to_string(),
                chart: chart::bar(&data),
                rows: rows
                    .iter()
                    .filter(|r| ids.contains(&r.id))
                    .cloned()
                    .collect(),
                findings: findings
                    .iter()
                    .filter(|f| ids.contains(&f.practice))
                    .cloned()
                    .collect(),
                recommendations: recommendations
                    .iter()
                    .filter(|r| ids.contains(&r.practice))
                    .cloned()
                    .collect(),
            }
        })
        .collect();

    let mut top: Vec<(&PracticeRow, i32)> = match gap {
        Some(g) => rows
            .iter()
            .filter_map(|r| {
                let p = g.practices.iter().find(|p| p.id.as_str() == r.id)?;
                (p.status == Status::Under).then_some((
                    r,
                    i32::from(p.comprehensiveness_delta) * 3 + i32::from(p.scope_delta),
                ))
            })
            .collect(),
        None => Vec::new(),
    };
    top.sort_by_key(|(_, score)| *score);
    let top_gaps = top.into_iter().take(5).map(|(r, _)| r.clone()).collect();

    let summary = gap.map(|g| g.summary).unwrap_or_default();
    let verdict = match gap {
        None => format!(
            "Target profile for {}: the level each of the {} practices must reach, and why.",
            target.name,
            target.practices.len()
        ),
        Some(g) if g.summary.under == 0 => format!(
            "{} {} meets the target on all {} practices{}.",
            g.product,
            g.version,
            g.summary.total,
            if g.summary.over > 0 {
                format!(" ({} above it)", g.summary.over)
            } else {
                String::new()
            }
        ),
        Some(g) => format!(
            "{} {} meets the target on {} of {} practices and falls short on {}.",
            g.product,
            g.version,
            g.summary.met + g.summary.over,
            g.summary.total,
            g.summary.under
        ),
    };

    let goals = target
        .domains
        .iter()
        .map(|d| {
            let c = catalog
                .comprehensiveness_meaning(d.level.comprehensiveness)
                .map(|m| words(&m.summary))
                .unwrap_or_default();
            GoalRow {
                domain: d.name.clone(),
                statement: words(&d.goal),
                plan: crate::parties::goal_plan(d),
                level: level_text(catalog, d.level),
                rollup: rollup_label(&d.rollup),
                meaning: c,
            }
        })
        .collect();

    let mut appendix = Vec::new();
    for p in &target.practices {
        let Some(entry) = catalog.practice(p.id.as_str()) else {
            continue;
        };
        let mut levels = vec![p.comprehensiveness];
        if let Some(g) = gap.and_then(|g| g.practices.iter().find(|x| x.id == p.id)) {
            if g.current.comprehensiveness != p.comprehensiveness {
                levels.push(g.current.comprehensiveness);
            }
        }
        for level in levels {
            let text = entry
                .practice
                .level(level)
                .map(|l| words(&l.description))
                .or_else(|| {
                    catalog
                        .comprehensiveness_meaning(level)
                        .map(|m| words(&m.summary))
                })
                .unwrap_or_default();
            let name = catalog
                .comprehensiveness_meaning(level)
                .map(|m| m.name.clone())
                .unwrap_or_default();
            appendix.push(AppendixRow {
                practice: format!("{} ({})", p.name, p.id),
                level: format!("{} {name}", level.value()),
                text,
            });
        }
    }

    let subdomain_data = chart_data(catalog, target, gap, Granularity::Subdomain);
    let page = ReportPage {
        title: target.name.clone(),
        subtitle: match gap {
            Some(g) => format!("Security maturity gap report: {} {}", g.product, g.version),
            None => "Security maturity target profile".to_string(),
        },
        catalog: target.catalog.clone(),
        identification: identification::fields(input),
        has_assessment: gap.is_some(),
        background: identification::background(input),
        factors: identification::factors(input),
        limitations: crate::limitations::rows(target, gap),
        stakeholders: crate::parties::stakeholders(target),
        parties: crate::parties::groups(target),
        approval: target
            .approval
            .as_ref()
            .map(|_| crate::parties::approval(target)),
        signatories: match gap {
            Some(_) => Vec::new(),
            None => identification::signatories(input),
        },
        signature_lines: identification::SIGNATURE_LINES.to_vec(),
        verdict,
        total: target.practices.len(),
        under: summary.under,
        met: summary.met,
        over: summary.over,
        goals,
        top_gaps,
        overview_chart: chart::bar(&subdomain_data),
        radar_chart: chart::radar(&practice_data),
        heatmap_chart: chart::heatmap(&practice_data),
        domains,
        findings,
        recommendations,
        scale: catalog
            .comprehensiveness
            .iter()
            .map(|m| {
                (
                    format!("{} {}", m.level.value.value(), m.name),
                    words(&m.summary),
                )
            })
            .collect(),
        scopes: catalog
            .scopes
            .iter()
            .map(|m| (m.name.clone(), words(&m.summary)))
            .collect(),
        appendix,
        standards: input.standards.iter().map(standard_section).collect(),
        risk: sections.risk.map(RiskSection::of),
    };
    page
}
