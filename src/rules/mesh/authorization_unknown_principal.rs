//! `authorization-unknown-principal`: An AuthorizationPolicy names a service account that is not in the inputs.

use super::common::SECURITY;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "authorization-unknown-principal",
    family: Family::Mesh,
    title: "An AuthorizationPolicy names a service account that is not in the inputs",
    rationale: "A principal `cluster.local/ns/<ns>/sa/<name>` whose ServiceAccount does not exist matches no workload: the intended client is denied, or the name is a typo. With `knownNamespacesOnly`, principals in namespaces the inputs do not define are not checked.",
    default_reason: "Warning: a principal naming a service account the input does not define matches nobody.",
    remediation: "Fix the principal, or add the ServiceAccount.",
    example_bad: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  rules:\n    - from:\n        - source: {principals: [cluster.local/ns/shop/sa/frontent]}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: frontend\n  namespace: shop\n",
    example_good: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  rules:\n    - from:\n        - source: {principals: [cluster.local/ns/shop/sa/frontend]}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: frontend\n  namespace: shop\n",
    params: &[ParamInfo {
        name: "knownNamespacesOnly",
        ty: ParamType::Bool,
        description: "Only check principals in namespaces that a Namespace object in the inputs defines.",
        default: "false",
    }],
    kinds: &["AuthorizationPolicy"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(SECURITY, "AuthorizationPolicy") {
        return;
    }
    let known_only = cx
        .param("knownNamespacesOnly")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    for (i, rule) in object.node().seq_at("/spec/rules").iter().enumerate() {
        for (j, from) in rule.seq_of("from").iter().enumerate() {
            for key in ["principals", "notPrincipals"] {
                for (k, p) in from.seq_at(&format!("/source/{key}")).iter().enumerate() {
                    let Some(principal) = p.as_str() else { continue };
                    let Some((ns, sa)) = principal
                        .split_once("/ns/")
                        .and_then(|(_, rest)| rest.split_once("/sa/"))
                    else {
                        continue;
                    };
                    if ns.contains('*') || sa.contains('*') || sa == "default" {
                        continue;
                    }
                    if known_only && !inventory.defines_namespace(ns) {
                        continue;
                    }
                    if inventory.find("ServiceAccount", Some(ns), sa).is_none() {
                        cx.report(
                            &format!("/spec/rules/{i}/from/{j}/source/{key}/{k}"),
                            At::Value,
                            format!("no ServiceAccount `{sa}` in namespace `{ns}` among the inputs"),
                        );
                    }
                }
            }
        }
    }
}
