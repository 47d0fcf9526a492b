//! `invalid-probe`: A liveness, readiness or startup probe the API server rejects.

use super::common::{IntOrString, at_least, int_at, int_or_string, is_port_number, port_name_problem};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-probe",
    family: Family::Api,
    severity: Severity::Error,
    title: "A probe has no handler or several, or an invalid port, threshold or placement",
    rationale: "The API server checks every probe (`validateProbe`, `validateHandler`, `validateContainers`, `validateInitContainers`, `validateEphemeralContainers`): exactly one handler of `exec` (with a command), `httpGet`, `tcpSocket` or `grpc`; a port number between 1 and 65535 or an IANA port name (`grpc` takes numbers only); `scheme` HTTP or HTTPS; delays, timeouts, periods and thresholds not negative (0 means the default); `successThreshold` 1 for liveness and startup probes; `terminationGracePeriodSeconds` greater than 0 and never on a readiness probe. Init containers other than sidecars (`restartPolicy: Always`) and ephemeral containers may not have probes.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the probe as the message says.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      livenessProbe:\n        httpGet: {path: /healthz, port: 8080}\n        tcpSocket: {port: 8080}\n        successThreshold: 2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      livenessProbe:\n        httpGet: {path: /healthz, port: 8080}\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

const HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "grpc"];
const PROBES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];

/// `names`: the container's port names; a name the container does not define is
/// `probe-port-mismatch`'s finding, not this rule's.
fn check_port(node: &Node, pointer: &str, numbers_only: bool, names: &[&str], cx: &mut Context<'_>) {
    let Some(port) = node.pointer(pointer) else { return };
    match int_or_string(port) {
        Some(IntOrString::Int(n)) if !is_port_number(n) => cx.report(
            pointer,
            At::Value,
            format!("probe port {n} must be between 1 and 65535"),
        ),
        // A quoted number is a name to the API server, and names need a letter.
        Some(IntOrString::Str(s))
            if !numbers_only && (names.contains(&s) || (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))) =>
        {
            if s.chars().all(|c| c.is_ascii_digit()) {
                cx.report(
                    pointer,
                    At::Value,
                    format!("probe port `\"{s}\"` is a string, so the API server reads it as a port name, which needs a letter: write the number unquoted"),
                );
            } else if let Some(p) = port_name_problem(s) {
                cx.report(
                    pointer,
                    At::Value,
                    format!("probe port name `{s}` {p} (an IANA service name)"),
                );
            }
        }
        _ => {}
    }
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = crate::rules::containers(object) else {
        return;
    };
    let root = object.node();
    for c in &containers {
        let sidecar = c.node.get("restartPolicy").and_then(Node::as_str) == Some("Always");
        for probe in PROBES {
            let Some(p) = c.node.get(probe).filter(|p| !p.is_null()) else {
                continue;
            };
            let base = c.field(probe);
            match c.kind {
                ContainerKind::Ephemeral => {
                    cx.report(
                        &base,
                        At::Key,
                        format!("an ephemeral container may not have a `{probe}`"),
                    );
                    continue;
                }
                ContainerKind::Init if !sidecar => {
                    cx.report(
                        &base,
                        At::Key,
                        format!(
                            "{} may not have a `{probe}`: only sidecars (`restartPolicy: Always`) may",
                            c.describe()
                        ),
                    );
                    continue;
                }
                _ => {}
            }
            if p.as_map().is_none() {
                continue;
            }
            let handlers: Vec<&str> = HANDLERS
                .iter()
                .copied()
                .filter(|h| p.get(h).is_some_and(|n| !n.is_null()))
                .collect();
            match handlers.len() {
                0 => cx.report(
                    &base,
                    At::Key,
                    format!(
                        "{} `{probe}` has no handler: give one of `exec`, `httpGet`, `tcpSocket` or `grpc`",
                        c.describe()
                    ),
                ),
                1 => {}
                _ => cx.report(
                    &format!("{base}/{}", handlers[1]),
                    At::Key,
                    format!(
                        "{} `{probe}` has more than one handler ({}): a probe has exactly one",
                        c.describe(),
                        handlers.join(", ")
                    ),
                ),
            }
            if handlers.contains(&"exec")
                && p.pointer("/exec/command")
                    .and_then(Node::as_seq)
                    .is_none_or(<[_]>::is_empty)
            {
                cx.report(
                    &format!("{base}/exec"),
                    At::Key,
                    format!("{} `{probe}` runs `exec` without a `command`", c.describe()),
                );
            }
            let names: Vec<&str> = c
                .node
                .seq_of("ports")
                .iter()
                .filter_map(|p| p.get("name").and_then(Node::as_str))
                .collect();
            check_port(root, &format!("{base}/httpGet/port"), false, &names, cx);
            check_port(root, &format!("{base}/tcpSocket/port"), false, &names, cx);
            check_port(root, &format!("{base}/grpc/port"), true, &names, cx);
            super::common::check_enum(root, &format!("{base}/httpGet/scheme"), &["HTTP", "HTTPS"], cx);
            for f in [
                "initialDelaySeconds",
                "timeoutSeconds",
                "periodSeconds",
                "successThreshold",
                "failureThreshold",
            ] {
                at_least(root, &base, f, 0, cx);
            }
            if probe != "readinessProbe"
                && let Some(s) = int_at(p, "/successThreshold")
                && s > 1
            {
                cx.report(
                    &format!("{base}/successThreshold"),
                    At::Value,
                    format!(
                        "`successThreshold: {s}` must be 1 for a {}",
                        if probe == "livenessProbe" {
                            "liveness probe"
                        } else {
                            "startup probe"
                        }
                    ),
                );
            }
            if let Some(g) = p.get("terminationGracePeriodSeconds").filter(|n| !n.is_null()) {
                if probe == "readinessProbe" {
                    cx.report(
                        &format!("{base}/terminationGracePeriodSeconds"),
                        At::Key,
                        "`terminationGracePeriodSeconds` may not be set on a readiness probe",
                    );
                } else if let Some(v) = g.as_i64()
                    && v <= 0
                {
                    cx.report(
                        &format!("{base}/terminationGracePeriodSeconds"),
                        At::Value,
                        format!("`terminationGracePeriodSeconds: {v}` must be greater than 0"),
                    );
                }
            }
        }
    }
}
