//! `dangerous-capabilities`: A container adds Linux capabilities beyond the baseline set.

use super::common::{capability_list, each_container};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "dangerous-capabilities",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container adds Linux capabilities beyond the baseline set",
    rationale: "Capabilities such as SYS_ADMIN, NET_ADMIN, SYS_PTRACE or ALL give a container most of root's power over the node's kernel; the baseline Pod Security Standard allows only a small default set to be added.",
    default_reason: "Error: SYS_ADMIN, NET_ADMIN, SYS_PTRACE, ALL and similar capabilities are near-root powers on the node (Pod Security `baseline` forbids them): a critical hole unless the workload is a node agent, which should say so with an ignore annotation. Other capabilities outside the baseline set (IPC_LOCK, SYS_NICE, SYS_RESOURCE, NET_RAW, …) are a warning: a `baseline` namespace rejects them, but they give no power over the node (5 IPC_LOCK findings on the shared corpus were judged so).",
    remediation: "Remove the capability from `securityContext.capabilities.add`; if the workload truly needs it, isolate it and suppress this rule for that object with a reason.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: net\nspec:\n  containers:\n    - name: net\n      image: busybox:1.36\n      securityContext:\n        capabilities:\n          add: [NET_ADMIN, SYS_ADMIN]\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: net\nspec:\n  containers:\n    - name: net\n      image: busybox:1.36\n      securityContext:\n        capabilities:\n          drop: [ALL]\n          add: [NET_BIND_SERVICE]\n",
    security_severity: Some("8.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        let Some((s, added)) = capability_list(sc, "add") else {
            return;
        };
        for (i, cap) in added.iter().enumerate() {
            let Some(name) = cap.as_str() else { continue };
            let bare = name.trim_start_matches("CAP_");
            let pointer = format!("{}/{i}", sc.pointer("capabilities/add", &s));
            if NEAR_ROOT_CAPABILITIES.contains(&bare.to_ascii_uppercase().as_str()) {
                cx.report(
                    &pointer,
                    At::Value,
                    format!("{} adds the capability {name}", c.describe()),
                );
            } else if !BASELINE_CAPABILITIES.contains(&bare) {
                cx.report_at_most(
                    Severity::Warning,
                    &pointer,
                    At::Value,
                    format!(
                        "{} adds the capability {name}, outside the Pod Security baseline set (a namespace enforcing `baseline` rejects the pod)",
                        c.describe()
                    ),
                );
            }
        }
    });
}

/// Capabilities that give a container power over the node's kernel, other containers or
/// the network stack (`capabilities(7)`): an error. Others outside the baseline set
/// (`IPC_LOCK` for mlock, `SYS_NICE`, `SYS_RESOURCE`, `NET_RAW`, …) are a warning.
const NEAR_ROOT_CAPABILITIES: [&str; 14] = [
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "SYS_BOOT",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "SYSLOG",
    "SYS_TIME",
];

/// Capabilities the baseline Pod Security Standard allows to be added.
const BASELINE_CAPABILITIES: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];
