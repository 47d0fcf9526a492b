//! `rbac-aggregates-to-admin`: A ClusterRole aggregates into the built-in admin or edit roles.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "rbac-aggregates-to-admin",
    family: Family::Rbac,
    title: "A ClusterRole aggregates into the built-in admin or edit roles",
    rationale: "The `aggregate-to-admin` and `aggregate-to-edit` labels add this role's rules to `admin` and `edit`, which are bound widely: every namespace admin or editor silently gains them.",
    default_reason: "Warning: aggregation labels silently extend the built-in admin/edit/view roles for every user who holds them.",
    remediation: "Remove the aggregation label, or make sure the rules are safe for everyone holding `admin`/`edit`.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: widgets-admin\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-admin: \"true\"\nrules:\n  - apiGroups: [example.com]\n    resources: [widgets]\n    verbs: [get, list, create, delete]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: widgets-view\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: \"true\"\nrules:\n  - apiGroups: [example.com]\n    resources: [widgets]\n    verbs: [get, list]\n",
    security_severity: Some("5.0"),
    kinds: &["ClusterRole"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("rbac.authorization.k8s.io", "ClusterRole") {
        return;
    }
    for target in ["admin", "edit"] {
        let label = format!("rbac.authorization.k8s.io/aggregate-to-{target}");
        if object.labels.get(&label) == Some("true") {
            let pointer = crate::load::node::pointer_push("/metadata/labels", &label);
            cx.report(
                &pointer,
                At::Key,
                format!("the ClusterRole aggregates into the built-in `{target}` role"),
            );
        }
    }
}
