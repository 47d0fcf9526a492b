//! `hpa-min-replicas-too-low`: An autoscaler may scale down to a single replica.

use super::common::hpa_spec;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "hpa-min-replicas-too-low",
    family: Family::Availability,
    title: "An autoscaler may scale down to a single replica",
    rationale: "`minReplicas` below 2 (1 is the default) lets quiet hours scale the workload to one pod, and the next node drain is an outage.",
    default_reason: "Warning: an HPA that may scale to one replica gives up availability whenever load is low.",
    remediation: "Set `spec.minReplicas: 2` or more.",
    example_bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 10\n",
    example_good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n",
    kinds: &["HorizontalPodAutoscaler"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(spec) = hpa_spec(object) else { return };
    match spec.get("minReplicas").and_then(Node::as_i64) {
        // Below 1, the API server rejects the autoscaler: `invalid-hpa` says so.
        Some(n) if n < 1 => {}
        Some(n) if n < 2 => cx.report(
            "/spec/minReplicas",
            At::Value,
            format!("the autoscaler may scale down to {n} replica(s)"),
        ),
        Some(_) => {}
        None => cx.report(
            "/spec",
            At::Key,
            "the autoscaler may scale down to 1 replica (`minReplicas` is not set)",
        ),
    }
}
