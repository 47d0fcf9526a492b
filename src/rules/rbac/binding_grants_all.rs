//! `binding-grants-all`: A binding grants cluster-admin or a role with wildcards.

use super::common::{BINDING, PolicyRule, bound_role, policy_rules};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "binding-grants-all",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A binding grants cluster-admin or a role with wildcards",
    rationale: "Binding `cluster-admin`, or a role (in the inputs) with a rule that may write every resource (`*` resources in every API group or the core group, with `*`, `create`, `update` or `patch`), gives the subjects every permission in scope, today's and future ones: whoever may write every Deployment, Secret or RoleBinding owns the scope. A `*` on named resources, on one other API group, or for reading only is left to `rbac-wildcard`.",
    default_reason: "Error: binding `cluster-admin` (or a role with every verb on every resource) to a workload's account makes a compromise of that pod a compromise of the cluster.",
    remediation: "Bind a role that lists only what the subjects need.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ci\nsubjects:\n  - {kind: ServiceAccount, name: ci, namespace: tools}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n",
    example_good: BINDING,
    security_severity: Some("9.0"),
    kinds: &["RoleBinding", "ClusterRoleBinding"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some((kind, name, role)) = bound_role(object, inventory) else {
        return;
    };
    if kind == "ClusterRole" && name == "cluster-admin" {
        cx.report("/roleRef/name", At::Value, "the binding grants cluster-admin");
    } else if let Some(role) = role
        && let Some(rule) = policy_rules(role).into_iter().find(writes_everything)
    {
        let verbs = if rule.verbs.contains(&"*") {
            "every verb".to_string()
        } else {
            rule.verbs.join(", ")
        };
        let groups = if rule.api_groups.contains(&"*") {
            "every API group"
        } else {
            "the core API group"
        };
        cx.report(
            "/roleRef/name",
            At::Value,
            format!(
                "the binding grants {kind} `{name}`, whose rule {} allows {verbs} on every resource of {groups}",
                rule.index + 1
            ),
        );
    }
}

/// A rule that may write any resource (`*` resources, without resource names) in every API
/// group or the core group, with `*` or a writing verb: as good as cluster-admin in its
/// scope (whoever may write every Deployment, Secret or RoleBinding owns the scope). A `*`
/// limited to named resources, one other group, or reads is `rbac-wildcard`'s business.
fn writes_everything(rule: &PolicyRule<'_>) -> bool {
    let writes = ["*", "create", "update", "patch"];
    !rule.has_names
        && rule.resources.contains(&"*")
        && (rule.api_groups.contains(&"*") || rule.api_groups.contains(&""))
        && rule.verbs.iter().any(|v| writes.contains(v))
}
