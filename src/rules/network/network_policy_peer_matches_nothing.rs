//! `network-policy-peer-matches-nothing`: A NetworkPolicy peer selects no pod or namespace in the inputs.

use super::common::NP;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "network-policy-peer-matches-nothing",
    family: Family::Network,
    severity: Severity::Info,
    title: "A NetworkPolicy peer selects no pod or namespace in the inputs",
    rationale: "An ingress `from` or egress `to` peer whose selectors match nothing allows no traffic, often because of a typo in a label or because the namespace lacks the label. Namespaces match on their labels, and every namespace has `kubernetes.io/metadata.name`. Inputs are often partial, hence info.",
    default_reason: "Info: a peer that matches nothing in the input may match pods that arrive later or come from elsewhere.",
    remediation: "Fix the peer's selectors, or label the namespace (`kubernetes.io/metadata.name: <name>` is set automatically).",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {name: frontend}\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: shop}\n",
    kinds: &["NetworkPolicy"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NP.0, NP.1) {
        return;
    }
    let own_ns = object.namespace.clone().unwrap_or_default();
    for (section, peers_field) in [("ingress", "from"), ("egress", "to")] {
        let rules = object.node().seq_at(&format!("/spec/{section}"));
        for (i, rule) in rules.iter().enumerate() {
            for (j, peer) in rule
                .get(peers_field)
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let pointer = format!("/spec/{section}/{i}/{peers_field}/{j}");
                let pods = peer.get("podSelector").map(LabelSelector::from_label_selector);
                let namespaces = peer.get("namespaceSelector").map(LabelSelector::from_label_selector);
                let (Ok(pods), Ok(namespaces)) = (pods.transpose(), namespaces.transpose()) else {
                    continue;
                };
                let matched_ns: Vec<String> = match &namespaces {
                    None => vec![own_ns.clone()],
                    Some(sel) if sel.is_empty() => continue, // every namespace
                    Some(sel) => inventory
                        .namespaces()
                        .filter(|n| sel.matches(&namespace_labels(inventory, n)))
                        .map(str::to_string)
                        .collect(),
                };
                if namespaces.is_some() && matched_ns.is_empty() {
                    cx.report(
                        &format!("{pointer}/namespaceSelector"),
                        At::Key,
                        "the namespaceSelector matches no namespace among the inputs",
                    );
                    continue;
                }
                if let Some(pods) = pods
                    && !pods.is_empty()
                    && !matched_ns
                        .iter()
                        .any(|n| inventory.pods_selected(n, &pods).next().is_some())
                {
                    cx.report(
                        &format!("{pointer}/podSelector"),
                        At::Key,
                        "the podSelector matches no pod among the inputs",
                    );
                }
            }
        }
    }
}

/// Labels of a namespace: its object's labels, plus `kubernetes.io/metadata.name`.
fn namespace_labels(inventory: &Inventory, name: &str) -> crate::model::StringMap {
    let mut labels = inventory
        .find("Namespace", None, name)
        .map(|n| n.labels.clone())
        .unwrap_or_default();
    labels.insert("kubernetes.io/metadata.name", name);
    labels
}
