//! `replicas-not-spread`: Replicas may all land on one node.

use super::common::{SPREAD, is_replicated};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "replicas-not-spread",
    family: Family::Availability,
    title: "Replicas may all land on one node",
    rationale: "Several replicas protect against a node failure only if they run on different nodes (or zones); without pod anti-affinity or topology spread constraints the scheduler may stack them together.",
    remediation: "Add `topologySpreadConstraints` over `kubernetes.io/hostname` (and `topology.kubernetes.io/zone`), or a `podAntiAffinity` rule.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: SPREAD,
    kinds: &["Deployment", "StatefulSet"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !is_replicated(object) {
        return;
    }
    let Some(n) = object.replicas() else { return };
    if n < 2 && inventory.autoscaler_of(object).is_none() {
        return;
    }
    let Some(t) = object.pod_template() else { return };
    let spec = t.spec;
    let spread = spec
        .and_then(|s| s.get("topologySpreadConstraints"))
        .and_then(Node::as_seq)
        .is_some_and(|s| !s.is_empty());
    let anti = spec.and_then(|s| s.pointer("/affinity/podAntiAffinity")).is_some();
    if !spread && !anti {
        let (pointer, at) = match object.node().pointer("/spec/replicas") {
            Some(_) => ("/spec/replicas", At::Value),
            None => ("/spec", At::Key),
        };
        cx.report(
            pointer,
            at,
            format!("{n} replica(s) have no pod anti-affinity or topology spread constraints"),
        );
    }
}
