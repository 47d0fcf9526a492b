//! `destination-rule-subset-selects-nothing`: A DestinationRule subset selects no pods of its host.

use super::common::{NETWORKING, service_of_host};
use crate::rules::prelude::*;
use crate::rules::selection::selects_nothing;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "destination-rule-subset-selects-nothing",
    family: Family::Mesh,
    title: "A DestinationRule subset selects no pods of its host",
    rationale: "Traffic routed to a subset whose labels match no pod behind the host fails with 503 (no healthy upstream). The host's Service selector and the subset's labels must both match a workload's pod labels.",
    default_reason: "Warning: traffic routed to an empty subset fails with 503.",
    remediation: "Fix the subset's labels, or deploy the version it names.",
    example_bad: "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n  subsets:\n    - name: v2\n      labels: {version: v2}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, version: v1}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80}\n",
    example_good: "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n  subsets:\n    - name: v1\n      labels: {version: v1}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, version: v1}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80}\n",
    kinds: &["DestinationRule"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NETWORKING, "DestinationRule") {
        return;
    }
    let own_ns = object.namespace.clone().unwrap_or_default();
    let Some(host) = object.node().pointer("/spec/host").and_then(Node::as_str) else {
        return;
    };
    let Some((name, ns)) = service_of_host(host, &own_ns, inventory) else {
        return;
    };
    let Some(service) = inventory.find("Service", Some(&ns), &name) else {
        return;
    };
    let Some(base) = service.node().pointer("/spec/selector").map(LabelSelector::from_map) else {
        return;
    };
    for (i, subset) in object.node().seq_at("/spec/subsets").iter().enumerate() {
        let Some(labels) = subset.get("labels") else { continue };
        let mut selector = base.clone();
        selector
            .requirements
            .extend(LabelSelector::from_map(labels).requirements);
        let subset_name = subset.get("name").and_then(Node::as_str).unwrap_or("?");
        let what = format!("subset `{subset_name}` of Service {ns}/{name}");
        if let Some(message) = selects_nothing(service, inventory, &ns, &selector, &what) {
            cx.report(&format!("/spec/subsets/{i}/labels"), At::Key, message);
        }
    }
}
