//! `invalid-name`: An object name the API server rejects for its kind, beyond the DNS
//! subdomain rule that `invalid-metadata` checks.

use super::common::{is_dns1123_label, is_dns1123_subdomain};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-name",
    family: Family::Api,
    severity: Severity::Error,
    title: "A name or generateName the API server rejects for this kind",
    rationale: "Some kinds restrict names more than the DNS-1123 subdomain rule: a StatefulSet's name must be a DNS label (its pods' hostnames derive from it), a CronJob's name at most 52 characters (the controller appends an 11-character suffix to name its Jobs), a Job's name at most 63 characters (it becomes the `job-name` label of its pods). `generateName` follows the kind's name rule too. The API server rejects these objects (`ValidateObjectMeta` with the kind's name function).",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Shorten or rename the object as the message says.",
    example_bad: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly-report-generation-for-the-finance-department-v2\nspec:\n  schedule: \"0 2 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:1.4.2\n",
    example_good: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: finance-nightly-report\nspec:\n  schedule: \"0 2 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:1.4.2\n",
    ..RuleInfo::BASE
};

/// Names `invalid-metadata` already reports (a DNS subdomain for most kinds, a DNS label
/// for Namespaces and Services, RBAC path segments): this rule checks only what it does not.
fn metadata_rule_accepts(object: &Object, name: &str) -> bool {
    match (object.group.as_str(), object.kind.as_str()) {
        ("", "Namespace" | "Service") => is_dns1123_label(name),
        ("rbac.authorization.k8s.io", _) => true,
        _ => is_dns1123_subdomain(name),
    }
}

/// `maskTrailingDash`: a generateName prefix may end with '-'.
fn masked(prefix: &str) -> String {
    match prefix.strip_suffix('-') {
        Some(p) if !p.is_empty() => format!("{p}a"),
        _ => prefix.to_string(),
    }
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(meta) = object.node().get("metadata") else {
        return;
    };
    let manual_selector = object.node().pointer("/spec/manualSelector").and_then(Node::as_bool) == Some(true);
    let label_kind = matches!((object.group.as_str(), object.kind.as_str()), ("apps", "StatefulSet"));
    if let Some(name) = meta.get("name").and_then(Node::as_str)
        && !name.is_empty()
        && metadata_rule_accepts(object, name)
    {
        let problem = if label_kind && !is_dns1123_label(name) {
            Some(format!(
                "StatefulSet name `{name}` must be a DNS label: at most 63 characters of lower case letters, digits and '-' (no '.')"
            ))
        } else if object.is("batch", "CronJob") && name.len() > 52 {
            Some(format!(
                "CronJob name `{name}` is {} characters; at most 52 are allowed (its Jobs are named `<name>-<11-character suffix>`, at most 63)",
                name.len()
            ))
        } else if object.is("batch", "Job") && !manual_selector && name.len() > 63 {
            Some(format!(
                "Job name `{name}` is {} characters; at most 63 are allowed (it becomes the value of the pods' `job-name` label)",
                name.len()
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            cx.report("/metadata/name", At::Value, p);
        }
    }
    if let Some(prefix) = meta.get("generateName").and_then(Node::as_str)
        && !prefix.is_empty()
    {
        let m = masked(prefix);
        let ok = match (object.group.as_str(), object.kind.as_str()) {
            ("", "Namespace" | "Service") | ("apps", "StatefulSet") => is_dns1123_label(&m),
            ("rbac.authorization.k8s.io", _) => !prefix.contains('/') && !prefix.contains('%'),
            _ => is_dns1123_subdomain(&m),
        };
        if !ok {
            cx.report(
                "/metadata/generateName",
                At::Value,
                format!(
                    "generateName `{prefix}` is not a valid name prefix for a {}: lower case letters, digits, '-'{} only, starting with a letter or digit",
                    object.kind,
                    if matches!(object.kind.as_str(), "Namespace" | "Service" | "StatefulSet") { "" } else { " and '.'" }
                ),
            );
        }
    }
}
