//! `invalid-label-selector`: A label selector whose operators, keys or values the API
//! server rejects.

use super::common::{is_label_value, is_qualified_name};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-label-selector",
    family: Family::Api,
    severity: Severity::Error,
    title: "A label selector has an invalid operator, key or value",
    rationale: "The API server checks every label selector (`ValidateLabelSelector`, `ValidateLabelSelectorRequirement`, `ValidateLabels`): `In` and `NotIn` need at least one value, `Exists` and `DoesNotExist` take none, the operator is one of those four; keys are label keys and values label values (at most 63 characters of letters, digits, '-', '_' and '.'). kubelint checks the selectors of workloads, PodDisruptionBudgets, NetworkPolicies, Services, topology spread constraints and pod (anti-)affinity terms.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the expression as the message says.",
    example_bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchExpressions:\n      - {key: app, operator: In}\n",
    example_good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchExpressions:\n      - {key: app, operator: In, values: [web]}\n",
    kinds: &[WORKLOADS, "PodDisruptionBudget", "Service", "NetworkPolicy"],
    ..RuleInfo::BASE
};

fn labels(map: &Node, base: &str, cx: &mut Context<'_>) {
    for e in map.as_map().unwrap_or_default() {
        let pointer = crate::load::node::pointer_push(base, &e.key);
        if !is_qualified_name(&e.key) {
            cx.report(
                &pointer,
                At::Key,
                format!("selector key `{}` is not a valid label key", e.key),
            );
        }
        if let Some(v) = scalar_text(&e.value)
            && !e.value.is_null()
            && !is_label_value(&v)
        {
            cx.report(
                &pointer,
                At::Value,
                format!("selector value `{v}` is not a valid label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)"),
            );
        }
    }
}

fn selector(root: &Node, base: &str, cx: &mut Context<'_>) {
    let Some(sel) = root.pointer(base).filter(|s| s.as_map().is_some()) else {
        return;
    };
    if let Some(m) = sel.get("matchLabels") {
        labels(m, &format!("{base}/matchLabels"), cx);
    }
    for (i, expr) in sel.seq_of("matchExpressions").iter().enumerate() {
        if expr.as_map().is_none() {
            continue;
        }
        let eb = format!("{base}/matchExpressions/{i}");
        let values = expr.get("values").and_then(Node::as_seq).unwrap_or_default();
        match expr.get("operator").and_then(Node::as_str) {
            Some(op @ ("In" | "NotIn")) if values.is_empty() => cx.report(
                &eb,
                At::Key,
                format!("operator `{op}` needs at least one value in `values`"),
            ),
            Some(op @ ("Exists" | "DoesNotExist")) if !values.is_empty() => cx.report(
                &format!("{eb}/values"),
                At::Key,
                format!("operator `{op}` takes no `values`"),
            ),
            Some("In" | "NotIn" | "Exists" | "DoesNotExist") | None => {}
            Some(op) => {
                let hint = crate::vocab::suggest::hint(op, ["In", "NotIn", "Exists", "DoesNotExist"]);
                cx.report(
                    &format!("{eb}/operator"),
                    At::Value,
                    format!("`{op}` is not a selector operator: use In, NotIn, Exists or DoesNotExist{hint}"),
                );
            }
        }
        if let Some(key) = expr.get("key").and_then(Node::as_str)
            && !is_qualified_name(key)
        {
            cx.report(
                &format!("{eb}/key"),
                At::Value,
                format!("selector key `{key}` is not a valid label key"),
            );
        }
        for (j, v) in values.iter().enumerate() {
            if let Some(s) = scalar_text(v)
                && !is_label_value(&s)
            {
                cx.report(
                    &format!("{eb}/values/{j}"),
                    At::Value,
                    format!("selector value `{s}` is not a valid label value"),
                );
            }
        }
    }
}

fn pod_spec(object: &Object, cx: &mut Context<'_>) {
    let Some((sp, spec)) = super::common::pod_spec(object) else {
        return;
    };
    let root = object.node();
    for (i, _) in spec.seq_of("topologySpreadConstraints").iter().enumerate() {
        selector(root, &format!("{sp}/topologySpreadConstraints/{i}/labelSelector"), cx);
    }
    for aff in ["podAffinity", "podAntiAffinity"] {
        let ab = format!("{sp}/affinity/{aff}");
        for (i, _) in root
            .seq_at(&format!("{ab}/requiredDuringSchedulingIgnoredDuringExecution"))
            .iter()
            .enumerate()
        {
            for f in ["labelSelector", "namespaceSelector"] {
                selector(
                    root,
                    &format!("{ab}/requiredDuringSchedulingIgnoredDuringExecution/{i}/{f}"),
                    cx,
                );
            }
        }
        for (i, _) in root
            .seq_at(&format!("{ab}/preferredDuringSchedulingIgnoredDuringExecution"))
            .iter()
            .enumerate()
        {
            for f in ["labelSelector", "namespaceSelector"] {
                selector(
                    root,
                    &format!("{ab}/preferredDuringSchedulingIgnoredDuringExecution/{i}/podAffinityTerm/{f}"),
                    cx,
                );
            }
        }
    }
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let root = object.node();
    match (object.group.as_str(), object.kind.as_str()) {
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
        | ("batch", "Job")
        | ("policy", "PodDisruptionBudget") => selector(root, "/spec/selector", cx),
        ("", "Service" | "ReplicationController") => {
            if let Some(m) = root.pointer("/spec/selector") {
                labels(m, "/spec/selector", cx);
            }
        }
        ("networking.k8s.io", "NetworkPolicy") => {
            selector(root, "/spec/podSelector", cx);
            let Some(spec) = root.get("spec") else { return };
            for (dir, peers) in [("ingress", "from"), ("egress", "to")] {
                for (i, rule) in spec.seq_of(dir).iter().enumerate() {
                    for (j, _) in rule.seq_of(peers).iter().enumerate() {
                        for f in ["podSelector", "namespaceSelector"] {
                            selector(root, &format!("/spec/{dir}/{i}/{peers}/{j}/{f}"), cx);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    pod_spec(object, cx);
}
