//! `non-isolated-workload`: No NetworkPolicy isolates a workload's pods.

use super::common::{NP, directions};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "non-isolated-workload",
    family: Family::Network,
    title: "No NetworkPolicy isolates a workload's pods",
    rationale: "Pods that no NetworkPolicy selects accept traffic from, and send it to, anything in the cluster: one compromised pod can reach them all. The rule says whether ingress, egress or both are open. It assumes the namespace's policies are among the inputs; an empty `podSelector` selects every pod of its namespace.",
    default_reason: "Warning: a workload without any NetworkPolicy accepts traffic from every pod of the cluster.",
    remediation: "Add a NetworkPolicy selecting the workload's pods (or a namespace-wide default-deny) with `policyTypes: [Ingress, Egress]`.",
    example_bad: WEB,
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
    security_severity: Some("5.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if object.pod_template().is_none() {
        return;
    }
    let (mut ingress, mut egress) = (false, false);
    for (p, _) in inventory.selecting(NP.0, NP.1, object.namespace.as_deref(), &object.pod_labels) {
        let (i, e) = directions(p);
        ingress |= i;
        egress |= e;
    }
    let open = match (ingress, egress) {
        (true, true) => return,
        (false, false) => "ingress and egress are",
        (true, false) => "egress is",
        (false, true) => "ingress is",
    };
    let ns = object.namespace.as_deref().unwrap_or("default");
    cx.report(
        "/metadata/name",
        At::Value,
        format!("no NetworkPolicy in namespace `{ns}` selects these pods: {open} not isolated"),
    );
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n";
