//! `authorization-selects-nothing`: An AuthorizationPolicy's selector selects no workload.

use super::common::SECURITY;
use crate::rules::prelude::*;
use crate::rules::selection::selects_nothing;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "authorization-selects-nothing",
    family: Family::Mesh,
    title: "An AuthorizationPolicy's selector selects no workload",
    rationale: "A policy whose `selector` matches no pod protects nothing, and the workload it was meant for is left with whatever namespace-wide policy applies.",
    default_reason: "Warning: a policy whose selector matches no workload in the input protects nothing; quiet where the input does not show the namespace's workloads.",
    remediation: "Fix the selector's labels to match the workload's pod labels.",
    example_bad: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: wbe}\n  rules:\n    - from:\n        - source: {namespaces: [shop]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: WEB,
    kinds: &["AuthorizationPolicy"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(SECURITY, "AuthorizationPolicy") {
        return;
    }
    let Some(selector) = object.pod_selector() else {
        return;
    };
    let ns = object.namespace.as_deref().unwrap_or_default();
    if let Some(message) = selects_nothing(object, inventory, ns, &selector, "the selector") {
        cx.report("/spec/selector", At::Key, message);
    }
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, version: v1}\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 80, targetPort: 8080}\n";
