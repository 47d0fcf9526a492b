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

/// Namespace-scoped Istio kinds whose presence in a namespace shows that it is in the mesh.
const NAMESPACED_ISTIO: [(&str, &str); 8] = [
    (SECURITY, "PeerAuthentication"),
    (SECURITY, "AuthorizationPolicy"),
    (SECURITY, "RequestAuthentication"),
    (NETWORKING, "VirtualService"),
    (NETWORKING, "DestinationRule"),
    (NETWORKING, "Sidecar"),
    (NETWORKING, "ServiceEntry"),
    (NETWORKING, "Gateway"),
];

/// Why the pods of `object` are in the Istio mesh, as far as the input shows, or `None`
/// when nothing in the input puts them there (then mesh rules have nothing to say):
/// - the pod template's `sidecar.istio.io/inject` label or annotation (`"false"` takes
///   the pods out whatever the namespace says, `"true"` puts them in);
/// - the namespace's labels, when a `Namespace` object is in the input:
///   `istio-injection: enabled`, an `istio.io/rev` revision or the ambient data-plane mode
///   put it in, `istio-injection: disabled` takes it out;
/// - Istio objects in the namespace itself (for objects without `metadata.namespace`: in the
///   same folder, see [`Object::shares_namespace_with`]);
/// - a mesh-wide PeerAuthentication (no selector) in the root namespace.
pub(crate) fn mesh_membership(object: &Object, inventory: &Inventory, root: &str) -> Option<String> {
    let template = object.pod_template()?;
    let inject = object
        .pod_labels
        .get("sidecar.istio.io/inject")
        .map(str::to_string)
        .or_else(|| {
            template
                .annotations()
                .get("sidecar.istio.io/inject")
                .map(str::to_string)
        });
    match inject.as_deref() {
        Some("false") => return None,
        Some("true") => return Some("its pod template sets `sidecar.istio.io/inject: \"true\"`".into()),
        _ => {}
    }
    let ns = object.namespace.as_deref()?;
    if let Some(namespace) = inventory.find("Namespace", None, ns) {
        let labels = &namespace.labels;
        match labels.get("istio-injection") {
            Some("disabled") => return None,
            Some("enabled") => return Some(format!("namespace `{ns}` is labelled `istio-injection: enabled`")),
            _ => {}
        }
        if let Some(rev) = labels.get("istio.io/rev") {
            return Some(format!("namespace `{ns}` is labelled `istio.io/rev: {rev}`"));
        }
        if labels.get("istio.io/dataplane-mode") == Some("ambient") {
            return Some(format!("namespace `{ns}` is in the ambient mesh"));
        }
    }
    if let Some((_, kind)) = NAMESPACED_ISTIO.iter().find(|(group, kind)| {
        inventory
            .of_kind_in(group, kind, Some(ns))
            .any(|o| o.shares_namespace_with(object))
    }) {
        return Some(format!("namespace `{ns}` holds an Istio {kind}"));
    }
    inventory
        .of_kind_in(SECURITY, "PeerAuthentication", Some(root))
        .find(|p| p.pod_selector().is_none())
        .map(|p| {
            format!(
                "PeerAuthentication {root}/{} applies to the whole mesh",
                p.name.as_deref().unwrap_or("?")
            )
        })
}
