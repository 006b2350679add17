//! Every external fact the catalog, its templates and schemes, and the examples state has its
//! source in `docs/sources.md`.
//!
//! A fact is found by its shape, not by a marker someone could forget: a *subject* (a law or
//! regulation, a standard's number, an agency, a published catalog or scoring system, a CVE)
//! anywhere in the text; and, in a sentence that names a subject, each *detail* that pins
//! something to it (a date, a deadline or period, an article, annex or section, an entity class,
//! a percentage or an amount). A subject must be named in `docs/sources.md`; a detail must stand
//! on one line of it together with one of its sentence's subjects, so "NIS2 … within 24 hours"
//! needs a line about NIS2 that says 24 hours.

use std::path::{Path, PathBuf};

use regex::Regex;

/// Laws and regulations, standards and their numbers, agencies and published catalogs.
const SUBJECTS: &[&str] = &[
    r"\b(?:ISO/IEC/IEEE|ISO/IEC|ISO/SAE|IEC/IEEE|ISA/IEC|IEC TR|ISO|IEC|ISA) \d{4,5}(?:-\d+)*",
    r"\b(?:ETSI )?EN \d{3} \d{3}(?:-\d+)*",
    r"\bEN \d{5}(?:-\d+)*",
    r"\bETSI TS \d{3} \d{3}(?:-\d+)*",
    r"\bNIST (?:SP )?\d{3}-\d+[A-Z]?",
    r"\bNIST (?:CSF|Cybersecurity Framework)",
    r"\bUN(?:ECE)? R ?\d{3}",
    r"\bIEEE \d{3,4}(?:\.\d+)*[A-Za-z]*",
    r"\bSAE J\d{4}",
    r"\bCVE-\d{4}-\d{4,}",
    r"\bRFC \d{3,5}",
    r"\bNERC CIP(?:-\d{3})?",
    r"\bMDCG \d{4}-\d+",
    r"\b(?:NIS2|GDPR|MDR|IVDR|PSTI|HIPAA|FD&C Act|FDA|CISA|ENISA|CVSS|EPSS|CSAF|SPDX|CycloneDX|STIX|TAXII|MITRE ATT&CK|OWASP|PCI DSS|ASPICE|Automotive SPICE|CWE|CAPEC)\b",
    // A named law: capitalised words before Act, Directive or Regulation.
    r"\b(?:[A-Z][A-Za-z&-]+ ){1,4}(?:Act|Directive|Regulation)\b",
];

/// What pins a fact to a subject, when it stands in the same sentence.
const DETAILS: &[&str] = &[
    r"\b(?:\d{1,2} )?(?:January|February|March|April|May|June|July|August|September|October|November|December) (?:19|20)\d{2}\b",
    r"\b(?:from|since|until|by|before|after|in) (?:19|20)\d{2}\b",
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|eighteen|twenty-four|seventy-two) (?:hours?|days?|weeks?|months?|years?)\b",
    r"\bArt(?:icle|\.) ?\d+[a-z]?(?:\(\d+\))*",
    r"\bAnnex (?:[IVX]+|[A-Z])\b",
    r"\bSection \d+[A-Z]?\b",
    r"§ ?\d+[a-z]?",
    r"\b(?:essential|important) entit(?:y|ies)\b",
    r"\bhigh criticality\b",
    r"\bother critical sectors?\b",
    r"\b\d+(?:\.\d+)? ?(?:%|per ?cent)",
    r"\b(?:EUR|USD) ?\d[\d,.]*(?: (?:million|billion))?",
];

/// Leading words that are not part of a law's name.
const NOT_NAME: &[&str] = &[
    "The", "EU", "UK", "US", "Under", "From", "And", "Its", "Our",
];

/// One sentence of a file, with where it starts.
struct Sentence {
    line: usize,
    text: String,
}

/// What the check found missing from the sources.
#[derive(Debug, PartialEq, Eq)]
struct Missing {
    place: String,
    fact: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files whose text states facts: the catalog (with templates and schemes) and the examples.
fn data_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| ["yaml", "yml", "md", "txt"].contains(&e.to_str().unwrap_or("")))
            {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("catalog"), &mut out);
    walk(&root().join("examples"), &mut out);
    out
}

/// Splits a text into sentences: at a blank line, at a line that starts a YAML key or a list
/// item, and after `.`, `!` or `?` followed by a space and a capital letter.
fn sentences(text: &str) -> Vec<Sentence> {
    let key = Regex::new(r"^\s*(?:- )?[A-Za-z_-]+:(?:\s|$)").expect("a pattern");
    let item = Regex::new(r"^\s*(?:[-*|#>]+ |\d{1,2}\. )").expect("a pattern");
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut flush = |current: &mut String, start: usize| {
        let text = flat(current);
        if !text.is_empty() {
            out.push(Sentence { line: start, text });
        }
        current.clear();
    };
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        if line.trim().is_empty() || key.is_match(line) || item.is_match(line) {
            flush(&mut current, start);
        }
        if let Some(m) = key.find(line) {
            rest = line[m.end()..].trim_start_matches(['>', '|', '-', '+', ' ']);
        }
        while let Some(end) = sentence_end(rest) {
            if current.trim().is_empty() {
                start = i + 1;
            }
            current.push(' ');
            current.push_str(&rest[..end]);
            flush(&mut current, start);
            rest = &rest[end..];
        }
        if current.trim().is_empty() {
            start = i + 1;
        }
        current.push(' ');
        current.push_str(rest);
    }
    flush(&mut current, start);
    out
}

/// Where a sentence ends in `line`: after `. ` (or `!`, `?`) before a capital letter, not after
/// an abbreviation such as `Art.` or `e.g.`.
fn sentence_end(line: &str) -> Option<usize> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    chars.windows(3).find_map(|w| {
        let [(i, a), (_, b), (_, c)] = [w[0], w[1], w[2]];
        let ends = matches!(a, '.' | '!' | '?') && b == ' ' && c.is_uppercase();
        let word = line[..i].rsplit(' ').next().unwrap_or("");
        (ends && !["Art", "e.g", "i.e", "No", "vs"].contains(&word)).then_some(i + 1)
    })
}

fn compile(patterns: &[&str]) -> Vec<Regex> {
    patterns
        .iter()
        .map(|p| Regex::new(p).expect("a pattern"))
        .collect()
}

/// A law's name without leading words that are not part of it (`The EU Cyber Resilience Act`
/// is the `Cyber Resilience Act`); `None` when nothing of a name is left.
fn name_of(found: &str) -> Option<String> {
    let mut words: Vec<&str> = found.split(' ').collect();
    while words.len() > 1 && NOT_NAME.contains(&words[0]) {
        words.remove(0);
    }
    (words.len() > 1).then(|| words.join(" "))
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The facts in `text` (named `place`) that `sources` does not list.
fn unlisted(place: &str, text: &str, sources: &str) -> Vec<Missing> {
    let subjects = compile(SUBJECTS);
    let details = compile(DETAILS);
    let lines: Vec<String> = sources.lines().map(flat).collect();
    let listed = flat(sources);
    let mut missing = Vec::new();
    for sentence in sentences(text) {
        let mut found: Vec<regex::Match> = subjects
            .iter()
            .flat_map(|r| r.find_iter(&sentence.text))
            .collect();
        found.sort_by_key(|m| m.start());
        let mut named: Vec<String> = found
            .into_iter()
            .filter_map(|m| {
                let s = m.as_str();
                if s.ends_with("Act") || s.ends_with("Directive") || s.ends_with("Regulation") {
                    name_of(s)
                } else {
                    Some(s.to_string())
                }
            })
            .collect();
        named.dedup();
        let at = format!("{place}:{}", sentence.line);
        for subject in &named {
            if !listed.contains(subject.as_str()) {
                missing.push(Missing {
                    place: at.clone(),
                    fact: subject.clone(),
                });
            }
        }
        if named.is_empty() {
            continue;
        }
        for detail in details.iter().flat_map(|r| r.find_iter(&sentence.text)) {
            let detail = detail.as_str();
            let with_subject = lines
                .iter()
                .any(|l| l.contains(detail) && named.iter().any(|s| l.contains(s.as_str())));
            if !with_subject {
                missing.push(Missing {
                    place: at.clone(),
                    fact: format!("{detail} (of {})", named.join(", ")),
                });
            }
        }
    }
    missing
}

fn sources() -> String {
    std::fs::read_to_string(root().join("docs/sources.md")).expect("docs/sources.md is there")
}

#[test]
fn every_external_fact_in_the_catalog_and_examples_has_its_source_listed() {
    let sources = sources();
    let mut missing = Vec::new();
    let files = data_files();
    assert!(files.len() > 20, "the catalog and the examples were found");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let place = path
            .strip_prefix(root())
            .unwrap_or(&path)
            .display()
            .to_string();
        missing.extend(unlisted(&place, &text, &sources));
    }
    let report: Vec<String> = missing
        .iter()
        .map(|m| format!("{}: {}", m.place, m.fact))
        .collect();
    assert!(
        report.is_empty(),
        "{} facts without a source in docs/sources.md:\n{}",
        report.len(),
        report.join("\n")
    );
}

#[test]
fn an_unlisted_law_standard_or_date_is_reported() {
    let sources = sources();
    let text = "background: >-\n  The Widget Safety Act applies from 3 March 2031, with\n  \
                audits under ISO 99999-1. NIS2 requires an early warning within 12 hours.\n";
    let facts: Vec<String> = unlisted("t.yaml", text, &sources)
        .into_iter()
        .map(|m| format!("{}: {}", m.place, m.fact))
        .collect();
    assert_eq!(
        facts,
        [
            "t.yaml:2: Widget Safety Act",
            "t.yaml:2: ISO 99999-1",
            "t.yaml:2: 3 March 2031 (of Widget Safety Act, ISO 99999-1)",
            "t.yaml:3: 12 hours (of NIS2)",
        ]
    );
}

#[test]
fn a_listed_fact_passes_and_a_detail_needs_its_subject_on_the_same_line() {
    let sources = "| NIS2 | early warning within 24 hours |\n| GDPR | 72 hours |\n";
    assert!(unlisted(
        "a",
        "NIS2 asks for an early warning within 24 hours.",
        sources
    )
    .is_empty());
    let wrong = unlisted(
        "a",
        "NIS2 asks for a notification within 72 hours.",
        sources,
    );
    assert_eq!(wrong.len(), 1, "72 hours is listed, but not for NIS2");
    // A date in a sentence that names no law or standard is the example's own, not a fact.
    assert!(unlisted("a", "The line was accepted on 3 March 2026.", sources).is_empty());
}
