//! `hpa-target-missing`: An HorizontalPodAutoscaler targets a workload that is not in the inputs.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "hpa-target-missing",
    family: Family::References,
    title: "An HorizontalPodAutoscaler targets a workload that is not in the inputs",
    rationale: "An HPA whose `scaleTargetRef` names no existing object scales nothing, usually after a rename. Reported only when the input holds other objects of the target's kind beside the HPA (same namespace; without `metadata.namespace`, same folder): otherwise the input does not show them.",
    default_reason: "Warning: an HPA targeting nothing scales nothing; reported only where the input holds that kind's objects.",
    remediation: "Fix `scaleTargetRef` (kind and name), or add the workload.",
    example_bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: wbe}\n  minReplicas: 2\n  maxReplicas: 6\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 6\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    kinds: &["HorizontalPodAutoscaler"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("autoscaling", "HorizontalPodAutoscaler") {
        return;
    }
    let (Some(kind), Some(name)) = (
        object
            .node()
            .pointer("/spec/scaleTargetRef/kind")
            .and_then(Node::as_str),
        object
            .node()
            .pointer("/spec/scaleTargetRef/name")
            .and_then(Node::as_str),
    ) else {
        return;
    };
    // A workload of another kind with that name: the usual mistake.
    if let Some(other) = ["Deployment", "StatefulSet", "ReplicaSet"]
        .iter()
        .filter(|k| **k != kind)
        .find_map(|k| inventory.find(k, object.namespace.as_deref(), name))
    {
        cx.report(
            "/spec/scaleTargetRef/kind",
            At::Value,
            format!(
                "no {kind} `{name}` in the input, but a {} `{name}` is there",
                other.kind
            ),
        );
        return;
    }
    let group = object
        .node()
        .pointer("/spec/scaleTargetRef/apiVersion")
        .and_then(Node::as_str)
        .and_then(|v| v.rsplit_once('/'))
        .map_or("", |(g, _)| g);
    let group = if kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet" {
        "apps"
    } else {
        group
    };
    if !inventory.holds_beside(group, kind, object) {
        return;
    }
    if inventory.find(kind, object.namespace.as_deref(), name).is_none() {
        cx.report(
            "/spec/scaleTargetRef/name",
            At::Value,
            format!(
                "no {kind} `{name}` in namespace `{}` of the input, though other {kind}s are there",
                object.namespace.as_deref().unwrap_or("default")
            ),
        );
    }
}
