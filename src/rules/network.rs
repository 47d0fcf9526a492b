//! NetworkPolicy: which pods are isolated, and whether policies and their peers select
//! anything. Assumes the inputs hold the namespace's policies (a workload in a namespace
//! with no policy in the inputs is reported as open).

use super::{At, Context, Family, FnRule, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Inventory, LabelSelector, Object};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&NON_ISOLATED_WORKLOAD, non_isolated_workload),
        FnRule::boxed(&NETWORK_POLICY_SELECTS_NOTHING, network_policy_selects_nothing),
        FnRule::boxed(
            &NETWORK_POLICY_PEER_MATCHES_NOTHING,
            network_policy_peer_matches_nothing,
        ),
        FnRule::boxed(&NAMESPACE_WITHOUT_DEFAULT_DENY, namespace_without_default_deny),
    ]
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n";

pub static NON_ISOLATED_WORKLOAD: RuleInfo = RuleInfo {
    id: "non-isolated-workload",
    family: Family::Network,
    title: "No NetworkPolicy isolates a workload's pods",
    rationale: "Pods that no NetworkPolicy selects accept traffic from, and send it to, anything in the cluster: one compromised pod can reach them all. The rule says whether ingress, egress or both are open. It assumes the namespace's policies are among the inputs; an empty `podSelector` selects every pod of its namespace.",
    remediation: "Add a NetworkPolicy selecting the workload's pods (or a namespace-wide default-deny) with `policyTypes: [Ingress, Egress]`.",
    example_bad: WEB,
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
    security_severity: Some("5.0"),
    ..RuleInfo::BASE
};

pub static NETWORK_POLICY_SELECTS_NOTHING: RuleInfo = RuleInfo {
    id: "network-policy-selects-nothing",
    family: Family::Network,
    title: "A NetworkPolicy's podSelector selects no pod in the inputs",
    rationale: "A policy whose `podSelector` matches no workload protects nothing, usually because of a label typo, while its authors believe the pods are isolated. An empty `podSelector` (every pod of the namespace) is never reported.",
    remediation: "Fix the selector's labels to match the pods' template labels.",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels: {app: wbe}\n  policyTypes: [Ingress]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Ingress]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

pub static NETWORK_POLICY_PEER_MATCHES_NOTHING: RuleInfo = RuleInfo {
    id: "network-policy-peer-matches-nothing",
    family: Family::Network,
    severity: Severity::Info,
    title: "A NetworkPolicy peer selects no pod or namespace in the inputs",
    rationale: "An ingress `from` or egress `to` peer whose selectors match nothing allows no traffic, often because of a typo in a label or because the namespace lacks the label. Namespaces match on their labels, and every namespace has `kubernetes.io/metadata.name`. Inputs are often partial, hence info.",
    remediation: "Fix the peer's selectors, or label the namespace (`kubernetes.io/metadata.name: <name>` is set automatically).",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {name: frontend}\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: shop}\n",
    ..RuleInfo::BASE
};

pub static NAMESPACE_WITHOUT_DEFAULT_DENY: RuleInfo = RuleInfo {
    id: "namespace-without-default-deny",
    family: Family::Network,
    enabled: false,
    title: "A namespace with workloads has no default-deny NetworkPolicy",
    rationale: "A default-deny policy (empty `podSelector`, no rules) makes every new workload isolated until someone allows its traffic, instead of open until someone remembers to close it. Checked on Namespace objects in the inputs.",
    remediation: "Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress, Egress]` and no rules to the namespace.",
    example_bad: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n",
    ..RuleInfo::BASE
};

const NP: (&str, &str) = ("networking.k8s.io", "NetworkPolicy");

/// Which directions a policy isolates: (ingress, egress).
fn directions(policy: &Object) -> (bool, bool) {
    let spec = policy.node().get("spec");
    match spec.and_then(|s| s.get("policyTypes")).and_then(Node::as_seq) {
        Some(types) => (
            types.iter().any(|t| t.as_str() == Some("Ingress")),
            types.iter().any(|t| t.as_str() == Some("Egress")),
        ),
        None => (true, spec.and_then(|s| s.get("egress")).is_some()),
    }
}

fn non_isolated_workload(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if object.pod_template().is_none() {
        return;
    }
    let (mut ingress, mut egress) = (false, false);
    for p in inventory.of_kind_in(NP.0, NP.1, object.namespace.as_deref()) {
        if p.pod_selector().is_some_and(|s| s.matches(&object.pod_labels)) {
            let (i, e) = directions(p);
            ingress |= i;
            egress |= e;
        }
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

fn network_policy_selects_nothing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NP.0, NP.1) {
        return;
    }
    let Some(selector) = object.pod_selector() else { return };
    if selector.is_empty() {
        return;
    }
    let ns = object.namespace.as_deref().unwrap_or_default();
    if inventory.pods_selected(ns, &selector).next().is_none() {
        cx.report(
            "/spec/podSelector",
            At::Key,
            format!("the podSelector selects no pod in namespace `{ns}` among the inputs"),
        );
    }
}

/// Labels of a namespace: its object's labels, plus `kubernetes.io/metadata.name`.
fn namespace_labels(inventory: &Inventory, name: &str) -> std::collections::BTreeMap<String, String> {
    let mut labels = inventory
        .find("Namespace", None, name)
        .map(|n| n.labels.clone())
        .unwrap_or_default();
    labels.insert("kubernetes.io/metadata.name".into(), name.to_string());
    labels
}

fn network_policy_peer_matches_nothing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
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

fn namespace_without_default_deny(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
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
