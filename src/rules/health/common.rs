//! Health: liveness, readiness and startup probes.
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

pub(crate) const POD_WITHOUT_PROBES: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n";

pub(crate) const POD_WITH_PROBES: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n          startupProbe:\n            httpGet: {path: /healthz, port: http}\n            failureThreshold: 30\n          livenessProbe:\n            httpGet: {path: /healthz, port: http}\n          readinessProbe:\n            httpGet: {path: /ready, port: http}\n";

/// App containers of long-running workloads (probes do not apply to batch work).
pub(crate) fn serving_containers(object: &Object) -> Vec<Container<'_>> {
    if object.is_batch() {
        return Vec::new();
    }
    crate::rules::containers(object)
        .map(|(_, cs)| cs.into_iter().filter(|c| c.kind == ContainerKind::App).collect())
        .unwrap_or_default()
}

pub(crate) fn probe_missing(object: &Object, cx: &mut Context<'_>, field: &str, what: &str) {
    for c in serving_containers(object) {
        if c.node.get(field).is_none() {
            cx.report(
                &c.field("name"),
                At::Value,
                format!("{} has no {what} probe (`{field}`)", c.describe()),
            );
        }
    }
}
