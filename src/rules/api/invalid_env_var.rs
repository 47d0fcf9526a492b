//! `invalid-env-var`: An environment variable or `envFrom` entry the API server rejects.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-env-var",
    family: Family::Api,
    severity: Severity::Error,
    title: "An environment variable's name or source is invalid",
    rationale: "The API server checks each `env` entry (`ValidateEnv`, `validateEnvVarValueFrom`, `validateEnvFrom`): the name is required and, since the relaxed validation that is on by default from Kubernetes 1.32 (GA in 1.34), may hold any printable ASCII character except '=' (`IsRelaxedEnvVarName`); `valueFrom` names exactly one source (`fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef`, `fileKeyRef`) and may not be combined with a non-empty `value`; a `fieldRef` names a field the kubelet can expose, a `resourceFieldRef` a container resource. Each `envFrom` entry names exactly one of `configMapRef` or `secretRef`, and its `prefix` follows the same rule as names.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the entry as the message says.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      env:\n        - name: POD_NAME\n          value: web\n          valueFrom:\n            fieldRef: {fieldPath: metadata.name}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      env:\n        - name: POD_NAME\n          valueFrom:\n            fieldRef: {fieldPath: metadata.name}\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

/// The sources of `valueFrom` (`fileKeyRef`: the EnvFiles feature, beta and on by default
/// since Kubernetes 1.35; older schemas report it as an unknown field).
const SOURCES: [&str; 5] = [
    "fieldRef",
    "resourceFieldRef",
    "configMapKeyRef",
    "secretKeyRef",
    "fileKeyRef",
];

/// `validEnvDownwardAPIFieldPathExpressions`.
/// (`metadata.labels` and `metadata.annotations` only with a subscript: the whole maps
/// are for downward API volumes.)
const FIELD_PATHS: [&str; 9] = [
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// `validContainerResourceFieldPathExpressions` (and the hugepages prefixes).
const RESOURCES: [&str; 6] = [
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
];

/// `IsRelaxedEnvVarName`.
fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("may not be empty");
    }
    (!name.chars().all(|c| (' '..='~').contains(&c) && c != '='))
        .then_some("must consist only of printable ASCII characters other than '='")
}

fn field_path_ok(path: &str) -> bool {
    if FIELD_PATHS.contains(&path) {
        return true;
    }
    // `metadata.labels['key']` / `metadata.annotations['key']`
    for prefix in ["metadata.labels['", "metadata.annotations['"] {
        if let Some(rest) = path.strip_prefix(prefix)
            && let Some(key) = rest.strip_suffix("']")
        {
            return super::common::is_qualified_name(&key.to_ascii_lowercase());
        }
    }
    false
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = crate::rules::containers(object) else {
        return;
    };
    for c in &containers {
        for (i, e) in c.node.seq_of("env").iter().enumerate() {
            if e.as_map().is_none() {
                continue;
            }
            let base = c.field(&format!("env/{i}"));
            // An absent name is a `schema-violation` (the schema requires it).
            if let Some(name) = e.get("name").and_then(Node::as_str)
                && let Some(p) = name_problem(name)
            {
                cx.report(
                    &format!("{base}/name"),
                    At::Value,
                    format!("environment variable name `{name}` {p}"),
                );
            }
            let Some(from) = e.get("valueFrom").filter(|n| n.as_map().is_some()) else {
                continue;
            };
            let set: Vec<&str> = SOURCES
                .iter()
                .copied()
                .filter(|s| from.get(s).is_some_and(|n| !n.is_null()))
                .collect();
            let value_set = e.get("value").and_then(scalar_text).is_some_and(|v| !v.is_empty());
            let from_pointer = format!("{base}/valueFrom");
            if set.is_empty() {
                cx.report(
                    &from_pointer,
                    At::Key,
                    "`valueFrom` must name one of `fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`",
                );
                continue;
            } else if value_set {
                cx.report(
                    &from_pointer,
                    At::Key,
                    "`valueFrom` may not be given when `value` is not empty",
                );
            } else if set.len() > 1 {
                cx.report(
                    &from_pointer,
                    At::Key,
                    format!("`valueFrom` may name only one source, not {}", set.join(" and ")),
                );
            }
            if let Some(path) = from.pointer("/fieldRef/fieldPath").and_then(Node::as_str)
                && !field_path_ok(path)
            {
                cx.report(
                    &format!("{from_pointer}/fieldRef/fieldPath"),
                    At::Value,
                    format!("`fieldPath: {path}` is not a field the downward API exposes to environment variables (e.g. `metadata.name`, `status.podIP`, `metadata.labels['app']`)"),
                );
            }
            if let Some(resource) = from.pointer("/resourceFieldRef/resource").and_then(Node::as_str)
                && !RESOURCES.contains(&resource)
                && !resource.starts_with("limits.hugepages-")
                && !resource.starts_with("requests.hugepages-")
            {
                cx.report(
                    &format!("{from_pointer}/resourceFieldRef/resource"),
                    At::Value,
                    format!("`resource: {resource}` is not supported: use limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory or requests.ephemeral-storage"),
                );
            }
        }
        for (i, e) in c.node.seq_of("envFrom").iter().enumerate() {
            if e.as_map().is_none() {
                continue;
            }
            let base = c.field(&format!("envFrom/{i}"));
            if let Some(prefix) = e.get("prefix").and_then(Node::as_str)
                && !prefix.is_empty()
                && let Some(p) = name_problem(prefix)
            {
                cx.report(&format!("{base}/prefix"), At::Value, format!("`prefix: {prefix}` {p}"));
            }
            let n = ["configMapRef", "secretRef"]
                .iter()
                .filter(|s| e.get(s).is_some_and(|n| !n.is_null()))
                .count();
            if n == 0 {
                cx.report(
                    &base,
                    At::Key,
                    "an `envFrom` entry must name one of `configMapRef` or `secretRef`",
                );
            } else if n > 1 {
                cx.report(
                    &base,
                    At::Key,
                    "an `envFrom` entry may name only one of `configMapRef` or `secretRef`",
                );
            }
        }
    }
}
