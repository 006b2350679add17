//! The interactive five-step interview in the terminal (inquire prompts).
//!
//! Every answer goes into [`Answers`] and the draft file is rewritten (atomically) after each
//! one, so quitting — by choice, Ctrl-C or a closed terminal — loses nothing: `smm target new
//! --resume DRAFT` continues at the step where it stopped. ESC (or "back") returns to the
//! previous step, keeping what was answered as the new defaults.

use std::path::Path;

use inquire::error::InquireError;
use inquire::validator::Validation;
use inquire::{Select, Text};
use smm_core::catalog::Catalog;
use smm_core::document::{Date, Factor, StakeholderRole, Template};
use smm_core::interview::{
    build_profile, decision_pick, entry, factors_in_effect, goal_option_scope, goal_pick, preview,
    remove_entry, set_entry, suggest_decision, suggest_goal, suggested_role, Answers, Decision,
    DecisionKind, DecisionPick, GoalAnswer, GoalPick, Remaining, Step, Take,
};
use smm_core::level::{Comprehensiveness, Level, Scope};
use smm_core::located::Located;

use crate::commands::target::{describe_moves, finish};
use crate::commands::template;
use crate::failure::{Failure, Problem};
use crate::output::{self, styled, DIM, HEADER, WARN};
use crate::write::{to_yaml, write_atomically};

/// Where to go after a step.
enum Nav {
    Next,
    Back,
    AcceptRest,
    Quit,
}

const BACK: &str = "[back] to the previous step";
const REST: &str = "[accept-rest] accept the remaining defaults and finish";
const QUIT: &str = "[quit] save the draft and stop";

/// A prompt's result: an answer, or a navigation key.
fn ask<T>(result: Result<T, InquireError>) -> Result<Result<T, Nav>, Failure> {
    match result {
        Ok(v) => Ok(Ok(v)),
        Err(InquireError::OperationCanceled) => Ok(Err(Nav::Back)),
        Err(InquireError::OperationInterrupted) => Ok(Err(Nav::Quit)),
        Err(e) => {
            Err(Problem::file(Path::new("terminal"), format!("the interview stopped: {e}")).into())
        }
    }
}

/// Unwraps an answer or returns its navigation from the enclosing step.
macro_rules! answer {
    ($e:expr) => {
        match ask($e)? {
            Ok(v) => v,
            Err(nav) => return Ok(nav),
        }
    };
}

fn required(input: &str) -> Result<Validation, inquire::CustomUserError> {
    Ok(if input.trim().is_empty() {
        Validation::Invalid("this one is needed".into())
    } else {
        Validation::Valid
    })
}

fn save(answers: &Answers, draft: &Path) -> Result<(), Failure> {
    write_atomically(
        draft,
        &to_yaml(
            "Draft of `smm target new`: resume with `smm target new --resume THIS_FILE`.",
            answers,
        ),
    )
}

/// Runs the interview from `answers` (new or a draft) and writes the profile to `output`.
pub fn run(
    catalog: &Catalog,
    mut answers: Answers,
    draft: &Path,
    output: &Path,
    floors: &crate::commands::target::Floors,
) -> Result<(), Failure> {
    let template = answers
        .template
        .as_deref()
        .map(template::load)
        .transpose()?;
    output::print(&format!(
        "{}\n{}\n",
        styled(HEADER, "Setting a security maturity target, in five steps"),
        styled(DIM, &format!("ESC goes back a step, Ctrl-C saves and stops; your answers are saved to {} as you go.", draft.display()))
    ));
    if let Some(t) = &template {
        output::print(&format!(
            "Starting from the template `{}`: {}\n",
            t.id.value, t.title
        ));
    }
    loop {
        save(&answers, draft)?;
        let nav = match answers.step {
            Step::Background => background(&mut answers, template.as_ref())?,
            Step::Factors => factors(catalog, &mut answers, template.as_ref(), draft)?,
            Step::Goals => goals(catalog, &mut answers, template.as_ref(), draft)?,
            Step::Subdomains => decisions(catalog, &mut answers, template.as_ref(), draft, false)?,
            Step::Practices => decisions(catalog, &mut answers, template.as_ref(), draft, true)?,
            Step::Done => break,
        };
        match nav {
            Nav::Next => answers.step = answers.step.next(),
            Nav::Back => answers.step = answers.step.previous(),
            Nav::AcceptRest => {
                answers.remaining = Remaining::Accept;
                answers.step = Step::Done;
            }
            Nav::Quit => {
                save(&answers, draft)?;
                output::print(&format!(
                    "\nSaved. Continue with: smm target new --resume {} -o {}\n",
                    draft.display(),
                    output.display()
                ));
                return Ok(());
            }
        }
    }
    save(&answers, draft)?;
    let built = build_profile(catalog, template.as_ref(), &answers).map_err(|d| {
        let text: std::sync::Arc<str> = std::sync::Arc::from(String::new());
        Failure::BadInput(Problem::from_diagnostics(draft, &text, d))
    })?;
    finish(catalog, built, output, floors)?;
    // The profile now holds everything the draft did.
    let _ = std::fs::remove_file(draft);
    Ok(())
}

fn step_title(n: u8, title: &str, purpose: &str) {
    output::print(&format!(
        "\n{}\n{}\n",
        styled(HEADER, &format!("Step {n} of 5: {title}")),
        styled(DIM, purpose)
    ));
}

fn background(answers: &mut Answers, template: Option<&Template>) -> Result<Nav, Failure> {
    step_title(
        1,
        "background",
        "Who sets this target, for which system, and what is at stake.",
    );
    let name = answer!(Text::new("Name of this target profile:")
        .with_initial_value(answers.name.as_deref().unwrap_or(""))
        .with_validator(required)
        .prompt());
    answers.name = Some(name.trim().to_string());
    let system = answer!(Text::new("The system of interest (what is being secured):")
        .with_initial_value(answers.system.as_deref().unwrap_or(""))
        .with_validator(required)
        .prompt());
    answers.system = Some(system.trim().to_string());
    let roles: Vec<&str> = StakeholderRole::ALL.iter().map(|r| r.as_str()).collect();
    let start = suggested_role(template, answers)
        .and_then(|s| StakeholderRole::ALL.iter().position(|r| *r == s))
        .unwrap_or(0);
    let role = answer!(Select::new("Your role toward the system:", roles.to_vec())
        .with_starting_cursor(start)
        .with_help_message(
            "the same system needs different things from a vendor and from its operator"
        )
        .prompt());
    answers.role = StakeholderRole::parse(role);
    let authors = answer!(Text::new("Authors (comma-separated, optional):")
        .with_initial_value(&answers.authors.join(", "))
        .prompt());
    answers.authors = authors
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    let today = answers
        .date
        .map(|d| d.to_string())
        .unwrap_or_else(crate::clock::today);
    let date = answer!(Text::new("Date (YYYY-MM-DD):")
        .with_initial_value(&today)
        .with_validator(|s: &str| Ok(if Date::parse(s.trim()).is_some() {
            Validation::Valid
        } else {
            Validation::Invalid("expected YYYY-MM-DD".into())
        }))
        .prompt());
    answers.date = Date::parse(date.trim());
    let hint = template
        .and_then(|t| t.background.as_deref())
        .unwrap_or("what is at stake if the system is attacked?");
    let background = answer!(Text::new("Background and problem (one paragraph):")
        .with_initial_value(answers.background.as_deref().unwrap_or(""))
        .with_help_message(&hint.split_whitespace().collect::<Vec<_>>().join(" "))
        .prompt());
    answers.background = Some(background.trim().to_string()).filter(|b| !b.is_empty());
    Ok(Nav::Next)
}

fn factors(
    catalog: &Catalog,
    answers: &mut Answers,
    template: Option<&Template>,
    draft: &Path,
) -> Result<Nav, Failure> {
    step_title(2, "factors", "What about the system and the business shapes the target. Each factor you rate can raise the suggestions in the next steps.");
    // The last choice keeps a factor that is described but not rated (such as what is in place).
    let impacts = [
        "not relevant",
        "low",
        "medium",
        "high",
        "noted, without a rating",
    ];
    for guide in &catalog.factors {
        let kind = guide.kind;
        let current = factors_in_effect(template, answers)
            .iter()
            .find(|f| f.kind == kind)
            .cloned();
        let start = match &current {
            None => 0,
            Some(f) => f
                .impact
                .map(|i| i as usize + 1)
                .unwrap_or(impacts.len() - 1),
        };
        let kind_name = serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let mut options: Vec<String> = impacts.iter().map(|s| s.to_string()).collect();
        options.push(BACK.into());
        options.push(QUIT.into());
        let prompt = format!(
            "{} [{kind_name}]",
            guide
                .question
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
        let choice = answer!(Select::new(&prompt, options)
            .with_starting_cursor(start)
            .prompt());
        match choice.as_str() {
            BACK => return Ok(Nav::Back),
            QUIT => return Ok(Nav::Quit),
            _ => {}
        }
        let mut given = None;
        if let Some(i) = impacts.iter().position(|s| *s == choice).filter(|i| *i > 0) {
            let impact =
                serde_json::from_value(serde_json::Value::String(impacts[i].to_string())).ok();
            let default = current.map(|f| f.description).unwrap_or_default();
            let description = answer!(Text::new("  In a sentence, why:")
                .with_initial_value(&default)
                .with_validator(required)
                .prompt());
            given = Some(Factor {
                kind,
                impact,
                description: description.trim().to_string(),
            });
        }
        answers.set_factor(template, kind, given);
        save(answers, draft)?;
    }
    Ok(Nav::Next)
}

fn meaning(catalog: &Catalog, level: Level) -> String {
    let c = catalog
        .comprehensiveness_meaning(level.comprehensiveness)
        .map(|m| {
            format!(
                "{} {}: {}",
                level.comprehensiveness,
                m.name,
                m.summary.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .unwrap_or_default();
    let s = catalog
        .scope_meaning(level.scope)
        .map(|m| {
            format!(
                "{}: {}",
                m.name,
                m.summary.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .unwrap_or_default();
    format!("  {}\n  {}\n", styled(DIM, &c), styled(DIM, &s))
}

fn goals(
    catalog: &Catalog,
    answers: &mut Answers,
    template: Option<&Template>,
    draft: &Path,
) -> Result<Nav, Failure> {
    step_title(
        3,
        "a goal per domain",
        "A goal in plain words for each domain sets the default level of everything in it.",
    );
    for domain in &catalog.domains {
        let id = domain.id.as_str();
        let Some(suggestion) = suggest_goal(catalog, template, answers, id) else {
            continue;
        };
        let (statement, suggested, moves) =
            (suggestion.statement, suggestion.level, suggestion.moves);
        output::print(&format!(
            "\n{} — {}\n",
            styled(HEADER, &domain.name),
            domain
                .summary
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        ));
        output::print(&format!(
            "  Suggested: {suggested}  \"{}\"\n",
            statement.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
        output::print(&describe_moves(&moves));
        output::print(&meaning(catalog, suggested));
        let mut options = vec![format!("[keep] the suggestion ({suggested})")];
        for o in &domain.goals {
            options.push(format!(
                "[{}] {} ({}, usually {}; scope asked next)  ? {}",
                o.id.value,
                o.statement.split_whitespace().collect::<Vec<_>>().join(" "),
                o.comprehensiveness,
                o.scope,
                o.question.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        options.extend([BACK.to_string(), REST.to_string(), QUIT.to_string()]);
        let start = match goal_pick(answers, id) {
            GoalPick::Option(o) => domain
                .goals
                .iter()
                .position(|g| g.id.value == o)
                .map_or(0, |i| i + 1),
            GoalPick::Suggestion | GoalPick::Own => 0,
        };
        let choice = answer!(Select::new(&format!("Goal for {}:", domain.name), options)
            .with_page_size(12)
            .with_starting_cursor(start)
            .prompt());
        let answer = match choice.as_str() {
            BACK => return Ok(Nav::Back),
            REST => return Ok(Nav::AcceptRest),
            QUIT => return Ok(Nav::Quit),
            // Keeping the suggestion is leaving the goal unanswered, as the web wizard does.
            c if c.starts_with("[keep]") => {
                remove_entry(&mut answers.goals, id);
                save(answers, draft)?;
                effect(catalog, answers, template, id);
                continue;
            }
            c => {
                let option_id = c
                    .trim_start_matches('[')
                    .split(']')
                    .next()
                    .unwrap_or_default();
                let Some(option) = domain.goals.iter().find(|o| o.id.value == option_id) else {
                    continue;
                };
                // Depth and scope are separate questions: the option's scope is only its usual
                // one, so 4 / Industry is as easy to choose as 4 / System.
                let current = goal_option_scope(answers, id)
                    .filter(|_| goal_pick(answers, id) == GoalPick::Option(option_id.to_string()))
                    .unwrap_or(option.scope);
                let scope = answer!(choose_goal_scope(catalog, option, current));
                GoalAnswer::option(option, Some(scope))
            }
        };
        set_entry(&mut answers.goals, id, answer);
        save(answers, draft)?;
        effect(catalog, answers, template, id);
    }
    Ok(Nav::Next)
}

/// After a change: the domain's roll-up and the rules that now fire.
fn effect(catalog: &Catalog, answers: &Answers, template: Option<&Template>, domain: &str) {
    let Ok(preview) = preview(catalog, template, answers) else {
        return;
    };
    let mut line = String::new();
    if let Some(d) = preview.target.domain(domain) {
        line.push_str(&format!(
            "  -> {} rolls up to {} / {}",
            d.id, d.rollup.comprehensiveness, d.rollup.scope
        ));
    }
    let warnings: Vec<String> = preview.warnings().map(|f| f.rule.clone()).collect();
    if !warnings.is_empty() {
        line.push_str(&format!(
            "; {}",
            styled(WARN, &format!("rule warnings: {}", warnings.join(", ")))
        ));
    }
    output::print(&format!("{line}\n"));
}

fn decisions(
    catalog: &Catalog,
    answers: &mut Answers,
    template: Option<&Template>,
    draft: &Path,
    practices: bool,
) -> Result<Nav, Failure> {
    let kind = if practices {
        DecisionKind::Practice
    } else {
        DecisionKind::Subdomain
    };
    if practices {
        step_title(
            5,
            "purpose per practice",
            "Confirm or adjust each practice; a change needs a reason.",
        );
    } else {
        step_title(
            4,
            "needs per subdomain",
            "Confirm or adjust each subdomain's level; a change needs a reason.",
        );
    }
    let items: Vec<(String, String, String, String)> = if practices {
        catalog
            .practices()
            .map(|p| {
                (
                    p.practice.id.as_str().to_string(),
                    p.practice.name.clone(),
                    p.domain.id.as_str().to_string(),
                    p.practice.purpose.clone(),
                )
            })
            .collect()
    } else {
        catalog
            .subdomains()
            .map(|s| {
                (
                    s.subdomain.id.as_str().to_string(),
                    s.subdomain.name.clone(),
                    s.domain.id.as_str().to_string(),
                    s.subdomain.summary.clone(),
                )
            })
            .collect()
    };
    for (id, name, domain, about) in items {
        // What the item gets if it is left alone (with suggestions), and if it only inherits.
        let Some(suggestion) = suggest_decision(catalog, template, answers, kind, &id) else {
            continue;
        };
        let (suggested, inherited) = (suggestion.suggested, suggestion.inherited);
        let moved = &suggestion.moves;
        output::print(&format!(
            "\n{}  {}\n  {}\n",
            styled(HEADER, &name),
            styled(DIM, &id),
            about.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
        output::print(&describe_moves(moved));
        if practices {
            if let Some(p) = catalog.practice(&id) {
                if let Some(l) = p.practice.level(suggested.comprehensiveness) {
                    output::print(&format!(
                        "  {}\n",
                        styled(
                            DIM,
                            &format!(
                                "At {}: {}",
                                suggested.comprehensiveness,
                                l.description
                                    .split_whitespace()
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            )
                        )
                    ));
                }
            }
        } else {
            output::print(&meaning(catalog, suggested));
        }
        let mut options = vec![format!(
            "[keep] {suggested}{}",
            if suggested != inherited {
                " (suggested)"
            } else {
                " (from the level above)"
            }
        )];
        if suggested != inherited {
            options.push(format!(
                "[inherit] {inherited} (the level above, without the suggestion)"
            ));
        }
        let change = options.len();
        options.push("[change] set another level (asks why)".into());
        options.push("[confirm] keep it and record why".into());
        options.extend([BACK.to_string(), REST.to_string(), QUIT.to_string()]);
        let start = match decision_pick(answers, kind, &id) {
            DecisionPick::Accept => 0,
            DecisionPick::Inherit if suggested != inherited => 1,
            DecisionPick::Inherit => 0,
            DecisionPick::Set => change,
        };
        let choice = answer!(Select::new(&format!("{name}:"), options)
            .with_starting_cursor(start)
            .prompt());
        let decision = match choice.as_str() {
            BACK => return Ok(Nav::Back),
            REST => return Ok(Nav::AcceptRest),
            QUIT => return Ok(Nav::Quit),
            c if c.starts_with("[keep]") => Decision {
                take: Some(Take::Accept),
                ..Decision::default()
            },
            c if c.starts_with("[inherit]") => Decision {
                take: Some(Take::Inherit),
                ..Decision::default()
            },
            c if c.starts_with("[confirm]") => {
                let why = answer!(Text::new("  Why is this level right?")
                    .with_validator(required)
                    .prompt());
                // Confirming keeps the level shown under [keep], suggestion included.
                suggestion.set(suggested, &why)
            }
            _ => {
                let level = answer!(choose_level(catalog, &id, practices, suggested));
                let why = answer!(Text::new("  Why? (recorded as the rationale)")
                    .with_validator(required)
                    .prompt());
                suggestion.set(level, &why)
            }
        };
        set_entry(answers.decisions_mut(kind), &id, decision);
        save(answers, draft)?;
        effect(catalog, answers, template, &domain);
    }
    if practices {
        Ok(Nav::Next)
    } else {
        responsibility(catalog, answers, draft)
    }
}

/// Step 4's optional question: the stakeholders, then per domain and subdomain who is
/// responsible and who pays (the model asks who chooses and who pays for each part).
fn responsibility(catalog: &Catalog, answers: &mut Answers, draft: &Path) -> Result<Nav, Failure> {
    let wanted = answer!(inquire::Confirm::new(
        "Name who is responsible and who pays, per domain and subdomain? (optional)"
    )
    .with_default(!answers.stakeholders.is_empty())
    .with_help_message(
        "a measure one party pays for and another profits from is the one that does not happen"
    )
    .prompt());
    if !wanted {
        return Ok(Nav::Next);
    }
    loop {
        let known: Vec<String> = answers
            .stakeholders
            .iter()
            .map(|(k, s)| format!("{} ({})", k.value, s.role.value.words()))
            .collect();
        if !known.is_empty() {
            output::print(&format!(
                "  {}\n",
                styled(DIM, &format!("Stakeholders: {}", known.join(", ")))
            ));
        }
        let id = answer!(Text::new("Add a stakeholder: a short id (empty when done):").prompt());
        let id = id.trim().to_string();
        if id.is_empty() {
            break;
        }
        let roles: Vec<&str> = StakeholderRole::ALL.iter().map(|r| r.words()).collect();
        let role = answer!(Select::new("  Its role:", roles).prompt());
        let name = answer!(Text::new("  Its name (optional):").prompt());
        let role = StakeholderRole::ALL
            .into_iter()
            .find(|r| r.words() == role)
            .unwrap_or(StakeholderRole::Operator);
        answers.set_stakeholder(&id, Some((role, &name)));
        save(answers, draft)?;
    }
    if answers.stakeholders.is_empty() {
        return Ok(Nav::Next);
    }
    let ids: Vec<String> = answers
        .stakeholders
        .iter()
        .map(|(k, _)| k.value.clone())
        .collect();
    const ABOVE: &str = "(as the level above)";
    let pick = |question: String, current: Option<&Located<String>>| {
        let mut options = vec![ABOVE.to_string()];
        options.extend(ids.iter().cloned());
        let start = current
            .and_then(|c| options.iter().position(|o| *o == c.value))
            .unwrap_or(0);
        Select::new(&question, options)
            .with_starting_cursor(start)
            .prompt()
            .map(|o| (o != ABOVE).then(|| Located::new(o)))
    };
    let items: Vec<(String, String)> = catalog
        .domains
        .iter()
        .map(|d| (d.id.as_str().to_string(), d.name.clone()))
        .chain(catalog.subdomains().map(|s| {
            (
                s.subdomain.id.as_str().to_string(),
                format!("  {}", s.subdomain.name),
            )
        }))
        .collect();
    for (id, name) in items {
        let now = entry(&answers.responsibility, &id)
            .cloned()
            .unwrap_or_default();
        let responsible = answer!(pick(
            format!("{name}: responsible"),
            now.responsible.as_ref()
        ));
        let cost_bearer = answer!(pick(format!("{name}: pays"), now.cost_bearer.as_ref()));
        answers.assign(
            &id,
            responsible.as_ref().map(|r| r.value.as_str()),
            cost_bearer.as_ref().map(|c| c.value.as_str()),
        );
        save(answers, draft)?;
    }
    Ok(Nav::Next)
}

/// The scope that goes with a goal option, each choice with what it means; the cursor starts on
/// `current` (the option's usual scope unless another was chosen before).
fn choose_goal_scope(
    catalog: &Catalog,
    option: &smm_core::catalog::GoalOption,
    current: Scope,
) -> Result<Scope, InquireError> {
    let choices: Vec<String> = Scope::ALL
        .iter()
        .map(|s| {
            let text = catalog
                .scope_meaning(*s)
                .map(|m| m.summary.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            let short: String = text.chars().take(110).collect();
            format!(
                "{}{}: {short}",
                s.token(),
                if *s == option.scope {
                    " (the option's usual scope)"
                } else {
                    ""
                }
            )
        })
        .collect();
    let picked = Select::new("  Scope of the goal:", choices.clone())
        .with_starting_cursor(current.rank() as usize)
        .prompt()?;
    Ok(choices
        .iter()
        .position(|c| *c == picked)
        .map(|i| Scope::ALL[i])
        .unwrap_or(current))
}

/// Two selects, comprehensiveness then scope, each option showing what the level means. A level
/// of 0 takes no scope, so the scope is not asked then.
fn choose_level(
    catalog: &Catalog,
    id: &str,
    practice: bool,
    current: Level,
) -> Result<Level, InquireError> {
    let describe = |c: Comprehensiveness| -> String {
        let name = catalog
            .comprehensiveness_meaning(c)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let text = if practice {
            catalog
                .practice(id)
                .and_then(|p| p.practice.level(c).map(|l| l.description.clone()))
        } else {
            None
        }
        .or_else(|| {
            catalog
                .comprehensiveness_meaning(c)
                .map(|m| m.summary.clone())
        })
        .unwrap_or_default();
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = text.chars().take(110).collect();
        format!(
            "{} {name}: {short}{}",
            c.value(),
            if text.len() > short.len() { "..." } else { "" }
        )
    };
    let options: Vec<String> = Comprehensiveness::ALL
        .iter()
        .map(|c| describe(*c))
        .collect();
    let picked = Select::new("  Comprehensiveness:", options.clone())
        .with_starting_cursor(current.comprehensiveness.value() as usize)
        .prompt()?;
    let c = options
        .iter()
        .position(|o| *o == picked)
        .and_then(|i| Comprehensiveness::from_value(i as u64))
        .unwrap_or(current.comprehensiveness);
    if !c.takes_scope() {
        return Ok(Level::new(c, current.scope));
    }
    let scopes: Vec<String> = Scope::ALL
        .iter()
        .map(|s| {
            let text = if practice {
                catalog
                    .practice(id)
                    .and_then(|p| p.practice.scope_addition(*s).map(str::to_string))
            } else {
                None
            }
            .or_else(|| catalog.scope_meaning(*s).map(|m| m.summary.clone()))
            .unwrap_or_default();
            let short: String = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(110)
                .collect();
            format!("{}: {short}", s.token())
        })
        .collect();
    let picked = Select::new("  Scope:", scopes.clone())
        .with_starting_cursor(current.scope.rank() as usize)
        .prompt()?;
    let s = scopes
        .iter()
        .position(|o| *o == picked)
        .map(|i| Scope::ALL[i])
        .unwrap_or(current.scope);
    Ok(Level::new(c, s))
}
