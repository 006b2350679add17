//! Lineage: a reassessment that follows an earlier assessment, and a target version that
//! supersedes an earlier version.
//!
//! Certification is iterative (see the certification seed): nonconformities are raised, fixed
//! and reassessed; a level that cannot be met is lowered in a new version of the profile, never
//! silently. Both steps leave a new document that names its predecessor by content digest, and
//! this module holds the rules those links must keep:
//!
//! - [`check_follows`]: a reassessment is of the same product, against the same target, and
//!   names the assessment it follows by that assessment's digest;
//! - [`check_supersedes`]: a target version that lowers any practice records `supersedes` with
//!   the previous version's digest, a reason and a version of its own;
//! - [`check_after_approved`]: any change to an approved version is a new version that records
//!   `supersedes` with the approved version's digest (an approved version is never edited);
//! - [`lowered`]: which practices a newer target requires at a lower level;
//! - [`lower()`]: writes that new version for one practice, the way `smm target lower` does.

mod lower;

use std::cmp::Ordering;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::diff::LevelChange;
use crate::digest::content_digest;
use crate::document::{Assessment, TargetProfile};
use crate::id::PracticeId;
use crate::resolve::ResolvedTarget;

pub use lower::{lower, next_version, Lowering};

/// A practice a newer target requires at a lower level than the older one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Lowered {
    /// The practice.
    pub practice: PracticeId,
    /// How its level moved (at least one measure down).
    pub change: LevelChange,
}

/// The practices `next` requires lower than `previous` (in either measure), in catalog order.
pub fn lowered(previous: &ResolvedTarget, next: &ResolvedTarget) -> Vec<Lowered> {
    next.practices
        .iter()
        .filter_map(|n| {
            let p = previous.practice(n.id.as_str())?;
            let change = LevelChange::between(p.level(), n.level())?;
            change.lowers().then(|| Lowered {
                practice: n.id.clone(),
                change,
            })
        })
        .collect()
}

/// Checks a `supersedes` record on its own, as part of resolving a target: the reason is given,
/// the digest is well formed, and the target has a version of its own that differs from the one
/// it replaces.
pub(crate) fn check_record(target: &TargetProfile, problems: &mut Diagnostics) {
    let Some(record) = &target.supersedes else {
        return;
    };
    if record.reason.value.trim().is_empty() {
        problems.push(Diagnostic::new(
            record.reason.at,
            "supersedes.reason",
            "say why the profile changed: whoever relied on the earlier version needs to know",
        ));
    }
    if !crate::current::is_sha256_hex(&record.sha256.value) {
        problems.push(Diagnostic::new(
            record.sha256.at,
            "supersedes.sha256",
            "expected 64 lowercase hex digits (see `smm digest TARGET`)",
        ));
    }
    match &target.version {
        None => problems.push(
            Diagnostic::new(
                record.version.at,
                "version",
                format!(
                    "this target supersedes version {} but has no `version` of its own",
                    record.version.value
                ),
            )
            .with_help("give the new version a `version`, e.g. the next number"),
        ),
        Some(v) if v.trim() == record.version.value.trim() => problems.push(Diagnostic::new(
            record.version.at,
            "supersedes.version",
            format!("a target cannot supersede its own version `{v}`: give the new version a new `version`"),
        )),
        Some(_) => {}
    }
}

/// Checks that `next`, a later text of the target `approved`, supersedes it rather than edits
/// it: an approved version is never changed in place, so whatever follows it records
/// `supersedes` with its digest. Does nothing when `approved` carries no approval.
///
/// The CLI checks this between versions given to `smm validate`; the server checks it before
/// storing a new version over an approved one.
pub fn check_after_approved(
    approved: &TargetProfile,
    next: &TargetProfile,
) -> Result<(), Diagnostics> {
    let Some(approval) = &approved.approval else {
        return Ok(());
    };
    let digest = content_digest(approved);
    if next
        .supersedes
        .as_ref()
        .is_some_and(|r| r.sha256.value == digest)
    {
        return Ok(());
    }
    let version = approved.version.as_deref().unwrap_or("(none)");
    let (at, field) = match &next.supersedes {
        Some(record) => (record.sha256.at, "supersedes.sha256"),
        None => (next.name.at, "supersedes"),
    };
    Err(Diagnostic::new(
        at,
        field,
        format!(
            "version {version} of `{}` was approved by {} on {}: it is never edited, only superseded, and this text does not supersede it",
            approved.name.value, approval.by.value, approval.date.value
        ),
    )
    .with_help(format!(
        "write a new version that records `supersedes: {{version: \"{version}\", sha256: {digest}, reason: ...}}`, with a `version` of its own"
    ))
    .into())
}

/// Checks a newer version of a target against the version before it.
///
/// When `next` records `supersedes` naming `previous`'s version, its digest must be
/// `previous`'s. When `next` lowers any practice, it must record `supersedes` and have a version
/// of its own (the record's reason and version are checked with the target itself). A record
/// naming some other version is not this pair's business: an older version given alongside is
/// compared through the chain, not directly.
pub fn check_supersedes(
    previous: &TargetProfile,
    previous_resolved: &ResolvedTarget,
    next: &TargetProfile,
    next_resolved: &ResolvedTarget,
) -> Result<(), Diagnostics> {
    check_after_approved(previous, next)?;
    let mut problems = Diagnostics::default();
    let digest = content_digest(previous);
    let down = lowered(previous_resolved, next_resolved);
    let version_of = |t: &TargetProfile| t.version.clone().unwrap_or_else(|| "(none)".into());
    // The record is about this pair when it names the previous version (by digest or version).
    let names_previous = next.supersedes.as_ref().is_some_and(|r| {
        r.sha256.value == digest
            || Some(r.version.value.trim()) == previous.version.as_deref().map(str::trim)
    });
    match &next.supersedes {
        Some(record) if names_previous && record.sha256.value != digest => {
            problems.push(
                Diagnostic::new(
                    record.sha256.at,
                    "supersedes.sha256",
                    format!(
                        "the superseded version's digest does not match: this target names {}, version {} of `{}` has {digest}",
                        record.sha256.value,
                        version_of(previous),
                        previous.name.value
                    ),
                )
                .with_help("the earlier version changed after this one was written; record its digest with `smm digest`"),
            );
        }
        Some(_) => {}
        None if !down.is_empty() => {
            let list: Vec<String> = down
                .iter()
                .map(|l| format!("{} ({})", l.practice, describe(&l.change)))
                .collect();
            problems.push(
                Diagnostic::new(
                    next.name.at,
                    "supersedes",
                    format!(
                        "this target lowers {} compared with version {} but records no `supersedes`: a level is lowered in a new version, never silently",
                        list.join(", "),
                        version_of(previous)
                    ),
                )
                .with_help(format!(
                    "record `supersedes: {{version: \"{}\", sha256: {digest}, reason: ...}}`, or write the new version with `smm target lower`",
                    version_of(previous)
                )),
            );
            if next.version.as_deref().map(str::trim) == previous.version.as_deref().map(str::trim)
            {
                problems.push(Diagnostic::new(
                    next.name.at,
                    "version",
                    format!(
                        "a target that lowers a level is a new version, but both are version {}",
                        version_of(previous)
                    ),
                ));
            }
        }
        None => {}
    }
    problems.into_result(())
}

/// `comprehensiveness 4 -> 3, scope system -> industry`.
pub fn describe(change: &LevelChange) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &change.comprehensiveness {
        parts.push(format!("comprehensiveness {} -> {}", c.from, c.to));
    }
    if let Some(s) = &change.scope {
        parts.push(format!("scope {} -> {}", s.from, s.to));
    }
    parts.join(", ")
}

/// Checks a reassessment against the assessment it follows: the digest it records, the same
/// product, the same target, and a date not before the earlier one's.
///
/// A new product version is allowed (and is the usual case: each release is reassessed against
/// the same profile); a new target is not, because findings and levels measured against
/// different targets cannot be compared. A reassessment against a new target version starts a
/// new line of assessments.
pub fn check_follows(assessment: &Assessment, previous: &Assessment) -> Result<(), Diagnostics> {
    let Some(follows) = &assessment.follows else {
        return Ok(());
    };
    let digest = content_digest(previous);
    let earlier = format!(
        "`{} {}` ({})",
        previous.product.name, previous.product.version, previous.date
    );
    if follows.sha256.value != digest {
        return Err(Diagnostic::new(
            follows.sha256.at,
            "follows.sha256",
            format!(
                "the followed assessment's digest does not match: this assessment names {}, the assessment of {earlier} has {digest}",
                follows.sha256.value
            ),
        )
        .with_help("the earlier assessment changed after this one was written; point `follows` at the right file, or record its digest with `smm digest`")
        .into());
    }
    let mut problems = Diagnostics::default();
    if assessment.product.name.trim() != previous.product.name.trim() {
        problems.push(
            Diagnostic::new(
                follows.path.at,
                "product.name",
                format!(
                    "a reassessment is of the same product: this assessment is of `{}`, the one it follows of `{}`",
                    assessment.product.name, previous.product.name
                ),
            )
            .with_help("another product is a separate assessment: remove `follows`"),
        );
    }
    if assessment.target.sha256.value != previous.target.sha256.value {
        problems.push(
            Diagnostic::new(
                assessment.target.sha256.at,
                "target.sha256",
                format!(
                    "a reassessment measures against the same target as the assessment it follows: that one names target {}, this one {}",
                    previous.target.sha256.value, assessment.target.sha256.value
                ),
            )
            .with_help("against a new target version, start a new assessment without `follows`, and compare the targets with `smm diff`"),
        );
    }
    if assessment.date < previous.date {
        problems.push(Diagnostic::new(
            follows.path.at,
            "date",
            format!(
                "this reassessment is dated {}, before the assessment it follows ({})",
                assessment.date, previous.date
            ),
        ));
    }
    problems.into_result(())
}

/// Orders two versions of a target oldest first: by date, then by version (numbers compared as
/// numbers, so `1.10` comes after `1.9`). Equal when both are equal.
pub fn version_order(a: &TargetProfile, b: &TargetProfile) -> Ordering {
    a.date.cmp(&b.date).then_with(|| {
        version_key(a.version.as_deref().unwrap_or_default())
            .cmp(&version_key(b.version.as_deref().unwrap_or_default()))
    })
}

/// A version split into runs of digits (compared by value) and other text.
fn version_key(version: &str) -> Vec<(u8, usize, String)> {
    let mut parts = Vec::new();
    let mut chars = version.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        let digit = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digit {
                break;
            }
            run.push(c);
            chars.next();
        }
        if digit {
            let value = run.trim_start_matches('0').to_string();
            parts.push((1, value.len(), value));
        } else {
            parts.push((0, 0, run));
        }
    }
    parts
}

#[cfg(test)]
mod tests;
