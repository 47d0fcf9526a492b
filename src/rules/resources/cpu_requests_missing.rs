//! `cpu-requests-missing`: A container has no CPU request.

use super::common::{NO_RESOURCES, WITH_RESOURCES, missing};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "cpu-requests-missing",
    family: Family::Resources,
    title: "A container has no CPU request",
    rationale: "The scheduler places pods by their requests. Without a CPU request a container is scheduled as if it needed nothing, lands on crowded nodes and is the first to starve under contention (and the pod cannot be in the Guaranteed QoS class).",
    default_reason: "Warning: without a CPU request the scheduler places the pod blind and it is the first to starve under contention; a LimitRange default counts as a request.",
    remediation: "Set `resources.requests.cpu` to what the container needs under normal load (e.g. `100m`).",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    missing(object, inventory, cx, "requests", "cpu");
}
