//! Turning a rule as written into checked tests, so a broken rule fails when the catalog loads
//! rather than silently never firing.

use serde::Serialize;

use super::{Compare, Condition, Operand, Rule};
use crate::catalog::{Catalog, Node};
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::document::{FactorKind, Impact, StakeholderRole};
use crate::level::{Comprehensiveness, Scope};
use crate::located::Position;

/// A practice or domain named by a rule: a fixed id, or the practice in hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Ref {
    /// The practice the rule is iterating over (or its domain).
    This,
    /// A fixed id.
    Id(String),
}

/// Which measure a test reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Measure {
    /// Comprehensiveness, 0-4.
    Comprehensiveness,
    /// Scope rank: 0 General, 1 Industry, 2 System.
    Scope,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Op {
    /// `>=`
    AtLeast,
    /// `<=`
    AtMost,
    /// `>`
    Above,
    /// `<`
    Below,
    /// `==`
    Equals,
}

impl Op {
    /// Applies the operator.
    pub fn holds(self, actual: i64, expected: i64) -> bool {
        match self {
            Op::AtLeast => actual >= expected,
            Op::AtMost => actual <= expected,
            Op::Above => actual > expected,
            Op::Below => actual < expected,
            Op::Equals => actual == expected,
        }
    }

    /// The operator in words, for messages.
    pub fn words(self) -> &'static str {
        match self {
            Op::AtLeast => "at least",
            Op::AtMost => "at most",
            Op::Above => "above",
            Op::Below => "below",
            Op::Equals => "exactly",
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Value {
    /// A fixed rank.
    Literal(i64),
    /// The same measure of a practice.
    Practice(Ref),
    /// The same measure of a domain goal, plus an offset.
    Goal(Ref, i64),
}

/// What a test reads the measure of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Subject {
    /// A practice's resolved level.
    Practice(Ref),
    /// A domain's goal.
    Goal(Ref),
}

/// One checked test; a condition is a list of them, all of which must hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Test {
    /// A measure compared with a value.
    Level {
        /// Whose measure.
        subject: Subject,
        /// Which measure.
        measure: Measure,
        /// How compared.
        op: Op,
        /// With what.
        value: Value,
    },
    /// Whether a practice has a rationale of its own.
    HasRationale {
        /// Which practice.
        practice: Ref,
        /// Expected presence.
        expected: bool,
    },
    /// The stakeholder role is one of these.
    Role(Vec<StakeholderRole>),
    /// A factor of this kind is recorded, optionally with its impact compared.
    Factor {
        /// The factor kind.
        kind: FactorKind,
        /// The impact test, if any.
        impact: Option<(Op, i64)>,
    },
    /// Some practice passes all these tests (`this` is that practice).
    AnyPractice(Vec<Test>),
    /// At least one of these lists of tests passes.
    Any(Vec<Vec<Test>>),
}

/// A rule ready to evaluate.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CompiledRule {
    /// The rule as written (for messages and `smm explain`).
    pub rule: Rule,
    /// Evaluated once per practice.
    pub per_practice: bool,
    /// All must hold for the rule to apply.
    pub when: Vec<Test>,
    /// All must hold, or the rule fires.
    pub require: Vec<Test>,
}

impl CompiledRule {
    /// The fixed practice ids the rule mentions, for `smm explain`.
    pub fn practices(&self) -> Vec<String> {
        let mut ids = Vec::new();
        collect_practices(self.when.iter().chain(&self.require), &mut ids);
        ids.dedup();
        ids
    }
}

fn collect_practices<'a>(tests: impl Iterator<Item = &'a Test>, ids: &mut Vec<String>) {
    for test in tests {
        match test {
            Test::Level { subject, value, .. } => {
                if let Subject::Practice(Ref::Id(id)) = subject {
                    ids.push(id.clone());
                }
                if let Value::Practice(Ref::Id(id)) = value {
                    ids.push(id.clone());
                }
            }
            Test::HasRationale {
                practice: Ref::Id(id),
                ..
            } => ids.push(id.clone()),
            Test::AnyPractice(inner) => collect_practices(inner.iter(), ids),
            Test::Any(options) => options
                .iter()
                .for_each(|o| collect_practices(o.iter(), ids)),
            _ => {}
        }
    }
}

struct Compiler<'c> {
    catalog: &'c Catalog,
    problems: Diagnostics,
    at: Position,
    field: String,
}

/// Compiles every rule against the catalog's ids; problems point at the rule.
pub fn compile(catalog: &Catalog, rules: &[Rule]) -> Result<Vec<CompiledRule>, Diagnostics> {
    let mut compiled = Vec::new();
    let mut problems = Diagnostics::default();
    let mut seen = std::collections::HashSet::new();
    for rule in rules {
        let mut c = Compiler {
            catalog,
            problems: Diagnostics::default(),
            at: rule.id.at,
            field: format!("rules.{}", rule.id.value),
        };
        if !crate::id::is_well_formed(&rule.id.value) {
            c.problem(format!("`{}` is not a valid rule id", rule.id.value));
        }
        if !seen.insert(rule.id.value.clone()) {
            c.problem(format!("duplicate rule id `{}`", rule.id.value));
        }
        if rule.require.is_empty() {
            c.problem("a rule needs at least one `require` condition".to_string());
        }
        for (what, text) in [
            ("title", &rule.title),
            ("why", &rule.why),
            ("fix", &rule.fix),
        ] {
            if text.trim().is_empty() {
                c.problem(format!("a rule needs a non-empty `{what}`"));
            }
        }
        let per_practice = rule.for_each.is_some();
        let when = c.conditions(&rule.when, per_practice);
        let require = c.conditions(&rule.require, per_practice);
        problems.0.extend(c.problems.0);
        compiled.push(CompiledRule {
            rule: rule.clone(),
            per_practice,
            when,
            require,
        });
    }
    problems.into_result(compiled)
}

impl Compiler<'_> {
    fn problem(&mut self, message: String) {
        self.problems
            .push(Diagnostic::new(self.at, self.field.clone(), message));
    }

    fn conditions(&mut self, conditions: &[Condition], this: bool) -> Vec<Test> {
        conditions
            .iter()
            .flat_map(|c| self.condition(c, this))
            .collect()
    }

    fn condition(&mut self, c: &Condition, this: bool) -> Vec<Test> {
        let subjects = [
            c.practice.is_some(),
            c.goal.is_some(),
            c.role.is_some(),
            c.factor.is_some(),
            c.any_practice.is_some(),
            c.any.is_some(),
        ];
        if subjects.iter().filter(|s| **s).count() != 1 {
            self.problem("each condition needs exactly one of practice, goal, role, factor, any-practice, any".into());
            return Vec::new();
        }
        let measures_allowed = c.practice.is_some() || c.goal.is_some();
        if !measures_allowed && (c.comprehensiveness.is_some() || c.scope.is_some()) {
            self.problem(
                "comprehensiveness and scope can only be tested on a practice or a goal".into(),
            );
        }
        if c.impact.is_some() && c.factor.is_none() {
            self.problem("impact can only be tested on a factor".into());
        }
        if c.has_own_rationale.is_some() && c.practice.is_none() {
            self.problem("has-own-rationale can only be tested on a practice".into());
        }
        let mut tests = Vec::new();
        if let Some(roles) = &c.role {
            tests.push(Test::Role(roles.clone()));
        }
        if let Some(kind) = c.factor {
            let impact = c
                .impact
                .as_ref()
                .and_then(|cmp| self.compare(cmp, Measure::Comprehensiveness, true, this));
            let impact = impact.and_then(|(op, value)| match value {
                Value::Literal(rank) => Some((op, rank)),
                _ => None,
            });
            tests.push(Test::Factor { kind, impact });
        }
        if let Some(inner) = &c.any_practice {
            let inner = self.condition(inner, true);
            tests.push(Test::AnyPractice(inner));
        }
        if let Some(options) = &c.any {
            let options = options.iter().map(|o| self.condition(o, this)).collect();
            tests.push(Test::Any(options));
        }
        let subject = match (&c.practice, &c.goal) {
            (Some(p), _) => self.practice_ref(&p.value, this).map(Subject::Practice),
            (_, Some(g)) => self.domain_ref(&g.value, this).map(Subject::Goal),
            _ => None,
        };
        if let Some(subject) = subject {
            for (measure, cmp) in [
                (Measure::Comprehensiveness, &c.comprehensiveness),
                (Measure::Scope, &c.scope),
            ] {
                if let Some((op, value)) = cmp
                    .as_ref()
                    .and_then(|cmp| self.compare(cmp, measure, false, this))
                {
                    tests.push(Test::Level {
                        subject: subject.clone(),
                        measure,
                        op,
                        value,
                    });
                }
            }
            if let (Some(expected), Subject::Practice(practice)) = (c.has_own_rationale, &subject) {
                tests.push(Test::HasRationale {
                    practice: practice.clone(),
                    expected,
                });
            }
            if c.comprehensiveness.is_none() && c.scope.is_none() && c.has_own_rationale.is_none() {
                self.problem("a practice or goal condition needs a test: comprehensiveness, scope or has-own-rationale".into());
            }
        }
        tests
    }

    fn compare(
        &mut self,
        cmp: &Compare,
        measure: Measure,
        impact: bool,
        this: bool,
    ) -> Option<(Op, Value)> {
        let ops = [
            (Op::AtLeast, &cmp.at_least),
            (Op::AtMost, &cmp.at_most),
            (Op::Above, &cmp.above),
            (Op::Below, &cmp.below),
            (Op::Equals, &cmp.equals),
        ];
        let given: Vec<_> = ops
            .iter()
            .filter_map(|(op, v)| v.as_ref().map(|v| (*op, v)))
            .collect();
        let [(op, operand)] = given.as_slice() else {
            self.problem(
                "a comparison needs exactly one of at-least, at-most, above, below, equals".into(),
            );
            return None;
        };
        let value = match operand {
            Operand::Number(n) if !impact && measure == Measure::Comprehensiveness && *n <= 4 => {
                Value::Literal(*n as i64)
            }
            Operand::Name(name) if impact => match name.as_str() {
                "low" => Value::Literal(Impact::Low as i64),
                "medium" => Value::Literal(Impact::Medium as i64),
                "high" => Value::Literal(Impact::High as i64),
                _ => {
                    self.problem(format!(
                        "`{name}` is not an impact: expected low, medium or high"
                    ));
                    return None;
                }
            },
            Operand::Name(name) if measure == Measure::Comprehensiveness => {
                match Comprehensiveness::parse(name) {
                    Some(level) => Value::Literal(i64::from(level.value())),
                    None => {
                        self.problem(format!("`{name}` is not a comprehensiveness level"));
                        return None;
                    }
                }
            }
            Operand::Name(name) => match Scope::parse(name) {
                Some(scope) => Value::Literal(i64::from(scope.rank())),
                None => {
                    self.problem(format!("`{name}` is not a scope"));
                    return None;
                }
            },
            Operand::Practice { practice } if !impact => {
                Value::Practice(self.practice_ref(practice, this)?)
            }
            Operand::Goal { goal, offset } if !impact => {
                Value::Goal(self.domain_ref(goal, this)?, *offset)
            }
            _ => {
                self.problem("this comparison value does not fit the measure tested".into());
                return None;
            }
        };
        Some((*op, value))
    }

    fn practice_ref(&mut self, id: &str, this: bool) -> Option<Ref> {
        if id == "this" {
            if !this {
                self.problem(
                    "`this` needs `for-each: practice` or an `any-practice` condition".into(),
                );
                return None;
            }
            return Some(Ref::This);
        }
        match self.catalog.practice(id) {
            Some(p) => Some(Ref::Id(p.practice.id.as_str().to_string())),
            None => {
                let near = nearest(id, self.catalog.practice_ids())
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                self.problem(format!("unknown practice id `{id}`{near}"));
                None
            }
        }
    }

    fn domain_ref(&mut self, id: &str, this: bool) -> Option<Ref> {
        if id == "this" {
            if !this {
                self.problem(
                    "`goal: this` needs `for-each: practice` or an `any-practice` condition".into(),
                );
                return None;
            }
            return Some(Ref::This);
        }
        match self.catalog.find(id) {
            Some(Node::Domain(d)) => Some(Ref::Id(self.catalog.domains[d].id.as_str().to_string())),
            _ => {
                self.problem(format!("unknown domain id `{id}`"));
                None
            }
        }
    }
}

impl CompiledRule {
    /// The rule's conditions in words: (when, require).
    pub fn describe(&self) -> (Vec<String>, Vec<String>) {
        let each = |tests: &[Test]| tests.iter().map(describe_test).collect();
        (each(&self.when), each(&self.require))
    }
}

fn describe_ref(r: &Ref, what: &str) -> String {
    match r {
        Ref::This => format!("the {what}"),
        Ref::Id(id) => id.clone(),
    }
}

/// An offset from a goal as text: "", " + 1" or " - 2".
pub(crate) fn offset_note(offset: i64) -> String {
    match offset {
        0 => String::new(),
        o if o > 0 => format!(" + {o}"),
        o => format!(" - {}", -o),
    }
}

/// A measure's rank as written in documents: `2`, or `industry`.
pub(crate) fn describe_measure(measure: Measure, rank: i64) -> String {
    match measure {
        Measure::Comprehensiveness => rank.to_string(),
        Measure::Scope => Scope::ALL[rank.clamp(0, 2) as usize].token().to_string(),
    }
}

fn describe_test(test: &Test) -> String {
    match test {
        Test::Level {
            subject,
            measure,
            op,
            value,
        } => {
            let who = match subject {
                Subject::Practice(r) => describe_ref(r, "practice"),
                Subject::Goal(Ref::This) => "the goal of the practice's domain".to_string(),
                Subject::Goal(Ref::Id(id)) => format!("the {id} goal"),
            };
            let measure_name = match measure {
                Measure::Comprehensiveness => "comprehensiveness",
                Measure::Scope => "scope",
            };
            let against = match value {
                Value::Literal(v) => describe_measure(*measure, *v),
                Value::Practice(r) => format!("{}'s", describe_ref(r, "practice")),
                Value::Goal(r, offset) => {
                    let goal = match r {
                        Ref::This => "the goal of its domain".to_string(),
                        Ref::Id(id) => format!("the {id} goal"),
                    };
                    format!("{goal}{}", offset_note(*offset))
                }
            };
            format!("{who} {measure_name} is {} {against}", op.words())
        }
        Test::HasRationale { practice, expected } => format!(
            "{} {} a rationale of its own",
            describe_ref(practice, "practice"),
            if *expected { "has" } else { "has no" }
        ),
        Test::Role(roles) => {
            let names: Vec<String> = roles
                .iter()
                .map(|r| format!("{r:?}").to_lowercase())
                .collect();
            format!("the stakeholder is a {}", names.join(" or "))
        }
        Test::Factor { kind, impact } => {
            let kind = serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            match impact {
                None => format!("a {kind} factor is recorded"),
                Some((op, rank)) => {
                    let level = ["low", "medium", "high"]
                        .get(*rank as usize)
                        .copied()
                        .unwrap_or("high");
                    format!(
                        "a {kind} factor with impact {} {level} is recorded",
                        op.words()
                    )
                }
            }
        }
        Test::AnyPractice(inner) => {
            let inner: Vec<String> = inner.iter().map(describe_test).collect();
            format!("some practice satisfies: {}", inner.join(" and "))
        }
        Test::Any(options) => {
            let options: Vec<String> = options
                .iter()
                .map(|o| {
                    o.iter()
                        .map(describe_test)
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .collect();
            format!("one of: {}", options.join("; or "))
        }
    }
}
