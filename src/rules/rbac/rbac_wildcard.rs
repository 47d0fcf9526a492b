//! `rbac-wildcard`: A role grants `*` verbs, resources or API groups.

use super::common::policy_rules;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "rbac-wildcard",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A role grants `*` verbs, resources or API groups",
    rationale: "A wildcard grants everything that exists today and everything added tomorrow (new resources, CRDs, subresources); `*` on resources and verbs is cluster-admin in all but name.",
    default_reason: "Error: `*` on verbs and resources grants everything present and future in the scope, including what is added later.",
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
        cx.report(
            &r.item(field, list, "*"),
            At::Value,
            format!("rule {} grants `*` in {named}", r.index + 1),
        );
    }
}
