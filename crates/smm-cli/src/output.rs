//! Everything the CLI prints goes through here: tables, JSON and problems.
//!
//! anstream drops the colour codes when the stream is not a terminal or `NO_COLOR` is set, so the
//! same rendering serves people and pipes.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::failure::Problem;

/// Bold, for headers.
pub const HEADER: Style = Style::new().bold();
/// Dim, for secondary text.
pub const DIM: Style = Style::new().dimmed();
/// Below target.
pub const UNDER: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
/// On target.
pub const MET: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
/// Above target.
pub const OVER: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
/// An error label.
pub const ERROR: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
/// A help label.
pub const HELP: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)))
    .bold();

/// "1 practice", "3 practices": a count with its word, plural unless one.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Writes text to standard output. A closed pipe (`smm ... | head`) is not an error worth a panic.
pub fn print(text: &str) {
    emit(std::io::stdout().lock(), text);
}

/// Writes a remark to standard error, leaving standard output to what a pipe should read (a
/// witness's cosigned checkpoint, for one).
pub fn note(text: &str) {
    emit(std::io::stderr().lock(), text);
}

/// Writes `text` whole, its colour codes kept or dropped as the stream wants, in one write where
/// the platform allows. Passed through anstream's stream, a text was written a piece at a time
/// (every run of plain text between two colour codes its own system call): 36 writes for the
/// bottling line's gap table, a sixth of the whole `smm gap` (docs/performance.md).
fn emit<S>(mut raw: S, text: &str)
where
    S: anstream::stream::RawStream + anstream::stream::AsLockedWrite,
{
    match anstream::AutoStream::choice(&raw) {
        anstream::ColorChoice::Never => {
            let plain = anstream::adapter::strip_str(text).to_string();
            let _ = raw.write_all(plain.as_bytes());
            let _ = raw.flush();
        }
        // A Windows console may need its own calls for colours: anstream makes them.
        choice if cfg!(windows) => {
            let mut out = anstream::AutoStream::new(raw, choice);
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
        _ => {
            let _ = raw.write_all(text.as_bytes());
            let _ = raw.flush();
        }
    }
}

/// Writes a value as pretty JSON to standard output.
pub fn print_json<T: Serialize>(value: &T) {
    // Our output types are plain data; serializing them cannot fail.
    let text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    print(&format!("{text}\n"));
}

/// Output documents carry the same header as input documents, so consumers can check the
/// format version before reading on.
#[derive(Serialize)]
struct Tagged<'a, T> {
    smm: u32,
    kind: &'a str,
    #[serde(flatten)]
    body: &'a T,
}

/// Writes a value as pretty JSON, headed by `smm: 1` and its `kind`.
pub fn print_tagged_json<T: Serialize>(kind: &str, value: &T) {
    print_json(&Tagged {
        smm: 1,
        kind,
        body: value,
    });
}

/// A problem as JSON: where (file, line, column, field), what, and a suggestion.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ProblemJson {
    /// The file, when the problem is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// The field path, e.g. `practices.threat-modeling.rationale`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// A suggestion, such as the nearest valid id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl ProblemJson {
    /// A problem of the command's.
    pub fn of(p: &Problem) -> Self {
        ProblemJson {
            path: p.path.as_ref().map(|path| path.display().to_string()),
            ..ProblemJson::of_diagnostic(&p.diagnostic)
        }
    }

    /// A diagnostic with no file attached.
    pub fn of_diagnostic(d: &smm_core::Diagnostic) -> Self {
        ProblemJson {
            path: None,
            line: d.at.is_known().then_some(d.at.line),
            column: d.at.is_known().then_some(d.at.column),
            field: d.field.clone(),
            message: d.message.clone(),
            help: d.help.clone(),
        }
    }
}

/// Text with a style, rendered with ANSI codes that anstream may strip.
pub fn styled(style: Style, text: &str) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

/// Prints every problem to standard error, in the compiler style: where, what, the line, a hint.
pub fn print_problems(problems: &[Problem]) {
    let mut text: String = problems.iter().map(render_problem).collect();
    if problems.len() > 1 {
        text.push_str(&styled(
            ERROR,
            &format!("{} problems found", problems.len()),
        ));
        text.push('\n');
    }
    note(&text);
}

fn render_problem(p: &Problem) -> String {
    let d = &p.diagnostic;
    let mut place = p
        .path
        .as_ref()
        .map(|path| path.display().to_string())
        .unwrap_or_default();
    if d.at.is_known() {
        place.push_str(&format!(":{}:{}", d.at.line, d.at.column));
    }
    let field = if d.field.is_empty() {
        String::new()
    } else {
        format!("{}: ", d.field)
    };
    let place = if place.is_empty() {
        place
    } else {
        format!("{place}: ")
    };
    let mut out = format!("{} {place}{field}{}\n", styled(ERROR, "error:"), d.message);
    if let (Some(text), true) = (&p.text, d.at.is_known()) {
        if let Some(full) = text.lines().nth((d.at.line - 1) as usize) {
            let (line, column) = excerpt(full, d.at.column.saturating_sub(1) as usize);
            let number = d.at.line.to_string();
            let pad = " ".repeat(number.len());
            let caret = " ".repeat(column);
            out.push_str(&format!("{pad} {}\n", styled(DIM, "|")));
            out.push_str(&format!(
                "{} {} {line}\n",
                styled(DIM, &number),
                styled(DIM, "|")
            ));
            out.push_str(&format!(
                "{pad} {} {caret}{}\n",
                styled(DIM, "|"),
                styled(ERROR, "^")
            ));
        }
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  {} {help}\n", styled(HELP, "help:")));
    }
    out
}

/// At most [`EXCERPT_WIDTH`] characters of a long line around `column` (0-based), and the
/// column's position within the excerpt: a minified JSON file is one very long line.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= EXCERPT_WIDTH {
        return (line.to_string(), column);
    }
    let start = column
        .saturating_sub(EXCERPT_WIDTH / 2)
        .min(chars.len().saturating_sub(EXCERPT_WIDTH));
    let end = (start + EXCERPT_WIDTH).min(chars.len());
    let mut text: String = chars[start..end].iter().collect();
    let mut column = column - start;
    if start > 0 {
        text.insert_str(0, "...");
        column += 3;
    }
    if end < chars.len() {
        text.push_str("...");
    }
    (text, column)
}

/// How much of a long source line an error quotes.
const EXCERPT_WIDTH: usize = 100;

/// Warning colour.
pub const WARN: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)))
    .bold();

/// Consistency-rule findings as text: each names the rule, the practices, what was found, why,
/// and the fix; accepted ones say so with the profile's reason.
pub fn render_findings(path: &std::path::Path, findings: &[smm_core::RuleFinding]) -> String {
    let mut out = String::new();
    for f in findings {
        let label = if f.accepted.is_some() {
            styled(DIM, &format!("accepted[{}]:", f.rule))
        } else {
            styled(WARN, &format!("warning[{}]:", f.rule))
        };
        out.push_str(&format!("{label} {}: {}\n", path.display(), f.title));
        if !f.practices.is_empty() {
            let ids: Vec<String> = f.practices.iter().map(|p| p.to_string()).collect();
            out.push_str(&format!("  practices: {}\n", ids.join(", ")));
        }
        if let Some(reason) = &f.accepted {
            out.push_str(&format!("  accepted because: {reason}\n"));
            continue;
        }
        for b in &f.because {
            out.push_str(&format!("  because: {b}\n"));
        }
        for d in &f.details {
            out.push_str(&format!("  found: {d}\n"));
        }
        out.push_str(&format!("  why: {}\n  fix: {}\n", f.why, f.fix));
    }
    out
}

/// Accepted rules that no longer fire, each at its line: warnings, not errors.
pub fn render_stale_acceptances(path: &std::path::Path, stale: &[smm_core::Diagnostic]) -> String {
    let mut out = String::new();
    for d in stale {
        out.push_str(&format!(
            "{} {}:{}: {}: {}\n",
            styled(WARN, "warning[stale-acceptance]:"),
            path.display(),
            d.at.line,
            d.field,
            d.message
        ));
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out
}

/// A plain text table: left-aligned columns, a bold header, styles per cell.
#[derive(Default)]
pub struct Table {
    rows: Vec<Vec<(String, Style)>>,
    header: Vec<String>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(header: &[&str]) -> Self {
        Table {
            rows: Vec::new(),
            header: header.iter().map(|h| h.to_string()).collect(),
        }
    }

    /// Adds a row of unstyled cells.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| (c, Style::new())).collect());
    }

    /// Adds a row with a style per cell.
    pub fn styled_row(&mut self, cells: Vec<(String, Style)>) {
        self.rows.push(cells);
    }

    /// Renders the table; the last column is not padded.
    pub fn render(&self) -> String {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, (cell, _)) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        // Written straight into one string: a short command prints a table once, and building
        // each cell and line as a string of its own was most of the cost of printing it.
        let mut out = String::new();
        write_line(
            &mut out,
            &widths,
            self.header.iter().map(|h| (h.as_str(), HEADER)),
        );
        for row in &self.rows {
            write_line(&mut out, &widths, row.iter().map(|(c, s)| (c.as_str(), *s)));
        }
        out
    }
}

/// One line of a table: each cell styled and padded to its column's width, the last one not
/// padded, no trailing blanks.
fn write_line<'a>(
    out: &mut String,
    widths: &[usize],
    cells: impl ExactSizeIterator<Item = (&'a str, Style)>,
) {
    use std::fmt::Write as _;
    let start = out.len();
    let n = cells.len();
    for (i, (cell, style)) in cells.enumerate() {
        // Writing to a String cannot fail.
        let _ = write!(out, "{}{cell}{}", style.render(), style.render_reset());
        if i + 1 < n {
            let pad = widths[i].saturating_sub(cell.chars().count()) + 2;
            out.extend(std::iter::repeat_n(' ', pad));
        }
    }
    let kept = out[start..].trim_end().len();
    out.truncate(start + kept);
    out.push('\n');
}
