//! `invalid-service-ports`: A Service's ports the API server rejects.

use super::common::{
    IntOrString, check_protocol, int_at, int_or_string, is_dns1123_label, is_port_number, port_name_problem, str_at,
};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-service-ports",
    family: Family::Api,
    severity: Severity::Error,
    title: "A Service's ports are missing, unnamed, repeated or out of range",
    rationale: "The API server checks a Service's `ports` (`ValidateService`, `validateServicePort`): a Service needs at least one port unless it is headless (`clusterIP: None`) or of type ExternalName; when it has several, each needs a `name`, a DNS label unique among them; `port` is between 1 and 65535; `targetPort` is a number between 1 and 65535 or an IANA port name (at most 15 lower case letters, digits and '-', with a letter); the protocol is TCP, UDP or SCTP; no two ports share a port number and protocol, nor a node port and protocol; `nodePort` may not be set on a ClusterIP Service; a LoadBalancer may not expose the kubelet's port 10250.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the port as the message says.",
    example_bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: http\n    - port: 443\n      targetPort: https\n",
    example_good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n    - name: https\n      port: 443\n      targetPort: https\n",
    kinds: &["Service"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("", "Service") {
        return;
    }
    let root = object.node();
    let Some(spec) = root.get("spec").filter(|s| s.as_map().is_some()) else {
        return;
    };
    let ty = str_at(spec, "/type").unwrap_or("ClusterIP");
    let headless = str_at(spec, "/clusterIP") == Some("None");
    let ports = spec.seq_of("ports");
    if ports.is_empty() && !headless && ty != "ExternalName" {
        let (pointer, at) = if spec.get("ports").is_some() {
            ("/spec/ports", At::Value)
        } else {
            ("/spec", At::Key)
        };
        cx.report(
            pointer,
            at,
            "a Service needs at least one port (unless it is headless, `clusterIP: None`, or of type ExternalName)",
        );
    }
    let several = ports.len() > 1;
    let mut names: Vec<&str> = Vec::new();
    let mut numbers: Vec<(String, i64)> = Vec::new();
    let mut node_ports: Vec<(String, i64)> = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        if p.as_map().is_none() {
            continue;
        }
        let base = format!("/spec/ports/{i}");
        match p.get("name").and_then(Node::as_str).filter(|n| !n.is_empty()) {
            None if several => cx.report(&base, At::Key, "this Service has several ports, so each needs a `name`"),
            None => {}
            Some(name) if !is_dns1123_label(name) => cx.report(
                &format!("{base}/name"),
                At::Value,
                format!("port name `{name}` must be a DNS label: at most 63 lower case letters, digits and '-'"),
            ),
            Some(name) if names.contains(&name) => cx.report(
                &format!("{base}/name"),
                At::Value,
                format!("another port of this Service is already named `{name}`"),
            ),
            Some(name) => names.push(name),
        }
        let protocol = p.get("protocol").and_then(scalar_text).unwrap_or_else(|| "TCP".into());
        if let Some(port) = int_at(p, "/port") {
            if !is_port_number(port) {
                cx.report(
                    &format!("{base}/port"),
                    At::Value,
                    format!("`port: {port}` must be between 1 and 65535"),
                );
            } else if numbers.contains(&(protocol.clone(), port)) {
                cx.report(
                    &format!("{base}/port"),
                    At::Value,
                    format!("port {port}/{protocol} is already a port of this Service"),
                );
            } else {
                numbers.push((protocol.clone(), port));
            }
            if ty == "LoadBalancer" && port == 10250 {
                cx.report(
                    &format!("{base}/port"),
                    At::Value,
                    "a LoadBalancer Service may not expose port 10250: the kubelet uses it",
                );
            }
        }
        check_protocol(root, &format!("{base}/protocol"), cx);
        if let Some(tp) = p.get("targetPort") {
            match int_or_string(tp) {
                Some(IntOrString::Int(n)) if n != 0 && !is_port_number(n) => cx.report(
                    &format!("{base}/targetPort"),
                    At::Value,
                    format!("`targetPort: {n}` must be between 1 and 65535"),
                ),
                Some(IntOrString::Str(s)) if !s.is_empty() => {
                    if let Some(problem) = port_name_problem(s) {
                        cx.report(
                            &format!("{base}/targetPort"),
                            At::Value,
                            format!("`targetPort: {s}` is neither a port number nor a valid port name: a name {problem} (an IANA service name)"),
                        );
                    }
                }
                _ => {}
            }
        }
        if let Some(np) = int_at(p, "/nodePort").filter(|&n| n != 0) {
            if ty == "ClusterIP" {
                cx.report(
                    &format!("{base}/nodePort"),
                    At::Key,
                    "`nodePort` may not be used when the Service `type` is ClusterIP (use NodePort or LoadBalancer)",
                );
            } else if node_ports.contains(&(protocol.clone(), np)) {
                cx.report(
                    &format!("{base}/nodePort"),
                    At::Value,
                    format!("node port {np}/{protocol} is already used by another port of this Service"),
                );
            } else {
                node_ports.push((protocol.clone(), np));
            }
        }
    }
}
