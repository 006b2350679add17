//! The evidence part of an assessment diff: which pieces were added, removed or changed.
//!
//! A piece of evidence is the same one in both assessments when it is the same file (wherever
//! each assessment lives: paths are taken relative to each assessment's own folder) or the same
//! URL; failing that, when the description is the same (the file or URL moved, the evidence did
//! not).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::Change;
use crate::document::Evidence;

/// One piece of evidence as the diff shows it: as written in its assessment.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct EvidenceItem {
    /// The file, for file evidence (relative to its assessment, as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The file's digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The URL, for evidence that lives elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What it shows.
    pub description: String,
}

/// A piece of evidence with what it is compared by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Piece {
    /// The file (resolved against the assessment's folder) or the URL.
    place: String,
    /// The file's content digest, if a file.
    sha256: Option<String>,
    description: String,
    /// As written, for display.
    item: EvidenceItem,
}

impl Piece {
    fn of(evidence: &Evidence, folder: &Path) -> Piece {
        let item = EvidenceItem {
            file: evidence.file.as_ref().map(|f| f.value.clone()),
            sha256: evidence.sha256.as_ref().map(|s| s.value.clone()),
            url: evidence.url.as_ref().map(|u| u.value.clone()),
            description: evidence.description.trim().to_string(),
        };
        let place = match (&item.file, &item.url) {
            (Some(file), _) => format!("file:{}", normalize(&folder.join(file))),
            (None, Some(url)) => format!("url:{url}"),
            (None, None) => String::new(),
        };
        Piece {
            place,
            sha256: item.sha256.clone(),
            description: item.description.clone(),
            item,
        }
    }

    /// Whether two pieces say the same thing (the path as written may differ).
    fn same(&self, other: &Piece) -> bool {
        (&self.place, &self.sha256, &self.description)
            == (&other.place, &other.sha256, &other.description)
    }
}

/// A path with `.` and `..` resolved lexically: no file system is consulted.
fn normalize(path: &Path) -> String {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !matches!(out.components().next_back(), Some(Component::Normal(_))) || !out.pop()
                {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out.to_string_lossy().replace('\\', "/")
}

/// Added, removed and changed evidence.
pub(super) type EvidenceDiff = (
    Vec<EvidenceItem>,
    Vec<EvidenceItem>,
    Vec<Change<EvidenceItem>>,
);

/// Compares the evidence of one practice; each list's files are relative to `before_folder` and
/// `after_folder`.
pub(super) fn diff_evidence(
    (before, before_folder): (&[Evidence], &Path),
    (after, after_folder): (&[Evidence], &Path),
) -> EvidenceDiff {
    let group = |list: &[Evidence], folder: &Path| {
        let mut groups: BTreeMap<String, Vec<Piece>> = BTreeMap::new();
        for e in list {
            let piece = Piece::of(e, folder);
            groups.entry(piece.place.clone()).or_default().push(piece);
        }
        for pieces in groups.values_mut() {
            pieces.sort();
        }
        groups
    };
    let old = group(before, before_folder);
    let new = group(after, after_folder);
    let mut changed = Vec::new();
    let (mut removed, mut added): (Vec<Piece>, Vec<Piece>) = (Vec::new(), Vec::new());
    let places: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let none = Vec::new();
    for place in places {
        let olds = old.get(place).unwrap_or(&none);
        let news = new.get(place).unwrap_or(&none);
        for i in 0..olds.len().max(news.len()) {
            match (olds.get(i), news.get(i)) {
                (Some(o), Some(n)) if o.same(n) => {}
                (Some(o), Some(n)) => changed.push(Change {
                    from: o.item.clone(),
                    to: n.item.clone(),
                }),
                (Some(o), None) => removed.push(o.clone()),
                (None, Some(n)) => added.push(n.clone()),
                (None, None) => {}
            }
        }
    }
    // A second chance by description: the same evidence at a new file or URL.
    removed.sort();
    added.sort();
    let mut by_description: BTreeMap<&str, (Vec<&Piece>, Vec<&Piece>)> = BTreeMap::new();
    for p in &removed {
        by_description.entry(&p.description).or_default().0.push(p);
    }
    for p in &added {
        by_description.entry(&p.description).or_default().1.push(p);
    }
    let (mut only_old, mut only_new) = (Vec::new(), Vec::new());
    for (olds, news) in by_description.values() {
        for i in 0..olds.len().max(news.len()) {
            match (olds.get(i), news.get(i)) {
                (Some(o), Some(n)) => changed.push(Change {
                    from: o.item.clone(),
                    to: n.item.clone(),
                }),
                (Some(o), None) => only_old.push(o.item.clone()),
                (None, Some(n)) => only_new.push(n.item.clone()),
                (None, None) => {}
            }
        }
    }
    only_old.sort();
    only_new.sort();
    // Ordered by the pair regardless of direction, so the diff the other way round lists the
    // same changes in the same order.
    changed.sort_by(|a, b| unordered(a).cmp(&unordered(b)));
    (only_new, only_old, changed)
}

fn unordered(c: &Change<EvidenceItem>) -> (&EvidenceItem, &EvidenceItem) {
    if c.from <= c.to {
        (&c.from, &c.to)
    } else {
        (&c.to, &c.from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, sha: char, description: &str) -> Evidence {
        Evidence {
            file: Some(crate::located::Located::new(path.into())),
            sha256: Some(crate::located::Located::new(sha.to_string().repeat(64))),
            url: None,
            description: description.into(),
        }
    }

    #[test]
    fn moved_and_changed_files_are_changes_listed_alike_both_ways() {
        let old = [file("a.md", '1', "A"), file("b.md", '2', "B")];
        let new = [file("z/a.md", '1', "A"), file("b.md", '3', "B")];
        let here = Path::new("");
        let (added, removed, changed) = diff_evidence((&old, here), (&new, here));
        assert!(added.is_empty() && removed.is_empty());
        assert_eq!(changed.len(), 2);
        let (_, _, back) = diff_evidence((&new, here), (&old, here));
        let mirrored: Vec<_> = changed.iter().map(Change::mirror).collect();
        assert_eq!(back, mirrored);
    }

    #[test]
    fn the_same_file_seen_from_two_folders_is_unchanged() {
        let old = [file("evidence/x.md", '1', "X")];
        let new = [file("../evidence/x.md", '1', "X")];
        let diff = diff_evidence((&old, Path::new("gw")), (&new, Path::new("gw/cert")));
        assert_eq!(diff, (vec![], vec![], vec![]));
    }

    #[test]
    fn paths_are_resolved_lexically() {
        assert_eq!(
            normalize(Path::new("a/b/../evidence/x.md")),
            "a/evidence/x.md"
        );
        assert_eq!(
            normalize(Path::new("cert/./../evidence/x.md")),
            "evidence/x.md"
        );
        assert_eq!(normalize(Path::new("../x.md")), "../x.md");
        assert_eq!(normalize(Path::new("../../x.md")), "../../x.md");
    }
}
