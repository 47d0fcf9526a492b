//! `host-ipc`: A pod shares the host's IPC namespace.

use super::common::{BARE, host_namespace};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "host-ipc",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod shares the host's IPC namespace",
    rationale: "With `hostIPC: true` the pod can read and write the shared memory of every process on the node.",
    default_reason: "Error: sharing the host's IPC namespace breaks pod isolation (Pod Security `baseline` forbids it): a critical hole.",
    remediation: "Remove `hostIPC: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  hostIPC: true\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: BARE,
    security_severity: Some("7.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    host_namespace(object, cx, "hostIPC");
}
