//! `invalid-rbac-rule`: A Role or ClusterRole rule the API server rejects.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-rbac-rule",
    family: Family::Api,
    severity: Severity::Error,
    title: "A Role or ClusterRole rule is incomplete or mixes resources with non-resource URLs",
    rationale: "The API server checks each rule of a Role or ClusterRole (`ValidatePolicyRule`, `ValidateClusterRole`): `verbs` holds at least one verb; a resource rule names at least one of `apiGroups` (`\"\"` is the core group) and of `resources`; `nonResourceURLs` appear only in ClusterRoles and never together with `apiGroups`, `resources` or `resourceNames`; an `aggregationRule` has at least one `clusterRoleSelectors` entry.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Complete the rule (e.g. `apiGroups: [\"\"]`), or split resources and non-resource URLs into two rules of a ClusterRole.",
    example_bad: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: pod-reader\nrules:\n  - resources: [pods]\n    verbs: [get, list]\n",
    example_good: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: pod-reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [get, list]\n",
    kinds: &["Role", "ClusterRole"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if object.group != "rbac.authorization.k8s.io" {
        return;
    }
    let namespaced = object.kind == "Role";
    let root = object.node();
    for (i, rule) in root.seq_of("rules").iter().enumerate() {
        if rule.as_map().is_none() {
            continue;
        }
        let base = format!("/rules/{i}");
        let len = |k: &str| rule.get(k).and_then(Node::as_seq).map_or(0, <[_]>::len);
        // An absent `verbs` is a `schema-violation` (the schema requires it).
        if rule.get("verbs").and_then(Node::as_seq).is_some_and(<[_]>::is_empty) {
            cx.report(
                &format!("{base}/verbs"),
                At::Value,
                "`verbs` must hold at least one verb",
            );
        }
        if len("nonResourceURLs") > 0 {
            if namespaced {
                cx.report(
                    &format!("{base}/nonResourceURLs"),
                    At::Key,
                    "a Role's rules cannot apply to non-resource URLs: use a ClusterRole",
                );
            }
            if len("apiGroups") > 0 || len("resources") > 0 || len("resourceNames") > 0 {
                cx.report(
                    &format!("{base}/nonResourceURLs"),
                    At::Key,
                    "a rule cannot apply to both resources and non-resource URLs: split it in two",
                );
            }
            continue;
        }
        if len("apiGroups") == 0 {
            let (p, at) = if rule.get("apiGroups").is_some() {
                (format!("{base}/apiGroups"), At::Value)
            } else {
                (base.clone(), At::Key)
            };
            cx.report(
                &p,
                at,
                "a resource rule needs at least one entry in `apiGroups` (`\"\"` for the core group)",
            );
        }
        if len("resources") == 0 {
            let (p, at) = if rule.get("resources").is_some() {
                (format!("{base}/resources"), At::Value)
            } else {
                (base.clone(), At::Key)
            };
            cx.report(&p, at, "a resource rule needs at least one entry in `resources`");
        }
    }
    if object.kind == "ClusterRole"
        && let Some(agg) = root.get("aggregationRule").filter(|a| a.as_map().is_some())
        && agg.seq_of("clusterRoleSelectors").is_empty()
    {
        cx.report(
            "/aggregationRule",
            At::Key,
            "an `aggregationRule` needs at least one `clusterRoleSelectors` entry",
        );
    }
}
