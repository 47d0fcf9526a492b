//! What a rule's check sees of the run, and how it reports.

use crate::model::edit::{EditError, Editor};
use crate::model::{Object, finding_at};
use crate::vocab::{Applicability, At, Edit, Finding, Fix, RuleInfo, RuleSettings};

/// The reporting end of one rule on one object: its settings, and
/// [`Context::report`].
pub struct Context<'a> {
    pub(crate) rule: &'static RuleInfo,
    pub(crate) settings: &'a RuleSettings,
    object: &'a Object,
    findings: &'a mut Vec<Finding>,
    /// The run's inventory, shared (scripted rules keep a handle to it).
    pub(crate) shared: Option<&'a std::sync::Arc<crate::model::Inventory>>,
    /// Per-object values that several rules can reuse.
    pub(crate) scratch: Option<&'a ObjectScratch>,
    /// What this rule keeps across the objects of the run.
    pub(crate) run: Option<&'a RuleRun>,
    /// Findings this rule may report on this object (the run's limit); a rule that keeps
    /// its own findings (a script) keeps no more and counts the rest in `dropped`.
    pub(crate) max_findings: usize,
    /// Findings this rule left out on this object (beyond `max_findings`).
    pub(crate) dropped: u64,
}

/// What one rule keeps across the objects of one run (one `Linter::lint_*` call).
#[derive(Debug, Default)]
pub(crate) struct RuleRun {
    overruns: std::sync::atomic::AtomicU32,
}

impl RuleRun {
    /// Counts one budget overrun (a script that ran out of time or operations on an
    /// object); returns how many there have been in this run.
    #[cfg_attr(not(feature = "scripts"), allow(dead_code))]
    pub fn add_overrun(&self) -> u32 {
        self.overruns.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
    }

    #[cfg_attr(not(feature = "scripts"), allow(dead_code))]
    pub fn overruns(&self) -> u32 {
        self.overruns.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Values computed once per object and shared by the rules that run on it.
#[derive(Default)]
pub(crate) struct ObjectScratch {
    /// The object as a Rhai value, for scripted rules.
    #[cfg(feature = "scripts")]
    pub script_value: std::sync::OnceLock<rhai::Dynamic>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
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
            run: None,
            max_findings: crate::vocab::limits::DEFAULT_FINDINGS_PER_OBJECT,
            dropped: 0,
        }
    }

    /// Adds a finding made elsewhere (a scripted rule's error).
    #[cfg_attr(not(feature = "scripts"), allow(dead_code))]
    pub(crate) fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// The metadata of the rule being run.
    pub fn rule(&self) -> &'static RuleInfo {
        self.rule
    }

    /// The rule's effective settings (enabled, severity, parameters with defaults filled in).
    pub fn settings(&self) -> &RuleSettings {
        self.settings
    }

    /// A parameter's value (its default unless the config sets it).
    pub fn param(&self, name: &str) -> Option<&serde_json::Value> {
        self.settings.params.get(name)
    }

    /// Reports at `pointer` (relative to the object). When the pointer leads nowhere the
    /// finding falls back to the nearest existing parent, so it is never lost.
    pub fn report(&mut self, pointer: &str, at: At, message: impl Into<String>) {
        self.report_at_most(crate::vocab::Severity::Error, pointer, at, message);
    }

    /// Reports as [`Context::report`] does, with a fix (made by [`Context::fix`]; `None`
    /// when there is none for this case).
    pub fn report_fix(&mut self, pointer: &str, at: At, message: impl Into<String>, fix: Option<Fix>) {
        let mut finding = finding_at(self.rule, self.settings.severity, self.object, pointer, at, message);
        finding.fix = fix.map(Box::new);
        self.findings.push(finding);
    }

    /// A fix made of the edits that `edits` makes with an [`Editor`] of the object; `None`
    /// when the editor refuses (the finding is then reported without a fix).
    pub fn fix(
        &self,
        description: impl Into<String>,
        applicability: Applicability,
        edits: impl FnOnce(&Editor<'_>) -> Result<Vec<Edit>, EditError>,
    ) -> Option<Fix> {
        crate::model::edit::fix_for(self.object, description, applicability, edits)
    }

    /// Reports as [`Context::report`] does, at the rule's configured severity or `cap`,
    /// whichever is lower (a finding in a test fixture that matters less there).
    pub fn report_at_most(&mut self, cap: crate::vocab::Severity, pointer: &str, at: At, message: impl Into<String>) {
        let mut finding = finding_at(self.rule, self.settings.severity, self.object, pointer, at, message);
        if cap < crate::vocab::Severity::Error {
            finding.cap = Some(cap);
            finding.at_severity(self.settings.severity);
        }
        self.findings.push(finding);
    }
}
