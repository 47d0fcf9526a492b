//! `authorization-allows-all`: An AuthorizationPolicy allows every request.

use super::common::SECURITY;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "authorization-allows-all",
    family: Family::Mesh,
    severity: Severity::Error,
    title: "An AuthorizationPolicy allows every request",
    rationale: "An ALLOW policy with an empty rule (`rules: [{}]`) matches every request from anyone, which silently cancels the deny-by-default that the existence of ALLOW policies implies.",
    default_reason: "Error: an ALLOW policy with an empty rule allows every request, which defeats the namespace's other policies.",
    remediation: "Give the rule `from` sources (principals, namespaces) and `to` operations, or delete it.",
    example_bad: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  action: ALLOW\n  rules:\n    - {}\n",
    example_good: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  action: ALLOW\n  rules:\n    - from:\n        - source: {namespaces: [shop]}\n",
    security_severity: Some("8.0"),
    kinds: &["AuthorizationPolicy"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !is_allow(object) {
        return;
    }
    for (i, rule) in object.node().seq_at("/spec/rules").iter().enumerate() {
        if rule.as_map().is_some_and(|m| m.is_empty()) || rule.is_null() {
            cx.report(
                &format!("/spec/rules/{i}"),
                At::Value,
                "this rule is empty: it allows every request from anyone",
            );
        }
    }
}

fn is_allow(object: &Object) -> bool {
    object.is(SECURITY, "AuthorizationPolicy")
        && object
            .node()
            .pointer("/spec/action")
            .and_then(Node::as_str)
            .is_none_or(|a| a == "ALLOW")
}
