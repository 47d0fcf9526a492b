//! `memory-requests-missing`: A container has no memory request.

use super::common::{NO_RESOURCES, WITH_RESOURCES, missing};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "memory-requests-missing",
    family: Family::Resources,
    title: "A container has no memory request",
    rationale: "Without a memory request the scheduler can pack the pod onto a node that cannot hold it, and under memory pressure the kubelet evicts pods without requests first.",
    default_reason: "Warning: without a memory request the pod is scheduled as if it used none and is evicted first; a limit (which the request then defaults to) or a LimitRange default counts.",
    remediation: "Set `resources.requests.memory` to the container's working set (e.g. `128Mi`).",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    missing(object, inventory, cx, "requests", "memory");
}
