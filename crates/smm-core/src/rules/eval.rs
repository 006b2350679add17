//! Evaluating compiled rules on a resolved target.

use std::collections::HashMap;

use super::compile::{Measure, Ref, Subject, Test, Value};
use super::RuleFinding;
use crate::catalog::Catalog;
use crate::id::PracticeId;
use crate::level::Level;
use crate::resolve::{ResolvedPractice, ResolvedTarget, Source};

/// What a test can look at.
struct Context<'t> {
    target: &'t ResolvedTarget,
    practices: HashMap<&'t str, &'t ResolvedPractice>,
    goals: HashMap<&'t str, Level>,
}

impl<'t> Context<'t> {
    fn practice(
        &self,
        r: &Ref,
        this: Option<&'t ResolvedPractice>,
    ) -> Option<&'t ResolvedPractice> {
        match r {
            Ref::This => this,
            Ref::Id(id) => self.practices.get(id.as_str()).copied(),
        }
    }

    fn goal(&self, r: &Ref, this: Option<&'t ResolvedPractice>) -> Option<(String, Level)> {
        let id = match r {
            Ref::This => this?.domain.as_str(),
            Ref::Id(id) => id.as_str(),
        };
        self.goals.get(id).map(|level| (id.to_string(), *level))
    }
}

/// `a` or `an` before a word.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn rank(level: Level, measure: Measure) -> i64 {
    match measure {
        Measure::Comprehensiveness => i64::from(level.comprehensiveness.value()),
        Measure::Scope => i64::from(level.scope.rank()),
    }
}

fn show(value: i64, measure: Measure) -> String {
    super::compile::describe_measure(measure, value)
}

fn measure_name(measure: Measure) -> &'static str {
    match measure {
        Measure::Comprehensiveness => "comprehensiveness",
        Measure::Scope => "scope",
    }
}

/// The outcome of one test: whether it holds, a sentence saying what was found, and the
/// practices it looked at.
struct Outcome {
    holds: bool,
    /// Phrased for a failure: "x is 1, expected at least 2".
    detail: String,
    /// Phrased for a condition that holds: "x is 3 (at least 3)"; empty to reuse `detail`.
    holding: String,
    practices: Vec<PracticeId>,
}

impl Outcome {
    fn plain(holds: bool, detail: String, practices: Vec<PracticeId>) -> Self {
        Outcome {
            holds,
            detail,
            holding: String::new(),
            practices,
        }
    }

    fn into_reason(self) -> String {
        if self.holding.is_empty() {
            self.detail
        } else {
            self.holding
        }
    }
}

fn eval<'t>(ctx: &Context<'t>, test: &Test, this: Option<&'t ResolvedPractice>) -> Outcome {
    match test {
        Test::Level {
            subject,
            measure,
            op,
            value,
        } => {
            let (who, level, mut practices) = match subject {
                Subject::Practice(r) => match ctx.practice(r, this) {
                    Some(p) => (p.id.to_string(), p.level(), vec![p.id.clone()]),
                    None => return Outcome::plain(false, String::new(), vec![]),
                },
                Subject::Goal(r) => match ctx.goal(r, this) {
                    Some((id, level)) => (format!("the {id} goal"), level, vec![]),
                    None => return Outcome::plain(false, String::new(), vec![]),
                },
            };
            let actual = rank(level, *measure);
            let (expected, against) = match value {
                Value::Literal(v) => (*v, show(*v, *measure)),
                Value::Practice(r) => match ctx.practice(r, this) {
                    Some(p) => {
                        practices.push(p.id.clone());
                        let v = rank(p.level(), *measure);
                        (v, format!("{}'s {}", p.id, show(v, *measure)))
                    }
                    None => return Outcome::plain(false, String::new(), practices),
                },
                Value::Goal(r, offset) => match ctx.goal(r, this) {
                    Some((id, level)) => {
                        let v = rank(level, *measure) + offset;
                        let note = super::compile::offset_note(*offset);
                        (v, format!("the {id} goal{note} ({})", show(v, *measure)))
                    }
                    None => return Outcome::plain(false, String::new(), practices),
                },
            };
            let fact = format!(
                "{who} {} is {}",
                measure_name(*measure),
                show(actual, *measure)
            );
            Outcome {
                holds: op.holds(actual, expected),
                detail: format!("{fact}, expected {} {against}", op.words()),
                holding: format!("{fact} ({} {against})", op.words()),
                practices,
            }
        }
        Test::HasRationale { practice, expected } => match ctx.practice(practice, this) {
            Some(p) => {
                let own = p.confirmed || p.source == Source::PracticeOverride;
                let detail = if own {
                    format!("{} has a rationale of its own", p.id)
                } else {
                    format!("{} has no rationale of its own", p.id)
                };
                Outcome::plain(own == *expected, detail, vec![p.id.clone()])
            }
            None => Outcome::plain(false, String::new(), vec![]),
        },
        Test::Role(roles) => Outcome::plain(
            roles.contains(&ctx.target.role),
            format!("the stakeholder role is {:?}", ctx.target.role).to_lowercase(),
            vec![],
        ),
        Test::Factor { kind, impact } => {
            let matching = ctx
                .target
                .factors
                .iter()
                .filter(|f| f.kind == *kind)
                .find(|f| match impact {
                    None => true,
                    Some((op, rank)) => f.impact.is_some_and(|i| op.holds(i as i64, *rank)),
                });
            let found = matching.is_some();
            let with_impact = matching
                .and_then(|f| f.impact)
                .map(|i| format!(" with {} impact", format!("{i:?}").to_lowercase()))
                .unwrap_or_default();
            let kind_name = serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            Outcome {
                holding: String::new(),
                holds: found,
                detail: if found {
                    format!(
                        "{} {kind_name} factor{with_impact} is recorded",
                        article(&kind_name)
                    )
                } else {
                    format!("no matching {kind_name} factor")
                },
                practices: vec![],
            }
        }
        Test::AnyPractice(inner) => {
            let mut matching = Vec::new();
            for p in &ctx.target.practices {
                if inner.iter().all(|t| eval(ctx, t, Some(p)).holds) {
                    matching.push(p.id.clone());
                }
            }
            Outcome {
                holding: String::new(),
                holds: !matching.is_empty(),
                detail: if matching.is_empty() {
                    "no practice matches".to_string()
                } else {
                    format!(
                        "{} {}",
                        matching
                            .iter()
                            .map(|p| p.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                        if matching.len() == 1 {
                            "matches"
                        } else {
                            "match"
                        }
                    )
                },
                practices: matching,
            }
        }
        Test::Any(options) => {
            let outcomes: Vec<Vec<Outcome>> = options
                .iter()
                .map(|tests| tests.iter().map(|t| eval(ctx, t, this)).collect())
                .collect();
            let holds = outcomes.iter().any(|o| o.iter().all(|t| t.holds));
            // When it holds, the reason is the alternative that holds, not the ones that do not.
            let holding: String = outcomes
                .iter()
                .find(|o| o.iter().all(|t| t.holds))
                .map(|o| {
                    o.iter()
                        .map(|t| {
                            if t.holding.is_empty() {
                                t.detail.clone()
                            } else {
                                t.holding.clone()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .unwrap_or_default();
            let details: Vec<String> = outcomes
                .iter()
                .flatten()
                .map(|o| o.detail.clone())
                .filter(|d| !d.is_empty())
                .collect();
            Outcome {
                holding,
                holds,
                detail: details.join("; "),
                practices: outcomes
                    .into_iter()
                    .flatten()
                    .flat_map(|o| o.practices)
                    .collect(),
            }
        }
    }
}

/// Evaluates every rule of the catalog on a target; accepted rules are reported with their reason.
pub fn check_rules(catalog: &Catalog, target: &ResolvedTarget) -> Vec<RuleFinding> {
    let ctx = Context {
        target,
        practices: target
            .practices
            .iter()
            .map(|p| (p.id.as_str(), p))
            .collect(),
        goals: target
            .domains
            .iter()
            .map(|d| (d.id.as_str(), d.level))
            .collect(),
    };
    let mut findings = Vec::new();
    for rule in catalog.rules() {
        let accepted = target
            .accepted_rules
            .iter()
            .find(|a| a.rule == rule.rule.id.value)
            .map(|a| a.reason.clone());
        let instances: Vec<Option<&ResolvedPractice>> = if rule.per_practice {
            target.practices.iter().map(Some).collect()
        } else {
            vec![None]
        };
        for this in instances {
            let when: Vec<Outcome> = rule.when.iter().map(|t| eval(&ctx, t, this)).collect();
            if !when.iter().all(|o| o.holds) {
                continue;
            }
            let failed: Vec<Outcome> = rule
                .require
                .iter()
                .map(|t| eval(&ctx, t, this))
                .filter(|o| !o.holds)
                .collect();
            if failed.is_empty() {
                continue;
            }
            let mut practices: Vec<PracticeId> = rule
                .when
                .iter()
                .flat_map(|t| eval(&ctx, t, this).practices)
                .collect();
            if let Some(p) = this {
                practices.insert(0, p.id.clone());
            }
            practices.extend(failed.iter().flat_map(|o| o.practices.clone()));
            let mut seen = std::collections::HashSet::new();
            practices.retain(|p| seen.insert(p.clone()));
            findings.push(RuleFinding {
                rule: rule.rule.id.value.clone(),
                title: rule.rule.title.clone(),
                practices,
                because: when
                    .into_iter()
                    .map(Outcome::into_reason)
                    .filter(|d| !d.is_empty())
                    .collect(),
                details: failed
                    .into_iter()
                    .map(|o| o.detail)
                    .filter(|d| !d.is_empty())
                    .collect(),
                why: rule.rule.why.trim().to_string(),
                fix: rule.rule.fix.trim().to_string(),
                accepted: accepted.clone(),
            });
        }
    }
    findings
}
