//! `invalid-ingress`: An Ingress rule, path or backend the API server rejects.

use super::common::{int_at, ip, is_dns1123_label, is_dns1123_subdomain, is_port_number, port_name_problem, str_at};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-ingress",
    family: Family::Api,
    severity: Severity::Error,
    title: "An Ingress host, path or backend the API server rejects",
    rationale: "The API server checks an Ingress (`ValidateIngressSpec`, `validateIngressRules`, `validateHTTPIngressPath`, `validateIngressBackend`): it needs `rules` or a `defaultBackend`; a host is a DNS name (a leading `*.` wildcard allowed), not an IP address; `pathType` is Exact, Prefix or ImplementationSpecific; Exact and Prefix paths are absolute and contain no `//`, `/./`, `/../` or `%2f` and do not end in `/.` or `/..`, an ImplementationSpecific path is empty or absolute; a backend names exactly one of `service` or `resource`, and a service backend exactly one of a port `name` (an IANA port name) or `number` (1 to 65535).",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the rule, path or backend as the message says.",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: api\n            pathType: Prefix\n            backend:\n              service:\n                name: web\n                port: {number: 80}\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /api\n            pathType: Prefix\n            backend:\n              service:\n                name: web\n                port: {number: 80}\n",
    kinds: &["Ingress"],
    ..RuleInfo::BASE
};

fn backend(b: &Node, base: &str, cx: &mut Context<'_>) {
    if b.as_map().is_none() {
        return;
    }
    let service = b.get("service").filter(|n| !n.is_null());
    let resource = b.get("resource").filter(|n| !n.is_null());
    match (service, resource) {
        (Some(_), Some(_)) => cx.report(
            &format!("{base}/resource"),
            At::Key,
            "a backend may name a `service` or a `resource`, not both",
        ),
        // A backend that holds other keys (`serviceName`/`servicePort` of the old API) is
        // reported by `unknown-field` at those keys.
        (None, None) if b.as_map().is_some_and(|m| m.iter().all(|e| e.value.is_null())) => {
            cx.report(base, At::Key, "a backend needs a `service` or a `resource`")
        }
        (None, None) => {}
        (None, Some(_)) => {}
        (Some(s), None) => {
            let sp = format!("{base}/service");
            if let Some(name) = str_at(s, "/name")
                && !name.is_empty()
                && !is_dns1123_label(name)
            {
                cx.report(
                    &format!("{sp}/name"),
                    At::Value,
                    format!("backend service name `{name}` is not a valid Service name (a DNS label)"),
                );
            }
            let port_name = str_at(s, "/port/name").filter(|n| !n.is_empty());
            let port_number = int_at(s, "/port/number").filter(|&n| n != 0);
            match (port_name, port_number) {
                (Some(_), Some(_)) => cx.report(
                    &format!("{sp}/port"),
                    At::Key,
                    "a service backend's port takes a `name` or a `number`, not both",
                ),
                (None, None) => {
                    let (pointer, at) = if s.get("port").is_some() {
                        (format!("{sp}/port"), At::Key)
                    } else {
                        (sp.clone(), At::Key)
                    };
                    cx.report(&pointer, at, "a service backend needs a port `name` or `number`");
                }
                (Some(n), None) => {
                    if let Some(p) = port_name_problem(n) {
                        cx.report(
                            &format!("{sp}/port/name"),
                            At::Value,
                            format!("port name `{n}` {p} (an IANA service name)"),
                        );
                    }
                }
                (None, Some(n)) => {
                    if !is_port_number(n) {
                        cx.report(
                            &format!("{sp}/port/number"),
                            At::Value,
                            format!("port `{n}` must be between 1 and 65535"),
                        );
                    }
                }
            }
        }
    }
}

fn path_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return Some("must be an absolute path (start with '/')".into());
    }
    for seq in ["//", "/./", "/../", "%2f", "%2F"] {
        if path.contains(seq) {
            return Some(format!("must not contain '{seq}'"));
        }
    }
    for suffix in ["/..", "/."] {
        if path.ends_with(suffix) {
            return Some(format!("cannot end with '{suffix}'"));
        }
    }
    None
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("networking.k8s.io", "Ingress") || object.version != "v1" {
        return;
    }
    let Some(spec) = object.node().get("spec").filter(|s| s.as_map().is_some()) else {
        return;
    };
    let rules = spec.seq_of("rules");
    let default_backend = spec.get("defaultBackend").filter(|n| !n.is_null());
    if rules.is_empty() && default_backend.is_none() {
        cx.report("/spec", At::Key, "an Ingress needs `rules` or a `defaultBackend`");
    }
    if let Some(b) = default_backend {
        backend(b, "/spec/defaultBackend", cx);
    }
    for (i, rule) in rules.iter().enumerate() {
        let base = format!("/spec/rules/{i}");
        if let Some(host) = str_at(rule, "/host").filter(|h| !h.is_empty()) {
            let problem = if ip(host).is_some() {
                Some("must be a DNS name, not an IP address")
            } else if host.contains('*') {
                (!host.strip_prefix("*.").is_some_and(is_dns1123_subdomain))
                    .then_some("may hold a wildcard only as its whole first label (`*.example.com`)")
            } else {
                (!is_dns1123_subdomain(host)).then_some("must be a DNS name: lower case letters, digits, '-' and '.'")
            };
            if let Some(p) = problem {
                cx.report(&format!("{base}/host"), At::Value, format!("host `{host}` {p}"));
            }
        }
        for (j, path) in rule.seq_at("/http/paths").iter().enumerate() {
            let pbase = format!("{base}/http/paths/{j}");
            let value = str_at(path, "/path").unwrap_or("");
            match str_at(path, "/pathType") {
                Some("Exact" | "Prefix") => {
                    if let Some(p) = path_problem(value) {
                        let (pointer, at) = if path.get("path").is_some() {
                            (format!("{pbase}/path"), At::Value)
                        } else {
                            (format!("{pbase}/pathType"), At::Value)
                        };
                        cx.report(&pointer, at, format!("path `{value}` {p}"));
                    }
                }
                Some("ImplementationSpecific") if !value.is_empty() && !value.starts_with('/') => {
                    cx.report(
                        &format!("{pbase}/path"),
                        At::Value,
                        format!("path `{value}` must be empty or an absolute path (start with '/')"),
                    );
                }
                Some("ImplementationSpecific") => {}
                // Absent: the schema requires it (`schema-violation`).
                None => {}
                Some(_) => super::common::check_enum(
                    object.node(),
                    &format!("{pbase}/pathType"),
                    &["Exact", "Prefix", "ImplementationSpecific"],
                    cx,
                ),
            }
            if let Some(b) = path.get("backend") {
                backend(b, &format!("{pbase}/backend"), cx);
            }
        }
    }
}
