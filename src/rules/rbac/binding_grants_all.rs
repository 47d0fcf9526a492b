//! `binding-grants-all`: A binding grants cluster-admin or a role with wildcards.

use super::common::{BINDING, bound_role, policy_rules};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "binding-grants-all",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A binding grants cluster-admin or a role with wildcards",
    rationale: "Binding `cluster-admin`, or a role (in the inputs) whose rules use `*`, gives the subjects every permission in scope, today's and future ones.",
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
        && policy_rules(role)
            .iter()
            .any(|r| r.api_groups.contains(&"*") || r.resources.contains(&"*") || r.verbs.contains(&"*"))
    {
        cx.report(
            "/roleRef/name",
            At::Value,
            format!("the binding grants {kind} `{name}`, whose rules use `*`"),
        );
    }
}
