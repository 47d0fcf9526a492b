//! `mtls-not-strict`: A workload is not covered by a STRICT PeerAuthentication.

use super::common::{SECURITY, mesh_membership, mode};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "mtls-not-strict",
    family: Family::Mesh,
    title: "A workload is not covered by a STRICT PeerAuthentication",
    rationale: "Without STRICT mutual TLS a sidecar also accepts plain-text traffic, so anything in the cluster can reach the workload without a verifiable identity and AuthorizationPolicies based on principals can be bypassed. The most specific PeerAuthentication decides: one selecting the workload, else the namespace's, else the mesh-wide one in the root namespace. Only checked for pods the input puts in the mesh: a `sidecar.istio.io/inject: \"true\"` pod label or annotation, a Namespace labelled `istio-injection: enabled`, `istio.io/rev` or ambient, Istio objects in the same namespace, or a mesh-wide PeerAuthentication in the root namespace; `sidecar.istio.io/inject: \"false\"` and `istio-injection: disabled` take pods out.",
    default_reason: "Warning: in a namespace the input puts in the mesh, PERMISSIVE mTLS accepts plain-text clients; not checked for namespaces outside it.",
    remediation: "Add a PeerAuthentication with `mtls.mode: STRICT` to the namespace (or the root namespace for the whole mesh).",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: legacy\n  namespace: shop\nspec:\n  mtls: {mode: PERMISSIVE}\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls: {mode: STRICT}\n",
    params: &[ParamInfo {
        name: "rootNamespace",
        ty: ParamType::String,
        description: "Istio's root namespace, where a PeerAuthentication without selector applies to the whole mesh.",
        default: "\"istio-system\"",
    }],
    security_severity: Some("6.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if object.pod_template().is_none() {
        return;
    }
    let root = cx
        .param("rootNamespace")
        .and_then(|v| v.as_str())
        .unwrap_or("istio-system")
        .to_string();
    let Some(why) = mesh_membership(object, inventory, &root) else {
        return;
    };
    let labels = &object.pod_labels;
    let ns = object.namespace.as_deref();
    let in_ns: Vec<&Object> = inventory.of_kind_in(SECURITY, "PeerAuthentication", ns).collect();
    let selecting = in_ns
        .iter()
        .find(|p| p.pod_selector().is_some_and(|s| s.matches(labels)));
    let namespace_wide = in_ns.iter().find(|p| p.pod_selector().is_none());
    let mesh_wide: Vec<&Object> = inventory
        .of_kind_in(SECURITY, "PeerAuthentication", Some(&root))
        .filter(|p| p.pod_selector().is_none())
        .collect();
    let levels = [selecting.copied(), namespace_wide.copied(), mesh_wide.first().copied()];
    let decided = levels
        .iter()
        .flatten()
        .find_map(|p| mode(p.node().pointer("/spec/mtls")).map(|m| (m, p)));
    let message = match decided {
        Some(("STRICT", _)) => return,
        Some((m, p)) => format!(
            "mTLS for these pods is {m}, set by PeerAuthentication {}/{} (in the mesh: {why})",
            p.namespace.as_deref().unwrap_or(""),
            p.name.as_deref().unwrap_or("?")
        ),
        None => format!(
            "no PeerAuthentication in the input makes mTLS STRICT for these pods (none in namespace `{}` or mesh-wide in `{root}`), so Istio's default PERMISSIVE applies (in the mesh: {why})",
            ns.unwrap_or("default")
        ),
    };
    cx.report("/metadata/name", At::Value, message);
}
