//! `namespace-without-default-deny`: A namespace with workloads has no default-deny NetworkPolicy.

use super::common::{NP, directions};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "namespace-without-default-deny",
    family: Family::Network,
    enabled: false,
    title: "A namespace with workloads has no default-deny NetworkPolicy",
    rationale: "A default-deny policy (empty `podSelector`, no rules) makes every new workload isolated until someone allows its traffic, instead of open until someone remembers to close it. Checked on Namespace objects in the inputs.",
    default_reason: "Off by default: default-deny is a cluster-wide policy choice that not every team has made.",
    remediation: "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress, Egress]` and no rules to the namespace.",
    example_bad: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
    kinds: &["Namespace"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("", "Namespace") {
        return;
    }
    let Some(ns) = object.name.as_deref() else { return };
    let has_workloads = inventory.pods_selected(ns, &LabelSelector::default()).next().is_some();
    let deny = inventory.of_kind_in(NP.0, NP.1, Some(ns)).any(|p| {
        let spec = p.node().get("spec");
        let empty_selector = p.pod_selector().is_some_and(|s| s.is_empty());
        let no_ingress_rules = spec
            .and_then(|s| s.get("ingress"))
            .and_then(Node::as_seq)
            .is_none_or(|r| r.is_empty());
        empty_selector && no_ingress_rules && directions(p).0
    });
    if has_workloads && !deny {
        cx.report(
            "/metadata/name",
            At::Value,
            format!("namespace `{ns}` has workloads but no default-deny NetworkPolicy"),
        );
    }
}
