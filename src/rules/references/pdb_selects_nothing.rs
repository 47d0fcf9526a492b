//! `pdb-selects-nothing`: A PodDisruptionBudget selects no pods in the inputs.

use crate::rules::prelude::*;
use crate::rules::selection::selects_nothing;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "pdb-selects-nothing",
    family: Family::References,
    title: "A PodDisruptionBudget selects no pods in the inputs",
    rationale: "A PDB whose selector matches no workload protects nothing during node drains.",
    default_reason: "Warning: a PDB that selects nothing protects nothing; quiet where the input does not show the namespace's workloads.",
    remediation: "Fix the selector to match the workload's pod labels.",
    example_bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: wbe}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
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
    if let Some(message) = selects_nothing(object, inventory, ns, &selector, "the selector") {
        cx.report("/spec/selector", At::Key, message);
    }
}
