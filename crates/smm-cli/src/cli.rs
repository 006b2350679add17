//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// smm: the IoT Security Maturity Model as a tool.
///
/// Keep target profiles and assessments as YAML files in git; resolve targets, compare them with
/// assessments, and gate CI on the gap.
///
/// Exit codes: 0 ok, 1 a check failed (e.g. a practice under target), 2 bad input.
#[derive(Debug, Parser)]
#[command(name = "smm", version, propagate_version = true, max_term_width = 100)]
pub struct Cli {
    /// Use this catalog (YAML or JSON) instead of the built-in IoT SMM 1.2.
    #[arg(long, global = true, value_name = "FILE")]
    pub catalog: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// What smm can do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the catalog's hierarchy, or one domain, subdomain or practice in full.
    Catalog {
        /// A domain, subdomain or practice id (or name).
        id: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Check documents against the catalog and against each other.
    ///
    /// Targets are also checked against the catalog's consistency rules (see docs/rules.md):
    /// warnings name the rule, the practices, why and the fix; a profile can accept a rule under
    /// `accepted-rules:` with a reason.
    ///
    /// Targets are resolved; assessments are checked for complete practices, consistent findings,
    /// evidence files matching their digests, and a target digest matching the target they name.
    Validate {
        /// Target profiles, assessments or catalogs.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Treat consistency-rule warnings (not accepted in the profile) as a failed check: exit 1.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Show a resolved target: every practice's level and where it came from, with roll-ups.
    Show {
        /// The target profile.
        target: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Compare a target with an assessment: the gap table and its summary.
    Gap {
        /// The target profile.
        target: PathBuf,
        /// The assessment measured against it.
        assessment: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// The CI gate: exit 1 and list the practices under target, exit 0 when none is.
    ///
    /// The second file may be an assessment (is the product under target?) or another target
    /// profile, such as a vendor's (does it cover every practice of the first?).
    Check {
        /// The target profile.
        target: PathBuf,
        /// The assessment measured against it, or a target profile that must cover it.
        #[arg(value_name = "ASSESSMENT|PROFILE")]
        assessment: PathBuf,
    },
    /// Compare two profiles, targets or assessments: per practice and measure, B above, equal
    /// to or below A, grouped by domain, and whether B covers A (see docs/compare-and-trend.md).
    Compare {
        /// Profile A, the reference: a target profile or an assessment.
        a: PathBuf,
        /// Profile B, measured against A.
        b: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also draw the comparison chart: .svg or .png.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Follow assessments of one system over time: the gap at each (by date), and what improved
    /// or regressed between them (see docs/compare-and-trend.md).
    Trend {
        /// Assessments of one product (or naming one target), in any order.
        #[arg(required = true, value_name = "ASSESSMENT")]
        assessments: Vec<PathBuf>,
        /// Measure every assessment against this target instead of the one each names.
        #[arg(long, value_name = "FILE")]
        target: Option<PathBuf>,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// Also draw the trend chart: .svg or .png.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Explain a practice (every level, rules, templates), a subdomain, a domain or a rule.
    Explain {
        /// A practice, subdomain, domain or rule id.
        id: String,
        /// Only this comprehensiveness level (0-4) of a practice.
        #[arg(long, value_name = "N")]
        level: Option<u8>,
    },
    /// Set a target: the guided five-step interview.
    Target {
        #[command(subcommand)]
        action: TargetAction,
    },
    /// The industry templates to start a target from.
    Template {
        #[command(subcommand)]
        action: TemplateAction,
    },
    /// Draw a chart of a target (and its gap): bars hatched by scope, radar, or heat map.
    Chart {
        /// Which chart.
        kind: ChartKind,
        /// The target profile.
        target: PathBuf,
        /// An assessment to compare with (optional: without it, the target alone).
        assessment: Option<PathBuf>,
        /// Practices, subdomains or domains.
        #[arg(long, value_enum, default_value = "practice")]
        level: LevelArg,
        /// Output file: .svg or .png.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Write the report: a gap report (with an assessment) or a target profile sheet.
    Report {
        /// The target profile.
        target: PathBuf,
        /// The assessment (optional).
        assessment: Option<PathBuf>,
        /// Output file: .html (self-contained, prints well) or .pdf (typeset in-process).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Export the gap table (every field, one row per practice) as CSV or XLSX.
    Export {
        /// The target profile.
        target: PathBuf,
        /// The assessment (optional).
        assessment: Option<PathBuf>,
        /// csv or xlsx (default: from the output file's extension).
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
        /// Output file.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Print the JSON Schema of a document kind.
    Schema {
        /// Which kind.
        kind: SchemaKind,
    },
    /// Print the canonical content digest (SHA-256) of a target profile or assessment.
    ///
    /// The digest is taken over the RFC 8785 canonical JSON of the parsed document, so comments
    /// and formatting do not change it; an assessment names its target by this digest.
    Digest {
        /// The document.
        file: PathBuf,
    },
}

/// What to do with targets.
#[derive(Debug, Subcommand)]
pub enum TargetAction {
    /// Write a new target profile by answering five steps of questions.
    ///
    /// Interactive in a terminal (ESC goes back a step, Ctrl-C saves a draft and stops; resume
    /// with --resume). With --answers FILE the same interview runs from a file, unanswered
    /// questions taking the suggested defaults.
    New {
        /// Where to write the profile.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Answer from this file instead of the terminal.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
        /// Start from a template (a built-in name, see `smm template list`, or a file).
        #[arg(long, value_name = "TEMPLATE")]
        from: Option<String>,
        /// Continue a saved draft.
        #[arg(long, value_name = "DRAFT", conflicts_with = "answers")]
        resume: Option<PathBuf>,
    },
}

/// The charts.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ChartKind {
    /// Target (and current) bars per item, hatched by scope.
    Bar,
    /// Target and current as polygons over the items.
    Radar,
    /// The gap as a grid of cells grouped by domain and subdomain.
    Heatmap,
}

/// Which level of the hierarchy a chart shows.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LevelArg {
    /// The 18 practices.
    Practice,
    /// The 9 subdomains.
    Subdomain,
    /// The 3 domains.
    Domain,
}

/// Export formats.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values, the practice table.
    Csv,
    /// An Excel workbook, a sheet per kind.
    Xlsx,
}

/// What to do with templates.
#[derive(Debug, Subcommand)]
pub enum TemplateAction {
    /// List the built-in templates.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one template: factors, goals, overrides with their reasons, and the resulting levels.
    Show {
        /// A built-in template name, or a path to a template file.
        name: String,
        /// Print the template as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Document kinds with a published schema.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SchemaKind {
    /// `kind: TargetProfile`.
    #[value(name = "target-profile", alias = "TargetProfile", alias = "target")]
    TargetProfile,
    /// `kind: Assessment`.
    #[value(name = "assessment", alias = "Assessment")]
    Assessment,
}
