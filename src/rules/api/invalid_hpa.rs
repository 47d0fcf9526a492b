//! `invalid-hpa`: A HorizontalPodAutoscaler the API server rejects.

use super::common::{check_enum, int_at, str_at};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-hpa",
    family: Family::Api,
    severity: Severity::Error,
    title: "A HorizontalPodAutoscaler's replica bounds, metrics or behavior the API server rejects",
    rationale: "The API server checks an autoscaler (`ValidateHorizontalPodAutoscalerSpec`, `validateMetrics`, `validateMetricSpec`, `validateMetricTarget`, `validateBehavior`): `minReplicas` at least 1 (0 only with the alpha HPAScaleToZero feature gate, off by default, which kubelint does not assume); `maxReplicas` at least 1 and not below `minReplicas`; each metric's `type` is Resource, Pods, Object, External or ContainerResource and exactly its own source is populated; a target's `type` is Utilization, Value or AverageValue, values are positive and `averageUtilization` at least 1; Pods metrics need `averageValue`, Object and External metrics `value` or `averageValue`, Resource metrics `averageUtilization` or `averageValue` but not both; scaling policies are Pods or Percent with a positive value and a period of 1 to 1800 seconds, stabilization windows 0 to 3600 seconds, `selectPolicy` Max, Min or Disabled.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the bounds, metric or policy as the message says.",
    example_bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 5\n  maxReplicas: 3\n  metrics:\n    - type: Resource\n      pods:\n        metric: {name: requests}\n        target: {type: AverageValue, averageValue: \"10\"}\n",
    example_good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target: {type: Utilization, averageUtilization: 70}\n",
    kinds: &["HorizontalPodAutoscaler"],
    ..RuleInfo::BASE
};

const SOURCES: [(&str, &str); 5] = [
    ("Object", "object"),
    ("Pods", "pods"),
    ("Resource", "resource"),
    ("External", "external"),
    ("ContainerResource", "containerResource"),
];

/// Whether a quantity is positive (`Sign() == 1`); `None` when it does not parse.
fn positive(node: &Node) -> Option<bool> {
    scalar_text(node).and_then(|s| parse_quantity(&s)).map(|q| q > 0.0)
}

fn target(metric: &Node, base: &str, kind: &str, cx: &mut Context<'_>) {
    let Some(t) = metric.get("target").filter(|t| t.as_map().is_some()) else {
        return;
    };
    let tb = format!("{base}/target");
    if let Some(ty) = str_at(t, "/type")
        && !["Utilization", "Value", "AverageValue"].contains(&ty)
    {
        cx.report(
            &format!("{tb}/type"),
            At::Value,
            format!("target type `{ty}` is not supported: use Utilization, Value or AverageValue"),
        );
    }
    for f in ["value", "averageValue"] {
        if let Some(v) = t.get(f).filter(|n| !n.is_null())
            && positive(v) == Some(false)
        {
            cx.report(
                &format!("{tb}/{f}"),
                At::Value,
                format!("target `{f}` must be positive"),
            );
        }
    }
    if let Some(u) = int_at(t, "/averageUtilization")
        && u < 1
    {
        cx.report(
            &format!("{tb}/averageUtilization"),
            At::Value,
            format!("`averageUtilization: {u}` must be greater than 0"),
        );
    }
    let has = |f: &str| t.get(f).is_some_and(|n| !n.is_null());
    match kind {
        "pods" if !has("averageValue") => cx.report(&tb, At::Key, "a Pods metric's target needs `averageValue`"),
        "object" | "external" if !has("value") && !has("averageValue") => {
            cx.report(&tb, At::Key, "this metric's target needs `value` or `averageValue`")
        }
        "resource" | "containerResource" => {
            if !has("averageUtilization") && !has("averageValue") {
                cx.report(
                    &tb,
                    At::Key,
                    "a resource metric's target needs `averageUtilization` or `averageValue`",
                );
            } else if has("averageUtilization") && has("averageValue") {
                cx.report(
                    &format!("{tb}/averageValue"),
                    At::Key,
                    "a resource metric's target may not set both `averageUtilization` and `averageValue`",
                );
            }
        }
        _ => {}
    }
}

fn behavior(root: &Node, cx: &mut Context<'_>) {
    for dir in ["scaleUp", "scaleDown"] {
        let base = format!("/spec/behavior/{dir}");
        let Some(rules) = root.pointer(&base).filter(|r| r.as_map().is_some()) else {
            continue;
        };
        if let Some(w) = int_at(rules, "/stabilizationWindowSeconds")
            && !(0..=3600).contains(&w)
        {
            cx.report(
                &format!("{base}/stabilizationWindowSeconds"),
                At::Value,
                format!("`stabilizationWindowSeconds: {w}` must be between 0 and 3600"),
            );
        }
        check_enum(root, &format!("{base}/selectPolicy"), &["Max", "Min", "Disabled"], cx);
        for (i, p) in rules.seq_of("policies").iter().enumerate() {
            let pb = format!("{base}/policies/{i}");
            check_enum(root, &format!("{pb}/type"), &["Pods", "Percent"], cx);
            if let Some(v) = int_at(p, "/value")
                && v < 1
            {
                cx.report(
                    &format!("{pb}/value"),
                    At::Value,
                    format!("policy `value: {v}` must be greater than 0"),
                );
            }
            if let Some(s) = int_at(p, "/periodSeconds")
                && !(1..=1800).contains(&s)
            {
                cx.report(
                    &format!("{pb}/periodSeconds"),
                    At::Value,
                    format!("policy `periodSeconds: {s}` must be between 1 and 1800"),
                );
            }
        }
    }
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("autoscaling", "HorizontalPodAutoscaler") {
        return;
    }
    let root = object.node();
    let min = int_at(root, "/spec/minReplicas");
    let max = int_at(root, "/spec/maxReplicas");
    if let Some(m) = min
        && m < 1
    {
        cx.report(
            "/spec/minReplicas",
            At::Value,
            format!("`minReplicas: {m}` must be at least 1 (0 needs the alpha HPAScaleToZero feature gate)"),
        );
    }
    if let Some(m) = max {
        if m < 1 {
            cx.report(
                "/spec/maxReplicas",
                At::Value,
                format!("`maxReplicas: {m}` must be greater than 0"),
            );
        } else if let Some(n) = min
            && m < n
        {
            cx.report(
                "/spec/maxReplicas",
                At::Value,
                format!("`maxReplicas: {m}` must be greater than or equal to `minReplicas` ({n})"),
            );
        }
    }
    if let Some(u) = int_at(root, "/spec/targetCPUUtilizationPercentage")
        && u < 1
    {
        cx.report(
            "/spec/targetCPUUtilizationPercentage",
            At::Value,
            format!("`targetCPUUtilizationPercentage: {u}` must be greater than 0"),
        );
    }
    for (i, metric) in root.seq_at("/spec/metrics").iter().enumerate() {
        if metric.as_map().is_none() {
            continue;
        }
        let base = format!("/spec/metrics/{i}");
        let present: Vec<&str> = SOURCES
            .iter()
            .map(|(_, f)| *f)
            .filter(|f| metric.get(f).is_some_and(|n| !n.is_null()))
            .collect();
        let ty = str_at(metric, "/type");
        let expected = ty.and_then(|t| SOURCES.iter().find(|(n, _)| *n == t).map(|(_, f)| *f));
        match (ty, expected) {
            (Some(t), None) => cx.report(
                &format!("{base}/type"),
                At::Value,
                format!(
                    "metric type `{t}` is not supported: use Resource, Pods, Object, External or ContainerResource"
                ),
            ),
            (Some(t), Some(f)) if !present.contains(&f) => cx.report(
                &format!("{base}/type"),
                At::Value,
                format!("a metric of type `{t}` needs its `{f}` source"),
            ),
            _ => {}
        }
        for f in present.iter().filter(|_| present.len() > 1) {
            if Some(*f) != expected {
                cx.report(
                    &format!("{base}/{f}"),
                    At::Key,
                    format!("`{f}` does not match the metric's `type`: populate only the source its type names"),
                );
            }
        }
        if let Some(f) = expected.filter(|f| present.contains(f))
            && let Some(src) = metric.get(f)
        {
            target(src, &format!("{base}/{f}"), f, cx);
        }
    }
    behavior(root, cx);
}
