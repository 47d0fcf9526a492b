//! `binding-secrets-cluster-wide`: A ClusterRoleBinding lets a service account read Secrets in every namespace.

use super::common::{PolicyRule, bound_role, policy_rules};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "binding-secrets-cluster-wide",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A ClusterRoleBinding lets a service account read Secrets in every namespace",
    rationale: "A service account bound cluster-wide to a role (in the inputs) that reads Secrets can read every credential of the cluster; anyone who can run a pod as that account can too.",
    default_reason: "Error: reading Secrets in every namespace exposes every credential of the cluster.",
    remediation: "Bind the role per namespace with RoleBindings, or narrow it to named Secrets.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: reader\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: secret-reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\n  namespace: shop\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: secret-reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    resourceNames: [app-tls]\n    verbs: [get]\n",
    security_severity: Some("8.0"),
    kinds: &["ClusterRoleBinding"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("rbac.authorization.k8s.io", "ClusterRoleBinding") {
        return;
    }
    let Some((_, name, Some(role))) = bound_role(object, inventory) else {
        return;
    };
    if !policy_rules(role).iter().any(PolicyRule::reads_secrets) {
        return;
    }
    for (i, s) in object.node().seq_of("subjects").iter().enumerate() {
        if s.get("kind").and_then(Node::as_str) == Some("ServiceAccount") {
            let who = s.get("name").and_then(Node::as_str).unwrap_or("?");
            cx.report(
                &format!("/subjects/{i}"),
                At::Value,
                format!("service account `{who}` can read Secrets in every namespace through ClusterRole `{name}`"),
            );
        }
    }
}
