//! Selectors that may select nothing: one judgement for every rule that reports one
//! (Services, PodDisruptionBudgets, NetworkPolicies, Istio policies and subsets).
//!
//! Such a finding claims only what the input shows ("no pod template in the input
//! matches"), and is not made when the input cannot show the pods: no workload is deployed
//! beside the selecting object, or its namespace holds an operator's custom resource that
//! may create pods (see [`Inventory::pods_hidden`]). Labels that controllers add to pods
//! (`pod-template-hash`, `statefulset.kubernetes.io/pod-name`, …) count as matching.

use std::collections::BTreeSet;

use crate::model::selector::Operator;
use crate::rules::prelude::*;
use crate::vocab::suggest::did_you_mean;

/// The message for `selector` (of `what`, e.g. "the selector") of `referrer` when no pod
/// template in the input may match it in `namespace`, or `None` when one may, or when the
/// input may not show the pods. `referrer` decides where the pods would be deployed (for a
/// DestinationRule subset: the Service it routes to).
pub(crate) fn selects_nothing(
    referrer: &Object,
    inventory: &Inventory,
    namespace: &str,
    selector: &LabelSelector,
    what: &str,
) -> Option<String> {
    if inventory.pods_selected(namespace, selector).next().is_some() || inventory.pods_hidden(referrer).is_some() {
        return None;
    }
    let wanted: Vec<String> = selector
        .requirements
        .iter()
        .map(|r| match r.operator {
            Operator::In => format!("{}={}", r.key, r.values.join("|")),
            Operator::NotIn => format!("{}!={}", r.key, r.values.join("|")),
            Operator::Exists => r.key.clone(),
            Operator::DoesNotExist => format!("!{}", r.key),
        })
        .collect();
    let mut message = format!(
        "no pod template in the input matches {what} ({}) in namespace `{namespace}`",
        wanted.join(", ")
    );
    // The closest label value that pods beside it do carry: the usual cause is a typo.
    let everything = LabelSelector::default();
    for r in selector.requirements.iter().filter(|r| r.operator == Operator::In) {
        let seen: BTreeSet<&str> = inventory
            .pods_selected(namespace, &everything)
            .filter_map(|o| o.pod_labels.get(&r.key))
            .collect();
        let missing = r.values.iter().all(|v| !seen.contains(v.as_str()));
        if let Some(near) = missing
            .then(|| r.values.iter().find_map(|v| did_you_mean(v, seen.iter().copied())))
            .flatten()
        {
            message.push_str(&format!("; pods there carry `{}={near}`", r.key));
            break;
        }
    }
    Some(message)
}
