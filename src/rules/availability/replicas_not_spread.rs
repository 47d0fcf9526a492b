//! `replicas-not-spread`: Replicas may all land on one node.

use super::common::{SPREAD, is_replicated};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "replicas-not-spread",
    family: Family::Availability,
    title: "Replicas may all land on one node",
    rationale: "Several replicas protect against a node failure only if they run on different nodes (or zones); without pod anti-affinity or topology spread constraints the scheduler may stack them together. A term counts only when it names a topology key and its label selector matches the workload's own pods (a selector for other pods, or none, spreads nothing). With an HPA, its `maxReplicas` is the count that matters.",
    default_reason: "Warning: replicas stacked on one node fail together; a reviewer asks for spreading once there are several.",
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
    // With an HPA, the most replicas it may run decides whether several can stack up.
    let hpa_max = inventory
        .autoscaler_of(object)
        .and_then(|h| h.node().pointer("/spec/maxReplicas"))
        .and_then(Node::as_i64);
    let most = hpa_max.unwrap_or(n);
    if most < 2 {
        return;
    }
    let Some(t) = object.pod_template() else { return };
    let spec = t.spec;
    let spread = spec
        .and_then(|s| s.get("topologySpreadConstraints"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    let anti = spec.and_then(|s| s.pointer("/affinity/podAntiAffinity"));
    let mut terms: Vec<&Node> = spread.iter().collect();
    if let Some(anti) = anti {
        terms.extend(anti.seq_of("requiredDuringSchedulingIgnoredDuringExecution"));
        terms.extend(
            anti.seq_of("preferredDuringSchedulingIgnoredDuringExecution")
                .iter()
                .filter_map(|p| p.get("podAffinityTerm")),
        );
    }
    // A term spreads this workload's replicas when it names a topology key and its
    // selector matches the workload's own pods.
    let spreads = |term: &&Node| {
        term.get("topologyKey")
            .and_then(Node::as_str)
            .is_some_and(|k| !k.trim().is_empty())
            && term
                .get("labelSelector")
                .and_then(|s| LabelSelector::from_label_selector(s).ok())
                .is_some_and(|s| !s.is_empty() && s.matches(&object.pod_labels))
    };
    if terms.iter().any(spreads) {
        return;
    }
    let (pointer, at) = match object.node().pointer("/spec/replicas") {
        Some(_) => ("/spec/replicas", At::Value),
        None => ("/spec", At::Key),
    };
    let count = match hpa_max {
        Some(max) => format!("up to {max} replica(s) (the HPA's maxReplicas)"),
        None => format!("{n} replica(s)"),
    };
    let message = if terms.is_empty() {
        format!("{count} have no pod anti-affinity or topology spread constraints")
    } else {
        format!(
            "{count}: no pod anti-affinity term or topology spread constraint has a topology key and a label selector that matches this workload's own pods, so the scheduler may still stack them"
        )
    };
    cx.report(pointer, at, message);
}
