//! NetworkPolicy: which pods are isolated, and whether policies and their peers select
//! anything. Assumes the inputs hold the namespace's policies (a workload in a namespace
//! with no policy in the inputs is reported as open).
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

pub(crate) const NP: (&str, &str) = ("networking.k8s.io", "NetworkPolicy");

/// Which directions a policy isolates: (ingress, egress).
pub(crate) fn directions(policy: &Object) -> (bool, bool) {
    let spec = policy.node().get("spec");
    match spec.and_then(|s| s.get("policyTypes")).and_then(Node::as_seq) {
        Some(types) => (
            types.iter().any(|t| t.as_str() == Some("Ingress")),
            types.iter().any(|t| t.as_str() == Some("Egress")),
        ),
        None => (true, spec.and_then(|s| s.get("egress")).is_some()),
    }
}
