//! `invalid-pdb`: A PodDisruptionBudget the API server rejects.

use super::common::{check_enum, int_or_percent_problem};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-pdb",
    family: Family::Api,
    severity: Severity::Error,
    title: "A PodDisruptionBudget sets both minAvailable and maxUnavailable, or an invalid value",
    rationale: "The API server checks a PodDisruptionBudget (`ValidatePodDisruptionBudgetSpec`): `minAvailable` and `maxUnavailable` cannot both be set; each is a whole number of at least 0 or a percentage of at most 100%; `unhealthyPodEvictionPolicy` is IfHealthyBudget or AlwaysAllow.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Keep one of `minAvailable` or `maxUnavailable`, as a number or a percentage like `50%`.",
    example_bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n",
    example_good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n",
    kinds: &["PodDisruptionBudget"],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is("policy", "PodDisruptionBudget") {
        return;
    }
    let root = object.node();
    let Some(spec) = root.get("spec").filter(|s| s.as_map().is_some()) else {
        return;
    };
    let min = spec.get("minAvailable").filter(|n| !n.is_null());
    let max = spec.get("maxUnavailable").filter(|n| !n.is_null());
    if min.is_some() && max.is_some() {
        cx.report(
            "/spec/maxUnavailable",
            At::Key,
            "`minAvailable` and `maxUnavailable` cannot both be set: keep one",
        );
    }
    for (field, node) in [("minAvailable", min), ("maxUnavailable", max)] {
        if let Some(n) = node
            && let Some(p) = int_or_percent_problem(n, true)
        {
            cx.report(&format!("/spec/{field}"), At::Value, format!("`{field}`: {p}"));
        }
    }
    check_enum(
        root,
        "/spec/unhealthyPodEvictionPolicy",
        &["IfHealthyBudget", "AlwaysAllow"],
        cx,
    );
}
