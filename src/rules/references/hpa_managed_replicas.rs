//! `hpa-managed-replicas`: A workload sets `replicas` while an HPA manages it.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "hpa-managed-replicas",
    family: Family::References,
    severity: Severity::Info,
    title: "A workload sets `replicas` while an HPA manages it",
    rationale: "Every `kubectl apply` of a manifest with `replicas` resets the count the HPA chose, so each deploy briefly scales the workload to the written number.",
    default_reason: "Info: `replicas` on an HPA-managed workload is reset on every apply, briefly scaling it; a cleanup, not a defect.",
    remediation: "Remove `spec.replicas` from workloads an HPA scales.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 6\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 6\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if object.pod_template().is_none() || object.node().pointer("/spec/replicas").is_none() {
        return;
    }
    if let Some(hpa) = inventory.autoscaler_of(object) {
        cx.report(
            "/spec/replicas",
            At::Value,
            format!(
                "HorizontalPodAutoscaler `{}` manages the replica count; `kubectl apply` resets it to this value",
                hpa.name.as_deref().unwrap_or("?")
            ),
        );
    }
}
