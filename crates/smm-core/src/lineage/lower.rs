//! Lowering one practice in a new version of a target: what `smm target lower` writes.

use super::{lowered, Lowered};
use crate::catalog::Catalog;
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::digest::content_digest;
use crate::document::{Date, Override, Supersedes, TargetProfile};
use crate::level::{Comprehensiveness, Level, Scope};
use crate::located::{Located, Position};
use crate::resolve::resolve;

/// What to lower and why: the arguments of `smm target lower`.
#[derive(Clone, Debug)]
pub struct Lowering<'a> {
    /// The practice (id, name or alias).
    pub practice: &'a str,
    /// The new comprehensiveness, if it changes.
    pub comprehensiveness: Option<Comprehensiveness>,
    /// The new scope, if it changes.
    pub scope: Option<Scope>,
    /// Why the level cannot be met; becomes the override's rationale and the record's reason.
    pub reason: &'a str,
    /// The new version; by default the old one with its last number raised by one.
    pub version: Option<&'a str>,
    /// When the new version was agreed.
    pub date: Date,
}

/// The next version after `version`: its last number raised by one (`1.0` -> `1.1`, `2` -> `3`,
/// `1.9` -> `1.10`); nothing when it has no number.
pub fn next_version(version: &str) -> Option<String> {
    let version = version.trim();
    let end = version.rfind(|c: char| c.is_ascii_digit())? + 1;
    let start = version[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(0, |(i, c)| i + c.len_utf8());
    // Add one to a decimal string of any length, so a long build number cannot overflow.
    let mut digits: Vec<u8> = version[start..end].bytes().collect();
    let mut carry = true;
    for d in digits.iter_mut().rev() {
        if !carry {
            break;
        }
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            carry = false;
        }
    }
    if carry {
        digits.insert(0, b'1');
    }
    let number = String::from_utf8(digits).ok()?;
    Some(format!("{}{number}{}", &version[..start], &version[end..]))
}

/// Writes the next version of `target` with one practice lowered, recording what it
/// supersedes. Returns the new profile and what it lowers.
///
/// Refuses a lowering that raises a measure or changes nothing: lowering is the one change
/// that must be explained, and a command that silently did something else would hide it.
pub fn lower(
    catalog: &Catalog,
    target: &TargetProfile,
    request: &Lowering<'_>,
) -> Result<(TargetProfile, Vec<Lowered>), Diagnostics> {
    let before = resolve(catalog, target)?;
    let arg = |field: &str, message: String| Diagnostic::new(Position::default(), field, message);
    let Some(item) = catalog.practice(request.practice) else {
        let d = arg(
            "--practice",
            format!("unknown practice id `{}`", request.practice),
        );
        return Err(match nearest(request.practice, catalog.practice_ids()) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None => d.with_help("see `smm catalog` for the practice ids"),
        }
        .into());
    };
    let id = item.practice.id.value.clone();
    let mut problems = Diagnostics::default();
    if request.comprehensiveness.is_none() && request.scope.is_none() {
        problems.push(arg(
            "--comprehensiveness",
            "say what to lower: give --comprehensiveness, --scope or both".into(),
        ));
    }
    let reason = request.reason.trim();
    if reason.is_empty() {
        problems.push(arg(
            "--reason",
            "say why the level cannot be met: the reason is recorded in the new version".into(),
        ));
    }
    let current = before
        .practice(id.as_str())
        .map(|p| p.level())
        .ok_or_else(|| Diagnostics::from(arg("--practice", format!("`{id}` is not resolved"))))?;
    let wanted = Level::new(
        request
            .comprehensiveness
            .unwrap_or(current.comprehensiveness),
        request.scope.unwrap_or(current.scope),
    );
    if wanted.comprehensiveness > current.comprehensiveness {
        problems.push(arg(
            "--comprehensiveness",
            format!(
                "{} would raise `{id}` from {} to {}: `lower` only lowers (edit the target to raise a level)",
                wanted.comprehensiveness, current.comprehensiveness, wanted.comprehensiveness
            ),
        ));
    }
    if wanted.scope > current.scope {
        problems.push(arg(
            "--scope",
            format!(
                "{} would widen the need of `{id}` from {} to {}: `lower` only lowers",
                wanted.scope, current.scope, wanted.scope
            ),
        ));
    }
    if wanted == current && (request.comprehensiveness.is_some() || request.scope.is_some()) {
        problems.push(arg(
            "--practice",
            format!(
                "this does not lower anything: `{id}` is already at {} / {}",
                current.comprehensiveness, current.scope
            ),
        ));
    }
    let Some(old_version) = target.version.as_deref().map(str::trim) else {
        problems.push(
            Diagnostic::new(
                target.name.at,
                "version",
                "the target has no `version`, so a new version could not name the one it replaces",
            )
            .with_help("give the target a `version` first (e.g. \"1.0\"), then lower the level"),
        );
        return Err(problems.sorted());
    };
    let new_version = match request.version.map(str::trim) {
        Some("") => {
            problems.push(arg("--version", "the new version is empty".into()));
            String::new()
        }
        Some(v) => v.to_string(),
        None => next_version(old_version).unwrap_or_else(|| {
            problems.push(arg(
                "--version",
                format!("cannot tell which version comes after `{old_version}`: give --version"),
            ));
            String::new()
        }),
    };
    if new_version == old_version {
        problems.push(arg(
            "--version",
            format!("the new version must differ from the old one (`{old_version}`)"),
        ));
    }
    if request.date < target.date {
        problems.push(arg(
            "--date",
            format!(
                "the new version would be dated {}, before the version it replaces ({})",
                request.date, target.date
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut next = target.clone();
    // The approval was given to the old version; the new one is approved on its own, or not.
    next.approval = None;
    next.version = Some(new_version.clone());
    next.date = request.date;
    next.supersedes = Some(Supersedes {
        version: Located::new(old_version.to_string()),
        sha256: Located::new(content_digest(target)),
        reason: Located::new(reason.to_string()),
    });
    let existing = next.practices.0.iter().position(|(key, _)| {
        catalog
            .practice(&key.value)
            .is_some_and(|p| p.practice.id.value == id)
    });
    let earlier = |over: &Override| {
        over.rationale
            .as_ref()
            .map(|r| r.value.trim())
            .filter(|r| !r.is_empty())
            .map(|r| format!("{reason}\n\nVersion {old_version} said: {r}"))
    };
    let mut over = match existing {
        Some(i) => next.practices.0.remove(i).1,
        None => Override::default(),
    };
    over.rationale = Some(Located::new(
        earlier(&over).unwrap_or_else(|| reason.to_string()),
    ));
    if let Some(c) = request.comprehensiveness {
        over.comprehensiveness = Some(Located::new(c));
    }
    if let Some(s) = request.scope {
        over.scope = Some(Located::new(s));
    }
    let at = existing.unwrap_or(next.practices.0.len());
    next.practices
        .0
        .insert(at, (Located::new(id.as_str().to_string()), over));

    let after = resolve(catalog, &next)?;
    let down = lowered(&before, &after);
    if down.is_empty() {
        return Err(arg("--practice", format!("this does not lower `{id}`")).into());
    }
    Ok((next, down))
}
