//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use smm_core::document::Date;
use smm_core::roadmap::Month;

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
        #[arg(value_parser = crate::catalog_ids::CatalogIdParser::hierarchy(), hide_possible_values = true)]
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
        /// Print one JSON document (files, warnings and problems) instead of text; the exit code
        /// is the same.
        #[arg(long)]
        json: bool,
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
    ///
    /// For CI dashboards it also writes JUnit XML (one test case per practice) and SARIF 2.1.0
    /// (one result per practice under target, at the line of the target that sets the level);
    /// see docs/ci.md.
    Check {
        /// The target profile.
        target: PathBuf,
        /// The assessment measured against it, or a target profile that must cover it.
        #[arg(value_name = "ASSESSMENT|PROFILE")]
        assessment: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Also write the verdict as JUnit XML to FILE.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write the verdict as a SARIF 2.1.0 log to FILE.
        #[arg(long, value_name = "FILE")]
        sarif: Option<PathBuf>,
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
    /// Read a profile in a standard's terms: per clause of IEC 62443, ETSI EN 303 645, NIST IR
    /// 8259A/B, NIST CSF 2.0 or the Cyber Resilience Act, whether the target addresses it and
    /// whether the assessment meets it today (see docs/mappings.md).
    Map {
        /// A standard id (`smm map --list`) or a mapping file of your own.
        #[arg(required_unless_present = "list")]
        standard: Option<String>,
        /// A target profile, an assessment, or one of each (none: the mapping alone).
        #[arg(value_name = "PROFILE")]
        profiles: Vec<PathBuf>,
        /// List the standards smm ships mappings for.
        #[arg(long, conflicts_with_all = ["standard", "check", "output"])]
        list: bool,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also write the coverage: .csv, .xlsx, .svg or .png (repeatable).
        #[arg(short, long, value_name = "FILE")]
        output: Vec<PathBuf>,
        /// The gate: exit 1 when a clause the model reaches is not addressed (by the
        /// assessment when one is given, else by the target).
        #[arg(long)]
        check: bool,
        /// With --check, leave clauses the standard only recommends out.
        #[arg(long, requires = "check")]
        mandatory: bool,
    },
    /// Risk in money: the annual loss of the loss scenarios today (the assessment) and once the
    /// target is reached, as ranges, per scenario, with the loss exceedance curves (see
    /// docs/risk.md).
    Risk {
        /// The loss scenarios (`kind: RiskScenarios`).
        scenarios: PathBuf,
        /// The assessment: the levels today.
        assessment: PathBuf,
        /// The target profile the plan reaches (optional).
        target: Option<PathBuf>,
        /// Simulated years (default: the document's, else 100,000).
        #[arg(long)]
        iterations: Option<u32>,
        /// The seed (default: the document's): the same seed gives the same figures.
        #[arg(long)]
        seed: Option<u64>,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// Also write the loss exceedance curves (.svg or .png) or the figures (.csv: one table;
        /// .xlsx: profiles, scenarios and the curves).
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
        #[arg(value_parser = crate::catalog_ids::CatalogIdParser::with_rules(), hide_possible_values = true)]
        id: String,
        /// Only this comprehensiveness level (0-4) of a practice.
        #[arg(long, value_name = "N")]
        level: Option<u8>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
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
    ///
    /// Both open with an identification block: the system, product and version, the target's
    /// name, version, date and digest, the assessment's date, assessors and methods, the report
    /// date and this program's version. A target sheet ends with a place for both parties to sign.
    Report {
        /// The target profile.
        target: PathBuf,
        /// The assessment (optional).
        assessment: Option<PathBuf>,
        /// The report date the identification block gives (default: today). Give it to write
        /// the same report again byte for byte.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<Date>,
        /// Add a section reading the profile in a standard's terms (a standard id, see
        /// `smm map --list`, or a mapping file); repeatable.
        #[arg(long, value_name = "STANDARD")]
        standard: Vec<String>,
        /// Add a "Risk in money" section: the annual loss of these loss scenarios
        /// (`kind: RiskScenarios`) today and with the target reached, as `smm risk` computes it
        /// with the document's iterations and seed. Needs the assessment.
        #[arg(long, value_name = "SCENARIOS")]
        risk: Option<PathBuf>,
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
    /// Plan the actions that close the gap: ordered, priced and, with a budget, scheduled.
    ///
    /// Without --budget: every action the gap needs (and the prerequisites the assessment has not
    /// done), in dependency and priority order, with effort and amount. With --budget: a schedule
    /// into months or quarters that never exceeds a period's budget, keeps dependencies and the
    /// deadline, and closes as much weighted gap as possible; what does not fit is listed with
    /// the budget or deadline that would fit it. See docs/roadmap.md.
    Roadmap {
        /// The target profile.
        target: PathBuf,
        /// The assessment measured against it.
        assessment: PathBuf,
        /// Budget per period: an amount in the costs' currency (60000) or person-days (40d).
        #[arg(long, value_name = "AMOUNT", value_parser = parse_budget)]
        budget: Option<BudgetArg>,
        /// Length of a budget period.
        #[arg(long, value_enum, default_value = "quarter", requires = "budget")]
        period: PeriodArg,
        /// First month of work, YYYY-MM (default: the month after the assessment).
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, requires = "budget")]
        start: Option<Month>,
        /// Last month in which work may be planned, YYYY-MM.
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, requires = "budget")]
        deadline: Option<Month>,
        /// Your own day rate, cost classes and efforts (a `kind: Costs` file).
        #[arg(long, value_name = "FILE")]
        costs: Option<PathBuf>,
        /// The actions of a custom catalog (a `kind: Actions` file).
        #[arg(long, value_name = "FILE")]
        actions: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Write the roadmap: .md, .html (with the timeline), or the timeline alone as .svg or .png.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// What orders the actions and what a budgeted schedule maximizes: the weight (priority
        /// times gap and risk points), or the annual loss avoided per unit of cost, from the loss
        /// scenarios given with --scenarios (see docs/risk.md).
        #[arg(long, value_enum, default_value = "weight")]
        rank: RankArg,
        /// The loss scenarios (`kind: RiskScenarios`) a ranking by risk reads.
        #[arg(long, value_name = "FILE", required_if_eq("rank", "risk"))]
        scenarios: Option<PathBuf>,
        /// Years over which a one-off cost is weighed against the loss it avoids each year, for
        /// the return on security investment.
        #[arg(long, value_name = "YEARS", default_value_t = smm_core::risk::DEFAULT_HORIZON_YEARS,
              value_parser = clap::value_parser!(u32).range(1..=50))]
        horizon: u32,
        /// Simulated years of the ranking by risk (default: the scenarios', else 100,000).
        #[arg(long, requires = "scenarios")]
        iterations: Option<u32>,
        /// The seed of the ranking by risk (default: the scenarios').
        #[arg(long, requires = "scenarios")]
        seed: Option<u64>,
    },
    /// NIST OSCAL: export the catalog, a target, an assessment or a roadmap as OSCAL documents,
    /// and import OSCAL assessment results as an assessment (see docs/oscal.md).
    Oscal {
        #[command(subcommand)]
        action: OscalAction,
    },
    /// Make the issuer's Ed25519 key pair for signing certificates.
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// Issue certificates, sign supplier's declarations, verify and revoke them (see
    /// docs/certificates.md).
    Cert {
        #[command(subcommand)]
        action: CertAction,
    },
    /// Run the server: the REST API (OpenAPI at /api/openapi.json) over SQLite by default, or
    /// PostgreSQL with --database-url. Stops gracefully on SIGTERM or Ctrl-C.
    ///
    /// With no options it keeps everything in ./smm-data (smm.db, and keys.secret, which seals
    /// organizations' signing keys, created on first start) and listens on 127.0.0.1:8080.
    /// Create the first user with `smm admin create-user`.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
        listen: std::net::SocketAddr,
        /// Where the SQLite database and the keys secret live.
        #[arg(long, default_value = "smm-data", value_name = "DIR")]
        data_dir: PathBuf,
        /// The database instead: sqlite://FILE or postgres://USER@HOST/DB.
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// The secret organizations' signing keys are sealed under in the database (32 random
        /// bytes, created with mode 0600 if missing). Servers sharing a database must share it;
        /// a server whose secret does not open the stored keys refuses to start. Keep it apart
        /// from database backups. Default: DIR/keys.secret.
        #[arg(long, value_name = "FILE", env = "SMM_KEYS_SECRET_FILE")]
        keys_secret: Option<PathBuf>,
        /// Mark session cookies Secure (set this when users reach the server over HTTPS).
        #[arg(long)]
        secure_cookies: bool,
        /// A reverse proxy in front of the server (an address or a network such as 10.0.0.0/8;
        /// repeat for several): its X-Forwarded-For names the client, so failed logins are
        /// counted per client, not for the proxy as a whole. Nobody else's is believed.
        #[arg(long = "trusted-proxy", value_name = "ADDRESS", value_parser = smm_server::parse_trusted_proxy)]
        trusted_proxies: Vec<smm_server::IpNet>,
        /// A certification scheme (`kind: Scheme`) attestations may be issued under, besides the
        /// built-in smm-baseline (repeat for several; the first is the default). A file that
        /// does not validate stops the server with its line and field.
        #[arg(long = "scheme", value_name = "FILE")]
        schemes: Vec<PathBuf>,
        /// A mapping of a standard (`kind: Mapping`) profiles can be read in, besides the
        /// built-in ones (repeat for several; one with a built-in standard's id replaces it). A
        /// file that does not validate stops the server with its line and field.
        #[arg(long = "mapping", value_name = "FILE")]
        mappings: Vec<PathBuf>,
        /// The transparency log's name, the first line of its checkpoints: by convention the
        /// server's address and a path, without the scheme (e.g. smm.example.com/log). Default:
        /// the log this database already keeps, or a new one with a generated name.
        #[arg(long, value_name = "ORIGIN", env = "SMM_LOG_ORIGIN")]
        log_origin: Option<String>,
        /// How often, in seconds, to check the audit log and sign a checkpoint of it when it
        /// grew (0: only when someone asks, e.g. the audit page or /api/log/audit-checkpoint).
        #[arg(
            long,
            value_name = "SECONDS",
            default_value_t = 600,
            env = "SMM_AUDIT_CHECKPOINT_EVERY"
        )]
        audit_checkpoint_every: u64,
        /// Let people sign in through an OpenID Connect provider (Keycloak, Entra ID, Okta…),
        /// configured in FILE (`kind: OidcProvider`: issuer, client, which groups give which
        /// role in which organization; see docs/server.md)
        #[arg(long, value_name = "FILE", env = "SMM_OIDC_CONFIG")]
        oidc: Option<PathBuf>,
        /// Log as JSON lines instead of text.
        #[arg(long)]
        log_json: bool,
        #[command(flatten)]
        connections: ConnectionArgs,
    },
    /// Administration of the server's store: the first owner, more users, certification bodies,
    /// the issuers document, backups and restores.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// The server's audit log (see docs/store.md).
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Follow a server's transparency log as a monitor (new attestations and revocations, each
    /// proved to be what the log's signed checkpoint commits to), or witness it (cosign the
    /// checkpoints proved consistent with the last one cosigned). See docs/transparency.md.
    Log {
        #[command(subcommand)]
        action: LogAction,
    },
    /// What changed between two assessments, or two versions of a target (exit 0: informational).
    ///
    /// Assessments: levels per practice, evidence added or removed, findings new, gone, resolved,
    /// accepted or reopened (matched by id). Targets: goals, subdomains and practices whose level
    /// moved, lowered ones flagged, and whether NEW records that it supersedes OLD.
    Diff {
        /// The older document.
        old: PathBuf,
        /// The newer document (of the same kind).
        new: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of a document kind, or of what a command prints with --json.
    ///
    /// Document schemas are under schemas/, output schemas under schemas/output/ (see
    /// docs/formats.md).
    Schema {
        /// Which kind: a document (target-profile, assessment, …) or an output (check, gap, …).
        kind: SchemaKind,
    },
    /// Print the canonical content digest (SHA-256) of a target profile or assessment.
    ///
    /// The digest is taken over the RFC 8785 canonical JSON of the parsed document, so comments
    /// and formatting do not change it; an assessment names its target by this digest.
    Digest {
        /// The document.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the completion script of a shell: subcommands, options, and the built-in catalog's
    /// ids after `smm explain` and `smm catalog`.
    ///
    /// Load it from the shell's start-up file, e.g. `source <(smm completions bash)` in
    /// ~/.bashrc, or save it where the shell looks for completions (see the README, "Shell
    /// completions and man pages").
    Completions {
        /// The shell.
        shell: crate::commands::completions::Shell,
    },
    /// Print the manual page (roff), or write it and one page per subcommand into a folder.
    Man {
        /// Write smm.1 and a page per subcommand (smm-check.1, smm-cert-verify.1, ...) into this
        /// existing folder, e.g. /usr/local/share/man/man1, instead of printing smm.1.
        #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
}

/// How many connections `smm serve` takes at once and how long each may take (see
/// docs/server.md, "Connections").
#[derive(Debug, clap::Args)]
pub struct ConnectionArgs {
    /// Connections served at once; one more is closed as soon as it is accepted. Keep it under
    /// the process's open-file limit (ulimit -n).
    #[arg(long, value_name = "N", env = "SMM_MAX_CONNECTIONS",
          default_value_t = smm_server::connections::DEFAULT_LIMITS.max_connections as u32,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a client has to send a request's head, from a new connection or the first byte
    /// of the request; then the connection is closed.
    #[arg(long, value_name = "SECONDS", env = "SMM_HEADER_TIMEOUT",
          default_value_t = smm_server::connections::DEFAULT_LIMITS.header_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// Seconds a client has to send a request's body, from the end of its head (uploads of
    /// large evidence over slow links may need more).
    #[arg(long, value_name = "SECONDS", env = "SMM_BODY_TIMEOUT",
          default_value_t = smm_server::connections::DEFAULT_LIMITS.body_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, value_name = "SECONDS", env = "SMM_IDLE_TIMEOUT",
          default_value_t = smm_server::connections::DEFAULT_LIMITS.idle_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
}

impl ConnectionArgs {
    /// The server's limits.
    pub fn limits(&self) -> smm_server::ConnectionLimits {
        use std::time::Duration;
        smm_server::ConnectionLimits {
            max_connections: self.max_connections as usize,
            header_timeout: Duration::from_secs(self.header_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
        }
    }
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
        /// A standard the target must address (an id, see `smm map --list`, or a mapping
        /// file); repeatable. Practices below the levels its clauses need are raised, never
        /// lowered, each with the clauses as its rationale.
        #[arg(long, value_name = "STANDARD")]
        standard: Vec<String>,
        /// With --standard, leave the clauses a standard only recommends out.
        #[arg(long, requires = "standard")]
        mandatory: bool,
    },
    /// Write the next version of a target with one practice lowered, recording what it
    /// supersedes (the old version's digest and the reason).
    // `--version` names the new profile version here, not smm's own.
    #[command(disable_version_flag = true)]
    Lower(crate::commands::lineage::LowerArgs),
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

/// Administration.
#[derive(Debug, Subcommand)]
pub enum AdminAction {
    /// Create a user with a role in an organization (created if it does not exist yet): the way to
    /// bootstrap the first owner. The password comes from --password-file, SMM_PASSWORD, or the
    /// terminal (asked twice); at least 12 characters.
    CreateUser {
        /// The user's login name.
        #[arg(long)]
        name: String,
        /// The organization.
        #[arg(long)]
        organization: String,
        /// The role in it.
        #[arg(long, value_enum, default_value = "owner")]
        role: RoleArg,
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// Read the password from this file (first line).
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Designate an organization a certification body: it may then issue certificates with its
    /// own keys. Only the server's administrator can; no organization can designate itself.
    DesignateBody {
        /// The organization (it must exist).
        #[arg(long)]
        organization: String,
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// End an organization's designation as a certification body: it issues no more
    /// certificates (what it issued stays as it was).
    UndesignateBody {
        /// The organization.
        #[arg(long)]
        organization: String,
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Link an existing account to a person's identity at the OpenID Connect provider, so that
    /// signing in through the provider opens it (accounts are never linked by name or e-mail
    /// on their own). The subject is the provider's `sub` for the person.
    LinkIdentity {
        /// The user's login name.
        #[arg(long)]
        name: String,
        /// The provider's issuer, exactly as in the server's `--oidc` file.
        #[arg(long)]
        issuer: String,
        /// The person's subject (`sub`) at the provider.
        #[arg(long)]
        subject: String,
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it can no longer sign in, its sessions end at once, and the API
    /// tokens it made stop working. Nothing it wrote is removed.
    DisableUser {
        /// The user's login name.
        #[arg(long)]
        name: String,
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Back up the store while the server runs: one archive file (tar) with a consistent copy
    /// of the database (SQLite's `VACUUM INTO`; PostgreSQL's `pg_dump` of one snapshot), a
    /// manifest of its facts and digests, and every key's public part. The keys secret is left
    /// out unless --include-keys-secret. Exit 1 when the audit chain does not verify (the
    /// backup is written all the same). See docs/server.md, "Backups".
    Backup {
        /// The archive to write (written atomically, private to its owner).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The server's data directory (its SQLite database and keys secret).
        #[arg(long, default_value = "smm-data", value_name = "DIR")]
        data_dir: PathBuf,
        /// The database instead: sqlite://FILE or postgres://USER@HOST/DB.
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// The keys secret to include (default: DIR/keys.secret); read only with
        /// --include-keys-secret.
        #[arg(long, value_name = "FILE", env = "SMM_KEYS_SECRET_FILE")]
        keys_secret: Option<PathBuf>,
        /// Put the keys secret in the archive. Whoever reads such a backup can open every
        /// organization's private signing key: encrypt it.
        #[arg(long)]
        include_keys_secret: bool,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup into an empty store: every member is checked against the manifest
    /// before anything is written; the restored store's row counts, audit head and
    /// transparency log must be those recorded, and its audit chain must verify.
    Restore {
        /// The archive `smm admin backup` wrote.
        archive: PathBuf,
        /// A new or empty data directory: the SQLite store goes there, and the keys secret
        /// (for PostgreSQL only the keys secret).
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// An empty PostgreSQL database to restore a PostgreSQL backup into (createdb first).
        #[arg(long, value_name = "URL")]
        database_url: Option<String>,
        /// The keys secret kept apart from the backup: checked against the sealed keys and
        /// put into the data directory.
        #[arg(long, value_name = "FILE")]
        keys_secret: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Enable a disabled account again (its old sessions stay ended; its tokens work again while
    /// it still has the right to make them).
    EnableUser {
        /// The user's login name.
        #[arg(long)]
        name: String,
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Give every stored target profile and assessment version a prepared form this release
    /// reads: versions stored before forms existed, saved from the web editor, or prepared by a
    /// release whose document types differ are parsed from their text at every read until
    /// then. Run it once every server runs this release. Nothing but the forms changes.
    /// Exit 1 when a stored text does not parse with this release (named in the report).
    PrepareForms {
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// Find and parse the versions, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Parse on this many threads (default: one per CPU). Fewer leave CPU to a server on
        /// the same machine.
        #[arg(long, value_name = "N")]
        jobs: Option<std::num::NonZeroUsize>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the issuers document (every organization's public keys, their life, and whether it
    /// is a certification body; what GET /api/issuers serves) to a file, for offline
    /// verification.
    Issuers {
        /// The file to write (JSON).
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// A role in an organization (docs/store.md).
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    /// Everything, including members and tokens.
    Owner,
    /// Assessments, evidence, certificates.
    Assessor,
    /// Targets and assessments.
    Editor,
    /// Read only.
    Viewer,
    /// Read only, audit log included.
    Auditor,
}

/// What to do with the audit log.
#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check the hash chain of the audit log: exit 0 if intact, 1 naming every entry changed or
    /// removed.
    ///
    /// Also compares the log with signed checkpoints of it: those the server kept in the
    /// database, those given with --checkpoint, and those kept in --state by earlier runs
    /// (signatures checked with --log-key, or the key pinned in --state); and recomputes the
    /// digest of every stored document version and evidence file.
    Verify {
        /// The database: sqlite://FILE or postgres://… (default: sqlite://smm-data/smm.db).
        #[arg(long, value_name = "URL", env = "SMM_DATABASE_URL")]
        database_url: Option<String>,
        /// The last head hash you recorded: the log must still contain it at the same place.
        #[arg(long, value_name = "SHA256")]
        head: Option<String>,
        /// A signed checkpoint of the audit log kept outside the database (from
        /// GET /api/log/audit-checkpoint); repeatable.
        #[arg(long, value_name = "FILE")]
        checkpoint: Vec<PathBuf>,
        /// The key audit checkpoints are signed with, as a C2SP verifier key (the
        /// `audit_verifier_key` of GET /api/log).
        #[arg(long, value_name = "KEY")]
        log_key: Option<String>,
        /// A directory where verified checkpoints and the key are kept between runs: each run
        /// checks against all of them, and adds the ones it verified when the log holds.
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// What to do with keys.
#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Write a new key pair: NAME.key (PKCS#8 PEM, mode 0600, never overwritten) and NAME.pub
    /// (SubjectPublicKeyInfo PEM, to publish).
    New {
        /// Base name of the two files, e.g. `issuer` for issuer.key and issuer.pub.
        #[arg(short, long, value_name = "NAME")]
        output: PathBuf,
        /// Encrypt the private key with a passphrase (from SMM_PASSPHRASE, --passphrase-file, or
        /// asked for on the terminal).
        #[arg(long)]
        encrypt: bool,
        /// Read the passphrase from this file (first line).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Publish a public key in an issuers document (created if absent): who holds it, from
    /// when, and whether the holder is a certification body.
    Publish {
        /// The issuers document to update.
        #[arg(long, value_name = "FILE")]
        issuers: PathBuf,
        /// The public key (NAME.pub).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The issuer's id in the document (what `--issuer-id` puts in statements).
        #[arg(long, value_name = "ID")]
        id: String,
        /// The issuer's name, as its statements carry it.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// The issuer is a certification body (may issue certificates, not only declarations).
        #[arg(long)]
        certification_body: bool,
        /// First day the key signs (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Retire a published key: it signs no more after DATE, and still verifies what it signed.
    Retire {
        /// The issuers document to update.
        #[arg(long, value_name = "FILE")]
        issuers: PathBuf,
        /// The key's id.
        #[arg(long, value_name = "KEYID")]
        keyid: String,
        /// Its last day (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a compromised key: nothing it signed from DATE on is trusted.
    Revoke {
        /// The issuers document to update.
        #[arg(long, value_name = "FILE")]
        issuers: PathBuf,
        /// The key's id.
        #[arg(long, value_name = "KEYID")]
        keyid: String,
        /// From when its signatures are not trusted (may be in the past).
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// What to do with certificates and declarations.
#[derive(Debug, Subcommand)]
pub enum CertAction {
    /// Issue a certificate as a certification body, only if the scheme's requirements are met
    /// (by default: every practice at target, no open finding, a vulnerability analysis recorded);
    /// otherwise list every reason (exit 1).
    #[command(disable_version_flag = true)]
    Issue {
        #[command(flatten)]
        args: IssueArgs,
    },
    /// Sign a supplier's declaration: the owner's own statement of conformity (ISO/IEC 17050),
    /// under the same scheme rules as a certificate, and never to be mistaken for one.
    #[command(disable_version_flag = true)]
    Declare {
        #[command(flatten)]
        args: IssueArgs,
    },
    /// Verify a certificate or declaration: who signed it and with what standing, its kind, the
    /// signature, dates, the documents' digests and revocation. Exit 0 with what was verified, or
    /// 1 with the exact reason.
    Verify {
        /// The certificate or declaration.
        cert: PathBuf,
        /// The issuers document (`GET /api/issuers`, or `smm admin issuers`): finds the signing
        /// key, its holder, its life, and whether the holder is a certification body.
        #[arg(
            long,
            value_name = "FILE",
            required_unless_present = "issuer",
            conflicts_with = "issuer"
        )]
        issuers: Option<PathBuf>,
        /// Or the issuer's public key alone (its standing as a certification body is then not
        /// checked).
        #[arg(long, value_name = "FILE")]
        issuer: Option<PathBuf>,
        /// The target profile the attestation should name.
        #[arg(long, value_name = "FILE")]
        target: Option<PathBuf>,
        /// Assessments the attestation should rest on.
        #[arg(long = "assessment", value_name = "FILE")]
        assessments: Vec<PathBuf>,
        /// The issuer's signed revocation list.
        #[arg(long, value_name = "FILE")]
        revoked: Option<PathBuf>,
        /// The log proof kept beside the attestation (`cert.proof.json` from the server, or
        /// `GET /api/log/attestations/SERIAL/proof`): checked offline against the log's key.
        #[arg(long, value_name = "FILE", requires = "log_key")]
        log_proof: Option<PathBuf>,
        /// The transparency log's key, as a C2SP verifier key (`<origin>+<key id>+<key>`, the
        /// `verifier_key` of `GET /api/log`), or a file holding one.
        #[arg(long, value_name = "KEY", env = "SMM_LOG_KEY")]
        log_key: Option<String>,
        /// Fail unless a log proof shows the attestation is in the transparency log.
        #[arg(long)]
        require_log: bool,
        /// Check validity on this date instead of today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        at: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Render a certificate or declaration as a one-page document to hand over: PDF or HTML by
    /// the output's extension. The kind first, then products and versions, issuer, serial,
    /// validity, scheme, target, assessments, limitations, the result per domain, and a
    /// verification link with its QR code; nothing the signed statement does not say. The
    /// signature is verified first: an envelope that fails (or an expired attestation) is not
    /// rendered (exit 1, with the reason).
    Render {
        /// The certificate or declaration.
        cert: PathBuf,
        /// The issuers document: finds the signing key, its holder and standing.
        #[arg(
            long,
            value_name = "FILE",
            required_unless_present = "issuer",
            conflicts_with = "issuer"
        )]
        issuers: Option<PathBuf>,
        /// Or the issuer's public key alone.
        #[arg(long, value_name = "FILE")]
        issuer: Option<PathBuf>,
        /// Where readers verify it: the document links to BASE/verify?serial=SERIAL (for a
        /// server, its public address, e.g. https://smm.example.org).
        #[arg(long, value_name = "BASE")]
        verify_url: String,
        /// The document to write: FILE.pdf or FILE.html.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Revoke a certificate or declaration: add it to the issuer's signed revocation list
    /// (created if absent).
    Revoke {
        /// The certificate to revoke.
        cert: PathBuf,
        /// The issuer's private key (the one that signed the certificate).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// Why.
        #[arg(long)]
        reason: String,
        /// From when (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// The revocation list to update or create.
        #[arg(long, value_name = "FILE")]
        list: PathBuf,
        /// Read the key's passphrase from this file (or SMM_PASSPHRASE, or the terminal).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// What `smm cert issue` and `smm cert declare` need.
#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// The target profile the products conform to.
    #[arg(long, value_name = "FILE")]
    pub target: PathBuf,
    /// The assessments (one per product version, or of the line's representatives).
    #[arg(long = "assessment", value_name = "FILE", required = true)]
    pub assessments: Vec<PathBuf>,
    /// The issuer's private key.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The issuing organization's name as it appears on the attestation (and in the issuers
    /// document).
    #[arg(long, value_name = "NAME")]
    pub issuer: String,
    /// The issuer's id in the issuers document, if it has one (`org-12` on a server).
    #[arg(long, value_name = "ID")]
    pub issuer_id: Option<String>,
    /// The product attested (with --version).
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "product_line",
        requires = "versions"
    )]
    pub product: Option<String>,
    /// A version of the product (repeat for several).
    #[arg(long = "version", value_name = "V")]
    pub versions: Vec<String>,
    /// Attest a product line; the assessments are of its representative products.
    #[arg(
        long,
        value_name = "NAME",
        required_unless_present = "product",
        requires = "covers"
    )]
    pub product_line: Option<String>,
    /// With --product-line: a product and version the line covers, `NAME@VERSION` (repeat for
    /// each; the assessed representatives among them).
    #[arg(long = "covers", value_name = "NAME@VERSION")]
    pub covers: Vec<String>,
    /// The certification scheme (`kind: Scheme`); default: the built-in smm-baseline.
    #[arg(long, value_name = "FILE")]
    pub scheme: Option<PathBuf>,
    /// Date of issue (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Last day of validity (default: the longest the scheme allows, or three years less a day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub valid_until: Option<String>,
    /// Read the key's passphrase from this file (or SMM_PASSPHRASE, or the terminal).
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// The file to write (a DSSE envelope, JSON).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A budget per period, as given on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BudgetArg {
    /// Whole currency units.
    Money(u64),
    /// Tenths of a person-day.
    Tenths(u64),
}

fn parse_budget(text: &str) -> Result<BudgetArg, String> {
    let text = text.trim();
    let bad = || {
        format!(
            "`{text}` is not a budget: give an amount such as 60000 (currency of the costs) or \
             person-days such as 40d"
        )
    };
    if let Some(days) = text.strip_suffix('d') {
        let days: f64 = days.trim().parse().map_err(|_| bad())?;
        return smm_core::actions::Effort::from_days(days)
            .map(|e| BudgetArg::Tenths(u64::from(e.tenths())))
            .ok_or_else(bad);
    }
    let digits: String = text.chars().filter(|c| *c != ',' && *c != '_').collect();
    match digits.parse::<u64>() {
        Ok(0) => Err("the budget per period must be more than 0".to_string()),
        Ok(amount) => Ok(BudgetArg::Money(amount)),
        Err(_) => Err(bad()),
    }
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date: expected YYYY-MM-DD"))
}

fn parse_month(text: &str) -> Result<Month, String> {
    Month::parse(text)
        .ok_or_else(|| format!("`{text}` is not a month: expected YYYY-MM, e.g. 2027-01"))
}

/// What ranks a roadmap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RankArg {
    /// Priority times gap and risk points.
    Weight,
    /// Annual loss avoided per unit of cost, from loss scenarios.
    Risk,
}

/// Months or quarters.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PeriodArg {
    /// Calendar months.
    Month,
    /// Calendar quarters.
    Quarter,
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
    /// `kind: Scheme`.
    #[value(name = "scheme", alias = "Scheme")]
    Scheme,
    /// `kind: Mapping`.
    #[value(name = "mapping", alias = "Mapping")]
    Mapping,
    /// `kind: RiskScenarios`.
    #[value(name = "risk-scenarios", alias = "RiskScenarios")]
    RiskScenarios,
    /// Output of `smm check --json`.
    #[value(name = "check", alias = "Check")]
    Check,
    /// Output of `smm validate --json`.
    #[value(name = "validation", alias = "Validation")]
    Validation,
    /// Output of `smm explain --json`.
    #[value(name = "explanation", alias = "Explanation")]
    Explanation,
    /// Output of `smm gap --json`.
    #[value(name = "gap", alias = "Gap")]
    Gap,
    /// Output of `smm show --json`.
    #[value(name = "resolved-target", alias = "ResolvedTarget")]
    ResolvedTarget,
    /// Output of `smm compare --json`.
    #[value(name = "comparison", alias = "Comparison")]
    Comparison,
    /// Output of `smm trend --json`.
    #[value(name = "trend", alias = "Trend")]
    Trend,
    /// Output of `smm roadmap --json`.
    #[value(name = "roadmap", alias = "Roadmap")]
    Roadmap,
    /// Output of `smm roadmap --rank risk --json`.
    #[value(name = "risk-roadmap", alias = "RiskRoadmap")]
    RiskRoadmap,
    /// Output of `smm risk --json`.
    #[value(name = "risk", alias = "Risk")]
    Risk,
    /// Output of `smm diff --json` on two assessments.
    #[value(name = "assessment-diff", alias = "AssessmentDiff")]
    AssessmentDiff,
    /// Output of `smm diff --json` on two targets.
    #[value(name = "target-diff", alias = "TargetDiff")]
    TargetDiff,
    /// Output of `smm map STANDARD PROFILE --json`.
    #[value(name = "coverage", alias = "Coverage")]
    Coverage,
    /// Output of `smm map --list --json`.
    #[value(name = "standards", alias = "Standards")]
    Standards,
    /// Output of `smm cert verify --json`.
    #[value(name = "verification", alias = "Verification")]
    Verification,
    /// Output of `smm log follow --json`.
    #[value(name = "log-follow", alias = "LogFollow")]
    LogFollow,
    /// Output of `smm catalog --json`.
    #[value(name = "catalog", alias = "Catalog")]
    Catalog,
    /// Output of `smm template list --json`.
    #[value(name = "templates", alias = "Templates")]
    Templates,
    /// Output of `smm digest --json`.
    #[value(name = "digest", alias = "Digest")]
    Digest,
    /// Output of `smm audit verify --json`.
    #[value(name = "audit-verification", alias = "AuditVerification")]
    AuditVerification,
    /// Output of `smm admin backup --json`.
    #[value(name = "backup", alias = "Backup")]
    Backup,
    /// Output of `smm admin restore --json`.
    #[value(name = "restore", alias = "Restore")]
    Restore,
    /// Output of `smm key new --json`.
    #[value(name = "key-pair", alias = "KeyPair")]
    KeyPair,
    /// Output of `smm key publish|retire|revoke --json`.
    #[value(name = "issuers-update", alias = "IssuersUpdate")]
    IssuersUpdate,
    /// Output of `smm cert issue|declare --json`.
    #[value(name = "issuance", alias = "Issuance")]
    Issuance,
    /// Output of `smm cert revoke --json`.
    #[value(name = "revocation", alias = "Revocation")]
    Revocation,
    /// Output of `smm admin create-user --json`.
    #[value(name = "new-user", alias = "NewUser")]
    NewUser,
    /// Output of `smm admin disable-user|enable-user --json`.
    #[value(name = "user-access", alias = "UserAccess")]
    UserAccess,
    /// Output of `smm admin link-identity --json`.
    #[value(name = "identity-link", alias = "IdentityLink")]
    IdentityLink,
    /// Output of `smm admin designate-body|undesignate-body --json`.
    #[value(name = "designation", alias = "Designation")]
    Designation,
    /// Output of `smm admin issuers --json`.
    #[value(name = "issuers-export", alias = "IssuersExport")]
    IssuersExport,
    /// Output of `smm admin prepare-forms --json`.
    #[value(name = "prepared-forms", alias = "PreparedForms")]
    PreparedForms,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

/// What to do with a transparency log.
#[derive(Debug, Subcommand)]
pub enum LogAction {
    /// Fetch the log's latest checkpoint, check its signature and that the log only grew since
    /// the checkpoint kept in the state folder, read the new entries, check they are exactly
    /// those the checkpoint commits to, report them, and keep the new checkpoint. A log that
    /// rewrote its history, or any check that fails, is reported with exit 1 and the state is
    /// left as it was.
    Follow {
        #[command(flatten)]
        log: FollowArgs,
        /// Report only attestations of this vendor (a supplier's declaration's issuer, name or
        /// id, case-insensitive) and their revocations.
        #[arg(long, value_name = "NAME")]
        vendor: Option<String>,
        /// Report only attestations covering this product (or product line), and their
        /// revocations.
        #[arg(long, value_name = "NAME")]
        product: Option<String>,
        /// How to report.
        #[arg(long, value_enum, default_value = "text")]
        format: LogFormat,
        /// Print JSON instead of text: the same as `--format json`.
        #[arg(long, conflicts_with = "format")]
        json: bool,
    },
    /// Check the log as `follow` does and, when its new checkpoint is consistent with the last
    /// one this witness cosigned, add the witness's cosignature (C2SP tlog-cosignature) and
    /// print the cosigned checkpoint (also kept as STATE/cosigned).
    Witness {
        #[command(flatten)]
        log: FollowArgs,
        /// The witness's private key (PEM, as `smm key new` writes it).
        #[arg(long, value_name = "FILE")]
        witness_key: PathBuf,
        /// The witness's name, written on its cosignatures (no spaces or `+`).
        #[arg(long, value_name = "NAME")]
        name: String,
        /// Read the witness key's passphrase from this file (first line).
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
        /// Also write the cosigned checkpoint here.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Which log to follow, and where the follower keeps what it verified.
#[derive(Debug, clap::Args)]
pub struct FollowArgs {
    /// The server's address, e.g. http://smm.example.org:8080 (its /api/log/... is read).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The folder where the log's key is pinned and the last verified checkpoint is kept
    /// (created if missing); one per log followed.
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// The log's key, as a C2SP verifier key (`verifier_key` of GET /api/log) or a file holding
    /// one. Needed the first time (it is then pinned in the state folder: get it through a
    /// channel you trust); afterwards it must be the pinned key.
    #[arg(long, value_name = "KEY", env = "SMM_LOG_KEY")]
    pub log_key: Option<String>,
}

/// How `smm log follow` reports.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LogFormat {
    /// Lines for a person.
    Text,
    /// A JSON document (`kind: LogFollow`).
    Json,
}

/// `smm oscal` subcommands.
#[derive(Debug, Subcommand)]
pub enum OscalAction {
    /// Write an OSCAL document (OSCAL 1.2.1, JSON or YAML).
    Export {
        #[command(subcommand)]
        what: OscalExport,
    },
    /// Read OSCAL assessment results (JSON or YAML) as an assessment. What cannot be mapped is
    /// listed on standard error, each with its JSON path.
    Import {
        /// The OSCAL assessment results.
        results: PathBuf,
        /// Write the assessment (YAML) here instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Fail (exit 1, nothing written) when anything could not be mapped.
        #[arg(long)]
        strict: bool,
    },
}

/// What `smm oscal export` writes.
#[derive(Debug, Subcommand)]
pub enum OscalExport {
    /// The catalog as an OSCAL catalog: practices as controls, levels as parts.
    Catalog {
        #[command(flatten)]
        out: OscalOutput,
    },
    /// A target profile as an OSCAL profile: the practices it selects and their target levels.
    Profile {
        /// The target profile.
        target: PathBuf,
        /// Where the profile finds the OSCAL catalog (default: catalog.json or catalog.yaml).
        #[arg(long, value_name = "HREF")]
        catalog_href: Option<String>,
        #[command(flatten)]
        out: OscalOutput,
    },
    /// An assessment and its gap as OSCAL assessment results.
    Results {
        /// The assessment.
        assessment: PathBuf,
        /// The target profile it is measured against.
        #[arg(long, value_name = "FILE")]
        target: PathBuf,
        #[command(flatten)]
        out: OscalOutput,
    },
    /// The roadmap as an OSCAL plan of action and milestones (the options of `smm roadmap`).
    Poam {
        /// The target profile.
        target: PathBuf,
        /// The assessment measured against it.
        assessment: PathBuf,
        #[command(flatten)]
        plan: PlanOptions,
        #[command(flatten)]
        out: OscalOutput,
    },
}

/// The roadmap's planning options, as `smm roadmap` takes them.
#[derive(Debug, clap::Args)]
pub struct PlanOptions {
    /// Budget per period: an amount in the costs' currency (60000) or person-days (40d).
    #[arg(long, value_name = "AMOUNT", value_parser = parse_budget)]
    pub budget: Option<BudgetArg>,
    /// Length of a budget period.
    #[arg(long, value_enum, default_value = "quarter", requires = "budget")]
    pub period: PeriodArg,
    /// First month of work, YYYY-MM (default: the month after the assessment).
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, requires = "budget")]
    pub start: Option<Month>,
    /// Last month in which work may be planned, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, requires = "budget")]
    pub deadline: Option<Month>,
    /// Your own day rate, cost classes and efforts (a `kind: Costs` file).
    #[arg(long, value_name = "FILE")]
    pub costs: Option<PathBuf>,
    /// The actions of a custom catalog (a `kind: Actions` file).
    #[arg(long, value_name = "FILE")]
    pub actions: Option<PathBuf>,
}

/// Where and how an OSCAL export is written.
#[derive(Debug, clap::Args)]
pub struct OscalOutput {
    /// JSON or YAML (default: the output file's extension, else JSON).
    #[arg(long, value_enum)]
    pub format: Option<OscalFormat>,
    /// Write the document here (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The OSCAL serializations smm writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OscalFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}
