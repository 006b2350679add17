//! The roadmap for people: Markdown for a repository or a ticket, self-contained HTML (with the
//! timeline chart) for the meeting where the budget is decided.
//!
//! Both are made from one set of sentences ([`Summary`]), so the terminal, the Markdown and the
//! HTML never disagree on what the plan says.

use askama::Template;
use smm_core::actions::Effort;
use smm_core::roadmap::{
    BudgetUnit, DeclinedPrerequisite, LeftOutReason, PartyTotals, Ranking, Roadmap, Schedule,
};

use crate::chart;

/// `1234567` as `1,234,567`.
pub fn thousands(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An amount with its currency: `EUR 12,400`.
pub fn money(amount: u64, currency: &str) -> String {
    format!("{currency} {}", thousands(amount))
}

/// A quantity in a budget's unit: money, or person-days.
pub fn in_unit(roadmap: &Roadmap, unit: BudgetUnit, value: u64) -> String {
    match unit {
        BudgetUnit::Money => money(value, &roadmap.currency),
        BudgetUnit::PersonDays => format!(
            "{} person-days",
            Effort::from_tenths(u32::try_from(value).unwrap_or(u32::MAX))
        ),
    }
}

/// Why an action was left out, in words.
pub fn left_out_text(roadmap: &Roadmap, schedule: &Schedule, reason: &LeftOutReason) -> String {
    let unit = schedule.budget.unit;
    match reason {
        LeftOutReason::TooCostly { cost } => format!(
            "costs {} alone, more than a period's budget of {}",
            in_unit(roadmap, unit, *cost),
            in_unit(roadmap, unit, schedule.budget.per_period)
        ),
        LeftOutReason::Blocked { by } => format!("needs {by} first, which cannot be scheduled"),
        LeftOutReason::Unneeded => {
            "a prerequisite of actions that are left out: alone it would close nothing".to_string()
        }
        LeftOutReason::PastDeadline { domain, deadline } => {
            let name = roadmap
                .domains
                .iter()
                .find(|d| &d.id == domain)
                .map_or(domain.as_str(), |d| d.name.as_str());
            format!("the {name} goal is due {deadline}, and the budget until then went to weightier work")
        }
        LeftOutReason::NoRoom => match schedule.budget.deadline {
            Some(deadline) => format!("no room left in the budget by {deadline}"),
            None => "no room left in the budget".to_string(),
        },
    }
}

/// A prerequisite the target declined, in words: what was not added, what would have needed
/// it, and the target's own reason.
pub fn declined_text(roadmap: &Roadmap, d: &DeclinedPrerequisite) -> String {
    let needed_by: Vec<String> = d.needed_by.iter().map(ToString::to_string).collect();
    format!(
        "{} ({}; {} d, {}) was not added, though {} would need it first: the target accepts \
         rule {} because {}",
        d.action,
        d.title,
        d.effort,
        money(d.amount, &roadmap.currency),
        needed_by.join(", "),
        d.rule,
        d.reason.trim_end_matches('.'),
    ) + "."
}

/// The heading of the declined prerequisites, the same in every rendering.
pub const DECLINED_HEADING: &str = "Not added: prerequisites the target declined";

/// One line per goal with a deadline or a budget: what the plan does about it. Every rendering
/// shows these, so a deadline the schedule cannot keep is said in words, not only implied by
/// what is left out.
pub fn goal_lines(roadmap: &Roadmap) -> Vec<String> {
    let mut lines = Vec::new();
    for d in &roadmap.domains {
        if let Some(deadline) = d.deadline {
            let check = roadmap
                .schedule
                .as_ref()
                .and_then(|s| s.deadlines.iter().find(|c| c.domain == d.id));
            let count = d.totals.actions;
            lines.push(match check {
                _ if count == 0 => format!("{}: due {deadline}; nothing to do.", d.name),
                Some(c) if c.met => format!(
                    "{}: due {deadline}; kept: all {count} action{} scheduled by {}.",
                    d.name,
                    plural(count),
                    c.last_period.as_deref().unwrap_or("then")
                ),
                Some(c) => match &c.last_period {
                    Some(last) => format!(
                        "{}: due {deadline}; NOT kept: {} of {count} action{} cannot be done by {last} within the budget ({}).",
                        d.name,
                        c.missed.len(),
                        plural(count),
                        list(&c.missed)
                    ),
                    None => format!(
                        "{}: due {deadline}; NOT kept: no budget period ends by then, so none of its {count} action{} can be done in time.",
                        d.name,
                        plural(count)
                    ),
                },
                None => format!(
                    "{}: due {deadline}; give a budget (--budget) to schedule its {count} action{} against it.",
                    d.name,
                    plural(count)
                ),
            });
        }
        if let Some(budget) = &d.budget {
            let set = money(budget.amount, &budget.currency.value);
            lines.push(match d.over_budget {
                Some(0) => format!(
                    "{}: budget {set}; its actions cost {}, within it.",
                    d.name,
                    money(d.totals.amount, &roadmap.currency)
                ),
                Some(over) => format!(
                    "{}: budget {set}; its actions cost {}, {} over it.",
                    d.name,
                    money(d.totals.amount, &roadmap.currency),
                    money(over, &roadmap.currency)
                ),
                None => format!(
                    "{}: budget {set}; the costs are in {}, so the two are not compared.",
                    d.name, roadmap.currency
                ),
            });
        }
    }
    lines
}

/// Action ids, comma-separated.
fn list(ids: &[smm_core::actions::ActionId]) -> String {
    ids.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A party's share, as rows: party (with role), actions, days, amount, the action ids.
pub fn party_rows(roadmap: &Roadmap, groups: &[PartyTotals]) -> Vec<[String; 5]> {
    groups
        .iter()
        .map(|g| {
            [
                match g.role {
                    Some(role) => format!("{} ({})", g.name, role.words()),
                    None => g.name.clone(),
                },
                g.totals.actions.to_string(),
                g.totals.effort.to_string(),
                money(g.totals.amount, &roadmap.currency),
                list(&g.actions),
            ]
        })
        .collect()
}

/// The sentences every rendering of a roadmap shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// `Roadmap: <target>`.
    pub title: String,
    /// `<product> <version>`.
    pub subject: String,
    /// What the whole plan takes.
    pub overview: String,
    /// The schedule's budget and horizon.
    pub budget: Option<String>,
    /// What the schedule achieves and what is proven about it.
    pub result: Option<String>,
    /// What would fit everything, when something is left out.
    pub fit: Option<String>,
    /// One sentence per prerequisite the target declined (see [`declined_text`]).
    pub declined: Vec<String>,
}

/// The shared sentences of `roadmap`.
pub fn summary(roadmap: &Roadmap) -> Summary {
    let t = &roadmap.totals;
    let overview = if t.actions == 0 {
        "Nothing to do: every practice meets its target.".to_string()
    } else {
        format!(
            "{} action{} close{} the gap of {} practice{} under target: {} person-days, {} \
             (staff time at {} a day plus external spend).",
            t.actions,
            plural(t.actions),
            if t.actions == 1 { "s" } else { "" },
            roadmap.practices_under,
            plural(roadmap.practices_under),
            t.effort,
            money(t.amount, &roadmap.currency),
            money(roadmap.day_rate, &roadmap.currency),
        )
    };
    let overview = if roadmap.ranking == Ranking::Risk && t.actions > 0 {
        format!(
            "{overview} Ranked by the annual loss each action avoids per unit of cost, from the \
             loss scenarios (see docs/risk.md)."
        )
    } else {
        overview
    };
    let (budget, result, fit) = match &roadmap.schedule {
        Some(s) => (
            Some(budget_line(roadmap, s)),
            Some(result_line(roadmap, s)),
            fit_line(roadmap, s),
        ),
        None => (None, None, None),
    };
    Summary {
        title: format!("Roadmap: {}", roadmap.target),
        subject: format!("{} {}", roadmap.product, roadmap.version),
        overview,
        budget,
        result,
        fit,
        declined: roadmap
            .declined
            .iter()
            .map(|d| declined_text(roadmap, d))
            .collect(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn period_word(s: &Schedule) -> &'static str {
    match s.budget.period {
        smm_core::roadmap::PeriodKind::Month => "month",
        smm_core::roadmap::PeriodKind::Quarter => "quarter",
    }
}

fn budget_line(roadmap: &Roadmap, s: &Schedule) -> String {
    let per = in_unit(roadmap, s.budget.unit, s.budget.per_period);
    let first = s
        .periods
        .first()
        .map(|p| p.label.clone())
        .unwrap_or_default();
    match (s.budget.deadline, s.periods.last()) {
        (Some(deadline), _) => format!(
            "Budget {per} per {} from {first}, deadline {deadline} ({} period{}).",
            period_word(s),
            s.periods.len(),
            plural(s.periods.len())
        ),
        (None, Some(last)) => format!(
            "Budget {per} per {} from {first}; no deadline: the plan ends in {}.",
            period_word(s),
            last.label
        ),
        (None, None) => format!(
            "Budget {per} per {}; nothing could be scheduled.",
            period_word(s)
        ),
    }
}

fn result_line(roadmap: &Roadmap, s: &Schedule) -> String {
    let done = &s.scheduled;
    let by_risk = roadmap.ranking == Ranking::Risk;
    let (reached, total, bound) = if by_risk {
        (
            money(done.value, &roadmap.currency),
            money(roadmap.totals.value, &roadmap.currency),
            money(s.weight_bound, &roadmap.currency),
        )
    } else {
        (
            done.weight.to_string(),
            roadmap.totals.weight.to_string(),
            s.weight_bound.to_string(),
        )
    };
    let mut line = format!(
        "Scheduled {} of {} actions ({} person-days, {}), {} {reached} of {total}; ",
        done.actions,
        roadmap.totals.actions,
        done.effort,
        money(done.amount, &roadmap.currency),
        if by_risk {
            "whose steps each avoid, summed, an annual loss of"
        } else {
            "closing weighted gap"
        },
    );
    let reached = if by_risk { done.value } else { done.weight };
    if s.method.optimal {
        line.push_str(if by_risk {
            "optimal: no schedule within this budget and deadline sums to more."
        } else {
            "optimal: no schedule within this budget and deadline closes more."
        });
    } else {
        let share = (reached * 100).checked_div(s.weight_bound).unwrap_or(100);
        line.push_str(&format!(
            "at least {share}% of the best possible (no schedule can {} more than {bound}).",
            if by_risk { "sum to" } else { "close" }
        ));
    }
    let total = s.outcome.len();
    line.push_str(&format!(
        " Afterwards {} of {total} practices remain under target (today {}).",
        s.practices_under_after, roadmap.practices_under
    ));
    line
}

fn fit_line(roadmap: &Roadmap, s: &Schedule) -> Option<String> {
    let fit = s.fit.as_ref()?;
    let mut parts = Vec::new();
    if let (Some(budget), Some(at_least), Some(deadline)) =
        (fit.budget, fit.budget_at_least, s.budget.deadline)
    {
        parts.push(format!(
            "a budget of {} per {} fits everything by {deadline} (no budget below {} can)",
            in_unit(roadmap, s.budget.unit, budget),
            period_word(s),
            in_unit(roadmap, s.budget.unit, at_least)
        ));
    }
    if let (Some(periods), Some(deadline)) = (fit.periods, fit.deadline) {
        parts.push(format!(
            "the current budget fits everything in {periods} period{}, by {deadline}",
            plural(periods)
        ));
    }
    if parts.is_empty() {
        parts.push(
            "some actions cost more than a whole period's budget: raise the budget per period"
                .to_string(),
        );
    }
    Some(format!("To fit everything: {}.", parts.join("; or ")))
}

/// The roadmap as Markdown.
pub fn markdown(roadmap: &Roadmap) -> String {
    let s = summary(roadmap);
    let mut out = format!(
        "# {}\n\n**{}**. {}\n\n",
        md(&s.title),
        md(&s.subject),
        md(&s.overview)
    );
    if !s.declined.is_empty() {
        out.push_str(&format!("## {DECLINED_HEADING}\n\n"));
        for line in &s.declined {
            out.push_str(&format!("- {}\n", md(line)));
        }
        out.push('\n');
    }
    let goals = goal_lines(roadmap);
    if !goals.is_empty() {
        out.push_str("## Goal deadlines and budgets\n\n");
        for line in &goals {
            out.push_str(&format!("- {}\n", md(line)));
        }
        out.push('\n');
    }
    if let Some(schedule) = &roadmap.schedule {
        out.push_str(&format!(
            "## Schedule\n\n{}\n\n",
            md(s.budget.as_deref().unwrap_or(""))
        ));
        for period in &schedule.periods {
            out.push_str(&format!(
                "### {} — {} of {}\n\n",
                period.label,
                in_unit(roadmap, schedule.budget.unit, period.used),
                in_unit(roadmap, schedule.budget.unit, schedule.budget.per_period)
            ));
            if period.actions.is_empty() {
                out.push_str("Nothing planned.\n\n");
                continue;
            }
            for id in &period.actions {
                if let Some(a) = roadmap.actions.iter().find(|a| &a.id == id) {
                    out.push_str(&format!(
                        "- **{}** {} ({} d, {}){}\n",
                        a.id,
                        md(&a.title),
                        a.effort,
                        money(a.amount, &roadmap.currency),
                        if a.prerequisite {
                            " — prerequisite"
                        } else {
                            ""
                        }
                    ));
                }
            }
            out.push('\n');
        }
        if !schedule.left_out.is_empty() {
            out.push_str("### Left out\n\n");
            for l in &schedule.left_out {
                out.push_str(&format!(
                    "- **{}**: {}\n",
                    l.action,
                    md(&left_out_text(roadmap, schedule, &l.reason))
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "### Result\n\n{}\n\n",
            md(s.result.as_deref().unwrap_or(""))
        ));
        if let Some(fit) = &s.fit {
            out.push_str(&format!("{}\n\n", md(fit)));
        }
    }
    if !roadmap.actions.is_empty() {
        out.push_str("## Actions in order\n\n");
        out.push_str("| # | Action | Step | What | Days | Amount | Weight | After |\n");
        out.push_str("|---|---|---|---|---:|---:|---:|---|\n");
        for (i, a) in roadmap.actions.iter().enumerate() {
            let after: Vec<String> = a.needs.iter().map(|n| n.action.to_string()).collect();
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                i + 1,
                a.id,
                a.step,
                md(&a.title),
                a.effort,
                thousands(a.amount),
                weight_cell(a),
                after.join(", ")
            ));
        }
        out.push_str("\n## Per domain\n\n| Domain | Priority | Actions | Days | Amount |\n|---|---|---:|---:|---:|\n");
        for d in &roadmap.domains {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                md(&d.name),
                d.priority.as_str(),
                d.totals.actions,
                d.totals.effort,
                thousands(d.totals.amount)
            ));
        }
        for (title, groups) in [
            ("By responsible party", &roadmap.by_responsible),
            ("By cost bearer", &roadmap.by_cost_bearer),
        ] {
            if groups.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n## {title}\n\n| Party | Actions | Days | Amount | Which |\n|---|---:|---:|---:|---|\n"
            ));
            for row in party_rows(roadmap, groups) {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} |\n",
                    md(&row[0]),
                    row[1],
                    row[2],
                    row[3],
                    row[4]
                ));
            }
        }
        out.push_str("\n## What each action involves\n\n");
        for a in &roadmap.actions {
            out.push_str(&format!(
                "**{}** — {}. {}\n\n",
                a.id,
                md(&a.title),
                md(&a.work)
            ));
        }
    }
    out
}

/// Weight with its reason: `6 = high × (gap 2)`, `9 = normal × (gap 3 + risk 1)`, `prerequisite`;
/// in a roadmap ranked by risk, the annual loss the step avoids first.
pub fn weight_cell(a: &smm_core::roadmap::PlannedAction) -> String {
    let weight = weight_reason(a);
    match a.value {
        Some(value) => format!("avoids {} a year; {weight}", thousands(value)),
        None => weight,
    }
}

fn weight_reason(a: &smm_core::roadmap::PlannedAction) -> String {
    if a.prerequisite {
        return "prerequisite".to_string();
    }
    let risk = if a.risk > 0 {
        format!(" + risk {}", a.risk)
    } else {
        String::new()
    };
    format!(
        "{} = {} × (gap {}{risk})",
        a.weight,
        a.priority.as_str(),
        a.gap
    )
}

/// Escapes what Markdown would read as markup in free text.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

struct ActionRow {
    number: usize,
    id: String,
    step: String,
    title: String,
    work: String,
    days: String,
    amount: String,
    weight: String,
    after: String,
    prerequisite: bool,
}

struct PeriodRow {
    label: String,
    used: String,
    actions: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "roadmap.html")]
struct Page {
    summary: Summary,
    declined_heading: &'static str,
    timeline: String,
    periods: Vec<PeriodRow>,
    left_out: Vec<(String, String)>,
    actions: Vec<ActionRow>,
    domains: Vec<(String, String, usize, String, String)>,
    goals: Vec<String>,
    parties: Vec<(&'static str, Vec<[String; 5]>)>,
}

/// The roadmap as one self-contained HTML page (inline CSS and SVG, no scripts).
pub fn html(roadmap: &Roadmap) -> Result<String, String> {
    let periods = roadmap
        .schedule
        .as_ref()
        .map(|s| {
            s.periods
                .iter()
                .map(|p| PeriodRow {
                    label: p.label.clone(),
                    used: format!(
                        "{} of {}",
                        in_unit(roadmap, s.budget.unit, p.used),
                        in_unit(roadmap, s.budget.unit, s.budget.per_period)
                    ),
                    actions: p
                        .actions
                        .iter()
                        .filter_map(|id| roadmap.actions.iter().find(|a| &a.id == id))
                        .map(|a| {
                            (
                                a.id.to_string(),
                                a.title.clone(),
                                format!("{} d, {}", a.effort, money(a.amount, &roadmap.currency)),
                            )
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let parties = [
        ("By responsible party", &roadmap.by_responsible),
        ("By cost bearer", &roadmap.by_cost_bearer),
    ]
    .into_iter()
    .filter(|(_, g)| !g.is_empty())
    .map(|(title, g)| (title, party_rows(roadmap, g)))
    .collect();
    let page = Page {
        goals: goal_lines(roadmap),
        parties,
        summary: summary(roadmap),
        declined_heading: DECLINED_HEADING,
        timeline: chart::timeline(roadmap).unwrap_or_default(),
        periods,
        left_out: roadmap
            .schedule
            .as_ref()
            .map(|s| {
                s.left_out
                    .iter()
                    .map(|l| (l.action.to_string(), left_out_text(roadmap, s, &l.reason)))
                    .collect()
            })
            .unwrap_or_default(),
        actions: roadmap
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| ActionRow {
                number: i + 1,
                id: a.id.to_string(),
                step: a.step.clone(),
                title: a.title.clone(),
                work: a.work.clone(),
                days: a.effort.to_string(),
                amount: thousands(a.amount),
                weight: weight_cell(a),
                after: a
                    .needs
                    .iter()
                    .map(|n| n.action.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                prerequisite: a.prerequisite,
            })
            .collect(),
        domains: roadmap
            .domains
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    d.priority.as_str().to_string(),
                    d.totals.actions,
                    d.totals.effort.to_string(),
                    thousands(d.totals.amount),
                )
            })
            .collect(),
    };
    page.render().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn markdown_escapes_markup_in_free_text() {
        assert_eq!(md("a *b* | c_d"), "a \\*b\\* \\| c\\_d");
    }
}
