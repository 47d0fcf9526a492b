//! `readiness-probe-missing`: A long-running container has no readiness probe.

use super::common::{POD_WITH_PROBES, POD_WITHOUT_PROBES, probe_missing};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "readiness-probe-missing",
    family: Family::Health,
    title: "A long-running container has no readiness probe",
    rationale: "Without a readiness probe a pod receives traffic as soon as its containers start, before the application can serve it, and keeps receiving it while overloaded or draining: every rollout and every hiccup turns into failed requests.",
    default_reason: "Warning: without readiness, traffic reaches pods before they can serve; a reviewer of a Service-backed workload asks for one.",
    remediation: "Add a `readinessProbe` that succeeds only when the container can serve requests.",
    example_bad: POD_WITHOUT_PROBES,
    example_good: POD_WITH_PROBES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    probe_missing(object, cx, "readinessProbe", "readiness");
}
