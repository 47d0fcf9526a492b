//! `network-policy-selects-nothing`: A NetworkPolicy's podSelector selects no pod in the inputs.

use super::common::NP;
use crate::rules::prelude::*;
use crate::rules::selection::selects_nothing;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "network-policy-selects-nothing",
    family: Family::Network,
    title: "A NetworkPolicy's podSelector selects no pod in the inputs",
    rationale: "A policy whose `podSelector` matches no workload protects nothing, usually because of a label typo, while its authors believe the pods are isolated. An empty `podSelector` (every pod of the namespace) is never reported.",
    default_reason: "Warning: a policy that selects no pod in the input, while the input shows workloads there, usually has a typo; quiet where operators make the pods.",
    remediation: "Fix the selector's labels to match the pods' template labels.",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels: {app: wbe}\n  policyTypes: [Ingress]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Ingress]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    kinds: &["NetworkPolicy"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NP.0, NP.1) {
        return;
    }
    let Some(selector) = object.pod_selector() else { return };
    if selector.is_empty() {
        return;
    }
    let ns = object.namespace.as_deref().unwrap_or_default();
    if let Some(message) = selects_nothing(object, inventory, ns, &selector, "the podSelector") {
        cx.report("/spec/podSelector", At::Key, message);
    }
}
