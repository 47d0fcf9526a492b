//! `service-type-not-allowed`: A Service is exposed outside the cluster (NodePort or LoadBalancer).

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "service-type-not-allowed",
    family: Family::Hygiene,
    title: "A Service is exposed outside the cluster (NodePort or LoadBalancer)",
    rationale: "NodePort opens a port on every node and LoadBalancer provisions a public endpoint; both bypass the Ingress or gateway where TLS, authentication and rate limits usually live.",
    default_reason: "Warning: NodePort and LoadBalancer Services expose workloads outside the cluster; a reviewer checks each one.",
    remediation: "Use `type: ClusterIP` behind an Ingress or Gateway, or allow the type in `rules.service-type-not-allowed.params.types`.",
    example_bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: 8080}\n",
    example_good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIP\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: 8080}\n",
    params: &[ParamInfo {
        name: "types",
        ty: ParamType::StringList,
        description: "Service types to report.",
        default: "[\"NodePort\", \"LoadBalancer\"]",
    }],
    kinds: &["Service"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("", "Service") {
        return;
    }
    let Some(ty) = object.node().pointer("/spec/type").and_then(Node::as_str) else {
        return;
    };
    let reported = cx
        .param("types")
        .and_then(|v| v.as_array())
        .is_some_and(|a| a.iter().any(|t| t.as_str() == Some(ty)));
    if reported {
        cx.report(
            "/spec/type",
            At::Value,
            format!("the Service is of type {ty}, reachable from outside the cluster"),
        );
    }
}
