//! What a rule's check sees of the run, and how it reports.

use std::collections::BTreeMap;

use crate::finding::{Finding, Severity};
use crate::model::Object;

use super::RuleInfo;

/// A rule's effective settings after the config is applied.
#[derive(Clone, Debug)]
pub struct RuleSettings {
    pub enabled: bool,
    pub severity: Severity,
    /// Parameters, defaults filled in.
    pub params: BTreeMap<String, serde_json::Value>,
}

impl RuleSettings {
    pub fn defaults(info: &RuleInfo) -> RuleSettings {
        RuleSettings {
            enabled: info.enabled,
            severity: info.severity,
            params: info
                .params
                .iter()
                .map(|p| {
                    (
                        p.name.to_string(),
                        serde_json::from_str(p.default).unwrap_or(serde_json::Value::Null),
                    )
                })
                .collect(),
        }
    }
}

/// Whether a finding points at a key or at its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The key of the entry (for something missing or unwanted as a whole).
    Key,
    /// The value.
    Value,
}

/// The reporting end of one rule on one object.
pub struct Context<'a> {
    pub rule: &'static RuleInfo,
    pub settings: &'a RuleSettings,
    object: &'a Object,
    findings: &'a mut Vec<Finding>,
    /// The run's inventory, shared (scripted rules keep a handle to it).
    pub shared: Option<&'a std::sync::Arc<crate::model::Inventory>>,
    /// Per-object values that several rules can reuse.
    pub scratch: Option<&'a ObjectScratch>,
}

/// Values computed once per object and shared by the rules that run on it.
#[derive(Default)]
pub struct ObjectScratch {
    /// The object as a Rhai value, for scripted rules.
    pub script_value: std::sync::OnceLock<rhai::Dynamic>,
}

impl<'a> Context<'a> {
    pub fn new(
        rule: &'static RuleInfo,
        settings: &'a RuleSettings,
        object: &'a Object,
        findings: &'a mut Vec<Finding>,
    ) -> Self {
        Context {
            rule,
            settings,
            object,
            findings,
            shared: None,
            scratch: None,
        }
    }

    /// Adds a finding made elsewhere (a scripted rule's error).
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    pub fn param(&self, name: &str) -> Option<&serde_json::Value> {
        self.settings.params.get(name)
    }

    /// Reports at `pointer` (relative to the object). When the pointer leads nowhere the
    /// finding falls back to the nearest existing parent, so it is never lost.
    pub fn report(&mut self, pointer: &str, at: At, message: impl Into<String>) {
        let root = self.object.node();
        let mut target = pointer.to_string();
        let span = loop {
            let span = match at {
                At::Key => root.key_span(&target),
                At::Value => root.pointer(&target).map(|n| n.span),
            };
            if let Some(span) = span {
                break span;
            }
            match target.rfind('/') {
                Some(i) => target.truncate(i),
                None => break root.span,
            }
        };
        let doc = &self.object.doc;
        let finding = Finding::new(self.rule, self.settings.severity, message, &doc.file, span)
            .with_object(Some(self.object.reference()))
            .with_path(format!("{}{pointer}", doc.prefix))
            .with_document(doc.index);
        self.findings.push(finding);
    }
}
