//! `rbac-workload-create`: A role can create pods or workloads.

use super::common::policy_rules;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "rbac-workload-create",
    family: Family::Rbac,
    title: "A role can create pods or workloads",
    rationale: "Whoever can create a pod (directly or through a Deployment, Job, ...) can run it as any service account of the namespace and mount any Secret there: pod creation implies access to all of them.",
    default_reason: "Warning: creating pods (or workloads) lets the holder run any image with any service account in the namespace.",
    remediation: "Grant workload creation only to deployment tooling; application service accounts rarely need it.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [batch]\n    resources: [jobs]\n    verbs: [create, get]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\nrules:\n  - apiGroups: [batch]\n    resources: [jobs]\n    verbs: [get, list]\n",
    security_severity: Some("6.0"),
    kinds: &["Role", "ClusterRole"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        if !r.grants(&["create"]) {
            continue;
        }
        for (group, resource) in WORKLOADS {
            if r.resources.contains(&resource) && r.covers(group, resource) {
                cx.report(
                    &r.item("resources", &r.resources, resource),
                    At::Value,
                    format!("rule {} can create {resource}", r.index + 1),
                );
            }
        }
    }
}

/// Workload kinds by API group.
const WORKLOADS: [(&str, &str); 8] = [
    ("", "pods"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
];
