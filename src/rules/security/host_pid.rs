//! `host-pid`: A pod shares the host's process namespace.

use super::common::{BARE, host_namespace};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "host-pid",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod shares the host's process namespace",
    rationale: "With `hostPID: true` the pod sees (and, as root, can signal or trace) every process on the node, including other pods' processes and their environment.",
    default_reason: "Error: the host PID namespace lets the pod see and signal every process on the node (Pod Security `baseline` forbids it).",
    remediation: "Remove `hostPID: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostPID: true\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: BARE,
    security_severity: Some("8.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    host_namespace(object, cx, "hostPID");
}
