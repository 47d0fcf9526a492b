//! `hpa-target-missing`: An HorizontalPodAutoscaler targets a workload that is not in the inputs.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "hpa-target-missing",
    family: Family::References,
    title: "An HorizontalPodAutoscaler targets a workload that is not in the inputs",
    rationale: "An HPA whose `scaleTargetRef` names no existing object scales nothing, usually after a rename.",
    remediation: "Fix `scaleTargetRef` (kind and name), or add the workload.",
    example_bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: wbe}\n  minReplicas: 2\n  maxReplicas: 6\n",
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
    if inventory.find(kind, object.namespace.as_deref(), name).is_none() {
        cx.report(
            "/spec/scaleTargetRef/name",
            At::Value,
            format!(
                "no {kind} `{name}` in namespace `{}` among the inputs",
                object.namespace.as_deref().unwrap_or("default")
            ),
        );
    }
}
