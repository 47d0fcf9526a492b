//! `readiness-equals-liveness`: The readiness and liveness probes are identical.

use super::common::serving_containers;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "readiness-equals-liveness",
    family: Family::Health,
    title: "The readiness and liveness probes are identical",
    rationale: "When the two probes are the same, a pod that is only busy (not ready) also fails liveness and is restarted, turning load into a restart storm. Readiness should answer \"can I take traffic now\", liveness \"am I beyond repair\".",
    default_reason: "Warning: identical probes restart pods that are merely busy, turning overload into a crash loop; a common review comment.",
    remediation: "Give the liveness probe a cheaper check or a higher `failureThreshold`/`periodSeconds` than the readiness probe.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      livenessProbe:\n        httpGet: {path: /healthz, port: 8080}\n      readinessProbe:\n        httpGet: {path: /healthz, port: 8080}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      livenessProbe:\n        httpGet: {path: /healthz, port: 8080}\n        failureThreshold: 6\n      readinessProbe:\n        httpGet: {path: /healthz, port: 8080}\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for c in serving_containers(object) {
        if let (Some(l), Some(r)) = (c.node.get("livenessProbe"), c.node.get("readinessProbe"))
            && l.to_json() == r.to_json()
        {
            cx.report(
                &c.field("livenessProbe"),
                At::Key,
                format!("{} has identical liveness and readiness probes", c.describe()),
            );
        }
    }
}
