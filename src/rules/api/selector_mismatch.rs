//! `selector-mismatch`: A workload's selector is missing, empty, or does not select its
//! own pod template.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "selector-mismatch",
    family: Family::Api,
    severity: Severity::Error,
    title: "A workload's selector is empty, hand-written where it is generated, or does not match its pod template's labels",
    rationale: "A Deployment, ReplicaSet, StatefulSet or DaemonSet must have a non-empty `spec.selector` (an absent one is a `schema-violation`) that selects the labels of its own `spec.template`, else the controller could never find the pods it creates; a ReplicationController's selector must match its template too, and so must a Job's when it sets `manualSelector: true`. A Job without `manualSelector` gets a generated selector: one written by hand is rejected, and a CronJob's job template may not have one at all. The API server rejects all of these (`ValidateDeploymentSpec`, `ValidateReplicaSetSpec`, `ValidateStatefulSetSpec`, `ValidateDaemonSetSpec`, `ValidateReplicationControllerSpec`, `validateJobSpec`, `ValidateGeneratedSelector`, `validateJobTemplateSpec`).",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Make `spec.selector.matchLabels` a subset of `spec.template.metadata.labels` (and keep the selector non-empty); for Jobs, drop the selector and let Kubernetes generate it.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: frontend}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    kinds: &[
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "ReplicationController",
        "Job",
        "CronJob",
    ],
    ..RuleInfo::BASE
};

fn labels_text(labels: &crate::model::StringMap) -> String {
    if labels.is_empty() {
        return "none".into();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let root = object.node();
    let Some(spec) = root.get("spec").filter(|s| s.as_map().is_some()) else {
        return;
    };
    let kind = object.kind.as_str();
    match (object.group.as_str(), kind) {
        ("batch", "CronJob") => {
            if spec.pointer("/jobTemplate/spec/selector").is_some_and(|s| !s.is_null()) {
                cx.report(
                    "/spec/jobTemplate/spec/selector",
                    At::Key,
                    "a CronJob's job template may not set `selector`: it is generated for each Job",
                );
            }
            if spec.pointer("/jobTemplate/spec/manualSelector").and_then(Node::as_bool) == Some(true) {
                cx.report(
                    "/spec/jobTemplate/spec/manualSelector",
                    At::Value,
                    "a CronJob's job template may not set `manualSelector: true`",
                );
            }
        }
        ("batch", "Job") => {
            let selector = spec.get("selector").filter(|s| !s.is_null());
            let manual = spec.get("manualSelector").and_then(Node::as_bool) == Some(true);
            // A Job exported from a cluster carries the selector the server generated for
            // it (`controller-uid` = its own `metadata.uid`): the server's, not written.
            let uid = object.node().pointer("/metadata/uid").and_then(Node::as_str);
            let generated = selector.zip(uid).is_some_and(|(sel, uid)| {
                ["controller-uid", "batch.kubernetes.io/controller-uid"]
                    .iter()
                    .any(|k| sel.get("matchLabels").and_then(|m| m.get(k)).and_then(Node::as_str) == Some(uid))
            });
            match (selector, manual) {
                (Some(_), false) if generated => {}
                (Some(_), false) => cx.report(
                    "/spec/selector",
                    At::Key,
                    "a Job's `selector` is generated unless `manualSelector: true` is set: this one would not match the generated `controller-uid` and `job-name` labels",
                ),
                (None, true) => cx.report("/spec/manualSelector", At::Value, "`manualSelector: true` needs a `selector`"),
                (Some(sel), true) => template_match(object, sel, "/spec", cx),
                (None, false) => {}
            }
        }
        ("", "ReplicationController") => {
            // The selector defaults to the template's labels.
            if let Some(sel) = spec
                .get("selector")
                .filter(|s| s.as_map().is_some_and(|m| !m.is_empty()))
            {
                let selector = LabelSelector::from_map(sel);
                if spec.get("template").is_some() && !selector.matches(&object.pod_labels) {
                    cx.report(
                        "/spec/template/metadata/labels",
                        At::Key,
                        format!(
                            "`selector` does not match the template's labels ({})",
                            labels_text(&object.pod_labels)
                        ),
                    );
                }
            }
        }
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
            // An absent selector is a `schema-violation` (apps/v1 requires it).
            let Some(sel) = spec.get("selector").filter(|s| !s.is_null()) else {
                return;
            };
            if sel.as_map().is_none() {
                return;
            }
            if super::common::selector_is_empty(sel) {
                cx.report(
                    "/spec/selector",
                    At::Value,
                    format!("an empty selector is invalid for a {kind}: it would select every pod of the namespace"),
                );
                return;
            }
            template_match(object, sel, "/spec", cx);
        }
        _ => {}
    }
}

fn template_match(object: &Object, sel: &Node, spec_pointer: &str, cx: &mut Context<'_>) {
    let Ok(selector) = LabelSelector::from_label_selector(sel) else {
        return;
    };
    if object.node().pointer(&format!("{spec_pointer}/template")).is_none() {
        return;
    }
    if !selector.matches(&object.pod_labels) {
        let pointer = format!("{spec_pointer}/template/metadata/labels");
        let at = if object.node().pointer(&pointer).is_some() {
            pointer
        } else {
            format!("{spec_pointer}/selector")
        };
        cx.report(
            &at,
            At::Key,
            format!(
                "`selector` does not match the template's labels ({}): the controller would never find the pods it creates",
                labels_text(&object.pod_labels)
            ),
        );
    }
}
