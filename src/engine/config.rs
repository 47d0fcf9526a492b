//! `.kubelint.yaml`: rule switches, severities and parameters, excludes, the default
//! namespace. Read with kubelint's own loader, so every config error has a position.
//!
//! ```yaml
//! rules:
//!   latest-tag: off            # off / on / error / warning / info
//!   privileged-container:
//!     severity: warning
//!     enabled: true
//!     params: {}
//! exclude:                     # relative to this file's folder
//!   - vendor/**
//! namespace: team-a
//! kubernetesVersion: "1.37"    # schemas and API deprecations of this version
//! strict: true                 # report unknown fields
//! crds: [crds/]                # CRD files or folders, relative to this file
//! bundledCrds: true            # the bundled ecosystem CRDs (Istio, Flux, …); false: off
//! podTemplates:                # more workload kinds: where their pod template lives
//!   - apiVersion: example.com/v1   # or `group: example.com`; every version of the kind
//!     kind: Widget
//!     path: /spec/template     # JSON pointer of the PodTemplateSpec
//! policies: [policies/]        # ValidatingAdmissionPolicies + bindings, relative to this file
//! schemaDirs: [schemas/]       # JSON schemas naming their x-kubernetes-group-version-kind
//! ruleDirs: [policies/]        # folders of Rhai rule scripts (feature `scripts`)
//! context: [.]                 # objects cross-object rules see but no finding is about
//! limits:                      # findings kept per rule (the others are counted)
//!   findingsPerObject: 100     # on one object
//!   findingsPerRun: 20000      # in one run
//! render:                      # building kustomizations, rendering --helm charts
//!   enabled: true              # false: lint kustomizations' files as plain YAML
//!   kustomizeCommand: kubectl kustomize   # default: `kustomize build`, else `kubectl kustomize`
//!   helmCommand: helm
//!   timeoutSeconds: 300        # per render
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::load::{Node, Position, SourceFile, Value, yaml};
use crate::vocab::Severity;

/// The file name looked for, upward from the working directory.
pub const CONFIG_FILE_NAMES: [&str; 2] = [".kubelint.yaml", ".kubelint.yml"];

/// A rule's entry in the config.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RuleConfig {
    /// `on`/`off`, or `enabled:`; unset: the rule's default.
    pub enabled: Option<bool>,
    /// A severity; unset: the rule's default.
    pub severity: Option<Severity>,
    /// `params:`, as JSON values.
    pub params: BTreeMap<String, serde_json::Value>,
    /// Where the entry was written, for errors found later (unknown rule, bad parameter).
    pub origin: Option<Origin>,
}

/// A place in the config file.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Origin {
    /// The config file.
    pub file: PathBuf,
    /// The line and column in it.
    pub position: Position,
}

/// How the admission webhook treats a namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NamespaceMode {
    /// Deny requests with findings at or above the threshold.
    Enforce,
    /// Never deny; every finding becomes an admission warning.
    Warn,
}

/// The `webhook:` section.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct WebhookSettings {
    /// Namespaces whose requests are allowed without linting.
    pub exempt_namespaces: Vec<String>,
    /// Per-namespace mode (enforce when unset).
    pub namespace_modes: std::collections::HashMap<String, NamespaceMode>,
    /// The deny threshold, when the config sets one.
    pub deny_on: Option<Severity>,
}

/// The `limits:` section: how many findings of one rule a run keeps (unset: the defaults,
/// [`FindingLimits::default`](crate::FindingLimits::default)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LimitSettings {
    /// `findingsPerObject`.
    pub findings_per_object: Option<usize>,
    /// `findingsPerRun`.
    pub findings_per_run: Option<usize>,
}

/// The `render:` section: how kustomizations and `--helm` charts are rendered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenderSettings {
    /// `enabled`: build kustomizations (on when unset).
    pub enabled: Option<bool>,
    /// `kustomizeCommand`: the command that builds a kustomization folder, its folder
    /// added last (`kustomize build`, `kubectl kustomize`).
    pub kustomize_command: Option<String>,
    /// `helmCommand`: the helm command.
    pub helm_command: Option<String>,
    /// `timeoutSeconds`: the longest one render may take (300 when unset).
    pub timeout_seconds: Option<u64>,
}

/// The linter's configuration: what `.kubelint.yaml` says ([`Config::load`],
/// [`Config::parse`]), or [`Config::default`] changed field by field. Paths in it are
/// relative to the config file's folder.
///
/// ```
/// use kubelint::{Config, Linter};
///
/// let config = Config::parse(std::path::Path::new("repo/.kubelint.yaml"), "rules:\n  latest-tag: error\n").unwrap();
/// let linter = Linter::new(config).unwrap();
/// let state = linter.rule_states().iter().find(|s| s.info.id == "latest-tag").unwrap();
/// assert_eq!(state.severity, kubelint::Severity::Error);
///
/// let e = Config::parse(std::path::Path::new("k.yaml"), "rules:\n  latest-tg: off\n").unwrap();
/// let e = Linter::new(e).err().unwrap();
/// assert_eq!(e.to_string(), "k.yaml:2:3: unknown rule `latest-tg` (did you mean `latest-tag`?)");
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Config {
    /// Per-rule settings, by rule id.
    pub rules: BTreeMap<String, RuleConfig>,
    /// Glob patterns to leave out of the walk, relative to the config file's folder
    /// ([`Config::source`]'s parent; the working directory when there is no source).
    pub exclude: Vec<String>,
    /// Namespace for objects that name none (`default` when unset).
    pub namespace: Option<String>,
    /// Target Kubernetes version for schemas and API deprecations (`"1.37"`).
    pub kubernetes_version: Option<String>,
    /// Report fields a schema does not define (`unknown-field`); on when unset.
    pub strict: Option<bool>,
    /// CRD files or folders (relative to the config file).
    pub crds: Vec<PathBuf>,
    /// Folders of JSON schemas (relative to the config file).
    pub schema_dirs: Vec<PathBuf>,
    /// Whether the bundled ecosystem CRDs validate custom resources; on when unset.
    pub bundled_crds: Option<bool>,
    /// More workload kinds: where their pod template lives (`podTemplates`).
    pub pod_templates: Vec<crate::model::TemplatePath>,
    /// ValidatingAdmissionPolicy (+ binding) files or folders (relative to the config file).
    pub policies: Vec<PathBuf>,
    /// Folders of Rhai rule scripts (relative to the config file).
    pub rule_dirs: Vec<PathBuf>,
    /// Files or folders whose objects cross-object rules see but that are not reported on
    /// (relative to the config file): `--context`'s default.
    pub context: Vec<PathBuf>,
    /// The admission webhook's settings.
    pub webhook: WebhookSettings,
    /// Findings kept per rule.
    pub limits: LimitSettings,
    /// How kustomizations and charts are rendered.
    pub render: RenderSettings,
    /// The file the config was read from, if any.
    pub source: Option<PathBuf>,
}

/// A config or options that cannot be used (the CLI exits with code 2): the message, and
/// where in the config file the problem was written when it was.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ConfigError {
    /// The file, line and column, when the problem is in a config file.
    pub origin: Option<Origin>,
    /// What is wrong.
    pub message: String,
}

impl ConfigError {
    /// An error with no place in a config file.
    pub fn new(message: impl Into<String>) -> ConfigError {
        ConfigError {
            origin: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Some(o) => write!(
                f,
                "{}:{}:{}: {}",
                o.file.display(),
                o.position.line,
                o.position.column,
                self.message
            ),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Looks for `.kubelint.yaml` in `start` and its parents.
    pub fn find_upward(start: &Path) -> Option<PathBuf> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            for name in CONFIG_FILE_NAMES {
                let p = d.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
            dir = d.parent();
        }
        None
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            origin: None,
            message: format!("cannot read config {}: {e}", path.display()),
        })?;
        Config::parse(path, &text)
    }

    /// Parses config text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let file = Arc::new(SourceFile::new(path, text.to_string()));
        let err = |span_start: u32, message: String| ConfigError {
            origin: Some(Origin {
                file: path.to_path_buf(),
                position: file.position(span_start),
            }),
            message,
        };
        let (docs, problems) = yaml::parse_stream(&file);
        if let Some(p) = problems.first() {
            return Err(err(p.span.start, p.message.clone()));
        }
        let mut config = Config {
            source: Some(path.to_path_buf()),
            ..Config::default()
        };
        let Some(root) = docs.into_iter().map(|d| d.root).find(|r| !r.is_null()) else {
            return Ok(config);
        };
        let entries = root
            .as_map()
            .ok_or_else(|| err(root.span.start, "the config must be a mapping".into()))?;
        for e in entries {
            match e.key.as_str() {
                "rules" => {
                    let rules = e
                        .value
                        .as_map()
                        .ok_or_else(|| err(e.value.span.start, "`rules` must be a mapping of rule ids".into()))?;
                    for r in rules {
                        let mut rc =
                            parse_rule(&r.value).map_err(|(at, m)| err(at, format!("rules.{}: {m}", r.key)))?;
                        rc.origin = Some(Origin {
                            file: path.to_path_buf(),
                            position: file.position(r.key_span.start),
                        });
                        config.rules.insert(r.key.to_string(), rc);
                    }
                }
                "exclude" => {
                    let items = e
                        .value
                        .as_seq()
                        .ok_or_else(|| err(e.value.span.start, "`exclude` must be a list of glob patterns".into()))?;
                    for i in items {
                        let s = i
                            .as_str()
                            .ok_or_else(|| err(i.span.start, "an exclude pattern must be a string".into()))?;
                        config.exclude.push(s.to_string());
                    }
                }
                "namespace" => {
                    let s = e
                        .value
                        .as_str()
                        .ok_or_else(|| err(e.value.span.start, "`namespace` must be a string".into()))?;
                    config.namespace = Some(s.to_string());
                }
                "kubernetesVersion" => {
                    // `1.30` reads as a number in YAML; take the version as written.
                    let written = file.slice(e.value.span).trim_matches(|c| c == '"' || c == '\'');
                    if matches!(
                        e.value.value,
                        Value::Map(_) | Value::Seq(_) | Value::Bool(_) | Value::Null
                    ) {
                        return Err(err(
                            e.value.span.start,
                            "`kubernetesVersion` must be a version like \"1.37\"".into(),
                        ));
                    }
                    config.kubernetes_version = Some(written.to_string());
                }
                "bundledCrds" => {
                    let b = e
                        .value
                        .as_bool()
                        .ok_or_else(|| err(e.value.span.start, "`bundledCrds` must be true or false".into()))?;
                    config.bundled_crds = Some(b);
                }
                "podTemplates" => {
                    let items = e.value.as_seq().ok_or_else(|| {
                        err(
                            e.value.span.start,
                            "`podTemplates` must be a list of {apiVersion or group, kind, path}".into(),
                        )
                    })?;
                    for i in items {
                        let field = |name: &str| i.get(name).and_then(Node::as_str);
                        let group = match (field("group"), field("apiVersion")) {
                            (Some(g), None) => g.to_string(),
                            (None, Some(api)) => api.rsplit_once('/').map_or("", |(g, _)| g).to_string(),
                            _ => {
                                return Err(err(
                                    i.span.start,
                                    "a pod template entry names its kind's `apiVersion` or its `group` (one of the two)"
                                        .into(),
                                ));
                            }
                        };
                        let (Some(kind), Some(pointer)) = (field("kind"), field("path")) else {
                            return Err(err(
                                i.span.start,
                                "a pod template entry needs `kind` and `path` (a JSON pointer like /spec/template)"
                                    .into(),
                            ));
                        };
                        if !pointer.starts_with('/') {
                            let at = i.get("path").map_or(i.span.start, |p| p.span.start);
                            return Err(err(
                                at,
                                format!(
                                    "`path` must be a JSON pointer starting with `/` (like /spec/template), not `{pointer}`"
                                ),
                            ));
                        }
                        if let Some(unknown) = i
                            .as_map()
                            .unwrap_or_default()
                            .iter()
                            .find(|f| !matches!(f.key.as_str(), "group" | "apiVersion" | "kind" | "path"))
                        {
                            return Err(err(
                                unknown.key_span.start,
                                format!(
                                    "unknown key `podTemplates.{}` (expected apiVersion or group, kind, path)",
                                    unknown.key
                                ),
                            ));
                        }
                        config
                            .pod_templates
                            .push(crate::model::TemplatePath::new(&group, kind, pointer));
                    }
                }
                "strict" => {
                    let b = e
                        .value
                        .as_bool()
                        .ok_or_else(|| err(e.value.span.start, "`strict` must be true or false".into()))?;
                    config.strict = Some(b);
                }
                "crds" | "schemaDirs" | "ruleDirs" | "context" | "policies" => {
                    let items = e
                        .value
                        .as_seq()
                        .ok_or_else(|| err(e.value.span.start, format!("`{}` must be a list of paths", e.key)))?;
                    let base = path.parent().unwrap_or(Path::new("."));
                    for i in items {
                        let s = i
                            .as_str()
                            .ok_or_else(|| err(i.span.start, "a path must be a string".into()))?;
                        let list = match e.key.as_str() {
                            "crds" => &mut config.crds,
                            "schemaDirs" => &mut config.schema_dirs,
                            "policies" => &mut config.policies,
                            "context" => &mut config.context,
                            _ => &mut config.rule_dirs,
                        };
                        list.push(base.join(s));
                    }
                }
                "webhook" => {
                    let entries = e
                        .value
                        .as_map()
                        .ok_or_else(|| err(e.value.span.start, "`webhook` must be a mapping".into()))?;
                    for w in entries {
                        let at = w.value.span.start;
                        match w.key.as_str() {
                            "denyOn" => {
                                let s = w.value.as_str().unwrap_or_default();
                                config.webhook.deny_on = Some(parse_severity(s).map_err(|m| err(at, m))?);
                            }
                            "exemptNamespaces" => {
                                for n in w
                                    .value
                                    .as_seq()
                                    .ok_or_else(|| err(at, "`exemptNamespaces` must be a list".into()))?
                                {
                                    let s = n
                                        .as_str()
                                        .ok_or_else(|| err(n.span.start, "a namespace must be a string".into()))?;
                                    config.webhook.exempt_namespaces.push(s.to_string());
                                }
                            }
                            "namespaceModes" => {
                                for m in w.value.as_map().ok_or_else(|| {
                                    err(at, "`namespaceModes` must map namespaces to enforce or warn".into())
                                })? {
                                    let mode = match m.value.as_str() {
                                        Some("enforce") => NamespaceMode::Enforce,
                                        Some("warn") => NamespaceMode::Warn,
                                        _ => {
                                            return Err(err(
                                                m.value.span.start,
                                                "a namespace mode is `enforce` or `warn`".into(),
                                            ));
                                        }
                                    };
                                    config.webhook.namespace_modes.insert(m.key.to_string(), mode);
                                }
                            }
                            other => {
                                return Err(err(
                                    w.key_span.start,
                                    format!(
                                        "unknown key `webhook.{other}` (expected denyOn, exemptNamespaces, namespaceModes)"
                                    ),
                                ));
                            }
                        }
                    }
                }
                "limits" => {
                    let entries = e
                        .value
                        .as_map()
                        .ok_or_else(|| err(e.value.span.start, "`limits` must be a mapping".into()))?;
                    for l in entries {
                        let n = match &l.value.value {
                            Value::Int(n) if *n >= 1 => *n as usize,
                            _ => {
                                return Err(err(
                                    l.value.span.start,
                                    format!("`limits.{}` must be a whole number of at least 1", l.key),
                                ));
                            }
                        };
                        match l.key.as_str() {
                            "findingsPerObject" => config.limits.findings_per_object = Some(n),
                            "findingsPerRun" => config.limits.findings_per_run = Some(n),
                            other => {
                                return Err(err(
                                    l.key_span.start,
                                    format!(
                                        "unknown key `limits.{other}` (expected findingsPerObject, findingsPerRun)"
                                    ),
                                ));
                            }
                        }
                    }
                }
                "render" => {
                    let entries = e
                        .value
                        .as_map()
                        .ok_or_else(|| err(e.value.span.start, "`render` must be a mapping".into()))?;
                    for r in entries {
                        let at = r.value.span.start;
                        let command = |what: &str| {
                            r.value
                                .as_str()
                                .filter(|s| !s.trim().is_empty())
                                .map(str::to_string)
                                .ok_or_else(|| {
                                    err(
                                        at,
                                        format!(
                                            "`render.{what}` must be a command, such as `{}`",
                                            if what == "helmCommand" {
                                                "helm"
                                            } else {
                                                "kubectl kustomize"
                                            }
                                        ),
                                    )
                                })
                        };
                        match r.key.as_str() {
                            "enabled" => {
                                config.render.enabled = Some(
                                    r.value
                                        .as_bool()
                                        .ok_or_else(|| err(at, "`render.enabled` must be true or false".into()))?,
                                )
                            }
                            "kustomizeCommand" => config.render.kustomize_command = Some(command("kustomizeCommand")?),
                            "helmCommand" => config.render.helm_command = Some(command("helmCommand")?),
                            "timeoutSeconds" => {
                                config.render.timeout_seconds = match &r.value.value {
                                    Value::Int(n) if *n >= 1 => Some(*n as u64),
                                    _ => {
                                        return Err(err(
                                            at,
                                            "`render.timeoutSeconds` must be a whole number of at least 1".into(),
                                        ));
                                    }
                                }
                            }
                            other => {
                                return Err(err(
                                    r.key_span.start,
                                    format!(
                                        "unknown key `render.{other}` (expected enabled, kustomizeCommand, helmCommand, timeoutSeconds)"
                                    ),
                                ));
                            }
                        }
                    }
                }
                other => {
                    return Err(err(
                        e.key_span.start,
                        format!(
                            "unknown key `{other}` (expected one of: rules, exclude, namespace, kubernetesVersion, strict, crds, bundledCrds, podTemplates, schemaDirs, policies, ruleDirs, context, webhook, limits, render)"
                        ),
                    ));
                }
            }
        }
        Ok(config)
    }
}

fn parse_rule(node: &Node) -> Result<RuleConfig, (u32, String)> {
    let mut rc = RuleConfig::default();
    let at = node.span.start;
    match &node.value {
        // YAML 1.1: `off`/`on` are booleans.
        Value::Bool(b) => rc.enabled = Some(*b),
        Value::String(s) => match s.as_str() {
            "enabled" => rc.enabled = Some(true),
            "disabled" => rc.enabled = Some(false),
            other => {
                rc.severity = Some(parse_severity(other).map_err(|m| (at, m))?);
                rc.enabled = Some(true);
            }
        },
        Value::Map(entries) => {
            for e in entries {
                let at = e.value.span.start;
                match e.key.as_str() {
                    "enabled" => {
                        rc.enabled = Some(
                            e.value
                                .as_bool()
                                .ok_or((at, "`enabled` must be true or false".to_string()))?,
                        )
                    }
                    "severity" => {
                        let s = e
                            .value
                            .as_str()
                            .ok_or((at, "`severity` must be error, warning or info".to_string()))?;
                        rc.severity = Some(parse_severity(s).map_err(|m| (at, m))?);
                    }
                    "params" => {
                        let params = e.value.as_map().ok_or((at, "`params` must be a mapping".to_string()))?;
                        for p in params {
                            rc.params.insert(p.key.to_string(), p.value.to_json());
                        }
                    }
                    other => {
                        return Err((
                            e.key_span.start,
                            format!("unknown key `{other}` (expected enabled, severity or params)"),
                        ));
                    }
                }
            }
        }
        _ => return Err((at, "expected on/off, a severity, or a mapping".into())),
    }
    Ok(rc)
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("unknown severity `{s}` (expected error, warning or info)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_crds_and_pod_templates() {
        let c = Config::parse(
            Path::new(".kubelint.yaml"),
            "bundledCrds: false\npodTemplates:\n  - {apiVersion: apps.example.com/v1, kind: WebApp, path: /spec/podTemplate}\n  - {group: '', kind: Widget, path: /template}\n",
        )
        .unwrap();
        assert_eq!(c.bundled_crds, Some(false));
        assert_eq!(
            c.pod_templates,
            vec![
                crate::model::TemplatePath::new("apps.example.com", "WebApp", "/spec/podTemplate"),
                crate::model::TemplatePath::new("", "Widget", "/template"),
            ]
        );
        assert_eq!(Config::parse(Path::new("k"), "rules: {}\n").unwrap().bundled_crds, None);
        for (text, message) in [
            ("bundledCrds: maybe\n", "1:14: `bundledCrds` must be true or false"),
            ("podTemplates: {}\n", "1:15: `podTemplates` must be a list"),
            (
                "podTemplates:\n  - {kind: WebApp, path: /spec/t}\n",
                "2:5: a pod template entry names",
            ),
            (
                "podTemplates:\n  - {group: g, apiVersion: g/v1, kind: W, path: /t}\n",
                "2:5: a pod template entry names",
            ),
            (
                "podTemplates:\n  - {group: g, kind: W}\n",
                "2:5: a pod template entry needs `kind` and `path`",
            ),
            (
                "podTemplates:\n  - {group: g, kind: W, path: spec.template}\n",
                "2:31: `path` must be a JSON pointer",
            ),
            (
                "podTemplates:\n  - {group: g, kind: W, path: /t, version: v1}\n",
                "2:35: unknown key `podTemplates.version`",
            ),
        ] {
            let e = Config::parse(Path::new("k"), text).unwrap_err().to_string();
            assert!(e.starts_with(&format!("k:{message}")), "{text}: {e}");
        }
    }

    #[test]
    fn parses_all_forms() {
        let c = Config::parse(
            Path::new(".kubelint.yaml"),
            "rules:\n  latest-tag: off\n  a: warning\n  b:\n    severity: info\n    params: {labels: [team]}\nexclude: [vendor/**]\nnamespace: shop\n",
        )
        .unwrap();
        assert_eq!(c.rules["latest-tag"].enabled, Some(false));
        assert_eq!(c.rules["a"].severity, Some(Severity::Warning));
        assert_eq!(c.rules["b"].params["labels"], serde_json::json!(["team"]));
        assert_eq!(c.rules["b"].origin.as_ref().unwrap().position.line, 4);
        assert_eq!(c.exclude, vec!["vendor/**"]);
        assert_eq!(c.namespace.as_deref(), Some("shop"));
        let c = Config::parse(
            Path::new("conf/.kubelint.yaml"),
            "kubernetesVersion: 1.30\nstrict: false\ncrds: [crds/a.yaml]\nschemaDirs: [s]\ncontext: [.., base]\n",
        )
        .unwrap();
        assert_eq!(c.kubernetes_version.as_deref(), Some("1.30"));
        assert_eq!(c.strict, Some(false));
        assert_eq!(c.crds, vec![PathBuf::from("conf/crds/a.yaml")]);
        assert_eq!(c.context, vec![PathBuf::from("conf/.."), PathBuf::from("conf/base")]);
        assert_eq!(c.schema_dirs, vec![PathBuf::from("conf/s")]);
        let c = Config::parse(Path::new("conf/.kubelint.yaml"), "ruleDirs: [policies]\n").unwrap();
        assert_eq!(c.rule_dirs, vec![PathBuf::from("conf/policies")]);
        assert!(c.schema_dirs.is_empty() && c.crds.is_empty());
    }

    #[test]
    fn limits() {
        let c = Config::parse(
            Path::new("c.yaml"),
            "limits:\n  findingsPerObject: 5\n  findingsPerRun: 70000\n",
        )
        .unwrap();
        assert_eq!(
            c.limits,
            LimitSettings {
                findings_per_object: Some(5),
                findings_per_run: Some(70000)
            }
        );
        for bad in ["0", "-1", "many", "1.5"] {
            let e = Config::parse(Path::new("c.yaml"), &format!("limits:\n  findingsPerRun: {bad}\n")).unwrap_err();
            assert_eq!(e.origin.unwrap().position, Position { line: 2, column: 19 }, "{bad}");
        }
        let e = Config::parse(Path::new("c.yaml"), "limits:\n  perRule: 1\n").unwrap_err();
        assert!(e.message.contains("limits.perRule"), "{e}");
    }

    #[test]
    fn render_settings() {
        let c = Config::parse(
            Path::new("c.yaml"),
            "render:\n  enabled: false\n  kustomizeCommand: kustomize build --enable-helm\n  helmCommand: /opt/helm\n  timeoutSeconds: 30\n",
        )
        .unwrap();
        assert_eq!(
            c.render,
            RenderSettings {
                enabled: Some(false),
                kustomize_command: Some("kustomize build --enable-helm".into()),
                helm_command: Some("/opt/helm".into()),
                timeout_seconds: Some(30),
            }
        );
        let e = Config::parse(Path::new("c.yaml"), "render:\n  kustomize: x\n").unwrap_err();
        assert!(
            e.to_string().starts_with("c.yaml:2:3: unknown key `render.kustomize`"),
            "{e}"
        );
        let e = Config::parse(Path::new("c.yaml"), "render:\n  enabled: maybe\n").unwrap_err();
        assert!(e.message.contains("true or false"), "{e}");
        let e = Config::parse(Path::new("c.yaml"), "render:\n  helmCommand: \"\"\n").unwrap_err();
        assert!(e.message.contains("must be a command"), "{e}");
    }

    #[test]
    fn unknown_keys_have_positions() {
        let e = Config::parse(Path::new("c.yaml"), "rules: {}\nexlude: []\n").unwrap_err();
        assert_eq!(e.origin.as_ref().unwrap().position, Position { line: 2, column: 1 });
        assert!(e.message.contains("exlude"));
        let e = Config::parse(Path::new("c.yaml"), "rules:\n  x:\n    severty: error\n").unwrap_err();
        assert_eq!(e.origin.unwrap().position, Position { line: 3, column: 5 });
        let e = Config::parse(Path::new("c.yaml"), "rules:\n  x: loud\n").unwrap_err();
        assert!(
            e.to_string().starts_with("c.yaml:2:6: rules.x: unknown severity"),
            "{e}"
        );
    }
}
