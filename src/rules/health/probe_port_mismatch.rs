//! `probe-port-mismatch`: A probe targets a port name the container does not define.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "probe-port-mismatch",
    family: Family::Health,
    severity: Severity::Error,
    title: "A probe targets a port name the container does not define",
    rationale: "A probe aimed at a named port resolves the name among the container's own `ports`; when no port has that name the probe can never succeed, so the pod never becomes ready or is restarted in a loop. (Probes by number need no declared port, so numbers are not checked.)",
    default_reason: "Error: a probe on a port or port name the container does not declare fails at runtime (named ports do not resolve), so the pod is never ready or is restarted in a loop.",
    remediation: "Point the probe at one of the container's named `ports`, name the port, or use the port number.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - {name: http, containerPort: 8080}\n      readinessProbe:\n        httpGet: {path: /ready, port: metrics}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - {name: http, containerPort: 8080}\n      readinessProbe:\n        httpGet: {path: /ready, port: http}\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = crate::rules::containers(object) else {
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
