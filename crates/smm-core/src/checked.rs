//! A document checked for keeping: parsed once, of the kind that was asked for, resolved (a
//! target profile) or checked (an assessment, loss scenarios) against a catalog, with its content
//! digest and level summary.
//!
//! A server stores documents exactly as submitted, and beside each its digest (how assessments
//! and certificates name it) and its levels in a few bytes (how a portfolio rolls up without
//! parsing). All three come from one parse, here; the only way to get a [`CheckedDocument`] is
//! [`CheckedDocument::check`], so whatever receives one (the store) knows the text is a valid
//! document of that kind and never parses it again.

use crate::catalog::Catalog;
use crate::current::current_profile;
use crate::diagnostic::Diagnostics;
use crate::digest::content_digest;
use crate::document::prepared::prepare;
use crate::document::{parse_assessment, parse_target, Assessment};
use crate::header::{read_kind, Kind};
use crate::level::{summary, Level};
use crate::resolve::resolve;
use crate::risk::parse_risk_scenarios;

/// The kinds of document a system keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckedKind {
    /// A target profile, resolved against the catalog.
    TargetProfile,
    /// An assessment, checked against the catalog.
    Assessment,
    /// A system's loss scenarios, checked against the catalog (practices named in overrides).
    RiskScenarios,
}

impl CheckedKind {
    /// The document kind (as written after `kind:`).
    pub fn kind(self) -> Kind {
        match self {
            CheckedKind::TargetProfile => Kind::TargetProfile,
            CheckedKind::Assessment => Kind::Assessment,
            CheckedKind::RiskScenarios => Kind::RiskScenarios,
        }
    }
}

/// Why a text is not a document that can be kept.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// A well-formed document of another kind than the one asked for.
    #[error("expected a {} document, found kind `{}`", .expected.kind().name(), .found.name())]
    WrongKind {
        /// The kind asked for.
        expected: CheckedKind,
        /// The kind the text declares.
        found: Kind,
    },
    /// The text does not parse, or does not resolve against the catalog; every problem located.
    #[error("{0}")]
    Invalid(Diagnostics),
}

/// A document's text with what was learned from checking it once: its kind, content digest and
/// level summary ([`summary::encode`] of the resolved target's required levels, or of the
/// assessment's achieved ones, in catalog order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedDocument {
    kind: CheckedKind,
    text: String,
    digest: String,
    summary: String,
    named_target: Option<String>,
    prepared: Option<Vec<u8>>,
}

impl CheckedDocument {
    /// Parses `text` as a document of the `expected` kind and checks it against `catalog`.
    ///
    /// The text is parsed once; only when that fails is its header read on its own, to tell a
    /// document of another kind ([`CheckError::WrongKind`]) from a broken one.
    pub fn check(
        catalog: &Catalog,
        expected: CheckedKind,
        text: impl Into<String>,
    ) -> Result<CheckedDocument, CheckError> {
        let text = text.into();
        let wrong_kind = |diagnostics: Diagnostics| match read_kind(&text) {
            Ok(found) if found != expected.kind() => CheckError::WrongKind { expected, found },
            _ => CheckError::Invalid(diagnostics),
        };
        let mut named_target = None;
        let mut prepared = None;
        let (digest, levels): (String, Vec<Level>) = match expected {
            CheckedKind::TargetProfile => {
                let target = parse_target(&text).map_err(wrong_kind)?;
                let resolved = resolve(catalog, &target).map_err(CheckError::Invalid)?;
                prepared = Some(prepare(&target));
                (
                    content_digest(&target),
                    resolved.practices.iter().map(|p| p.level()).collect(),
                )
            }
            CheckedKind::Assessment => {
                let assessment = parse_assessment(&text).map_err(wrong_kind)?;
                let current = current_profile(catalog, &assessment).map_err(CheckError::Invalid)?;
                named_target = Some(assessment.target.sha256.value.clone());
                prepared = Some(prepare(&assessment));
                (
                    content_digest(&assessment),
                    current.practices.iter().map(|p| p.level).collect(),
                )
            }
            // Scenarios hold no levels: their summary is empty, so nothing that rolls levels up
            // can mistake them for a profile.
            CheckedKind::RiskScenarios => {
                let scenarios = parse_risk_scenarios(catalog, &text).map_err(wrong_kind)?;
                (content_digest(&scenarios), Vec::new())
            }
        };
        Ok(CheckedDocument {
            kind: expected,
            summary: summary::encode(&levels),
            digest,
            text,
            named_target,
            prepared,
        })
    }

    /// An assessment built as typed values (the web editor's form), checked against `catalog`
    /// and written out once: the same checks and the same digest as if its text had been
    /// submitted, without parsing the text it was just written to.
    pub fn assessment(
        catalog: &Catalog,
        assessment: &Assessment,
    ) -> Result<CheckedDocument, CheckError> {
        let current = current_profile(catalog, assessment).map_err(CheckError::Invalid)?;
        let text = assessment
            .to_yaml()
            .map_err(|d| CheckError::Invalid(d.into()))?;
        let levels: Vec<Level> = current.practices.iter().map(|p| p.level).collect();
        Ok(CheckedDocument {
            kind: CheckedKind::Assessment,
            summary: summary::encode(&levels),
            digest: content_digest(assessment),
            text,
            named_target: Some(assessment.target.sha256.value.clone()),
            // Built as values, its positions are not those of the text written from it: reading
            // it back parses the text, so every position a message gives is the text's.
            prepared: None,
        })
    }

    /// Its kind.
    pub fn kind(&self) -> CheckedKind {
        self.kind
    }

    /// The text exactly as submitted.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its content digest (as `smm digest` prints it).
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Its levels, one digit and one scope letter per practice of the catalog it was checked
    /// against ([`summary::decode`] reads them back).
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// For an assessment, the content digest of the target it was made against (how a
    /// portfolio pairs it with a stored target version without reading the text again).
    pub fn named_target(&self) -> Option<&str> {
        self.named_target.as_deref()
    }

    /// The document as parsed from its text, in the prepared form ([`crate::document::prepared`])
    /// that a reader takes instead of parsing the text again: for a target profile or an
    /// assessment read from text (loss scenarios are parsed against a catalog, and an assessment
    /// built as values has no positions in its text to keep).
    pub fn prepared(&self) -> Option<&[u8]> {
        self.prepared.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse_target;

    const TARGET: &str = include_str!("../../../examples/bottling-line/target.yaml");
    const ASSESSMENT: &str = include_str!("../../../examples/bottling-line/assessment.yaml");
    const SCENARIOS: &str = include_str!("../../../examples/bottling-line/risk.yaml");

    fn catalog() -> Catalog {
        Catalog::builtin()
    }

    #[test]
    fn a_target_keeps_its_text_and_gets_its_digest_and_required_levels() {
        let catalog = catalog();
        let checked = CheckedDocument::check(&catalog, CheckedKind::TargetProfile, TARGET)
            .expect("the bottling-line target resolves");
        assert_eq!(checked.kind(), CheckedKind::TargetProfile);
        assert_eq!(checked.text(), TARGET);
        let target = parse_target(TARGET).expect("parses");
        assert_eq!(checked.digest(), content_digest(&target));
        let resolved = resolve(&catalog, &target).expect("resolves");
        let levels = summary::decode(checked.summary()).expect("a summary");
        assert_eq!(levels.len(), catalog.practices().count());
        let required: Vec<Level> = resolved.practices.iter().map(|p| p.level()).collect();
        assert_eq!(levels, required);
        let prepared = checked.prepared().expect("a target read from text has one");
        assert_eq!(
            crate::document::prepared::read::<crate::document::TargetProfile>(prepared),
            Some(target)
        );
    }

    #[test]
    fn an_assessment_gets_its_achieved_levels() {
        let catalog = catalog();
        let checked = CheckedDocument::check(&catalog, CheckedKind::Assessment, ASSESSMENT)
            .expect("the bottling-line assessment is complete");
        let assessment = parse_assessment(ASSESSMENT).expect("parses");
        assert_eq!(checked.digest(), content_digest(&assessment));
        let current = current_profile(&catalog, &assessment).expect("checks");
        let achieved: Vec<Level> = current.practices.iter().map(|p| p.level).collect();
        assert_eq!(summary::decode(checked.summary()), Some(achieved));
        // Its prepared form reads back as the text parses.
        let prepared = checked
            .prepared()
            .expect("an assessment read from text has one");
        assert_eq!(
            crate::document::prepared::read::<Assessment>(prepared),
            Some(assessment)
        );
    }

    #[test]
    fn a_typed_assessment_is_checked_as_its_text_would_be() {
        let catalog = catalog();
        for text in [
            ASSESSMENT,
            include_str!("../../../examples/ota-gateway/certification/assessment-final.yaml"),
            include_str!("../../../examples/hvac/assessment.yaml"),
        ] {
            let from_text = CheckedDocument::check(&catalog, CheckedKind::Assessment, text)
                .expect("the example checks");
            let mut assessment = parse_assessment(text).expect("parses");
            // Text a form may carry: quotes, colons, a leading dash, a line break, non-ASCII.
            assessment.product.name = "\"GW-7\": - north / Zürich\nline 2 #1".to_string();
            let typed = CheckedDocument::assessment(&catalog, &assessment).expect("checks");
            let again = CheckedDocument::check(&catalog, CheckedKind::Assessment, typed.text())
                .expect("its text checks");
            // What is stored beside the text is what the text says.
            assert_eq!(typed.digest(), again.digest());
            assert_eq!(typed.summary(), again.summary());
            assert_eq!(typed.named_target(), again.named_target());
            assert_eq!(typed.summary(), from_text.summary());
            // Values carry no positions of the text: no prepared form, so a reader parses it.
            assert_eq!(typed.prepared(), None);
            assert!(again.prepared().is_some());
            assert_ne!(
                typed.digest(),
                from_text.digest(),
                "the product name changed"
            );
        }
        // An incomplete one is refused with the same problems as its text.
        let mut broken = parse_assessment(ASSESSMENT).expect("parses");
        broken.practices.0.clear();
        assert!(matches!(
            CheckedDocument::assessment(&catalog, &broken),
            Err(CheckError::Invalid(_))
        ));
    }

    #[test]
    fn a_document_of_another_kind_is_refused_as_such() {
        let catalog = catalog();
        match CheckedDocument::check(&catalog, CheckedKind::TargetProfile, ASSESSMENT) {
            Err(CheckError::WrongKind { expected, found }) => {
                assert_eq!(expected, CheckedKind::TargetProfile);
                assert_eq!(found, Kind::Assessment);
            }
            other => panic!("expected a wrong kind, got {other:?}"),
        }
        assert!(matches!(
            CheckedDocument::check(&catalog, CheckedKind::Assessment, TARGET),
            Err(CheckError::WrongKind {
                found: Kind::TargetProfile,
                ..
            })
        ));
    }

    #[test]
    fn a_broken_or_unresolvable_document_is_refused_with_located_problems() {
        let catalog = catalog();
        let broken = TARGET.replacen("comprehensiveness: ", "comprehensiveness: 7 #", 1);
        let Err(CheckError::Invalid(problems)) =
            CheckedDocument::check(&catalog, CheckedKind::TargetProfile, broken)
        else {
            panic!("an out-of-range level must be refused");
        };
        assert!(problems.to_string().contains("out of range"), "{problems}");
        // Parses, but names a practice the catalog does not have.
        let unknown = ASSESSMENT.replacen(
            "practices:\n",
            "practices:\n  no-such-practice: {comprehensiveness: 1, scope: general}\n",
            1,
        );
        assert!(matches!(
            CheckedDocument::check(&catalog, CheckedKind::Assessment, unknown),
            Err(CheckError::Invalid(_))
        ));
        assert!(matches!(
            CheckedDocument::check(&catalog, CheckedKind::Assessment, "kind: ["),
            Err(CheckError::Invalid(_))
        ));
    }

    #[test]
    fn loss_scenarios_are_checked_and_digested_but_hold_no_levels() {
        let catalog = catalog();
        let checked = CheckedDocument::check(&catalog, CheckedKind::RiskScenarios, SCENARIOS)
            .expect("the example's scenarios check");
        assert_eq!(checked.kind(), CheckedKind::RiskScenarios);
        let parsed = crate::risk::parse_risk_scenarios(&catalog, SCENARIOS).expect("parses");
        assert_eq!(checked.digest(), content_digest(&parsed));
        assert_eq!(checked.summary(), "");
        assert_eq!(checked.named_target(), None);
        assert!(matches!(
            CheckedDocument::check(&catalog, CheckedKind::RiskScenarios, TARGET),
            Err(CheckError::WrongKind {
                found: Kind::TargetProfile,
                ..
            })
        ));
        let broken = SCENARIOS.replacen("iterations: 100000", "iterations: 5", 1);
        let Err(CheckError::Invalid(problems)) =
            CheckedDocument::check(&catalog, CheckedKind::RiskScenarios, broken)
        else {
            panic!("too few simulated years must be refused");
        };
        assert_eq!(problems.0[0].field, "simulation.iterations");
    }
}
