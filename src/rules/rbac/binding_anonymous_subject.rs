//! `binding-anonymous-subject`: A binding grants permissions to anonymous or unauthenticated users.

use super::common::bound_role;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "binding-anonymous-subject",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A binding grants permissions to anonymous or unauthenticated users",
    rationale: "Subjects `system:anonymous` and `system:unauthenticated` are anyone who can reach the API server without credentials.",
    default_reason: "Error: binding a role to `system:anonymous` or `system:unauthenticated` grants it to anyone who reaches the API server.",
    remediation: "Remove the subject; grant the permission to authenticated identities only.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: public\nsubjects:\n  - {kind: Group, name: system:unauthenticated, apiGroup: rbac.authorization.k8s.io}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: public\nsubjects:\n  - {kind: Group, name: sre, apiGroup: rbac.authorization.k8s.io}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n",
    security_severity: Some("9.0"),
    kinds: &["RoleBinding", "ClusterRoleBinding"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if bound_role(object, inventory).is_none() {
        return;
    }
    for (i, s) in object.node().seq_of("subjects").iter().enumerate() {
        if let Some(name @ ("system:anonymous" | "system:unauthenticated")) = s.get("name").and_then(Node::as_str) {
            cx.report(
                &format!("/subjects/{i}/name"),
                At::Value,
                format!("the binding grants permissions to `{name}`"),
            );
        }
    }
}
