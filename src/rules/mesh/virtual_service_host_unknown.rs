//! `virtual-service-host-unknown`: A VirtualService routes to a cluster host with no Service.

use super::common::{NETWORKING, service_of_host};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "virtual-service-host-unknown",
    family: Family::Mesh,
    title: "A VirtualService routes to a cluster host with no Service",
    rationale: "A route destination such as `reviews` or `reviews.shop.svc.cluster.local` needs that Service; without it the route returns 503. External hosts (with other domains) are not checked.",
    default_reason: "Warning: a route to a host the input does not define answers 503.",
    remediation: "Fix the destination host, or add the Service.",
    example_bad: "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hosts: [web]\n  http:\n    - route:\n        - destination: {host: wbe}\n",
    example_good: "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hosts: [web]\n  http:\n    - route:\n        - destination: {host: web}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80}\n",
    kinds: &["VirtualService"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NETWORKING, "VirtualService") {
        return;
    }
    let own_ns = object.namespace.clone().unwrap_or_default();
    for section in ["http", "tcp", "tls"] {
        for (i, route_rule) in object.node().seq_at(&format!("/spec/{section}")).iter().enumerate() {
            for (j, route) in route_rule.seq_of("route").iter().enumerate() {
                let Some(host) = route.pointer("/destination/host").and_then(Node::as_str) else {
                    continue;
                };
                let Some((name, ns)) = service_of_host(host, &own_ns, inventory) else {
                    continue;
                };
                if inventory.find("Service", Some(&ns), &name).is_none() {
                    cx.report(
                        &format!("/spec/{section}/{i}/route/{j}/destination/host"),
                        At::Value,
                        format!("no Service `{name}` in namespace `{ns}` among the inputs"),
                    );
                }
            }
        }
    }
}
