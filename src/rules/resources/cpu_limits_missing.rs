//! `cpu-limits-missing`: A container has no CPU limit.

use super::common::{NO_RESOURCES, WITH_RESOURCES, missing};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "cpu-limits-missing",
    family: Family::Resources,
    enabled: false,
    title: "A container has no CPU limit",
    rationale: "A container without a CPU limit can take every idle core of its node, and its latency then depends on its neighbours' idleness. Some teams prefer no CPU limits (to avoid throttling) and turn this rule off; the memory rules stay on.",
    default_reason: "Off by default: CPU limits are contested advice. They cause throttling even on idle nodes, and many operators (and the Kubernetes resource-management guidance for latency-sensitive services) recommend requests without limits. Turn it on where policy requires limits.",
    remediation: "Set `resources.limits.cpu`, or disable this rule in `.kubelint.yaml` if your policy is requests-only CPU.",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    missing(object, inventory, cx, "limits", "cpu");
}
