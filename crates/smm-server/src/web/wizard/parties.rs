//! Step 4's optional question on the page: the stakeholders, then who is responsible for each
//! domain, subdomain and practice and who pays. The answers are written with the core's
//! [`Answers::set_stakeholder`] and [`Answers::assign`], as the terminal writes them.

use smm_core::document::StakeholderRole;
use smm_core::interview::{entry, parts_to_assign};

use super::*;

/// How many empty stakeholder rows the page offers beyond those named, to add new ones.
const BLANK_ROWS: usize = 3;

/// The field that says the page showed the stakeholder rows, so a form without them (another
/// step's) never empties the list.
pub(super) const SHOWN: &str = "stakeholders.shown";

/// A stakeholder row: its id, role and name (all empty for a new one).
pub struct StakeholderRow {
    pub(super) index: usize,
    pub(super) id: String,
    pub(super) roles: Vec<Choice>,
    pub(super) name: String,
}

/// A domain, subdomain or practice with the parties chosen for it.
pub struct PartRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) depth: usize,
    pub(super) responsible: Vec<Choice>,
    pub(super) cost_bearer: Vec<Choice>,
}

fn role_choices(current: Option<StakeholderRole>) -> Vec<Choice> {
    StakeholderRole::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().to_string(),
            label: r.words().to_string(),
            selected: Some(*r) == current,
        })
        .collect()
}

/// The stakeholders named so far, then empty rows to add more.
pub(super) fn stakeholder_rows(answers: &Answers) -> Vec<StakeholderRow> {
    let named = answers.stakeholders.iter().map(|(id, s)| {
        (
            id.value.clone(),
            Some(s.role.value),
            s.name.clone().unwrap_or_default(),
        )
    });
    let blank = std::iter::repeat_with(|| (String::new(), None, String::new())).take(BLANK_ROWS);
    named
        .chain(blank)
        .enumerate()
        .map(|(index, (id, role, name))| StakeholderRow {
            index,
            id,
            roles: role_choices(role),
            name,
        })
        .collect()
}

/// Every part a party can be named for, once there are stakeholders to name.
pub(super) fn part_rows(catalog: &Catalog, answers: &Answers) -> Vec<PartRow> {
    if answers.stakeholders.is_empty() {
        return Vec::new();
    }
    let choices = |current: Option<&str>| {
        let mut choices = vec![Choice {
            value: String::new(),
            label: "as the level above".to_string(),
            selected: current.is_none(),
        }];
        choices.extend(answers.stakeholders.iter().map(|(id, s)| Choice {
            selected: current == Some(id.value.as_str()),
            label: format!(
                "{} ({})",
                s.name.as_deref().unwrap_or(&id.value),
                s.role.value.words()
            ),
            value: id.value.clone(),
        }));
        choices
    };
    parts_to_assign(catalog)
        .into_iter()
        .map(|part| {
            let given = entry(&answers.responsibility, &part.id);
            let responsible = given.and_then(|a| a.responsible.as_ref());
            let cost_bearer = given.and_then(|a| a.cost_bearer.as_ref());
            PartRow {
                responsible: choices(responsible.map(|r| r.value.as_str())),
                cost_bearer: choices(cost_bearer.map(|c| c.value.as_str())),
                id: part.id,
                name: part.name,
                depth: part.depth,
            }
        })
        .collect()
}

/// Puts the submitted stakeholders and parties into the answers; returns what is wrong.
pub(super) fn apply_parties(
    catalog: &Catalog,
    fields: &[(String, String)],
    answers: &mut Answers,
) -> Option<String> {
    let given = |name: &str| fields.iter().any(|(k, _)| k == name);
    let field = |name: &str| super::super::field(fields, name);
    let mut error = None;
    if given(SHOWN) {
        // The rows are the list: in their order, an emptied id removes a stakeholder.
        answers.stakeholders = Default::default();
        for index in 0.. {
            let key = |part: &str| format!("stakeholder.{index}.{part}");
            if !given(&key("id")) {
                break;
            }
            let id = field(&key("id"));
            if id.is_empty() {
                continue;
            }
            match StakeholderRole::parse(&field(&key("role"))) {
                Some(role) => answers.set_stakeholder(&id, Some((role, &field(&key("name"))))),
                None => error = Some(format!("The stakeholder `{id}` needs a role.")),
            }
        }
    }
    for part in parts_to_assign(catalog) {
        let responsible = format!("party.{}.responsible", part.id);
        let cost_bearer = format!("party.{}.cost-bearer", part.id);
        if given(&responsible) || given(&cost_bearer) {
            answers.assign(
                &part.id,
                Some(field(&responsible)).as_deref(),
                Some(field(&cost_bearer)).as_deref(),
            );
        }
    }
    error
}
