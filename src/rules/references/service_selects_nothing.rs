//! `service-selects-nothing`: A Service's selector selects no pods in the inputs.

use crate::rules::prelude::*;
use crate::rules::selection::selects_nothing;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "service-selects-nothing",
    family: Family::References,
    title: "A Service's selector selects no pods in the inputs",
    rationale: "A Service whose selector matches no workload's pod labels has no endpoints: every request to it fails. Services without a selector and ExternalName Services are not checked.",
    default_reason: "Warning: a Service without endpoints fails every request; reported only where the input shows the namespace's workloads and no operator may make the pods.",
    remediation: "Fix the selector to match the pod template labels of the workload it fronts.",
    example_bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web, version: blue}\n  ports:\n    - {port: 80, targetPort: http}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n",
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
    if let Some(message) = selects_nothing(object, inventory, ns, &selector, "the selector") {
        cx.report("/spec/selector", At::Key, message);
    }
}
