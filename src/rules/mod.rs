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
//! ## Built-in rules
//!
//! Every built-in object rule is one file, `src/rules/<family>/<rule_id>.rs` (the id with
//! underscores), which starts with `use crate::rules::prelude::*;` and holds
//! `pub(crate) static RULE: RuleInfo` and
//! `pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>)`.
//! Helpers that several rules of a family share live in `src/rules/<family>/common.rs`
//! (never registered); helpers shared across families live here.
//!
//! There is no list to edit: `build.rs` scans `src/rules/*/` and generates the family
//! modules and [`builtin_rules`] (included below). Adding a built-in rule is:
//!
//! 1. `src/rules/<family>/<rule_id>.rs` (declaration and check);
//! 2. `fixtures/rules/<rule-id>/` (`fire-*` and `ok-*` objects, optional `.kubelint.yaml`);
//! 3. `KUBELINT_BLESS=1 cargo test --test fixtures` and `KUBELINT_BLESS=1 cargo test --test docs`,
//!    then review the blessed `.expected` file and the generated `docs/rules/<rule-id>.md`.
//!
//! `cargo fmt` does not reach the rule files (they are declared in generated code):
//! `rustfmt --edition 2024 src/rules/*/*.rs` formats them, and CI checks them.

pub(crate) mod context;
pub(crate) mod prelude;
#[cfg(feature = "scripts")]
pub(crate) mod script;
pub(crate) mod selection;

/// The string type of [`Value::String`] and [`Entry::key`] (compact_str: inline up to 24 bytes).
pub use crate::load::node::CompactString;
#[doc(inline)]
pub use crate::load::{Entry, Node, Value};
pub use crate::model::edit::{EditError, Editor, NewValue};
pub use crate::model::{Inventory, Object, StringMap};
pub use crate::vocab::{At, Family, ParamInfo, ParamType, RuleInfo, RuleSettings, RuleState, WORKLOADS};
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
    default_reason: "Error: a rule script that fails checks nothing; failing makes the broken policy visible.",
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

// The family modules, `builtin_rules()` and `BUILTIN_RULE_FILES`, generated by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule file is named after its rule and lives in its family's folder.
    #[test]
    fn rule_files_are_named_after_their_rules() {
        assert_eq!(BUILTIN_RULE_FILES.len(), builtin_rules().len());
        for (folder, stem, info) in BUILTIN_RULE_FILES {
            assert_eq!(
                *stem,
                info.id.replace('-', "_"),
                "src/rules/{folder}/{stem}.rs declares `{}`",
                info.id
            );
            assert_eq!(
                *folder,
                info.family.as_str(),
                "src/rules/{folder}/{stem}.rs declares family {}",
                info.family
            );
            assert!(!info.remediation.is_empty(), "{}: no remediation", info.id);
        }
        let families: Vec<Family> = builtin_rules().iter().map(|r| r.info().family).collect();
        assert!(families.is_sorted(), "rules run family by family");
    }

    /// `RuleInfo::kinds` lets the engine skip objects of other kinds, which is only sound when
    /// the rule never reports on them: every built-in rule runs here, without the engine's
    /// skipping, on every object of every rule fixture folder (under that folder's config), and
    /// must report nothing on an object outside its declared kinds.
    #[test]
    fn declared_kinds_cover_every_finding() {
        use std::sync::Arc;

        use crate::load::load_file;
        use crate::vocab::SourceFile;
        use crate::{Config, Linter};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
        let mut folders: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        folders.sort();
        let rules = builtin_rules();
        let (mut checked, mut problems) = (0, Vec::new());
        for folder in folders {
            let dir = root.join(&folder);
            let config_path = dir.join(format!("{folder}.kubelint.yaml"));
            let config = if config_path.is_file() {
                Config::load(&config_path).unwrap()
            } else {
                Config::default()
            };
            let linter = Linter::new(config).unwrap();
            let documents = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "yaml") && !p.to_str().unwrap().ends_with(".kubelint.yaml")
                })
                .flat_map(|p| {
                    let text = std::fs::read_to_string(&p).unwrap();
                    load_file(Arc::new(SourceFile::new(p, text))).documents
                })
                .collect();
            let inventory = Inventory::build(documents, "default");
            for rule in &rules {
                let info = rule.info();
                let mut settings = linter.settings(info.id).unwrap().clone();
                settings.enabled = true;
                for object in &inventory.objects {
                    if info.applies_to(&object.kind, object.pod_template().is_some()) {
                        continue;
                    }
                    checked += 1;
                    let mut out = Vec::new();
                    let mut cx = Context::new(info, &settings, object, &mut out);
                    rule.check(object, &inventory, &mut cx);
                    for f in out {
                        problems.push(format!(
                            "{}: {} reports on a {} outside its kinds {:?}: {}",
                            folder, info.id, object.kind, info.kinds, f.message
                        ));
                    }
                }
            }
        }
        assert!(checked > 1000, "too few objects outside the rules' kinds: {checked}");
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
