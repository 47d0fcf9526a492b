//! `pdb-blocks-eviction`: A PodDisruptionBudget allows no eviction at all.

use super::common::replicas;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "pdb-blocks-eviction",
    family: Family::References,
    title: "A PodDisruptionBudget allows no eviction at all",
    rationale: "With `minAvailable` at or above the number of replicas it selects (or `maxUnavailable: 0`), no pod can ever be evicted: node drains and cluster upgrades hang on it. Where an HPA manages a selected workload, its `minReplicas` counts (the HPA may scale down to it); a selected workload whose replica count the input cannot tell (a DaemonSet, a Job) stops the check.",
    default_reason: "Warning: a PDB that allows no eviction hangs node drains and cluster upgrades.",
    remediation: "Set `minAvailable` below the replica count (or `maxUnavailable: 1`).",
    example_bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels: {app: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    kinds: &["PodDisruptionBudget"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("policy", "PodDisruptionBudget") {
        return;
    }
    let Some(selector) = object.pod_selector() else { return };
    let ns = object.namespace.as_deref().unwrap_or_default();
    let spec = object.node().get("spec");
    if let Some(m) = spec.and_then(|s| s.get("maxUnavailable")).and_then(scalar_text)
        && (m == "0" || m == "0%")
    {
        cx.report(
            "/spec/maxUnavailable",
            At::Value,
            "`maxUnavailable: 0` allows no eviction: node drains will hang",
        );
        return;
    }
    let Some(min_node) = spec.and_then(|s| s.get("minAvailable")) else {
        return;
    };
    // The fewest replicas each selected workload may run: an HPA's `minReplicas` where one
    // manages it. A selected workload whose count is unknown (a DaemonSet, a Job) stops the
    // check: the total would be a guess.
    let mut total = 0;
    let mut scaled = Vec::new();
    for w in inventory.pods_selected(ns, &selector) {
        let fewest = match inventory.autoscaler_of(w) {
            Some(hpa) => {
                scaled.push(hpa.name.clone().unwrap_or_default());
                hpa.node().pointer("/spec/minReplicas").map_or(Some(1), Node::as_i64)
            }
            None if w.is("", "Pod") => Some(1),
            None => replicas(w),
        };
        let Some(fewest) = fewest else { return };
        total += fewest;
    }
    if total == 0 {
        return;
    }
    let min = scalar_text(min_node).unwrap_or_default();
    let blocks = match min.strip_suffix('%') {
        Some(p) => p.parse::<f64>().is_ok_and(|p| p >= 100.0),
        None => min_node.as_i64().is_some_and(|m| m >= total),
    };
    if blocks {
        cx.report(
            "/spec/minAvailable",
            At::Value,
            match scaled.as_slice() {
                [] => format!("`minAvailable: {min}` with {total} selected replica(s) allows no eviction: node drains will hang"),
                hpas => format!(
                    "`minAvailable: {min}` with {total} selected replica(s) when scaled to the minimum of HPA {} allows no eviction: node drains will hang",
                    hpas.join(", ")
                ),
            },
        );
    }
}
