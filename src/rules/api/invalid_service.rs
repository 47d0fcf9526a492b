//! `invalid-service`: A Service's type, cluster IP, external name or traffic settings the
//! API server rejects.

use super::common::{check_enum, cidr, ip, is_dns1123_subdomain, str_at};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-service",
    family: Family::Api,
    severity: Severity::Error,
    title: "A Service's type does not fit its cluster IP, external name or traffic settings",
    rationale: "The API server checks a Service's settings against its type (`ValidateService`, `validateServiceExternalTrafficPolicy`): `type` is ClusterIP, NodePort, LoadBalancer or ExternalName; a NodePort or LoadBalancer Service cannot be headless (`clusterIP: None`); an ExternalName Service needs `externalName`, a DNS name, and may not set a cluster IP; `clusterIP` is `None` or an IP address; `sessionAffinity` is ClientIP or None, and `sessionAffinityConfig` is not set with None; `externalTrafficPolicy` is only for externally reachable Services (NodePort, LoadBalancer, or with `externalIPs`), and is Cluster or Local; `loadBalancerSourceRanges` only for LoadBalancers, each a CIDR.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Fix the field the message names, or change the Service's `type`.",
    example_bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  clusterIP: None\n  selector: {app: web}\n  ports:\n    - port: 80\n",
    example_good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n",
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
    check_enum(
        root,
        "/spec/type",
        &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
        cx,
    );
    let ty = str_at(spec, "/type").unwrap_or("ClusterIP");
    let cluster_ip = str_at(spec, "/clusterIP").filter(|s| !s.is_empty());
    let headless = cluster_ip == Some("None");
    if let Some(c) = cluster_ip
        && c != "None"
        && ip(c).is_none()
    {
        cx.report(
            "/spec/clusterIP",
            At::Value,
            format!("`clusterIP: {c}` must be `None`, empty or an IP address"),
        );
    }
    match ty {
        "NodePort" | "LoadBalancer" if headless => cx.report(
            "/spec/clusterIP",
            At::Value,
            format!("`clusterIP` may not be `None` for a {ty} Service"),
        ),
        "ExternalName" => {
            if cluster_ip.is_some() {
                cx.report(
                    "/spec/clusterIP",
                    At::Key,
                    "`clusterIP` may not be set for an ExternalName Service",
                );
            }
            match str_at(spec, "/externalName").map(|n| n.strip_suffix('.').unwrap_or(n)) {
                None | Some("") => cx.report(
                    if spec.get("externalName").is_some() {
                        "/spec/externalName"
                    } else {
                        "/spec/type"
                    },
                    At::Value,
                    "an ExternalName Service needs `externalName` (the DNS name it aliases)",
                ),
                Some(name) if !is_dns1123_subdomain(name) => cx.report(
                    "/spec/externalName",
                    At::Value,
                    format!("`externalName: {name}` must be a DNS name: lower case letters, digits, '-' and '.'"),
                ),
                Some(_) => {}
            }
        }
        _ => {}
    }
    check_enum(root, "/spec/sessionAffinity", &["ClientIP", "None"], cx);
    if str_at(spec, "/sessionAffinity") == Some("None")
        && spec.get("sessionAffinityConfig").is_some_and(|n| !n.is_null())
    {
        cx.report(
            "/spec/sessionAffinityConfig",
            At::Key,
            "`sessionAffinityConfig` may not be set when `sessionAffinity` is None",
        );
    }
    let external_ips = !spec.seq_of("externalIPs").is_empty();
    let reachable = matches!(ty, "NodePort" | "LoadBalancer") || (ty == "ClusterIP" && external_ips);
    if spec
        .get("externalTrafficPolicy")
        .and_then(Node::as_str)
        .is_some_and(|p| !p.is_empty())
    {
        if !reachable {
            cx.report(
                "/spec/externalTrafficPolicy",
                At::Key,
                format!("`externalTrafficPolicy` may only be set for externally reachable Services (NodePort, LoadBalancer, or with `externalIPs`), not a {ty} Service"),
            );
        } else {
            check_enum(root, "/spec/externalTrafficPolicy", &["Cluster", "Local"], cx);
        }
    }
    check_enum(root, "/spec/internalTrafficPolicy", &["Cluster", "Local"], cx);
    let ranges = spec.seq_of("loadBalancerSourceRanges");
    if !ranges.is_empty() {
        if ty != "LoadBalancer" {
            cx.report(
                "/spec/loadBalancerSourceRanges",
                At::Key,
                "`loadBalancerSourceRanges` may only be used when the Service `type` is LoadBalancer",
            );
        }
        for (i, r) in ranges.iter().enumerate() {
            if let Some(s) = r.as_str()
                && cidr(s.trim()).is_none()
            {
                cx.report(
                    &format!("/spec/loadBalancerSourceRanges/{i}"),
                    At::Value,
                    format!("`{s}` is not a CIDR (e.g. `203.0.113.0/24`)"),
                );
            }
        }
    }
}
