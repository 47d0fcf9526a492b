//! Istio: mTLS coverage and modes, DestinationRules, AuthorizationPolicies and
//! VirtualService hosts (`security.istio.io` and `networking.istio.io`, `v1` and `v1beta1`).
//! mTLS coverage is only checked when the inputs hold Istio objects at all.
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

pub(crate) const SECURITY: &str = "security.istio.io";

pub(crate) const NETWORKING: &str = "networking.istio.io";

pub(crate) fn mode(node: Option<&Node>) -> Option<&str> {
    node.and_then(|m| m.get("mode"))
        .and_then(Node::as_str)
        .filter(|m| *m != "UNSET")
}

/// The Service a mesh host names, relative to `namespace`: `name`, `name.ns.svc`,
/// `name.ns.svc.cluster.local`, or `name.ns` when the inputs know namespace `ns` (otherwise
/// `a.b` is an external domain). `None` for other (external) hosts.
pub(crate) fn service_of_host(host: &str, namespace: &str, inventory: &Inventory) -> Option<(String, String)> {
    if host.contains('*') {
        return None;
    }
    let fqdn = host.strip_suffix(".cluster.local").unwrap_or(host).strip_suffix(".svc");
    let short = fqdn.unwrap_or(host);
    match short.split('.').collect::<Vec<_>>()[..] {
        [name] if fqdn.is_none() => Some((name.to_string(), namespace.to_string())),
        [name, ns] if fqdn.is_some() || inventory.knows_namespace(ns) => Some((name.to_string(), ns.to_string())),
        _ => None,
    }
}
