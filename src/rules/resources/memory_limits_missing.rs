//! `memory-limits-missing`: A container has no memory limit.

use super::common::{NO_RESOURCES, WITH_RESOURCES, missing};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "memory-limits-missing",
    family: Family::Resources,
    title: "A container has no memory limit",
    rationale: "A container without a memory limit can consume its node's memory until the kernel's OOM killer picks a victim, which may be another team's pod or a system daemon.",
    default_reason: "Warning: without a memory limit one leaking pod can push its node into memory pressure and get others evicted; a LimitRange default counts.",
    remediation: "Set `resources.limits.memory` (usually equal to, or a little above, the request).",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    missing(object, inventory, cx, "limits", "memory");
}
