//! `default-namespace`: An object lives in the `default` namespace.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "default-namespace",
    family: Family::Hygiene,
    severity: Severity::Info,
    enabled: false,
    title: "An object lives in the `default` namespace",
    rationale: "The `default` namespace collects everything nobody placed deliberately; quotas, network policies and RBAC are easier to get right per team or application namespace. Objects without a namespace land wherever `kubectl` points, so `--namespace` (or the config's `namespace`) decides.",
    default_reason: "Off by default: relying on the namespace given at apply time is a legitimate style (kustomize, `kubectl -n`).",
    remediation: "Set `metadata.namespace` to a dedicated namespace.",
    example_bad: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: fast\n",
    example_good: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata:\n  mode: fast\n",
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if object.namespace.as_deref() != Some("default") {
        return;
    }
    match object.node().pointer("/metadata/namespace") {
        Some(_) => cx.report(
            "/metadata/namespace",
            At::Value,
            format!("{} is in the `default` namespace", object.kind),
        ),
        None => cx.report(
            "/metadata",
            At::Key,
            format!("{} names no namespace and lands in `default`", object.kind),
        ),
    }
}
