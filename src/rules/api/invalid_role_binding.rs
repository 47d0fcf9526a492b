//! `invalid-role-binding`: A RoleBinding or ClusterRoleBinding whose role reference or
//! subjects the API server rejects.

use super::common::{is_dns1123_subdomain, str_at};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-role-binding",
    family: Family::Api,
    severity: Severity::Error,
    title: "A binding's roleRef or subjects the API server rejects",
    rationale: "The API server checks bindings (`ValidateRoleBinding`, `ValidateClusterRoleBinding`, `ValidateRoleBindingSubject`): `roleRef.apiGroup` is rbac.authorization.k8s.io; a RoleBinding refers to a Role or a ClusterRole, a ClusterRoleBinding only to a ClusterRole; a subject's kind is ServiceAccount, User or Group; a ServiceAccount subject has no `apiGroup`, a valid name, and in a ClusterRoleBinding a `namespace`; User and Group subjects belong to rbac.authorization.k8s.io.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the role reference or subject as the message says.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: monitoring-read\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: prometheus\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: monitoring-read\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: prometheus\n    namespace: monitoring\n",
    kinds: &["RoleBinding", "ClusterRoleBinding"],
    ..RuleInfo::BASE
};

const RBAC: &str = "rbac.authorization.k8s.io";

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if object.group != RBAC {
        return;
    }
    let root = object.node();
    let cluster = object.kind == "ClusterRoleBinding";
    if let Some(group) = str_at(root, "/roleRef/apiGroup").filter(|g| !g.is_empty())
        && group != RBAC
    {
        cx.report(
            "/roleRef/apiGroup",
            At::Value,
            format!("`roleRef.apiGroup` must be `{RBAC}`, not `{group}`"),
        );
    }
    if let Some(kind) = str_at(root, "/roleRef/kind") {
        let allowed: &[&str] = if cluster {
            &["ClusterRole"]
        } else {
            &["Role", "ClusterRole"]
        };
        if !allowed.contains(&kind) {
            cx.report(
                "/roleRef/kind",
                At::Value,
                format!(
                    "a {} may refer to {}, not `{kind}`",
                    object.kind,
                    if cluster {
                        "a ClusterRole only"
                    } else {
                        "a Role or a ClusterRole"
                    }
                ),
            );
        }
    }
    if str_at(root, "/roleRef/name") == Some("") {
        cx.report("/roleRef/name", At::Value, "`roleRef.name` may not be empty");
    }
    for (i, s) in root.seq_of("subjects").iter().enumerate() {
        if s.as_map().is_none() {
            continue;
        }
        let base = format!("/subjects/{i}");
        let group = str_at(s, "/apiGroup").unwrap_or("");
        let name = str_at(s, "/name").unwrap_or("");
        // A null or absent name is a `schema-violation` (the schema requires it).
        if s.get("name").and_then(Node::as_str) == Some("") {
            cx.report(
                &format!("{base}/name"),
                At::Value,
                "a subject's `name` may not be empty",
            );
        }
        match str_at(s, "/kind") {
            Some("ServiceAccount") => {
                if !group.is_empty() {
                    cx.report(
                        &format!("{base}/apiGroup"),
                        At::Value,
                        format!(
                            "a ServiceAccount subject takes no `apiGroup` (it is in the core group), not `{group}`"
                        ),
                    );
                }
                if !name.is_empty() && !is_dns1123_subdomain(name) {
                    cx.report(
                        &format!("{base}/name"),
                        At::Value,
                        format!(
                            "`{name}` is not a valid ServiceAccount name (lower case letters, digits, '-' and '.')"
                        ),
                    );
                }
                if cluster && str_at(s, "/namespace").is_none_or(str::is_empty) {
                    let which = if name.is_empty() {
                        String::new()
                    } else {
                        format!(" `{name}`")
                    };
                    cx.report(
                        &base,
                        At::Key,
                        format!("ServiceAccount subject{which} of a ClusterRoleBinding needs a `namespace`"),
                    );
                }
            }
            Some(kind @ ("User" | "Group")) if !group.is_empty() && group != RBAC => {
                cx.report(
                    &format!("{base}/apiGroup"),
                    At::Value,
                    format!("a {kind} subject's `apiGroup` must be `{RBAC}`, not `{group}`"),
                );
            }
            Some("User" | "Group") => {}
            Some(_) => {
                super::common::check_enum(root, &format!("{base}/kind"), &["ServiceAccount", "User", "Group"], cx)
            }
            None => {}
        }
    }
}
