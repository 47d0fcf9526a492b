//! `hpa-min-equals-max`: An autoscaler cannot scale (minReplicas equals maxReplicas).

use super::common::hpa_spec;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "hpa-min-equals-max",
    family: Family::Availability,
    title: "An autoscaler cannot scale (minReplicas equals maxReplicas)",
    rationale: "With `minReplicas` equal to `maxReplicas` the HPA never changes the replica count: it only hides a fixed size behind an autoscaler.",
    default_reason: "Warning: an HPA whose bounds are equal never scales; usually left over from a test.",
    remediation: "Give the HPA room (`maxReplicas` above `minReplicas`), or remove it and set `replicas` on the workload.",
    example_bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 3\n",
    example_good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 9\n",
    kinds: &["HorizontalPodAutoscaler"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(spec) = hpa_spec(object) else { return };
    let min = spec.get("minReplicas").and_then(Node::as_i64).unwrap_or(1);
    if spec.get("maxReplicas").and_then(Node::as_i64) == Some(min) {
        cx.report(
            "/spec/maxReplicas",
            At::Value,
            format!("minReplicas and maxReplicas are both {min}: the autoscaler cannot scale"),
        );
    }
}
