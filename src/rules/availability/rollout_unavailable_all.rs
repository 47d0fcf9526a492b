//! `rollout-unavailable-all`: A rolling update may take every replica down at once.

use super::common::is_replicated;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "rollout-unavailable-all",
    family: Family::Availability,
    severity: crate::vocab::Severity::Error,
    title: "A rolling update may take every replica down at once",
    rationale: "When `maxUnavailable` is 100% or at least the replica count, a rollout may stop every old pod before a new one is ready: each deploy is an outage.",
    default_reason: "Error: a rollout that may take every replica down at once is an outage on every deploy.",
    remediation: "Lower `strategy.rollingUpdate.maxUnavailable` (e.g. `25%` or `0` with `maxSurge: 1`).",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxUnavailable: \"100%\"}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    kinds: &["Deployment", "StatefulSet"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !is_replicated(object) {
        return;
    }
    let field = if object.kind == "Deployment" {
        "/spec/strategy/rollingUpdate/maxUnavailable"
    } else {
        "/spec/updateStrategy/rollingUpdate/maxUnavailable"
    };
    let Some(node) = object.node().pointer(field) else {
        return;
    };
    let Some(n) = object.replicas() else { return };
    let text = scalar_text(node).unwrap_or_default();
    let all = match text.strip_suffix('%') {
        // Over 100% the API server rejects a Deployment (`invalid-rollout-strategy`).
        Some(p) if object.kind == "Deployment" => p.trim().parse::<f64>().is_ok_and(|p| p == 100.0),
        Some(p) => p.trim().parse::<f64>().is_ok_and(|p| p >= 100.0),
        None => node.as_i64().is_some_and(|m| m >= n && n > 0),
    };
    if all {
        cx.report(
            field,
            At::Value,
            format!("`maxUnavailable: {text}` lets a rollout take all {n} replica(s) down at once"),
        );
    }
}
