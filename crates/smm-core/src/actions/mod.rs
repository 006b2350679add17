//! What it takes to raise a practice: one action per step up, with a default effort and cost,
//! and the order in which actions must come.
//!
//! The actions are data, in a companion file of the catalog (`iot-smm-1.2.actions.yaml`), so an
//! organization can ship its own; its own day rate and efforts go in a `costs.yaml` (see
//! [`costs`]). The roadmap ([`crate::roadmap`]) turns a gap into these actions and schedules them.

pub mod costs;
mod load;
mod step;

use std::collections::HashMap;

use serde::Serialize;

use crate::id::{DomainId, PracticeId, SubdomainId};

pub use costs::{parse_costs, Costs, Price, Pricing};
pub use load::parse_actions;
pub use step::{ActionId, Effort, Step};

/// The actions of the IoT SMM 1.2 catalog, shipped in the binary.
pub const BUILTIN_ACTIONS_YAML: &str = include_str!("../../../../catalog/iot-smm-1.2.actions.yaml");

/// A loaded, checked set of actions for one catalog: every practice, every step, dependencies
/// expanded and free of cycles.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct ActionCatalog {
    /// The catalog it belongs to, as `id@version`.
    pub catalog: String,
    /// A human title.
    pub title: String,
    /// The currency of every amount.
    pub currency: String,
    /// Default cost of one person-day.
    pub day_rate: u64,
    /// Classes of external spend on top of staff time.
    pub cost_classes: Vec<CostClass>,
    /// Every action, practice by practice in catalog order, steps in [`Step::ALL`] order.
    pub actions: Vec<Action>,
    /// The dependency entries as written (expanded into [`ActionCatalog::needs`]).
    pub dependencies: Vec<DependencyEntry>,
    #[serde(skip)]
    pub(crate) needs: Vec<Vec<Need>>,
    #[serde(skip)]
    pub(crate) by_id: HashMap<ActionId, usize>,
}

/// A class of external spend (tools, services, audits), priced per organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CostClass {
    /// `none`, `low`, `medium`, `high` in the built-in file.
    pub id: String,
    /// Default amount, in the catalog's currency.
    pub amount: u64,
    /// What kind of spend it stands for.
    pub summary: String,
}

/// One step up for one practice, and what it typically takes.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Action {
    /// `practice/step`, e.g. `threat-modeling/c3`.
    pub id: ActionId,
    /// The practice's display name.
    pub practice_name: String,
    /// Its domain.
    pub domain: DomainId,
    /// Its subdomain.
    pub subdomain: SubdomainId,
    /// Short imperative title.
    pub title: String,
    /// What has to be done, in a few sentences.
    pub work: String,
    /// Default staff effort.
    pub effort: Effort,
    /// Default class of external spend.
    pub cost_class: String,
}

/// One dependency entry of the file: actions matching `action` need `needs` done first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DependencyEntry {
    /// Pattern of the dependent actions, e.g. `*/system` or `data-controls/c*`.
    pub action: String,
    /// Pattern of the needed action, e.g. `threat-modeling/system` or `data-policy/c*`.
    pub needs: String,
    /// Why the order matters.
    pub why: String,
    /// The consistency rule that asks the same of a target, if any: a target that accepts it
    /// declines this dependency, and the roadmap does not pull the needed action in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// An expanded dependency of one action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Need {
    /// Index of the needed action in [`ActionCatalog::actions`].
    pub action: usize,
    /// Why it must come first.
    pub why: String,
    /// The consistency rule behind it, if any (see [`DependencyEntry::rule`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

impl ActionCatalog {
    /// The built-in actions of the built-in catalog.
    ///
    /// Checked by the test suite, so a failure here is a build defect, not a user error.
    pub fn builtin(catalog: &crate::Catalog) -> ActionCatalog {
        match parse_actions(catalog, BUILTIN_ACTIONS_YAML) {
            Ok(actions) => actions,
            Err(problems) => panic!("the built-in actions are invalid:\n{problems}"),
        }
    }

    /// The action with this id.
    pub fn find(&self, id: &ActionId) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The action of `practice` for `step`.
    pub fn action(&self, practice: &str, step: Step) -> Option<usize> {
        self.find(&ActionId::new(PracticeId::new(practice), step))
    }

    /// What action `index` needs first (implicit steps of its own practice included).
    pub fn needs(&self, index: usize) -> &[Need] {
        self.needs.get(index).map_or(&[], Vec::as_slice)
    }

    /// A cost class by id.
    pub fn cost_class(&self, id: &str) -> Option<&CostClass> {
        self.cost_classes.iter().find(|c| c.id == id)
    }
}
