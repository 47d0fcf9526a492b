//! `replicas-too-low`: A Deployment or StatefulSet runs fewer replicas than the minimum.

use super::common::{SPREAD, is_replicated};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "replicas-too-low",
    family: Family::Availability,
    severity: Severity::Info,
    title: "A Deployment or StatefulSet runs fewer replicas than the minimum",
    rationale: "With a single replica every node drain, eviction or crash is an outage. Workloads whose replica count an HorizontalPodAutoscaler in the inputs manages are not reported.",
    default_reason: "Info: a single replica is an outage on every drain, but controllers with leader election, batch-like services and small internal tools run one on purpose (234 findings on the shared corpus, mostly operators); worth knowing, not worth failing on. Raise it per repository with `severity: warning`.",
    remediation: "Run at least `minReplicas` replicas (2 by default), or let an HPA manage the count.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: SPREAD,
    params: &[ParamInfo {
        name: "minReplicas",
        ty: ParamType::Integer,
        description: "The smallest acceptable replica count.",
        default: "2",
    }],
    kinds: &["Deployment", "StatefulSet"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !is_replicated(object) || inventory.autoscaler_of(object).is_some() {
        return;
    }
    let min = cx.param("minReplicas").and_then(|v| v.as_i64()).unwrap_or(2);
    let Some(n) = object.replicas() else { return };
    if n >= min || n == 0 {
        return; // 0 is a deliberate scale-down
    }
    match object.node().pointer("/spec/replicas") {
        Some(_) => cx.report(
            "/spec/replicas",
            At::Value,
            format!("{} runs {n} replica(s); the minimum is {min}", object.kind),
        ),
        None => cx.report(
            "/spec",
            At::Key,
            format!(
                "{} runs 1 replica (`replicas` is not set); the minimum is {min}",
                object.kind
            ),
        ),
    }
}
