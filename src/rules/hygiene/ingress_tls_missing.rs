//! `ingress-tls-missing`: An Ingress serves plain HTTP (no `tls`).

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "ingress-tls-missing",
    family: Family::Hygiene,
    title: "An Ingress serves plain HTTP (no `tls`)",
    rationale: "Without a `tls` section the Ingress serves its hosts over unencrypted HTTP: credentials and cookies cross the network in clear text.",
    default_reason: "Warning: an Ingress without TLS serves in plain text; a reviewer asks for it unless TLS ends in front of the cluster.",
    remediation: "Add `spec.tls` with the hosts and a certificate Secret (cert-manager can issue it).",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 80}}\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 80}}\n",
    security_severity: Some("5.0"),
    kinds: &["Ingress"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !(object.is("networking.k8s.io", "Ingress") || object.is("extensions", "Ingress")) {
        return;
    }
    let tls = object.node().pointer("/spec/tls").and_then(Node::as_seq);
    if tls.is_none_or(|t| t.is_empty()) {
        cx.report(
            "/spec",
            At::Key,
            "the Ingress has no `tls` section: its hosts are served over plain HTTP",
        );
    }
}
