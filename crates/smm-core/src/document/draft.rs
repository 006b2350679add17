//! An assessment still being written: built up from plain values (a web form, an import), where
//! any practice may still be *not assessed*.
//!
//! A practice nobody looked at is not the same as a practice at 0 None, and an [`Assessment`]
//! cannot say "not assessed" (every entry has a level). So the values collected so far live in an
//! [`AssessmentDraft`], and [`AssessmentDraft::build`] turns it into an `Assessment` only once
//! every practice of the catalog has both measures, naming each one that has not.

use std::fmt;

use super::assessment::{
    AssessedPractice, Assessment, AssessmentKind, AssessmentReference, Evidence, Finding, Method,
    Product, Recommendation, TargetReference,
};
use super::Date;
use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::header::FormatVersion;
use crate::level::{Comprehensiveness, Scope};
use crate::located::{Entries, Located, Position};

/// An assessment being written: what is known so far, practice by practice, in catalog order.
#[derive(Clone, Debug, PartialEq)]
pub struct AssessmentDraft {
    /// The target it measures against.
    pub target: TargetReference,
    /// The earlier assessment it reassesses, if any.
    pub follows: Option<AssessmentReference>,
    /// The product and version assessed.
    pub product: Product,
    /// Who assessed it.
    pub assessors: Vec<String>,
    /// How (document review, interviews, analyses, tests).
    pub methods: Vec<Method>,
    /// The date as written (`YYYY-MM-DD` once it is right); kept as text so a wrong date can be
    /// shown back to the person who typed it.
    pub date: String,
    /// Every practice of the catalog, in catalog order.
    pub practices: Vec<PracticeDraft>,
    /// Nonconformities and vulnerabilities found.
    pub findings: Vec<Finding>,
    /// What the assessor recommends.
    pub recommendations: Vec<Recommendation>,
}

/// One practice being assessed: either measure may still be missing.
#[derive(Clone, Debug, PartialEq)]
pub struct PracticeDraft {
    /// Practice id.
    pub id: String,
    /// Achieved comprehensiveness, once chosen.
    pub comprehensiveness: Option<Comprehensiveness>,
    /// Achieved scope, once chosen.
    pub scope: Option<Scope>,
    /// What supports the judgement.
    pub evidence: Vec<Evidence>,
    /// The assessor's reasoning.
    pub notes: Option<String>,
}

impl PracticeDraft {
    /// A practice nobody has assessed yet.
    pub fn not_assessed(id: impl Into<String>) -> Self {
        PracticeDraft {
            id: id.into(),
            comprehensiveness: None,
            scope: None,
            evidence: Vec::new(),
            notes: None,
        }
    }

    /// Whether both measures are chosen.
    pub fn is_assessed(&self) -> bool {
        self.comprehensiveness.is_some() && self.scope.is_some()
    }
}

/// Why a draft is not an assessment yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Incomplete {
    /// The product has no name.
    ProductName,
    /// The product has no version.
    ProductVersion,
    /// The date is not a calendar date in the form `YYYY-MM-DD`.
    Date(String),
    /// A practice lacks one or both measures.
    NotAssessed {
        /// Practice id.
        practice: String,
        /// Whether its comprehensiveness is missing.
        comprehensiveness: bool,
        /// Whether its scope is missing.
        scope: bool,
    },
}

impl Incomplete {
    /// The field of the assessment document concerned (`practices.patch-management`).
    pub fn field(&self) -> String {
        match self {
            Incomplete::ProductName => "product.name".to_string(),
            Incomplete::ProductVersion => "product.version".to_string(),
            Incomplete::Date(_) => "date".to_string(),
            Incomplete::NotAssessed { practice, .. } => format!("practices.{practice}"),
        }
    }
}

impl fmt::Display for Incomplete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Incomplete::ProductName => f.write_str("say which product was assessed"),
            Incomplete::ProductVersion => {
                f.write_str("say which version was assessed: an assessment is of one version")
            }
            Incomplete::Date(text) if text.is_empty() => {
                f.write_str("say when it was assessed, as YYYY-MM-DD")
            }
            Incomplete::Date(text) => {
                write!(
                    f,
                    "`{text}` is not a date: expected YYYY-MM-DD, e.g. 2026-03-02"
                )
            }
            Incomplete::NotAssessed {
                comprehensiveness: true,
                scope: true,
                ..
            } => f.write_str("not assessed: choose its comprehensiveness and scope"),
            Incomplete::NotAssessed {
                comprehensiveness: true,
                ..
            } => f.write_str("not assessed: choose its comprehensiveness too"),
            Incomplete::NotAssessed { .. } => f.write_str("not assessed: choose its scope too"),
        }
    }
}

impl AssessmentDraft {
    /// A new draft: every practice of the catalog not assessed, no findings.
    pub fn new(
        catalog: &Catalog,
        target: TargetReference,
        product: Product,
        assessors: Vec<String>,
        date: String,
    ) -> Self {
        AssessmentDraft {
            target,
            follows: None,
            product,
            assessors,
            methods: Vec::new(),
            date,
            practices: catalog
                .practice_ids()
                .map(PracticeDraft::not_assessed)
                .collect(),
            findings: Vec::new(),
            recommendations: Vec::new(),
        }
    }

    /// The draft of an existing assessment, to change it: every practice of the catalog in
    /// catalog order, as assessed (a practice the assessment lacks is not assessed).
    pub fn from_assessment(catalog: &Catalog, assessment: &Assessment) -> Self {
        let practices = catalog
            .practice_ids()
            .map(
                |id| match assessment.practices.iter().find(|(key, _)| key.value == id) {
                    Some((_, p)) => PracticeDraft {
                        id: id.to_string(),
                        comprehensiveness: Some(p.comprehensiveness.value),
                        scope: Some(p.scope.value),
                        evidence: p.evidence.clone(),
                        notes: p.notes.clone(),
                    },
                    None => PracticeDraft::not_assessed(id),
                },
            )
            .collect();
        AssessmentDraft {
            target: assessment.target.clone(),
            follows: assessment.follows.clone(),
            product: assessment.product.clone(),
            assessors: assessment.assessors.clone(),
            methods: assessment.methods.clone(),
            date: assessment.date.to_string(),
            practices,
            findings: assessment.findings.clone(),
            recommendations: assessment.recommendations.clone(),
        }
    }

    /// The practice with this id.
    pub fn practice_mut(&mut self, id: &str) -> Option<&mut PracticeDraft> {
        self.practices.iter_mut().find(|p| p.id == id)
    }

    /// The assessment, or everything still missing (product, date, each practice not
    /// assessed). Whether the assessment is consistent with the catalog (findings, evidence) is
    /// [`crate::current_profile`]'s to check.
    pub fn build(&self) -> Result<Assessment, Vec<Incomplete>> {
        let mut missing = Vec::new();
        if self.product.name.trim().is_empty() {
            missing.push(Incomplete::ProductName);
        }
        if self.product.version.trim().is_empty() {
            missing.push(Incomplete::ProductVersion);
        }
        let date = Date::parse(self.date.trim());
        if date.is_none() {
            missing.push(Incomplete::Date(self.date.trim().to_string()));
        }
        let mut practices = Vec::with_capacity(self.practices.len());
        for p in &self.practices {
            match (p.comprehensiveness, p.scope) {
                (Some(c), Some(s)) => practices.push((
                    Located::new(p.id.clone()),
                    AssessedPractice {
                        comprehensiveness: Located::new(c),
                        scope: Located::new(s),
                        evidence: p.evidence.clone(),
                        notes: p.notes.clone(),
                    },
                )),
                (c, s) => missing.push(Incomplete::NotAssessed {
                    practice: p.id.clone(),
                    comprehensiveness: c.is_none(),
                    scope: s.is_none(),
                }),
            }
        }
        match date {
            Some(date) if missing.is_empty() => Ok(Assessment {
                smm: FormatVersion,
                kind: AssessmentKind::Assessment,
                target: self.target.clone(),
                follows: self.follows.clone(),
                product: self.product.clone(),
                assessors: self.assessors.clone(),
                methods: self.methods.clone(),
                date,
                practices: Entries(practices),
                findings: self.findings.clone(),
                recommendations: self.recommendations.clone(),
            }),
            _ => Err(missing),
        }
    }
}

impl Assessment {
    /// The assessment as the YAML the CLI reads and writes (no comment line).
    pub fn to_yaml(&self) -> Result<String, Diagnostic> {
        // Our document types are plain data; serde-saphyr refuses only what YAML cannot hold.
        serde_saphyr::to_string(self).map_err(|e| {
            Diagnostic::new(
                Position::default(),
                "",
                format!("the assessment could not be written as YAML: {e}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse_assessment;
    use crate::{content_digest, current_profile};

    fn target() -> TargetReference {
        TargetReference {
            path: "target.yaml".to_string(),
            sha256: Located::new("a".repeat(64)),
        }
    }

    fn draft(catalog: &Catalog) -> AssessmentDraft {
        AssessmentDraft::new(
            catalog,
            target(),
            Product {
                name: "Gateway X".to_string(),
                version: "3.2".to_string(),
                line: None,
            },
            vec!["Nadia".to_string()],
            "2026-03-02".to_string(),
        )
    }

    #[test]
    fn a_new_draft_assesses_nothing_and_building_it_names_every_practice() {
        let catalog = Catalog::builtin();
        let missing = draft(&catalog).build().expect_err("nothing assessed");
        let named: Vec<String> = missing.iter().map(Incomplete::field).collect();
        let expected: Vec<String> = catalog
            .practice_ids()
            .map(|id| format!("practices.{id}"))
            .collect();
        assert_eq!(named, expected);
        assert!(missing
            .iter()
            .all(|m| m.to_string().contains("not assessed")));
    }

    #[test]
    fn a_practice_with_only_one_measure_is_not_assessed() {
        let catalog = Catalog::builtin();
        let mut d = draft(&catalog);
        for p in &mut d.practices {
            p.comprehensiveness = Some(Comprehensiveness::AdHoc);
            p.scope = Some(Scope::Industry);
        }
        let first = d.practices[0].id.clone();
        d.practices[0].scope = None;
        let missing = d.build().expect_err("one practice lacks its scope");
        assert_eq!(
            missing,
            vec![Incomplete::NotAssessed {
                practice: first,
                comprehensiveness: false,
                scope: true,
            }]
        );
        assert!(missing[0].to_string().contains("scope"));
    }

    #[test]
    fn an_empty_product_and_a_wrong_date_are_named() {
        let catalog = Catalog::builtin();
        let mut d = draft(&catalog);
        d.product.version = " ".to_string();
        d.date = "2026-02-30".to_string();
        let missing = d.build().expect_err("incomplete");
        assert!(missing.contains(&Incomplete::ProductVersion));
        assert!(missing.contains(&Incomplete::Date("2026-02-30".to_string())));
        assert!(!missing.contains(&Incomplete::ProductName));
    }

    #[test]
    fn a_complete_draft_builds_the_assessment_the_cli_reads() {
        let catalog = Catalog::builtin();
        let mut d = draft(&catalog);
        for (i, p) in d.practices.iter_mut().enumerate() {
            p.comprehensiveness = Comprehensiveness::from_value((i % 5) as u64);
            p.scope = Some(Scope::ALL[i % 3]);
        }
        d.practices[1].notes = Some("Two lines:\nsee: the \"policy\" # not a comment".into());
        d.practices[1].evidence.push(Evidence {
            file: Some(Located::new("policy.pdf".into())),
            sha256: Some(Located::new("b".repeat(64))),
            url: None,
            description: "2026.1".into(),
        });
        let built = d.build().expect("complete");
        current_profile(&catalog, &built).expect("valid against the catalog");
        let text = built.to_yaml().expect("YAML");
        let read = parse_assessment(&text).expect("the CLI reads it");
        assert_eq!(read, built);
        assert_eq!(content_digest(&read), content_digest(&built));
        // Editing it again starts from exactly what was built.
        assert_eq!(AssessmentDraft::from_assessment(&catalog, &read), d);
    }
}
