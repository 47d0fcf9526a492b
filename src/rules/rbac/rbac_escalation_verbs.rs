//! `rbac-escalation-verbs`: A role grants `escalate`, `bind` or `impersonate`.

use super::common::policy_rules;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "rbac-escalation-verbs",
    family: Family::Rbac,
    severity: Severity::Error,
    title: "A role grants `escalate`, `bind` or `impersonate`",
    rationale: "`escalate` and `bind` let the subject create or bind roles with more permissions than it has; `impersonate` lets it act as any user, group or service account. Each is a path to cluster-admin.",
    default_reason: "Error: `escalate`, `bind` and `impersonate` let the holder grant itself any permission.",
    remediation: "Remove the verb; grant it only to the few controllers that manage RBAC, and review them.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: deployer\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [clusterroles]\n    verbs: [get, bind, escalate]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: deployer\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [clusterroles]\n    verbs: [get, list]\n",
    security_severity: Some("9.0"),
    kinds: &["Role", "ClusterRole"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for r in policy_rules(object) {
        for verb in ["escalate", "bind", "impersonate"] {
            if r.verbs.contains(&verb) {
                cx.report(
                    &r.item("verbs", &r.verbs, verb),
                    At::Value,
                    format!("rule {} grants the `{verb}` verb", r.index + 1),
                );
            }
        }
    }
}
