//! `startup-probe-missing`: A long-running container has no startup probe.

use super::common::{POD_WITH_PROBES, POD_WITHOUT_PROBES, probe_missing};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "startup-probe-missing",
    family: Family::Health,
    severity: Severity::Info,
    enabled: false,
    title: "A long-running container has no startup probe",
    rationale: "Slow-starting applications need a liveness probe with a long initial delay, which also delays the detection of real failures; a startup probe holds the liveness probe back only until the application has started.",
    default_reason: "Off by default: only slow-starting applications need a startup probe; as a general rule it would be noise.",
    remediation: "Add a `startupProbe` (often the liveness check with a generous `failureThreshold`) for containers that take long to start.",
    example_bad: POD_WITHOUT_PROBES,
    example_good: POD_WITH_PROBES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    probe_missing(object, cx, "startupProbe", "startup");
}
