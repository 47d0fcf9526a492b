//! `rbac-wildcard`: A role grants `*` verbs, resources or API groups.

use super::common::policy_rules;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "rbac-wildcard",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A role grants `*` verbs, resources or API groups",
    rationale: "A wildcard grants everything that exists today and everything added tomorrow (new resources, CRDs, subresources); `*` on resources and verbs is cluster-admin in all but name.",
    default_reason: "Error: where the wildcard reaches every resource of the core group (or of every group), or any verb on Secrets, pods, workloads, RBAC or admission: cluster-admin in all but name. A warning where it is scoped (`*` verbs on a few custom resources, `update` on `*/finalizers`, read-only `*` in one metrics group): it still grants what is added later (12 such findings on the shared corpus were judged so).",
    remediation: "List the API groups, resources and verbs the subject needs.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"*\"]\n    verbs: [get, list]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [\"\"]\n    resources: [configmaps]\n    verbs: [get, list]\n",
    security_severity: Some("8.0"),
    kinds: &["Role", "ClusterRole"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        // One finding per rule, at its first wildcard, naming every field that has one.
        let wild: Vec<(&str, &Vec<&str>)> = [
            ("apiGroups", &r.api_groups),
            ("resources", &r.resources),
            ("verbs", &r.verbs),
        ]
        .into_iter()
        .filter(|(_, list)| list.contains(&"*"))
        .collect();
        let Some((field, list)) = wild.first() else { continue };
        let fields: Vec<&str> = wild.iter().map(|(f, _)| *f).collect();
        let named = match fields.as_slice() {
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
            [] => unreachable!("wild is not empty"),
        };
        let pointer = r.item(field, list, "*");
        let message = format!("rule {} grants `*` in {named}", r.index + 1);
        if broad(&r) {
            cx.report(&pointer, At::Value, message);
        } else {
            cx.report_at_most(
                Severity::Warning,
                &pointer,
                At::Value,
                format!("{message}, within a scope that neither reads Secrets, runs code nor changes RBAC"),
            );
        }
    }
}

/// Resources whose wildcard grant is a critical hole: reading Secrets, running code (pods,
/// workloads, exec), acting as another identity, changing RBAC or admission.
const SENSITIVE: [(&str, &str); 19] = [
    ("", "secrets"),
    ("", "pods"),
    ("", "pods/exec"),
    ("", "pods/attach"),
    ("", "serviceaccounts"),
    ("", "serviceaccounts/token"),
    ("", "nodes"),
    ("", "nodes/proxy"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("rbac.authorization.k8s.io", "roles"),
    ("rbac.authorization.k8s.io", "clusterroles"),
    ("rbac.authorization.k8s.io", "rolebindings"),
    ("rbac.authorization.k8s.io", "clusterrolebindings"),
    ("admissionregistration.k8s.io", "validatingwebhookconfigurations"),
    ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
];

/// Whether a rule's wildcard reaches what makes it cluster-admin in all but name: every
/// resource of the core group (or of every group), or any verb on a sensitive resource.
/// Scoped wildcards (`*` verbs on a few custom resources, `update` on `*/finalizers`,
/// read-only `*` within one metrics API group) are a warning.
fn broad(r: &super::common::PolicyRule<'_>) -> bool {
    let every_resource = r.resources.contains(&"*");
    let every_group = r.api_groups.contains(&"*");
    if every_resource && (every_group || r.api_groups.contains(&"")) {
        return true;
    }
    let writes = [
        "create",
        "update",
        "patch",
        "delete",
        "deletecollection",
        "escalate",
        "bind",
        "impersonate",
    ];
    r.verbs.contains(&"*") && SENSITIVE.iter().any(|(g, res)| r.covers(g, res))
        || every_resource
            && r.grants(&writes)
            && SENSITIVE.iter().any(|(g, _)| !g.is_empty() && r.api_groups.contains(g))
        || every_group && r.grants(&writes) && SENSITIVE.iter().any(|(_, res)| r.resources.contains(res))
}
