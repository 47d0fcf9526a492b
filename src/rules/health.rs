//! Health: liveness, readiness and startup probes.

use super::{At, Context, Family, FnRule, Rule, RuleInfo};
use crate::load::{Node, Value};
use crate::model::{Container, ContainerKind, Inventory, Object};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&LIVENESS_PROBE_MISSING, liveness_probe_missing),
        FnRule::boxed(&READINESS_PROBE_MISSING, readiness_probe_missing),
        FnRule::boxed(&STARTUP_PROBE_MISSING, startup_probe_missing),
        FnRule::boxed(&PROBE_PORT_MISMATCH, probe_port_mismatch),
        FnRule::boxed(&READINESS_EQUALS_LIVENESS, readiness_equals_liveness),
    ]
}

const POD_WITHOUT_PROBES: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n";

const POD_WITH_PROBES: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n          startupProbe:\n            httpGet: {path: /healthz, port: http}\n            failureThreshold: 30\n          livenessProbe:\n            httpGet: {path: /healthz, port: http}\n          readinessProbe:\n            httpGet: {path: /ready, port: http}\n";

pub static LIVENESS_PROBE_MISSING: RuleInfo = RuleInfo {
    id: "liveness-probe-missing",
    family: Family::Health,
    title: "A long-running container has no liveness probe",
    rationale: "Without a liveness probe the kubelet restarts a container only when its process exits; a deadlocked or wedged server keeps its pod and keeps receiving traffic forever.",
    remediation: "Add a `livenessProbe` that fails when the process can no longer make progress (an HTTP endpoint, a TCP port, a gRPC health check or a command). Jobs and CronJobs are not checked.",
    example_bad: POD_WITHOUT_PROBES,
    example_good: POD_WITH_PROBES,
    ..RuleInfo::BASE
};

pub static READINESS_PROBE_MISSING: RuleInfo = RuleInfo {
    id: "readiness-probe-missing",
    family: Family::Health,
    title: "A long-running container has no readiness probe",
    rationale: "Without a readiness probe a pod receives traffic as soon as its containers start, before the application can serve it, and keeps receiving it while overloaded or draining: every rollout and every hiccup turns into failed requests.",
    remediation: "Add a `readinessProbe` that succeeds only when the container can serve requests.",
    example_bad: POD_WITHOUT_PROBES,
    example_good: POD_WITH_PROBES,
    ..RuleInfo::BASE
};

pub static STARTUP_PROBE_MISSING: RuleInfo = RuleInfo {
    id: "startup-probe-missing",
    family: Family::Health,
    severity: Severity::Info,
    enabled: false,
    title: "A long-running container has no startup probe",
    rationale: "Slow-starting applications need a liveness probe with a long initial delay, which also delays the detection of real failures; a startup probe holds the liveness probe back only until the application has started.",
    remediation: "Add a `startupProbe` (often the liveness check with a generous `failureThreshold`) for containers that take long to start.",
    example_bad: POD_WITHOUT_PROBES,
    example_good: POD_WITH_PROBES,
    ..RuleInfo::BASE
};

pub static PROBE_PORT_MISMATCH: RuleInfo = RuleInfo {
    id: "probe-port-mismatch",
    family: Family::Health,
    severity: Severity::Error,
    title: "A probe targets a port name the container does not define",
    rationale: "A probe aimed at a named port resolves the name among the container's own `ports`; when no port has that name the probe can never succeed, so the pod never becomes ready or is restarted in a loop. (Probes by number need no declared port, so numbers are not checked.)",
    remediation: "Point the probe at one of the container's named `ports`, name the port, or use the port number.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - {name: http, containerPort: 8080}\n      readinessProbe:\n        httpGet: {path: /ready, port: metrics}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - {name: http, containerPort: 8080}\n      readinessProbe:\n        httpGet: {path: /ready, port: http}\n",
    ..RuleInfo::BASE
};

pub static READINESS_EQUALS_LIVENESS: RuleInfo = RuleInfo {
    id: "readiness-equals-liveness",
    family: Family::Health,
    title: "The readiness and liveness probes are identical",
    rationale: "When the two probes are the same, a pod that is only busy (not ready) also fails liveness and is restarted, turning load into a restart storm. Readiness should answer \"can I take traffic now\", liveness \"am I beyond repair\".",
    remediation: "Give the liveness probe a cheaper check or a higher `failureThreshold`/`periodSeconds` than the readiness probe.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      livenessProbe:\n        httpGet: {path: /healthz, port: 8080}\n      readinessProbe:\n        httpGet: {path: /healthz, port: 8080}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      livenessProbe:\n        httpGet: {path: /healthz, port: 8080}\n        failureThreshold: 6\n      readinessProbe:\n        httpGet: {path: /healthz, port: 8080}\n",
    ..RuleInfo::BASE
};

/// App containers of long-running workloads (probes do not apply to batch work).
fn serving_containers(object: &Object) -> Vec<Container<'_>> {
    if object.is_batch() {
        return Vec::new();
    }
    super::containers(object)
        .map(|(_, cs)| cs.into_iter().filter(|c| c.kind == ContainerKind::App).collect())
        .unwrap_or_default()
}

fn probe_missing(object: &Object, cx: &mut Context<'_>, field: &str, what: &str) {
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

fn liveness_probe_missing(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    probe_missing(object, cx, "livenessProbe", "liveness");
}

fn readiness_probe_missing(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    probe_missing(object, cx, "readinessProbe", "readiness");
}

fn startup_probe_missing(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    probe_missing(object, cx, "startupProbe", "startup");
}

fn probe_port_mismatch(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = super::containers(object) else {
        return;
    };
    for c in containers {
        let ports = c.node.seq_of("ports");
        let names: Vec<&str> = ports
            .iter()
            .filter_map(|p| p.get("name").and_then(Node::as_str))
            .collect();
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            for handler in ["httpGet", "tcpSocket"] {
                let pointer = format!("/{probe}/{handler}/port");
                let Some(Value::String(name)) = c.node.pointer(&pointer).map(|n| &n.value) else {
                    continue;
                };
                if name.parse::<u16>().is_err() && !names.contains(&name.as_str()) {
                    cx.report(
                        &c.field(&pointer[1..]),
                        At::Value,
                        format!(
                            "{} `{probe}` targets port `{name}`, which the container does not define",
                            c.describe()
                        ),
                    );
                }
            }
        }
    }
}

fn readiness_equals_liveness(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
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
