//! Rule metadata: what a rule is called, how severe it is by default, its documentation
//! and its parameters; and a rule's settings once the config is applied.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::fix::Applicability;
use super::severity::Severity;

/// Where rule documentation lives; a finding's help URL is `{DOCS_BASE}/{id}.md`.
pub const DOCS_BASE: &str = "https://github.com/kubelint/kubelint/blob/main/docs/rules";

/// Rule families, one file each under `src/rules/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Family {
    /// Problems reading the input itself: syntax, encoding, documents that are not objects.
    Input,
    /// Kubernetes and CRD schemas, API versions, metadata.
    Schema,
    /// What the API server's own validation rejects beyond the schema: names, selectors,
    /// ports, probes, strategies and the other checks of `pkg/apis/*/validation`.
    Api,
    /// Liveness, readiness and startup probes.
    Health,
    /// CPU and memory requests and limits.
    Resources,
    /// Security contexts and host access (Pod Security Standards).
    Security,
    /// Image tags, pull policies and registries.
    Images,
    /// Replicas, rollouts, spreading and autoscaling.
    Availability,
    /// Configuration hygiene: env, services, ingress, jobs, labels.
    Hygiene,
    /// RBAC roles and bindings.
    Rbac,
    /// NetworkPolicy coverage and peers.
    Network,
    /// Istio mTLS, authorization and routing.
    Mesh,
    /// References between objects: selectors, names, ports.
    References,
    /// Rules written as Rhai scripts.
    Script,
}

impl Family {
    /// The family's name, lowercase (`"security"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Input => "input",
            Family::Schema => "schema",
            Family::Api => "api",
            Family::Health => "health",
            Family::Resources => "resources",
            Family::Security => "security",
            Family::Images => "images",
            Family::Availability => "availability",
            Family::Hygiene => "hygiene",
            Family::Rbac => "rbac",
            Family::Network => "network",
            Family::Mesh => "mesh",
            Family::References => "references",
            Family::Script => "script",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of a rule parameter's value; the config is checked against it when a
/// linter is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ParamType {
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// A string.
    String,
    /// A list of strings.
    StringList,
    /// Any value (parameters of scripted rules whose default is not one of the above).
    Any,
}

impl ParamType {
    /// Whether `value` is of this type.
    pub fn accepts(self, value: &serde_json::Value) -> bool {
        use serde_json::Value;
        match self {
            ParamType::Bool => value.is_boolean(),
            ParamType::Integer => value.is_i64() || value.is_u64(),
            ParamType::String => value.is_string(),
            ParamType::StringList => value.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            ParamType::Any => true,
        }
    }

    /// The type of a default value, for parameters declared by example (scripted rules):
    /// `Any` unless the value is a boolean, an integer, a string or a non-empty list of strings.
    pub fn of_default(value: &serde_json::Value) -> ParamType {
        match value {
            serde_json::Value::Array(a) if !a.is_empty() && ParamType::StringList.accepts(value) => {
                ParamType::StringList
            }
            v if v.is_boolean() => ParamType::Bool,
            v if v.is_i64() || v.is_u64() => ParamType::Integer,
            v if v.is_string() => ParamType::String,
            _ => ParamType::Any,
        }
    }

    /// The type's name in messages and docs (`list of strings`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::Bool => "boolean",
            ParamType::Integer => "integer",
            ParamType::String => "string",
            ParamType::StringList => "list of strings",
            ParamType::Any => "any",
        }
    }

    /// The type with its article, for messages: `an integer`, `a list of strings`.
    pub fn with_article(self) -> &'static str {
        match self {
            ParamType::Bool => "a boolean",
            ParamType::Integer => "an integer",
            ParamType::String => "a string",
            ParamType::StringList => "a list of strings",
            ParamType::Any => "any value",
        }
    }

    /// What a JSON value is, in the words of [`ParamType::as_str`] (for error messages).
    pub fn describe(value: &serde_json::Value) -> String {
        use serde_json::Value;
        match value {
            Value::Null => "null".into(),
            Value::Bool(b) => format!("the boolean `{b}`"),
            Value::Number(n) if n.is_f64() => format!("the number `{n}`"),
            Value::Number(n) => format!("the integer `{n}`"),
            Value::String(s) => format!("the string `{s}`"),
            Value::Array(a) if a.iter().all(Value::is_string) => "a list of strings".into(),
            Value::Array(_) => "a list with items that are not strings".into(),
            Value::Object(_) => "a map".into(),
        }
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule parameter, settable under `rules.<id>.params` in `.kubelint.yaml`.
#[derive(Debug, Serialize)]
pub struct ParamInfo {
    /// The parameter's name (camelCase).
    pub name: &'static str,
    /// The type a configured value must have.
    #[serde(rename = "type")]
    pub ty: ParamType,
    /// What it means.
    pub description: &'static str,
    /// The default, as JSON.
    pub default: &'static str,
}

/// The shorthand in [`RuleInfo::kinds`] for every object with a pod template (Pods,
/// Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, …).
pub const WORKLOADS: &str = "workloads";

/// Where a workload kind keeps its pod template (JSON pointer from the object root;
/// `""` for a Pod, whose metadata and spec are its own).
pub fn pod_template_pointer(group: &str, kind: &str) -> Option<&'static str> {
    match (group, kind) {
        ("", "Pod") => Some(""),
        ("", "PodTemplate") => Some("/template"),
        ("", "ReplicationController") => Some("/spec/template"),
        ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => Some("/spec/template"),
        ("batch", "Job") => Some("/spec/template"),
        ("batch", "CronJob") => Some("/spec/jobTemplate/spec/template"),
        _ => None,
    }
}

/// The documentation page of rule `id`.
pub fn doc_url(id: &str) -> String {
    format!("{DOCS_BASE}/{id}.md")
}

/// Everything a user reads about a rule; the single source of `kubelint rules`,
/// `docs/rules/<id>.md` and SARIF rule descriptors.
#[derive(Debug, Serialize)]
///
/// Declare one as a `static`, starting from [`RuleInfo::BASE`] so that fields added later
/// get their defaults:
///
/// ```
/// use kubelint::Severity;
/// use kubelint::rules::{Family, RuleInfo};
///
/// static NO_DEFAULT_NS: RuleInfo = RuleInfo {
///     id: "no-default-namespace",
///     family: Family::Hygiene,
///     severity: Severity::Warning,
///     title: "An object lives in the default namespace",
///     ..RuleInfo::BASE
/// };
/// assert!(NO_DEFAULT_NS.enabled);
/// ```
pub struct RuleInfo {
    /// The rule's id (`latest-tag`): kebab-case, unique among all rules.
    pub id: &'static str,
    /// Its family.
    pub family: Family,
    /// The severity of its findings unless the config says otherwise.
    pub severity: Severity,
    /// Whether the rule runs without being enabled in the config.
    pub enabled: bool,
    /// One line: what is wrong.
    pub title: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// How to fix it.
    pub remediation: &'static str,
    /// Why the rule has its default severity and is on (or off) by default: the evidence,
    /// printed on its documentation page.
    pub default_reason: &'static str,
    /// A manifest that triggers the rule (empty for input rules that need none).
    pub example_bad: &'static str,
    /// The same manifest, fixed.
    pub example_good: &'static str,
    /// Parameters the config may set.
    pub params: &'static [ParamInfo],
    /// The kinds of object the rule looks at: kind names (`"Service"`) or [`WORKLOADS`]
    /// (`"workloads"`: any object with a pod template); empty for any kind. The engine
    /// skips other objects, so a rule must never report on an object of another kind.
    pub kinds: &'static [&'static str],
    /// Settings (YAML, as under `rules.<id>` in `.kubelint.yaml`) under which the examples
    /// behave as shown, for rules that need parameters; empty for most.
    pub example_config: &'static str,
    /// SARIF `security-severity` (0.0–10.0) for rules about security; `None` otherwise.
    pub security_severity: Option<&'static str>,
    /// Whether the rule attaches a fix to its findings (`kubelint check --fix`), and of
    /// which kind: `Some(Safe)` (applied by `--fix`), `Some(Unsafe)` (`--unsafe-fixes`
    /// too), `None` for rules without fixes. A rule whose fix is safe for some findings and
    /// unsafe for others declares `Unsafe`. Not every finding of a fixable rule has a fix
    /// (the message says what to do when the edit cannot be made safely).
    pub fixable: Option<Applicability>,
}

impl RuleInfo {
    /// Defaults for the optional fields of a declaration: `RuleInfo { id: .., ..RuleInfo::BASE }`.
    pub const BASE: RuleInfo = RuleInfo {
        id: "",
        family: Family::Input,
        severity: Severity::Warning,
        enabled: true,
        title: "",
        rationale: "",
        remediation: "",
        default_reason: "",
        example_bad: "",
        example_good: "",
        params: &[],
        kinds: &[],
        example_config: "",
        security_severity: None,
        fixable: None,
    };

    /// Whether the rule looks at objects of `kind` (`has_pod_template`: the object is a
    /// workload, see [`WORKLOADS`]).
    pub fn applies_to(&self, kind: &str, has_pod_template: bool) -> bool {
        self.kinds.is_empty()
            || self
                .kinds
                .iter()
                .any(|k| *k == kind || (*k == WORKLOADS && has_pod_template))
    }

    /// [`RuleInfo::kinds`] for people: `any kind`, or the kinds joined with commas.
    pub fn kinds_text(&self) -> String {
        if self.kinds.is_empty() {
            "any kind".to_string()
        } else {
            self.kinds
                .iter()
                .map(|k| {
                    if *k == WORKLOADS {
                        "workloads (objects with a pod template)".to_string()
                    } else {
                        format!("`{k}`")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    /// [`RuleInfo::fixable`] for people.
    pub fn fixable_text(&self) -> &'static str {
        match self.fixable {
            Some(Applicability::Safe) => "safe (`kubelint check --fix`)",
            Some(Applicability::Unsafe) => "unsafe (`kubelint check --fix --unsafe-fixes`)",
            None => "none",
        }
    }

    /// Where the rule's documentation page is published.
    pub fn help_url(&self) -> String {
        doc_url(self.id)
    }

    /// The rule's documentation page (`docs/rules/<id>.md`).
    pub fn markdown(&self) -> String {
        let mut s = format!("# {}\n\n{}\n\n", self.id, self.title);
        s.push_str(&format!(
            "- **Family:** {}\n- **Default severity:** {}\n- **Enabled by default:** {}\n- **Applies to:** {}\n- **Fix:** {}\n\n",
            self.family,
            self.severity,
            if self.enabled { "yes" } else { "no" },
            self.kinds_text(),
            self.fixable_text()
        ));
        s.push_str(&format!(
            "## Why it matters\n\n{}\n\n## How to fix it\n\n{}\n\n",
            self.rationale, self.remediation
        ));
        if !self.default_reason.is_empty() {
            s.push_str(&format!("## Why this default\n\n{}\n\n", self.default_reason));
        }
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
            s.push_str("## Parameters\n\n| name | type | default | meaning |\n|---|---|---|---|\n");
            for p in self.params {
                s.push_str(&format!(
                    "| `{}` | {} | `{}` | {} |\n",
                    p.name, p.ty, p.default, p.description
                ));
            }
            s.push('\n');
        }
        let extra: String = self.example_config.lines().map(|l| format!("    {l}\n")).collect();
        s.push_str(&format!(
            "## Configuration\n\n```yaml\n# .kubelint.yaml\nrules:\n  {}:\n    enabled: {}\n    severity: {}\n{extra}```\n\nOne object opts out with the annotation `kubelint.dev/ignore: \"{}\"` (on the object or its pod template).\n",
            self.id, self.enabled, self.severity, self.id
        ));
        s
    }
}

/// A rule's effective settings after the config is applied.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RuleSettings {
    /// Whether the rule runs.
    pub enabled: bool,
    /// The severity of its findings.
    pub severity: Severity,
    /// Parameters, defaults filled in.
    pub params: BTreeMap<String, serde_json::Value>,
}

impl RuleSettings {
    /// The settings a rule has when the config says nothing of it.
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

/// A rule as a run applied it: its declaration and its effective severity and state.
/// Reports carry the run's rules (SARIF lists them as rule descriptors).
#[derive(Clone, Copy, Debug, Serialize)]
#[non_exhaustive]
pub struct RuleState {
    /// The rule's declaration.
    pub info: &'static RuleInfo,
    /// The severity its findings get (the config may change the default).
    pub severity: Severity,
    /// Whether the rule ran.
    pub enabled: bool,
}
