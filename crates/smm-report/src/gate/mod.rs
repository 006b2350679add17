//! The CI gate's result in the formats CI systems read: JUnit XML for test dashboards and SARIF
//! 2.1.0 for code-scanning views.
//!
//! `smm check` decides; this module only writes its decision down. A [`GateReport`] holds one
//! verdict per practice with the line of the target file that set the level it is measured
//! against, so a failure shows up where it can be changed.

pub mod junit;
pub mod sarif;

use smm_core::located::Position;

/// One `smm check`: a target against an assessment, or against a profile that must cover it.
#[derive(Clone, Debug)]
pub struct GateReport {
    /// What was checked, in words: "Bottling line target 1.2 against Bottling line 3.1".
    pub title: String,
    /// The target profile's path as given on the command line.
    pub target_file: String,
    /// The assessment's (or the covering profile's) path as given.
    pub measured_file: String,
    /// What the second file is.
    pub measured: Measured,
    /// One verdict per practice, in catalog order.
    pub practices: Vec<PracticeVerdict>,
}

/// What the target is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measured {
    /// An assessment: is the product under target?
    Assessment,
    /// Another target profile (a vendor's): does it cover every practice?
    Profile,
}

impl Measured {
    /// The word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Measured::Assessment => "assessment",
            Measured::Profile => "profile",
        }
    }
}

/// The gate's verdict on one practice.
#[derive(Clone, Debug)]
pub struct PracticeVerdict {
    /// The practice id, e.g. `threat-modeling`.
    pub id: String,
    /// Its name in the catalog.
    pub name: String,
    /// What the practice is for, from the catalog.
    pub purpose: String,
    /// Its domain's id.
    pub domain: String,
    /// Its subdomain's id.
    pub subdomain: String,
    /// The level the target requires, in short form (`3/I`).
    pub required: String,
    /// The level the assessment found or the profile offers (`2/G`).
    pub present: String,
    /// Under, met or over.
    pub verdict: Verdict,
    /// What is missing, in words, when under: "1 level short, scope general not industry".
    pub shortfall: String,
    /// Where the target sets the measure that falls short (the comprehensiveness when the depth
    /// falls short, else the scope); unknown as `0:0`.
    pub at: Position,
}

/// Under, met or over the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Below the target in at least one measure: the gate fails.
    Under,
    /// Exactly the target.
    Met,
    /// Above the target in at least one measure and below in none.
    Over,
}

impl GateReport {
    /// The practices under target.
    pub fn under(&self) -> impl Iterator<Item = &PracticeVerdict> {
        self.practices
            .iter()
            .filter(|p| p.verdict == Verdict::Under)
    }

    /// Whether the gate passes.
    pub fn passed(&self) -> bool {
        self.under().next().is_none()
    }

    /// A practice's failure in one line: "threat-modeling (Threat Modeling) is under target:
    /// target 3/I, current 2/I: 1 level short".
    pub fn message(&self, p: &PracticeVerdict) -> String {
        format!(
            "{} ({}) is under target: target {}, {} {}: {}",
            p.id,
            p.name,
            p.required,
            self.present_word(),
            p.present,
            p.shortfall
        )
    }

    /// What the second file's level is called: `current` (an assessment) or `offered`.
    pub fn present_word(&self) -> &'static str {
        match self.measured {
            Measured::Assessment => "current",
            Measured::Profile => "offered",
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
