//! `ephemeral-storage-missing`: A container has no ephemeral-storage limit.

use super::common::{NO_RESOURCES, WITH_RESOURCES, missing};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "ephemeral-storage-missing",
    family: Family::Resources,
    severity: Severity::Info,
    enabled: false,
    title: "A container has no ephemeral-storage limit",
    rationale: "Logs, caches and `emptyDir` volumes use the node's disk; without an ephemeral-storage limit one container can fill it and get every pod on the node evicted.",
    default_reason: "Off by default: few clusters enforce ephemeral-storage accounting; useful where they do.",
    remediation: "Set `resources.limits.ephemeral-storage` (and a request) for containers that write to local disk.",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    missing(object, inventory, cx, "limits", "ephemeral-storage");
}
