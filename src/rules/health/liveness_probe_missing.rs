//! `liveness-probe-missing`: A long-running container has no liveness probe.

use super::common::{POD_WITH_PROBES, POD_WITHOUT_PROBES, probe_missing};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "liveness-probe-missing",
    family: Family::Health,
    title: "A long-running container has no liveness probe",
    rationale: "Without a liveness probe the kubelet restarts a container only when its process exits; a deadlocked or wedged server keeps its pod and keeps receiving traffic forever.",
    default_reason: "Warning: without a liveness probe a hung process is never restarted; a reviewer of a long-running service asks for one (batch workloads are not checked).",
    remediation: "Add a `livenessProbe` that fails when the process can no longer make progress (an HTTP endpoint, a TCP port, a gRPC health check or a command). Jobs and CronJobs are not checked.",
    example_bad: POD_WITHOUT_PROBES,
    example_good: POD_WITH_PROBES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    probe_missing(object, cx, "livenessProbe", "liveness");
}
