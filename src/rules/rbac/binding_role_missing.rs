//! `binding-role-missing`: A binding refers to a role that is not in the inputs.

use super::common::{BINDING, bound_role};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "binding-role-missing",
    family: Family::Rbac,
    title: "A binding refers to a role that is not in the inputs",
    rationale: "A RoleBinding or ClusterRoleBinding whose role does not exist grants nothing (until someone creates a role of that name, with whatever rules). Built-in ClusterRoles (`cluster-admin`, `admin`, `edit`, `view`, `system:*`) count as present.",
    remediation: "Fix `roleRef`, or add the role.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app\n  namespace: shop\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-raeder}\n",
    example_good: BINDING,
    kinds: &["RoleBinding", "ClusterRoleBinding"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some((kind, name, role)) = bound_role(object, inventory) else {
        return;
    };
    if role.is_none() && !(kind == "ClusterRole" && is_builtin_cluster_role(&name)) {
        cx.report(
            "/roleRef/name",
            At::Value,
            format!("no {kind} `{name}` among the inputs"),
        );
    }
}

fn is_builtin_cluster_role(name: &str) -> bool {
    matches!(name, "cluster-admin" | "admin" | "edit" | "view") || name.starts_with("system:")
}
