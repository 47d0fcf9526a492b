//! `invalid-container-port`: A container port the API server rejects.

use super::common::{check_protocol, int_at, is_port_number, port_name_problem};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-container-port",
    family: Family::Api,
    severity: Severity::Error,
    title: "A container port's number, name or protocol is invalid",
    rationale: "The API server checks every entry of a container's `ports` (`validateContainerPorts`, `AccumulateUniqueHostPorts`, `validateHostNetwork`): `containerPort` is required and between 1 and 65535, `hostPort` too when set; a port name is an IANA service name (at most 15 lower case letters, digits and '-', with at least one letter, no leading, trailing or doubled '-') and unique among the container's ports; the protocol is TCP, UDP or SCTP; two ports of the pod may not claim the same host port, protocol and host IP; with `hostNetwork: true` a `hostPort` must equal its `containerPort`.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the port as the message says; Services and probes refer to ports by these names, so rename them there too.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - name: http_web\n          containerPort: 80\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      ports:\n        - name: http-web\n          containerPort: 80\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((t, containers)) = crate::rules::containers(object) else {
        return;
    };
    let host_network = t.spec.and_then(|s| s.get("hostNetwork")).and_then(Node::as_bool) == Some(true);
    let mut host_ports: Vec<(String, String)> = Vec::new();
    for c in &containers {
        let mut names: Vec<&str> = Vec::new();
        for (i, port) in c.node.seq_of("ports").iter().enumerate() {
            if port.as_map().is_none() {
                continue;
            }
            let base = c.field(&format!("ports/{i}"));
            if let Some(name) = port.get("name").and_then(Node::as_str).filter(|n| !n.is_empty()) {
                if let Some(p) = port_name_problem(name) {
                    cx.report(
                        &format!("{base}/name"),
                        At::Value,
                        format!("port name `{name}` {p} (an IANA service name)"),
                    );
                } else if names.contains(&name) {
                    cx.report(
                        &format!("{base}/name"),
                        At::Value,
                        format!("{} names two ports `{name}`", c.describe()),
                    );
                } else {
                    names.push(name);
                }
            }
            let container_port = int_at(port, "/containerPort");
            // An absent `containerPort` is a `schema-violation` (the schema requires it).
            if let Some(n) = container_port
                && !is_port_number(n)
            {
                cx.report(
                    &format!("{base}/containerPort"),
                    At::Value,
                    format!("`containerPort: {n}` must be between 1 and 65535"),
                );
            }
            let host_port = int_at(port, "/hostPort").filter(|&h| h != 0);
            if let Some(h) = host_port {
                if !is_port_number(h) {
                    cx.report(
                        &format!("{base}/hostPort"),
                        At::Value,
                        format!("`hostPort: {h}` must be between 1 and 65535"),
                    );
                } else {
                    let protocol = port
                        .get("protocol")
                        .and_then(scalar_text)
                        .unwrap_or_else(|| "TCP".into());
                    let host_ip = port.get("hostIP").and_then(scalar_text).unwrap_or_default();
                    let key = format!("{host_ip}/{protocol}/{h}");
                    if let Some((_, first)) = host_ports.iter().find(|(k, _)| *k == key) {
                        cx.report(
                            &format!("{base}/hostPort"),
                            At::Value,
                            format!("host port {h}/{protocol} is already claimed by {first}"),
                        );
                    } else {
                        host_ports.push((key, c.describe()));
                    }
                }
                if host_network
                    && let Some(cp) = container_port
                    && cp != h
                {
                    cx.report(
                        &format!("{base}/hostPort"),
                        At::Value,
                        format!(
                            "`hostPort: {h}` must equal `containerPort` ({cp}) when the pod uses `hostNetwork: true`"
                        ),
                    );
                }
            }
            check_protocol(object.node(), &format!("{base}/protocol"), cx);
        }
    }
}
