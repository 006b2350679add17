//! Reading an actions file and refusing one a planner could not trust: every practice of the
//! catalog with all six steps, known cost classes, dependency patterns that match something, and
//! no cycle once the patterns are expanded (a cycle would make every plan impossible).

use std::collections::HashMap;

use serde::Deserialize;

use super::{Action, ActionCatalog, ActionId, CostClass, DependencyEntry, Effort, Need, Step};
use crate::catalog::Catalog;
use crate::diagnostic::{nearest, Diagnostic, Diagnostics};
use crate::document::CatalogReference;
use crate::header::{parse_kind, FormatVersion, Kind};
use crate::located::{Entries, Located, Position};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ActionsFile {
    #[allow(dead_code)]
    smm: FormatVersion,
    #[allow(dead_code)]
    kind: ActionsKind,
    catalog: CatalogReference,
    title: String,
    currency: Located<String>,
    day_rate: Located<u64>,
    cost_classes: Vec<CostClassFile>,
    practices: Entries<Entries<ActionFile>>,
    #[serde(default)]
    dependencies: Vec<DependencyFile>,
}

#[derive(Deserialize)]
enum ActionsKind {
    Actions,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CostClassFile {
    id: Located<String>,
    amount: u64,
    summary: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    title: Located<String>,
    work: String,
    effort: Located<f64>,
    cost: Located<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DependencyFile {
    action: Located<String>,
    needs: Located<String>,
    why: Located<String>,
    #[serde(default)]
    rule: Option<Located<String>>,
}

/// Parses and checks the actions of `catalog` from YAML or JSON text.
pub fn parse_actions(catalog: &Catalog, source: &str) -> Result<ActionCatalog, Diagnostics> {
    let file: ActionsFile = parse_kind(source, Kind::Actions)?;
    let mut problems = Diagnostics::default();
    check_catalog(catalog, &file.catalog, &mut problems);
    let cost_classes = cost_classes(&file, &mut problems);
    let actions = actions(catalog, &file, &cost_classes, &mut problems);
    if !problems.is_empty() {
        return Err(problems.sorted());
    }
    let by_id: HashMap<ActionId, usize> = actions
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), i))
        .collect();
    let mut needs = implicit_needs(&actions, &by_id);
    for (n, entry) in file.dependencies.iter().enumerate() {
        expand(
            catalog,
            &actions,
            &by_id,
            entry,
            n,
            &mut needs,
            &mut problems,
        );
    }
    if problems.is_empty() {
        check_acyclic(&actions, &needs, &file.dependencies, &mut problems);
    }
    let dependencies = file
        .dependencies
        .into_iter()
        .map(|d| DependencyEntry {
            action: d.action.value,
            needs: d.needs.value,
            why: d.why.value.trim().to_string(),
            rule: d.rule.map(|r| r.value),
        })
        .collect();
    problems.into_result(ActionCatalog {
        catalog: format!("{}@{}", file.catalog.id.value, file.catalog.version.value),
        title: file.title,
        currency: file.currency.value,
        day_rate: file.day_rate.value,
        cost_classes,
        actions,
        dependencies,
        needs,
        by_id,
    })
}

fn check_catalog(catalog: &Catalog, wanted: &CatalogReference, problems: &mut Diagnostics) {
    if wanted.id.value != catalog.id.value || wanted.version.value != catalog.version.value {
        problems.push(Diagnostic::new(
            wanted.id.at,
            "catalog",
            format!(
                "these actions are for catalog {}@{}, but the catalog in use is {}",
                wanted.id.value,
                wanted.version.value,
                catalog.reference()
            ),
        ));
    }
}

fn cost_classes(file: &ActionsFile, problems: &mut Diagnostics) -> Vec<CostClass> {
    if file.currency.value.trim().is_empty() {
        problems.push(Diagnostic::new(
            file.currency.at,
            "currency",
            "the currency must not be empty (e.g. EUR)",
        ));
    }
    let mut classes: Vec<CostClass> = Vec::new();
    for (i, class) in file.cost_classes.iter().enumerate() {
        if classes.iter().any(|c| c.id == class.id.value) {
            problems.push(Diagnostic::new(
                class.id.at,
                format!("cost-classes[{i}].id"),
                format!("cost class `{}` is defined twice", class.id.value),
            ));
            continue;
        }
        classes.push(CostClass {
            id: class.id.value.clone(),
            amount: class.amount,
            summary: class.summary.trim().to_string(),
        });
    }
    classes
}

fn actions(
    catalog: &Catalog,
    file: &ActionsFile,
    classes: &[CostClass],
    problems: &mut Diagnostics,
) -> Vec<Action> {
    let mut written: HashMap<&str, &Entries<ActionFile>> = HashMap::new();
    for (key, steps) in file.practices.iter() {
        match catalog.practice(&key.value) {
            Some(p) if p.practice.id.as_str() == key.value => {
                if written.insert(p.practice.id.as_str(), steps).is_some() {
                    problems.push(Diagnostic::new(
                        key.at,
                        format!("practices.{}", key.value),
                        "this practice is listed twice",
                    ));
                }
            }
            _ => {
                let mut d = Diagnostic::new(
                    key.at,
                    format!("practices.{}", key.value),
                    format!(
                        "`{}` is not a practice id of {}",
                        key.value,
                        catalog.reference()
                    ),
                );
                if let Some(near) = nearest(&key.value, catalog.practice_ids()) {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                problems.push(d);
            }
        }
    }
    let mut actions = Vec::new();
    for p in catalog.practices() {
        let id = p.practice.id.as_str();
        let Some(steps) = written.get(id) else {
            problems.push(Diagnostic::new(
                Position::new(1, 1),
                "practices",
                format!("practice `{id}` has no actions: every practice needs c1..c4, industry and system"),
            ));
            continue;
        };
        for (key, _) in steps.iter() {
            if Step::parse(&key.value).is_none() {
                problems.push(Diagnostic::new(
                    key.at,
                    format!("practices.{id}.{}", key.value),
                    format!(
                        "unknown step `{}`: expected c1, c2, c3, c4, industry or system",
                        key.value
                    ),
                ));
            }
        }
        for step in Step::ALL {
            let field = format!("practices.{id}.{step}");
            let Some((_, action)) = steps.iter().find(|(k, _)| k.value == step.token()) else {
                problems.push(Diagnostic::new(
                    file.practices
                        .iter()
                        .find(|(k, _)| k.value == id)
                        .map(|(k, _)| k.at)
                        .unwrap_or_default(),
                    format!("practices.{id}"),
                    format!("missing step `{step}` ({})", step.describe()),
                ));
                continue;
            };
            if let Some(effort) = check_action(action, &field, classes, problems) {
                actions.push(Action {
                    id: ActionId::new(p.practice.id.value.clone(), step),
                    practice_name: p.practice.name.clone(),
                    domain: p.domain.id.value.clone(),
                    subdomain: p.subdomain.id.value.clone(),
                    title: action.title.value.trim().to_string(),
                    work: action.work.trim().to_string(),
                    effort,
                    cost_class: action.cost.value.clone(),
                });
            }
        }
    }
    actions
}

/// Checks the action's own fields; its effort when they are all right.
fn check_action(
    action: &ActionFile,
    field: &str,
    classes: &[CostClass],
    problems: &mut Diagnostics,
) -> Option<Effort> {
    let mut ok = true;
    if action.title.value.trim().is_empty() || action.work.trim().is_empty() {
        problems.push(Diagnostic::new(
            action.title.at,
            field,
            "an action needs a non-empty title and work description",
        ));
        ok = false;
    }
    let effort = Effort::from_days(action.effort.value);
    if effort.is_none() {
        problems.push(Diagnostic::new(
            action.effort.at,
            format!("{field}.effort"),
            format!(
                "effort must be a number of person-days above 0 and at most {}, found {}",
                Effort::MAX_DAYS,
                action.effort.value
            ),
        ));
        ok = false;
    }
    if !classes.iter().any(|c| c.id == action.cost.value) {
        let known: Vec<&str> = classes.iter().map(|c| c.id.as_str()).collect();
        problems.push(Diagnostic::new(
            action.cost.at,
            format!("{field}.cost"),
            format!(
                "unknown cost class `{}`: expected one of {}",
                action.cost.value,
                known.join(", ")
            ),
        ));
        ok = false;
    }
    effort.filter(|_| ok)
}

/// Inside one practice, each step needs the one before it.
fn implicit_needs(actions: &[Action], by_id: &HashMap<ActionId, usize>) -> Vec<Vec<Need>> {
    actions
        .iter()
        .map(|a| {
            a.id.step
                .previous()
                .and_then(|prev| by_id.get(&ActionId::new(a.id.practice.clone(), prev)))
                .map(|&i| {
                    let why = match a.id.step {
                        Step::Reach(_) => "the level below comes first",
                        Step::Widen(_) => {
                            "a practice is tailored only once it exists at the wider scope"
                        }
                    };
                    vec![Need {
                        action: i,
                        why: why.to_string(),
                        rule: None,
                    }]
                })
                .unwrap_or_default()
        })
        .collect()
}

/// A side of a dependency pattern: `practice/step` where practice may be `*` and step `c*`.
struct Pattern {
    practice: Option<String>,
    step: StepPattern,
}

#[derive(Clone, Copy, PartialEq)]
enum StepPattern {
    Any,
    SameLevel,
    Exactly(Step),
}

fn parse_pattern(
    catalog: &Catalog,
    text: &Located<String>,
    field: &str,
    problems: &mut Diagnostics,
) -> Option<Pattern> {
    let bad = |problems: &mut Diagnostics, message: String| {
        problems.push(Diagnostic::new(text.at, field, message));
        None
    };
    let Some((practice, step)) = text.value.split_once('/') else {
        return bad(
            problems,
            format!(
                "`{}` is not an action pattern: expected practice/step, e.g. data-policy/c3",
                text.value
            ),
        );
    };
    let practice = if practice == "*" {
        None
    } else if catalog
        .practice(practice)
        .is_some_and(|p| p.practice.id.as_str() == practice)
    {
        Some(practice.to_string())
    } else {
        let mut d = Diagnostic::new(
            text.at,
            field,
            format!(
                "`{practice}` is not a practice id of {}",
                catalog.reference()
            ),
        );
        if let Some(near) = nearest(practice, catalog.practice_ids()) {
            d = d.with_help(format!("did you mean `{near}`?"));
        }
        problems.push(d);
        return None;
    };
    let step = match step {
        "*" => StepPattern::Any,
        "c*" => StepPattern::SameLevel,
        other => match Step::parse(other) {
            Some(s) => StepPattern::Exactly(s),
            None => {
                return bad(
                    problems,
                    format!("unknown step `{other}`: expected c1..c4, industry, system, c* or *"),
                )
            }
        },
    };
    Some(Pattern { practice, step })
}

fn expand(
    catalog: &Catalog,
    actions: &[Action],
    by_id: &HashMap<ActionId, usize>,
    entry: &DependencyFile,
    n: usize,
    needs: &mut [Vec<Need>],
    problems: &mut Diagnostics,
) {
    let field = format!("dependencies[{n}]");
    let from = parse_pattern(catalog, &entry.action, &format!("{field}.action"), problems);
    let to = parse_pattern(catalog, &entry.needs, &format!("{field}.needs"), problems);
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    let Some(needed_practice) = to.practice else {
        problems.push(Diagnostic::new(
            entry.needs.at,
            format!("{field}.needs"),
            "the needed action must name one practice, not `*`",
        ));
        return;
    };
    match (from.step, to.step) {
        (_, StepPattern::Any) => {
            problems.push(Diagnostic::new(
                entry.needs.at,
                format!("{field}.needs"),
                "the needed action must name one step (c1..c4, industry, system) or c* for the same level",
            ));
            return;
        }
        (f, StepPattern::SameLevel) if f != StepPattern::SameLevel => {
            problems.push(Diagnostic::new(
                entry.needs.at,
                format!("{field}.needs"),
                "`c*` in needs means \"the same level\", so the action pattern must use `c*` too",
            ));
            return;
        }
        _ => {}
    }
    if entry.why.value.trim().is_empty() {
        problems.push(Diagnostic::new(
            entry.why.at,
            format!("{field}.why"),
            "say why the order matters",
        ));
    }
    let rule = entry.rule.as_ref().map(|r| r.value.clone());
    if let Some(r) = &entry.rule {
        if catalog.rule(&r.value).is_none() {
            let d = Diagnostic::new(
                r.at,
                format!("{field}.rule"),
                format!(
                    "`{}` is not a consistency rule of {}",
                    r.value,
                    catalog.reference()
                ),
            );
            let ids = catalog.rules().iter().map(|c| c.rule.id.value.as_str());
            problems.push(match nearest(&r.value, ids) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d,
            });
        }
    }
    let mut matched = 0;
    for (i, action) in actions.iter().enumerate() {
        let practice_matches = match &from.practice {
            Some(p) => action.id.practice.as_str() == p,
            // `*` means every other practice: a practice's own order is implicit.
            None => action.id.practice.as_str() != needed_practice,
        };
        let needed_step = match (from.step, to.step, action.id.step) {
            (StepPattern::Any, StepPattern::Exactly(s), _) => Some(s),
            (StepPattern::Exactly(f), StepPattern::Exactly(s), step) if f == step => Some(s),
            (StepPattern::SameLevel, StepPattern::SameLevel, Step::Reach(c)) => {
                Some(Step::Reach(c))
            }
            (StepPattern::SameLevel, StepPattern::Exactly(s), Step::Reach(_)) => Some(s),
            _ => None,
        };
        let (true, Some(step)) = (practice_matches, needed_step) else {
            continue;
        };
        let needed = ActionId::new(crate::id::PracticeId::new(needed_practice.clone()), step);
        let Some(&j) = by_id.get(&needed) else {
            continue;
        };
        if i == j {
            continue;
        }
        matched += 1;
        match needs[i].iter_mut().find(|need| need.action == j) {
            // A need stated twice can be declined only when both statements say it may.
            Some(need) if need.rule != rule => need.rule = None,
            Some(_) => {}
            None => needs[i].push(Need {
                action: j,
                why: entry.why.value.trim().to_string(),
                rule: rule.clone(),
            }),
        }
    }
    if matched == 0 {
        problems.push(Diagnostic::new(
            entry.action.at,
            format!("{field}.action"),
            format!("`{}` matches no action", entry.action.value),
        ));
    }
}

/// Depth-first search for a cycle; reports the first one found as a path of action ids.
fn check_acyclic(
    actions: &[Action],
    needs: &[Vec<Need>],
    entries: &[DependencyFile],
    problems: &mut Diagnostics,
) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; actions.len()];
    let mut path: Vec<usize> = Vec::new();
    fn visit(
        i: usize,
        needs: &[Vec<Need>],
        marks: &mut [Mark],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        marks[i] = Mark::Open;
        path.push(i);
        for need in &needs[i] {
            match marks[need.action] {
                Mark::Open => {
                    let start = path.iter().position(|&p| p == need.action).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(need.action);
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(need.action, needs, marks, path) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[i] = Mark::Done;
        None
    }
    for i in 0..actions.len() {
        if marks[i] == Mark::New {
            if let Some(cycle) = visit(i, needs, &mut marks, &mut path) {
                let names: Vec<String> = cycle.iter().map(|&a| actions[a].id.to_string()).collect();
                let at = entries.first().map(|e| e.action.at).unwrap_or_default();
                problems.push(Diagnostic::new(
                    at,
                    "dependencies",
                    format!(
                        "the dependencies form a cycle, so none of these could ever start: {}",
                        names.join(" needs ")
                    ),
                ));
                return;
            }
        }
    }
}
