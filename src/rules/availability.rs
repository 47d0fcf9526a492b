//! Availability: replicas, rollouts, spreading and autoscaling.

use super::{At, Context, Family, FnRule, ParamInfo, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Inventory, Object, scalar_text};

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&REPLICAS_TOO_LOW, replicas_too_low),
        FnRule::boxed(&ROLLOUT_UNAVAILABLE_ALL, rollout_unavailable_all),
        FnRule::boxed(&REPLICAS_NOT_SPREAD, replicas_not_spread),
        FnRule::boxed(&HPA_MIN_REPLICAS_TOO_LOW, hpa_min_replicas_too_low),
        FnRule::boxed(&HPA_MIN_EQUALS_MAX, hpa_min_equals_max),
    ]
}

const SPREAD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: kubernetes.io/hostname\n          whenUnsatisfiable: ScheduleAnyway\n          labelSelector:\n            matchLabels: {app: web}\n      containers:\n        - name: web\n          image: nginx:1.27.2\n";

pub static REPLICAS_TOO_LOW: RuleInfo = RuleInfo {
    id: "replicas-too-low",
    family: Family::Availability,
    title: "A Deployment or StatefulSet runs fewer replicas than the minimum",
    rationale: "With a single replica every node drain, eviction or crash is an outage. Workloads whose replica count an HorizontalPodAutoscaler in the inputs manages are not reported.",
    remediation: "Run at least `minReplicas` replicas (2 by default), or let an HPA manage the count.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: SPREAD,
    params: &[ParamInfo {
        name: "minReplicas",
        description: "The smallest acceptable replica count.",
        default: "2",
    }],
    ..RuleInfo::BASE
};

pub static ROLLOUT_UNAVAILABLE_ALL: RuleInfo = RuleInfo {
    id: "rollout-unavailable-all",
    family: Family::Availability,
    severity: crate::vocab::Severity::Error,
    title: "A rolling update may take every replica down at once",
    rationale: "When `maxUnavailable` is 100% or at least the replica count, a rollout may stop every old pod before a new one is ready: each deploy is an outage.",
    remediation: "Lower `strategy.rollingUpdate.maxUnavailable` (e.g. `25%` or `0` with `maxSurge: 1`).",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxUnavailable: \"100%\"}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxUnavailable: 0, maxSurge: 1}\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

pub static REPLICAS_NOT_SPREAD: RuleInfo = RuleInfo {
    id: "replicas-not-spread",
    family: Family::Availability,
    title: "Replicas may all land on one node",
    rationale: "Several replicas protect against a node failure only if they run on different nodes (or zones); without pod anti-affinity or topology spread constraints the scheduler may stack them together.",
    remediation: "Add `topologySpreadConstraints` over `kubernetes.io/hostname` (and `topology.kubernetes.io/zone`), or a `podAntiAffinity` rule.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: SPREAD,
    ..RuleInfo::BASE
};

pub static HPA_MIN_REPLICAS_TOO_LOW: RuleInfo = RuleInfo {
    id: "hpa-min-replicas-too-low",
    family: Family::Availability,
    title: "An autoscaler may scale down to a single replica",
    rationale: "`minReplicas` below 2 (1 is the default) lets quiet hours scale the workload to one pod, and the next node drain is an outage.",
    remediation: "Set `spec.minReplicas: 2` or more.",
    example_bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 10\n",
    example_good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 10\n",
    ..RuleInfo::BASE
};

pub static HPA_MIN_EQUALS_MAX: RuleInfo = RuleInfo {
    id: "hpa-min-equals-max",
    family: Family::Availability,
    title: "An autoscaler cannot scale (minReplicas equals maxReplicas)",
    rationale: "With `minReplicas` equal to `maxReplicas` the HPA never changes the replica count: it only hides a fixed size behind an autoscaler.",
    remediation: "Give the HPA room (`maxReplicas` above `minReplicas`), or remove it and set `replicas` on the workload.",
    example_bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 3\n",
    example_good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 3\n  maxReplicas: 9\n",
    ..RuleInfo::BASE
};

fn is_replicated(object: &Object) -> bool {
    object.is("apps", "Deployment") || object.is("apps", "StatefulSet")
}

fn replicas_too_low(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !is_replicated(object) || inventory.autoscaler_of(object).is_some() {
        return;
    }
    let min = cx.param("minReplicas").and_then(|v| v.as_i64()).unwrap_or(2);
    let Some(n) = object.replicas() else { return };
    if n >= min || n == 0 {
        return; // 0 is a deliberate scale-down
    }
    match object.node().pointer("/spec/replicas") {
        Some(_) => cx.report(
            "/spec/replicas",
            At::Value,
            format!("{} runs {n} replica(s); the minimum is {min}", object.kind),
        ),
        None => cx.report(
            "/spec",
            At::Key,
            format!(
                "{} runs 1 replica (`replicas` is not set); the minimum is {min}",
                object.kind
            ),
        ),
    }
}

fn rollout_unavailable_all(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !is_replicated(object) {
        return;
    }
    let field = if object.kind == "Deployment" {
        "/spec/strategy/rollingUpdate/maxUnavailable"
    } else {
        "/spec/updateStrategy/rollingUpdate/maxUnavailable"
    };
    let Some(node) = object.node().pointer(field) else {
        return;
    };
    let Some(n) = object.replicas() else { return };
    let text = scalar_text(node).unwrap_or_default();
    let all = match text.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().is_ok_and(|p| p >= 100.0),
        None => node.as_i64().is_some_and(|m| m >= n && n > 0),
    };
    if all {
        cx.report(
            field,
            At::Value,
            format!("`maxUnavailable: {text}` lets a rollout take all {n} replica(s) down at once"),
        );
    }
}

fn replicas_not_spread(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !is_replicated(object) {
        return;
    }
    let Some(n) = object.replicas() else { return };
    if n < 2 && inventory.autoscaler_of(object).is_none() {
        return;
    }
    let Some(t) = object.pod_template() else { return };
    let spec = t.spec;
    let spread = spec
        .and_then(|s| s.get("topologySpreadConstraints"))
        .and_then(Node::as_seq)
        .is_some_and(|s| !s.is_empty());
    let anti = spec.and_then(|s| s.pointer("/affinity/podAntiAffinity")).is_some();
    if !spread && !anti {
        let (pointer, at) = match object.node().pointer("/spec/replicas") {
            Some(_) => ("/spec/replicas", At::Value),
            None => ("/spec", At::Key),
        };
        cx.report(
            pointer,
            at,
            format!("{n} replica(s) have no pod anti-affinity or topology spread constraints"),
        );
    }
}

fn hpa_spec(object: &Object) -> Option<&Node> {
    (object.group == "autoscaling" && object.kind == "HorizontalPodAutoscaler")
        .then(|| object.node().get("spec"))
        .flatten()
}

fn hpa_min_replicas_too_low(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(spec) = hpa_spec(object) else { return };
    match spec.get("minReplicas").and_then(Node::as_i64) {
        Some(n) if n < 2 => cx.report(
            "/spec/minReplicas",
            At::Value,
            format!("the autoscaler may scale down to {n} replica(s)"),
        ),
        Some(_) => {}
        None => cx.report(
            "/spec",
            At::Key,
            "the autoscaler may scale down to 1 replica (`minReplicas` is not set)",
        ),
    }
}

fn hpa_min_equals_max(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(spec) = hpa_spec(object) else { return };
    let min = spec.get("minReplicas").and_then(Node::as_i64).unwrap_or(1);
    if spec.get("maxReplicas").and_then(Node::as_i64) == Some(min) {
        cx.report(
            "/spec/maxReplicas",
            At::Value,
            format!("minReplicas and maxReplicas are both {min}: the autoscaler cannot scale"),
        );
    }
}
