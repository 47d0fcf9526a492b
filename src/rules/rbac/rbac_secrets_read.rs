//! `rbac-secrets-read`: A role can read Secrets.

use super::common::policy_rules;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "rbac-secrets-read",
    family: Family::Rbac,
    title: "A role can read Secrets",
    rationale: "`get`, `list` or `watch` on secrets reveals every credential in scope (a ClusterRole: in every namespace it is bound to), including service account tokens that may carry more permissions.",
    default_reason: "Warning: reading Secrets is often needed by operators but always worth a second look.",
    remediation: "Grant `get` on the named Secrets the workload needs (`resourceNames`), or mount them instead of reading them through the API.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list, watch]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    resourceNames: [app-tls]\n    verbs: [get]\n",
    security_severity: Some("7.0"),
    kinds: &["Role", "ClusterRole"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        if r.reads_secrets() {
            cx.report(
                &r.item("resources", &r.resources, "secrets"),
                At::Value,
                format!("rule {} can read Secrets", r.index + 1),
            );
        }
    }
}
