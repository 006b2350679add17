use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::document::{parse_assessment, parse_target};
use crate::header::{read_kind, Kind};

type Examples = (Vec<(PathBuf, TargetProfile)>, Vec<(PathBuf, Assessment)>);

/// Every target profile and assessment among the examples (history included), with its path,
/// parsed once.
fn examples() -> &'static Examples {
    static EXAMPLES: std::sync::OnceLock<Examples> = std::sync::OnceLock::new();
    EXAMPLES.get_or_init(parse_examples)
}

fn parse_examples() -> Examples {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read the directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples"),
        &mut files,
    );
    files.sort();
    let (mut targets, mut assessments) = (Vec::new(), Vec::new());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read an example");
        match read_kind(&text) {
            Ok(Kind::TargetProfile) => targets.push((
                path.clone(),
                parse_target(&text).unwrap_or_else(|d| panic!("{}: {d}", path.display())),
            )),
            Ok(Kind::Assessment) => assessments.push((
                path.clone(),
                parse_assessment(&text).unwrap_or_else(|d| panic!("{}: {d}", path.display())),
            )),
            _ => {}
        }
    }
    (targets, assessments)
}

#[test]
fn every_example_reads_back_as_parsed_positions_included() {
    let (targets, assessments) = examples();
    assert!(
        targets.len() >= 4 && assessments.len() >= 4,
        "examples found"
    );
    each_example_reads_back(prepare, prepare);
}

/// Every example, written by `target_form` or `assessment_form`, reads back as parsed.
fn each_example_reads_back(
    target_form: impl Fn(&TargetProfile) -> Vec<u8>,
    assessment_form: impl Fn(&Assessment) -> Vec<u8>,
) {
    let (targets, assessments) = examples();
    for (path, target) in targets {
        let back: Option<TargetProfile> = read(&target_form(target));
        assert_eq!(back.as_ref(), Some(target), "{}", path.display());
    }
    for (path, assessment) in assessments {
        let back: Option<Assessment> = read(&assessment_form(assessment));
        assert_eq!(back.as_ref(), Some(assessment), "{}", path.display());
    }
}

/// Stores written before smm moved from ciborium to cbor4ii hold forms that ciborium wrote:
/// they read back without a format bump, so the move costs no re-parse of stored text.
#[test]
fn forms_written_with_ciborium_read_back() {
    fn ciborium_form<T: Serialize>(document: &T) -> Vec<u8> {
        let mut bytes = key().to_vec();
        ciborium::into_writer(document, &mut bytes).expect("a CBOR form");
        bytes
    }
    each_example_reads_back(ciborium_form, ciborium_form);
}

#[test]
fn a_form_of_another_kind_another_build_or_no_form_reads_as_none() {
    let (targets, assessments) = examples();
    let target = prepare(&targets[0].1);
    let assessment = prepare(&assessments[0].1);
    // The key is right, the document is of the other kind.
    assert_eq!(read::<Assessment>(&target), None);
    assert_eq!(read::<TargetProfile>(&assessment), None);
    // Another format number, another schema digest, no key at all.
    for at in [3, 4, KEY_LEN - 1] {
        let mut other = assessment.clone();
        other[at] ^= 1;
        assert_eq!(read::<Assessment>(&other), None, "byte {at} changed");
    }
    assert_eq!(read::<Assessment>(&assessment[KEY_LEN..]), None);
    assert_eq!(read::<Assessment>(b""), None);
    assert_eq!(read::<Assessment>(b"smm"), None);
}

#[test]
fn the_key_is_the_same_at_every_call_and_names_the_format() {
    let first = *key();
    assert_eq!(&first[..3], b"smm");
    assert_eq!(first[3], FORMAT);
    assert_eq!(&first, key());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A damaged form never panics and never reads as another document than the one written:
    /// it reads as nothing, or (a change CBOR cannot see, such as inside a string) as a document
    /// of the same kind.
    #[test]
    fn a_damaged_form_is_refused_without_a_panic(cut in 0usize..12_000, at in 0usize..12_000, bit in 0u8..8) {
        let (_, assessments) = examples();
        let form = prepare(&assessments[0].1);
        let cut = cut % form.len();
        prop_assert_eq!(read::<Assessment>(&form[..cut]), None);
        let mut flipped = form.clone();
        let at = at % flipped.len();
        flipped[at] ^= 1 << bit;
        let _ = read::<Assessment>(&flipped);
    }
}
