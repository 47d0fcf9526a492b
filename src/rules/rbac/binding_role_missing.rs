//! `binding-role-missing`: A binding refers to a role that is not in the inputs.

use super::common::{BINDING, bound_role};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "binding-role-missing",
    family: Family::Rbac,
    title: "A binding refers to a role that is not in the inputs",
    rationale: "A RoleBinding or ClusterRoleBinding whose role does not exist grants nothing (until someone creates a role of that name, with whatever rules). Built-in ClusterRoles (`cluster-admin`, `admin`, `edit`, `view`, `system:*`) and the Roles of `kube-system` (`extension-apiserver-authentication-reader`, `system::leader-locking-*`, `system:controller:*`) count as present. Reported only when the input holds other roles of that kind beside the binding (for a Role: in its namespace, or its folder when the binding names no namespace; for a ClusterRole: in the binding's folder): platforms and add-ons bring ClusterRoles of their own that a repository does not hold.",
    default_reason: "Warning: a binding to a role that does not exist grants nothing until someone creates a role of that name; reported only where the input holds that kind's roles.",
    remediation: "Fix `roleRef`, or add the role.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app\n  namespace: shop\nsubjects:\n  - {kind: ServiceAccount, name: app, namespace: shop}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: app-raeder}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app-reader\n  namespace: shop\nrules:\n  - {apiGroups: [\"\"], resources: [configmaps], verbs: [get]}\n",
    example_good: BINDING,
    kinds: &["RoleBinding", "ClusterRoleBinding"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some((kind, name, role)) = bound_role(object, inventory) else {
        return;
    };
    let builtin = match kind.as_str() {
        "ClusterRole" => is_builtin_cluster_role(&name),
        _ => object.namespace.as_deref() == Some("kube-system") && is_builtin_kube_system_role(&name),
    };
    if role.is_some() || builtin || !inventory.holds_beside("rbac.authorization.k8s.io", &kind, object) {
        return;
    }
    let place = match kind.as_str() {
        "Role" => format!("in namespace `{}`", object.namespace.as_deref().unwrap_or_default()),
        _ => "in the input".to_string(),
    };
    cx.report(
        "/roleRef/name",
        At::Value,
        format!("no {kind} `{name}` {place}, though other {kind}s are beside this binding"),
    );
}

/// ClusterRoles every cluster has (the user-facing ones and the `system:` ones).
fn is_builtin_cluster_role(name: &str) -> bool {
    matches!(name, "cluster-admin" | "admin" | "edit" | "view") || name.starts_with("system:")
}

/// Roles the API server and controller manager create in `kube-system`.
fn is_builtin_kube_system_role(name: &str) -> bool {
    name == "extension-apiserver-authentication-reader"
        || name.starts_with("system::leader-locking-")
        || name.starts_with("system:controller:")
}
