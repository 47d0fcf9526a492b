//! `host-path-volume`: A pod mounts a directory of the node (hostPath).

use super::common::host_path;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "host-path-volume",
    family: Family::Security,
    title: "A pod mounts a directory of the node (hostPath)",
    rationale: "A hostPath volume ties the pod to one node's filesystem and, if writable, lets it change files the node and other pods rely on; the baseline Pod Security Standard forbids hostPath volumes.",
    default_reason: "Warning: a hostPath volume ties the pod to a node and reaches into its filesystem; sensitive paths are the error-level `sensitive-host-path`.",
    remediation: "Use a PersistentVolumeClaim, a ConfigMap/Secret, or an `emptyDir` instead; node agents that need host files should be reviewed and suppressed with a reason.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: logs\nspec:\n  containers:\n    - name: logs\n      image: busybox:1.36\n  volumes:\n    - name: data\n      hostPath: {path: /data/logs}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: logs\nspec:\n  containers:\n    - name: logs\n      image: busybox:1.36\n  volumes:\n    - name: data\n      emptyDir: {}\n",
    security_severity: Some("5.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    host_path(object, cx, false);
}
