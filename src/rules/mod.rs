//! Stage 4: rules. A rule is data ([`RuleInfo`]: id, family, default severity, docs) plus,
//! for object rules, a check over one object and the inventory ([`Rule`]).
//!
//! Adding a rule: one file (or one item in its family's file), one entry in
//! [`builtin_rules`], a fixture under `fixtures/rules/`, and `docs/rules/<id>.md`
//! regenerated (`KUBELINT_BLESS=1 cargo test --test docs`).

pub mod context;
pub mod images;
pub mod input;
pub mod security;

use std::fmt;

use serde::Serialize;

pub use context::{At, Context, RuleSettings};

use crate::finding::Severity;
use crate::model::{Inventory, Object};

/// Where rule documentation lives; a finding's help URL is `{DOCS_BASE}/{id}.md`.
pub const DOCS_BASE: &str = "https://github.com/kubelint/kubelint/blob/main/docs/rules";

/// Rule families, one file each under `src/rules/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Problems reading the input itself: syntax, encoding, documents that are not objects.
    Input,
    Images,
    Security,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Input => "input",
            Family::Images => "images",
            Family::Security => "security",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule parameter, settable under `rules.<id>.params` in `.kubelint.yaml`.
#[derive(Debug, Serialize)]
pub struct ParamInfo {
    pub name: &'static str,
    pub description: &'static str,
    /// The default, as JSON.
    pub default: &'static str,
}

/// Everything a user reads about a rule; the single source of `kubelint rules`,
/// `docs/rules/<id>.md` and SARIF rule descriptors.
#[derive(Debug, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// Whether the rule runs without being enabled in the config.
    pub enabled: bool,
    /// One line: what is wrong.
    pub title: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to fix it.
    pub remediation: &'static str,
    /// A manifest that triggers the rule (empty for input rules that need none).
    pub example_bad: &'static str,
    /// The same manifest, fixed.
    pub example_good: &'static str,
    pub params: &'static [ParamInfo],
    /// SARIF `security-severity` (0.0–10.0) for rules about security; `None` otherwise.
    pub security_severity: Option<&'static str>,
}

impl RuleInfo {
    pub fn help_url(&self) -> String {
        format!("{DOCS_BASE}/{}.md", self.id)
    }

    /// The rule's documentation page (`docs/rules/<id>.md`).
    pub fn markdown(&self) -> String {
        let mut s = format!("# {}\n\n{}\n\n", self.id, self.title);
        s.push_str(&format!(
            "- **Family:** {}\n- **Default severity:** {}\n- **Enabled by default:** {}\n\n",
            self.family,
            self.severity,
            if self.enabled { "yes" } else { "no" }
        ));
        s.push_str(&format!(
            "## Why it matters\n\n{}\n\n## How to fix it\n\n{}\n\n",
            self.rationale, self.remediation
        ));
        if !self.example_bad.is_empty() {
            s.push_str(&format!(
                "## Example\n\nReported:\n\n```yaml\n{}```\n\n",
                self.example_bad
            ));
        }
        if !self.example_good.is_empty() {
            s.push_str(&format!("Fixed:\n\n```yaml\n{}```\n\n", self.example_good));
        }
        if !self.params.is_empty() {
            s.push_str("## Parameters\n\n| name | default | meaning |\n|---|---|---|\n");
            for p in self.params {
                s.push_str(&format!("| `{}` | `{}` | {} |\n", p.name, p.default, p.description));
            }
            s.push('\n');
        }
        s.push_str(&format!(
            "## Configuration\n\n```yaml\n# .kubelint.yaml\nrules:\n  {}:\n    enabled: {}\n    severity: {}\n```\n\nOne object opts out with the annotation `kubelint.dev/ignore: \"{}\"` (on the object or its pod template).\n",
            self.id, self.enabled, self.severity, self.id
        ));
        s
    }
}

/// An object rule: looks at one object (and, through the context, at the inventory).
pub trait Rule: Send + Sync {
    fn info(&self) -> &'static RuleInfo;
    fn check(&self, object: &Object, inventory: &Inventory, cx: &mut Context<'_>);
}

/// Every built-in object rule, in a fixed order.
pub fn builtin_rules() -> Vec<Box<dyn Rule>> {
    vec![Box::new(images::LatestTag), Box::new(security::PrivilegedContainer)]
}

/// Every rule's metadata: input rules first, then `rules` in order.
pub fn catalog(rules: &[Box<dyn Rule>]) -> Vec<&'static RuleInfo> {
    input::ALL
        .iter()
        .copied()
        .chain(rules.iter().map(|r| r.info()))
        .collect()
}
