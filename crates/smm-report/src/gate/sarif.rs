//! The gate as a SARIF 2.1.0 log, for code-scanning views (GitHub, GitLab, Azure DevOps).
//!
//! Each practice is a rule, described by its purpose in the catalog; each practice under target
//! is a result that points at the line of the target file that sets the level it misses. A
//! fingerprint made of the file and the practice keeps an alert the same alert when lines move.

use serde_json::{json, Value};

use super::{GateReport, PracticeVerdict};

/// Where SARIF consumers look up the format.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The report as a SARIF 2.1.0 log (pretty JSON, with a final newline).
pub fn sarif_log(report: &GateReport) -> String {
    let rules: Vec<Value> = report.practices.iter().map(rule).collect();
    let results: Vec<Value> = report
        .practices
        .iter()
        .enumerate()
        .filter(|(_, p)| p.verdict == super::Verdict::Under)
        .map(|(index, p)| result(report, index, p))
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "smm",
                    "fullName": "smm, the IoT Security Maturity Model as a tool",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "automationDetails": {
                "description": { "text": report.title },
            },
            "artifacts": [
                artifact(&report.target_file, "analysisTarget"),
                artifact(&report.measured_file, "analysisTarget"),
            ],
            "invocations": [{ "executionSuccessful": true }],
            "results": results,
        }]
    });
    // Plain JSON values; serializing them cannot fail.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// A practice as a SARIF rule.
fn rule(p: &PracticeVerdict) -> Value {
    json!({
        "id": p.id,
        "name": pascal_case(&p.id),
        "shortDescription": { "text": p.name },
        "fullDescription": { "text": p.purpose },
        "help": {
            "text": format!(
                "{}: {} `smm explain {}` shows what each level of comprehensiveness means for it.",
                p.name, p.purpose, p.id
            ),
        },
        "defaultConfiguration": { "level": "error" },
        "properties": { "tags": ["iot-smm", p.domain, p.subdomain] },
    })
}

/// A practice under target as a SARIF result.
fn result(report: &GateReport, index: usize, p: &PracticeVerdict) -> Value {
    let mut physical = json!({
        "artifactLocation": { "uri": path_uri(&report.target_file), "index": 0 },
    });
    if p.at.is_known() {
        physical["region"] = json!({
            "startLine": p.at.line,
            "startColumn": p.at.column.max(1),
        });
    }
    json!({
        "ruleId": p.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": "error",
        "message": { "text": report.message(p) },
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{
                "name": p.id,
                "fullyQualifiedName": format!("{}/{}/{}", p.domain, p.subdomain, p.id),
                "kind": "member",
            }],
        }],
        "partialFingerprints": {
            "smmPractice/v1": format!("{}#{}", report.target_file, p.id),
        },
        "properties": {
            "required": p.required,
            report.present_word(): p.present,
            "shortfall": p.shortfall,
        },
    })
}

fn artifact(path: &str, role: &str) -> Value {
    json!({ "location": { "uri": path_uri(path) }, "roles": [role] })
}

/// `threat-modeling` as `ThreatModeling`: SARIF's rule names are identifiers.
fn pascal_case(id: &str) -> String {
    id.split(['-', '_', '.'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A file path as a URI reference: relative paths stay relative (code-scanning services resolve
/// them against the repository), absolute ones become `file://` URIs; every byte outside the
/// unreserved set and `/` is percent-encoded.
pub fn path_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let (prefix, rest) = if let Some(rest) = path.strip_prefix('/') {
        ("file:///", rest.to_string())
    } else if path.len() > 2 && path.as_bytes()[1] == b':' && path.as_bytes()[2] == b'/' {
        // A Windows drive path: `C:/…`.
        ("file:///", path.clone())
    } else {
        ("", path.trim_start_matches("./").to_string())
    };
    let mut out = String::from(prefix);
    for b in rest.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if prefix == "file:///" => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
