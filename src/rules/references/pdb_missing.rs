//! `pdb-missing`: A replicated workload has no PodDisruptionBudget.

use super::common::replicas;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "pdb-missing",
    family: Family::References,
    title: "A replicated workload has no PodDisruptionBudget",
    rationale: "Without a PDB a node drain may evict all replicas of a workload at once. Workloads with at least 2 replicas (or managed by an HPA) are checked against the PDBs of their namespace in the inputs.",
    default_reason: "Warning: replicated workloads without a PDB can all be evicted at once by a drain.",
    remediation: "Add a PodDisruptionBudget selecting the workload's pods with `maxUnavailable: 1` (or a `minAvailable` below the replica count).",
    example_bad: WEB,
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n",
    kinds: &["Deployment", "StatefulSet"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some(n) = replicas(object).filter(|_| object.is("apps", "Deployment") || object.is("apps", "StatefulSet"))
    else {
        return;
    };
    if n < 2 && inventory.autoscaler_of(object).is_none() {
        return;
    }
    if object.pod_template().is_none() {
        return;
    }
    let covered = inventory
        .selecting(
            "policy",
            "PodDisruptionBudget",
            object.namespace.as_deref(),
            &object.pod_labels,
        )
        .iter()
        .any(|(_, s)| !s.is_empty());
    if !covered {
        cx.report(
            "/metadata/name",
            At::Value,
            format!("{n} replica(s) and no PodDisruptionBudget selects these pods"),
        );
    }
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n";
