//! `service-target-port-unknown`: A Service's named targetPort is not a port of the pods it selects.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "service-target-port-unknown",
    family: Family::References,
    severity: Severity::Error,
    title: "A Service's named targetPort is not a port of the pods it selects",
    rationale: "A named `targetPort` is resolved among the selected containers' port names; when none has that name, the Service has no usable endpoint.",
    default_reason: "Error: a named targetPort that no selected container declares leaves the Service without endpoints.",
    remediation: "Use a port name that the selected containers declare, or the port number.",
    example_bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: https}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n",
    example_good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: http}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n",
    kinds: &["Service"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("", "Service") {
        return;
    }
    let Some(selector) = object.pod_selector() else { return };
    let ns = object.namespace.as_deref().unwrap_or_default();
    let pods: Vec<&Object> = inventory.pods_selected(ns, &selector).collect();
    if pods.is_empty() {
        return; // `service-selects-nothing` says so
    }
    let names: Vec<String> = pods
        .iter()
        .filter_map(|o| crate::rules::containers(o))
        .flat_map(|(_, cs)| {
            cs.into_iter().flat_map(|c| {
                c.node
                    .seq_of("ports")
                    .iter()
                    .filter_map(|p| p.get("name").and_then(Node::as_str).map(str::to_string))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for (i, port) in object.node().seq_at("/spec/ports").iter().enumerate() {
        let Some(name) = port.get("targetPort").and_then(Node::as_str) else {
            continue;
        };
        if name.parse::<u16>().is_err() && !names.iter().any(|n| n == name) {
            cx.report(
                &format!("/spec/ports/{i}/targetPort"),
                At::Value,
                format!("no container selected by this Service has a port named `{name}`"),
            );
        }
    }
}
