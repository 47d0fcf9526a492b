//! Rules: metadata ([`RuleInfo`]: id, family, default severity, docs) and, for object
//! rules, a check over one object and the inventory ([`Rule`]).
//!
//! A rule written in Rust implements [`Rule`] and joins the built-in ones through
//! [`Linter::with_rules`](crate::Linter::with_rules). Its check gets a read-only view of
//! one [`Object`] (its identity, labels, annotations and its document as a [`Node`] tree
//! with positions), of every object of the run ([`Inventory`]: lookups by name, kind and
//! namespace), and a [`Context`] to report through: a finding names a JSON pointer in
//! the object, and kubelint turns it into an exact line and column.
//!
//! ```
//! use kubelint::rules::{At, Context, Family, Inventory, Object, Rule, RuleInfo};
//! use kubelint::{Config, Linter, RunOptions, Severity};
//!
//! static NEEDS_SERVICE: RuleInfo = RuleInfo {
//!     id: "deployment-without-service",
//!     family: Family::References,
//!     severity: Severity::Info,
//!     title: "A Deployment that no Service in its namespace names",
//!     ..RuleInfo::BASE
//! };
//!
//! struct NeedsService;
//!
//! impl Rule for NeedsService {
//!     fn info(&self) -> &'static RuleInfo {
//!         &NEEDS_SERVICE
//!     }
//!
//!     fn check(&self, object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
//!         if !object.is("apps", "Deployment") {
//!             return;
//!         }
//!         let ns = object.namespace.as_deref().unwrap_or_default();
//!         let named = inventory.of_kind("", "Service").any(|s| {
//!             s.namespace.as_deref() == Some(ns) && s.name == object.name
//!         });
//!         if !named {
//!             cx.report("/metadata/name", At::Value, "no Service of this name");
//!         }
//!     }
//! }
//!
//! let options = RunOptions::default().only(["deployment-without-service"]);
//! let linter = Linter::with_rules(Config::default(), options, vec![Box::new(NeedsService)]).unwrap();
//! let report = linter.lint_str("d.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");
//! assert_eq!(report.findings.len(), 1);
//! assert_eq!((report.findings[0].start.line, report.findings[0].start.column), (3, 18));
//! ```
//!
//! Adding a built-in rule: one file (or one item in its family's file), one entry in
//! [`builtin_rules`], a fixture under `fixtures/rules/`, and `docs/rules/<id>.md`
//! regenerated (`KUBELINT_BLESS=1 cargo test --test docs`).

pub(crate) mod availability;
pub(crate) mod context;
pub(crate) mod health;
pub(crate) mod hygiene;
pub(crate) mod images;
pub(crate) mod mesh;
pub(crate) mod network;
pub(crate) mod rbac;
pub(crate) mod references;
pub(crate) mod resources;
#[cfg(feature = "scripts")]
pub(crate) mod script;
pub(crate) mod security;

#[doc(inline)]
pub use crate::load::{Entry, Node, Value};
pub use crate::model::{Inventory, Object};
pub use crate::vocab::{At, Family, ParamInfo, RuleInfo, RuleSettings, RuleState};
pub use context::Context;
pub(crate) use context::RuleRun;

use crate::vocab::Severity;

/// An object rule: looks at one object (and, through the context, at the inventory).
///
/// A rule must not panic; one that does becomes a `rule-error` finding on that object
/// (what it reported there is dropped) and the run goes on.
pub trait Rule: Send + Sync {
    /// The rule's metadata; its id must be unique among all rules.
    fn info(&self) -> &'static RuleInfo;
    /// Checks one object; reports through `cx`.
    fn check(&self, object: &Object, inventory: &Inventory, cx: &mut Context<'_>);
}

/// The rule whose findings say that a rule failed: a script that does not compile,
/// throws or runs out of its budget, or any rule that panicked.
pub(crate) static RULE_ERROR: RuleInfo = RuleInfo {
    id: "rule-error",
    family: Family::Script,
    severity: Severity::Error,
    title: "A scripted rule failed",
    rationale: "A rule script that does not compile, throws, loops or exceeds a sandbox limit checks nothing; kubelint reports it at the script's line and goes on with the other rules.",
    remediation: "Fix the script at the reported line; `kubelint test-rules DIR` runs a folder's scripts against their fixtures.",
    ..RuleInfo::BASE
};

/// The text of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// The pod template of a workload and its containers (init, app, ephemeral).
pub(crate) fn containers(object: &Object) -> Option<(crate::model::PodTemplate<'_>, Vec<crate::model::Container<'_>>)> {
    let t = object.pod_template()?;
    let c = t.containers();
    Some((t, c))
}

/// The signature of a built-in rule's check.
pub(crate) type CheckFn = fn(&Object, &Inventory, &mut Context<'_>);

/// A built-in rule: its declaration and its check function.
pub(crate) struct FnRule {
    pub info: &'static RuleInfo,
    pub check: CheckFn,
}

impl FnRule {
    pub(crate) fn boxed(info: &'static RuleInfo, check: CheckFn) -> Box<dyn Rule> {
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

/// Every built-in object rule, family by family, in a fixed order (without the input and
/// schema rules, which are part of every linter, nor the shipped scripts).
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
