//! `rbac-pod-exec`: A role can exec or attach into pods.

use super::common::policy_rules;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "rbac-pod-exec",
    family: Family::Rbac,
    title: "A role can exec or attach into pods",
    rationale: "`pods/exec` and `pods/attach` give a shell in any pod in scope, with that pod's service account token, mounted secrets and network position.",
    default_reason: "Warning: `pods/exec` runs commands in any pod of the scope, with its secrets; a reviewer asks whether it is needed.",
    remediation: "Remove the grant; give interactive debugging access through a separate, audited role bound only when needed.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: support\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods, pods/exec]\n    verbs: [get, create]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: support\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods, pods/log]\n    verbs: [get]\n",
    security_severity: Some("7.0"),
    kinds: &["Role", "ClusterRole"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        for sub in ["pods/exec", "pods/attach"] {
            if r.resources.contains(&sub) && r.covers("", sub) && r.grants(&["create", "get"]) {
                cx.report(
                    &r.item("resources", &r.resources, sub),
                    At::Value,
                    format!("rule {} grants `{sub}`", r.index + 1),
                );
            }
        }
    }
}
