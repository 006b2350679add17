//! A submitted step's fields put into the interview's answers, with what is still missing.

use super::*;

/// Puts a step's submitted fields into the answers. Returns the message for what is still
/// missing, and the rows that lack a reason.
pub(super) fn apply(
    catalog: &Catalog,
    step: Step,
    fields: &[(String, String)],
    answers: &mut Answers,
) -> (Option<String>, Vec<(String, String)>) {
    // Browsers send a text area's line breaks as CR LF; the answers keep plain LF.
    let field = |name: &str| super::super::field(fields, name).replace("\r\n", "\n");
    let mut row_errors: Vec<(String, String)> = Vec::new();
    let mut error = None;
    let optional = |v: String| Some(v).filter(|s| !s.is_empty());
    let template = template_named(answers.template.as_deref());
    match step {
        Step::Background => {
            answers.name = optional(field("name"));
            answers.version = optional(field("version"));
            answers.system = optional(field("system"));
            answers.role = from_token(&field("role"));
            answers.authors = field("authors")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            // Kept as typed (a closing line break included), so a text pasted from an answers
            // file gives the same profile.
            let background = fields
                .iter()
                .find(|(k, _)| k == "background")
                .map(|(_, v)| v.replace("\r\n", "\n"))
                .unwrap_or_default();
            answers.background = Some(background).filter(|b| !b.trim().is_empty());
            answers.template = template_named(Some(&field("template"))).map(|t| t.id.value);
            // Checked boxes arrive as repeated `standard` fields; an unknown id is refused when
            // the target is built, as from an answers file.
            answers.standards = fields
                .iter()
                .filter(|(k, v)| k == "standard" && !v.trim().is_empty())
                .map(|(_, v)| Located::new(v.trim().to_string()))
                .collect();
            answers.standard_clauses = if field("standard-clauses") == "mandatory" {
                StandardClauses::Mandatory
            } else {
                StandardClauses::All
            };
            let date = field("date");
            answers.date = Date::parse(&date);
            if !date.is_empty() && answers.date.is_none() {
                error = Some(format!("The date `{date}` is not a date: use YYYY-MM-DD."));
            }
        }
        Step::Factors => {
            // In the catalog's order on the page; a factor already given keeps its place.
            for g in &catalog.factors {
                let kind = token(&g.kind);
                let description = field(&format!("factor.{kind}.description"));
                let factor = (!description.is_empty()).then(|| Factor {
                    kind: g.kind,
                    impact: from_token(&field(&format!("factor.{kind}.impact"))),
                    description,
                });
                answers.set_factor(template.as_ref(), g.kind, factor);
            }
        }
        Step::Goals => {
            for d in &catalog.domains {
                let id = d.id.value.as_str();
                let choice = field(&format!("goal.{id}.option"));
                let answer = match choice.as_str() {
                    "custom" => GoalAnswer {
                        option: None,
                        statement: optional(field(&format!("goal.{id}.statement"))),
                        comprehensiveness: field(&format!("goal.{id}.comprehensiveness"))
                            .parse::<u64>()
                            .ok()
                            .and_then(Comprehensiveness::from_value)
                            .map(Located::new),
                        scope: Scope::parse(&field(&format!("goal.{id}.scope"))).map(Located::new),
                    },
                    // The suggestion is what an unanswered goal takes.
                    "" | "suggested" => {
                        remove_entry(&mut answers.goals, id);
                        continue;
                    }
                    // The scope beside an option is its own choice (empty: the option's usual one).
                    _ => match d.goals.iter().find(|o| o.id.value == choice) {
                        Some(o) => GoalAnswer::option(
                            o,
                            Scope::parse(&field(&format!("goal.{id}.option-scope"))),
                        ),
                        None => GoalAnswer {
                            option: Some(Located::new(choice.clone())),
                            ..GoalAnswer::default()
                        },
                    },
                };
                if choice == "custom" && answer.statement.is_none() {
                    error = Some(format!("{}: a goal of your own needs a statement.", d.name));
                }
                set_entry(&mut answers.goals, id, answer);
            }
        }
        Step::Subdomains | Step::Practices => {
            let kind = if step == Step::Practices {
                DecisionKind::Practice
            } else {
                DecisionKind::Subdomain
            };
            let ids: Vec<String> = match kind {
                DecisionKind::Practice => catalog.practice_ids().map(str::to_string).collect(),
                DecisionKind::Subdomain => catalog.subdomain_ids().map(str::to_string).collect(),
            };
            for id in ids {
                let take = field(&format!("item.{id}.take"));
                let decision = match take.as_str() {
                    "inherit" => Some(Decision {
                        take: Some(Take::Inherit),
                        ..Decision::default()
                    }),
                    "override" => {
                        let rationale = field(&format!("item.{id}.rationale"));
                        if rationale.trim().is_empty() {
                            row_errors.push((
                                id.clone(),
                                "A change needs a reason: say why this level fits.".to_string(),
                            ));
                        }
                        // An empty level keeps the one above: only what is set is written, and a
                        // level of 0 takes no scope.
                        Some(Decision::levels(
                            field(&format!("item.{id}.comprehensiveness"))
                                .parse::<u64>()
                                .ok()
                                .and_then(Comprehensiveness::from_value),
                            Scope::parse(&field(&format!("item.{id}.scope"))),
                            &rationale,
                        ))
                    }
                    _ => None,
                };
                let list = answers.decisions_mut(kind);
                match decision {
                    Some(d) => set_entry(list, &id, d),
                    None => remove_entry(list, &id),
                }
            }
            if !row_errors.is_empty() {
                error = Some("Some changes have no reason yet; they are marked below.".to_string());
            }
            if step == Step::Subdomains {
                if let Some(e) = super::parties::apply_parties(catalog, fields, answers) {
                    error.get_or_insert(e);
                }
            }
        }
        Step::Done => {
            // Accepting a rule's warning with a reason; an emptied reason withdraws it.
            for rule in catalog.rules() {
                let id = rule.rule.id.value.as_str();
                let name = format!("rule.{id}.reason");
                if !fields.iter().any(|(k, _)| *k == name) {
                    continue;
                }
                match optional(field(&name).trim().to_string()) {
                    Some(reason) => set_entry(
                        &mut answers.accepted_rules,
                        id,
                        Acceptance {
                            reason: Located::new(reason),
                        },
                    ),
                    None => remove_entry(&mut answers.accepted_rules, id),
                }
            }
        }
    }
    (error, row_errors)
}
