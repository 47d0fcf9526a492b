//! `statefulset-service-not-headless`: A StatefulSet's serviceName is not a headless Service in the inputs.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "statefulset-service-not-headless",
    family: Family::References,
    title: "A StatefulSet's serviceName is not a headless Service in the inputs",
    rationale: "A StatefulSet's pods get their stable DNS names (`db-0.db`) from the headless Service named in `serviceName`; if it is missing or has a cluster IP, those names do not resolve. Info, not warning: whether the names matter depends on the application (database replicas and peers that find each other by name need them; a controller that only shards by its ordinal does not). A missing Service is reported only when the input holds other Services beside the StatefulSet (same namespace; without `metadata.namespace`, same folder): otherwise the input does not show that namespace's Services.",
    default_reason: "Info: per-pod DNS names need a headless Service, but not every StatefulSet uses them.",
    remediation: "Create the Service named in `serviceName` with `clusterIP: None` and a selector matching the pods.",
    example_bad: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n        - name: db\n          image: postgres:17.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  selector: {app: db}\n  ports:\n    - {port: 5432}\n",
    example_good: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n        - name: db\n          image: postgres:17.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n  selector: {app: db}\n  ports:\n    - {port: 5432}\n",
    severity: Severity::Info,
    kinds: &["StatefulSet"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("apps", "StatefulSet") {
        return;
    }
    let Some(name) = object
        .node()
        .pointer("/spec/serviceName")
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
    else {
        return;
    };
    match inventory.find("Service", object.namespace.as_deref(), name) {
        None if !inventory.holds_beside("", "Service", object) => {}
        None => cx.report(
            "/spec/serviceName",
            At::Value,
            format!(
                "no Service `{name}` in namespace `{}` of the input, though other Services are there",
                object.namespace.as_deref().unwrap_or_default()
            ),
        ),
        Some(s) if s.node().pointer("/spec/clusterIP").and_then(Node::as_str) != Some("None") => cx.report(
            "/spec/serviceName",
            At::Value,
            format!("Service `{name}` is not headless (`clusterIP: None`)"),
        ),
        Some(_) => {}
    }
}
