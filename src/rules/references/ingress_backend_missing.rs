//! `ingress-backend-missing`: An Ingress routes to a Service or port that is not in the inputs.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "ingress-backend-missing",
    family: Family::References,
    title: "An Ingress routes to a Service or port that is not in the inputs",
    rationale: "A backend naming a missing Service, or a port the Service does not expose, answers 503 for its paths. A missing Service is reported only when the input holds other Services beside the Ingress (same namespace; without `metadata.namespace`, same folder): otherwise the input does not show them.",
    default_reason: "Warning: a backend without its Service answers 503; reported only where the input holds Services beside the Ingress.",
    remediation: "Fix the backend's service name or port, or add the Service.",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 8080}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 80}\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {name: http}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 80}\n",
    kinds: &["Ingress"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !(object.is("networking.k8s.io", "Ingress") || object.is("extensions", "Ingress")) {
        return;
    }
    let ns = object.namespace.as_deref();
    let mut backends: Vec<(String, &Node)> = Vec::new();
    if let Some(b) = object
        .node()
        .pointer("/spec/defaultBackend")
        .or_else(|| object.node().pointer("/spec/backend"))
    {
        backends.push(("/spec/defaultBackend".into(), b));
    }
    for (i, rule) in object.node().seq_at("/spec/rules").iter().enumerate() {
        for (j, path) in rule.seq_at("/http/paths").iter().enumerate() {
            if let Some(b) = path.get("backend") {
                backends.push((format!("/spec/rules/{i}/http/paths/{j}/backend"), b));
            }
        }
    }
    for (pointer, b) in backends {
        let (name, name_ptr, port, port_ptr) = match b.get("service") {
            Some(s) => (
                s.get("name").and_then(Node::as_str),
                format!("{pointer}/service/name"),
                s.get("port").and_then(|p| p.get("number").or_else(|| p.get("name"))),
                format!("{pointer}/service/port"),
            ),
            None => (
                b.get("serviceName").and_then(Node::as_str),
                format!("{pointer}/serviceName"),
                b.get("servicePort"),
                format!("{pointer}/servicePort"),
            ),
        };
        let Some(name) = name else { continue };
        let Some(service) = inventory.find("Service", ns, name) else {
            if !inventory.holds_beside("", "Service", object) {
                continue;
            }
            cx.report(
                &name_ptr,
                At::Value,
                format!(
                    "no Service `{name}` in namespace `{}` of the input, though other Services are there",
                    ns.unwrap_or("default")
                ),
            );
            continue;
        };
        let Some(port) = port.and_then(scalar_text) else {
            continue;
        };
        let ports = service.node().seq_at("/spec/ports");
        let exposed = ports.iter().any(|p| {
            p.get("port").and_then(scalar_text).as_deref() == Some(port.as_str())
                || p.get("name").and_then(Node::as_str) == Some(port.as_str())
        });
        if !exposed {
            cx.report(&port_ptr, At::Value, format!("Service `{name}` has no port `{port}`"));
        }
    }
}
