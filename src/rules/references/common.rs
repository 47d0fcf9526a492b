//! References between objects: Services and their pods and ports, Ingress backends, HPA
//! and PDB targets, StatefulSet services, service accounts, ConfigMaps and Secrets.
//! Rules that infer absence assume the referenced objects would be among the inputs;
//! `knownNamespacesOnly` limits them to namespaces a Namespace object in the inputs defines.
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

pub(crate) const KNOWN_ONLY: ParamInfo = ParamInfo {
    name: "knownNamespacesOnly",
    ty: ParamType::Bool,
    description: "Only check objects in namespaces that a Namespace object in the inputs defines.",
    default: "false",
};

pub(crate) fn skip_namespace(object: &Object, inventory: &Inventory, cx: &Context<'_>) -> bool {
    let known_only = cx
        .param("knownNamespacesOnly")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    known_only
        && !object
            .namespace
            .as_deref()
            .is_some_and(|ns| inventory.defines_namespace(ns))
}

/// Replicas a workload runs (1 when unset; `None` for kinds without `replicas`, and when
/// `replicas` is not an int32).
pub(crate) fn replicas(object: &Object) -> Option<i64> {
    let replicated = ["Deployment", "StatefulSet", "ReplicaSet"].contains(&object.kind.as_str())
        || object.is("", "ReplicationController");
    if replicated { object.replicas() } else { None }
}
