//! Stage 4: rules. A rule is data ([`RuleInfo`]: id, family, default severity, docs) plus,
//! for object rules, a check over one object and the inventory ([`Rule`]).
//!
//! Adding a rule: one file (or one item in its family's file), one entry in
//! [`builtin_rules`], a fixture under `fixtures/rules/`, and `docs/rules/<id>.md`
//! regenerated (`KUBELINT_BLESS=1 cargo test --test docs`).

pub mod availability;
pub mod context;
pub mod health;
pub mod hygiene;
pub mod images;
pub mod mesh;
pub mod network;
pub mod rbac;
pub mod references;
pub mod resources;
pub mod script;
pub mod security;

pub use crate::vocab::{At, Family, ParamInfo, RuleInfo, RuleSettings};
pub use context::{Context, RuleRun};

use crate::model::{Inventory, Object};

/// An object rule: looks at one object (and, through the context, at the inventory).
pub trait Rule: Send + Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, object: &Object, inventory: &Inventory, cx: &mut Context<'_>);
}

/// The pod template of a workload and its containers (init, app, ephemeral).
pub fn containers(object: &Object) -> Option<(crate::model::PodTemplate<'_>, Vec<crate::model::Container<'_>>)> {
    let t = object.pod_template()?;
    let c = t.containers();
    Some((t, c))
}

/// The signature of a built-in rule's check.
pub type CheckFn = fn(&Object, &Inventory, &mut Context<'_>);

/// A built-in rule: its declaration and its check function.
pub struct FnRule {
    pub info: &'static RuleInfo,
    pub check: CheckFn,
}

impl FnRule {
    pub fn boxed(info: &'static RuleInfo, check: CheckFn) -> Box<dyn Rule> {
        Box::new(FnRule { info, check })
    }
}

impl Rule for FnRule {
    fn info(&self) -> &'static RuleInfo {
        self.info
    }

    fn check(&self, object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
        (self.check)(object, inventory, cx)
    }
}

/// Every built-in object rule, family by family, in a fixed order.
pub fn builtin_rules() -> Vec<Box<dyn Rule>> {
    let mut rules = Vec::new();
    rules.extend(health::rules());
    rules.extend(resources::rules());
    rules.extend(security::rules());
    rules.extend(images::rules());
    rules.extend(availability::rules());
    rules.extend(hygiene::rules());
    rules.extend(rbac::rules());
    rules.extend(network::rules());
    rules.extend(mesh::rules());
    rules.extend(references::rules());
    rules
}
