//! `unsafe-sysctls`: A pod sets a sysctl outside the safe set.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "unsafe-sysctls",
    family: Family::Security,
    severity: Severity::Error,
    title: "A pod sets a sysctl outside the safe set",
    rationale: "Only a few namespaced sysctls are safe to set per pod; the others affect the whole node (or other pods) and the baseline standard forbids them.",
    default_reason: "Error: sysctls outside the safe set affect the whole node; the kubelet rejects the pod unless the node allows them.",
    remediation: "Remove the sysctl, or tune the node instead. Safe sysctls: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    sysctls:\n      - {name: kernel.msgmax, value: \"65536\"}\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    sysctls:\n      - {name: net.ipv4.tcp_syncookies, value: \"1\"}\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    security_severity: Some("6.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    let Some(sysctls) = t
        .spec
        .and_then(|s| s.pointer("/securityContext/sysctls"))
        .and_then(Node::as_seq)
    else {
        return;
    };
    for (i, s) in sysctls.iter().enumerate() {
        let Some(name) = s.get("name").and_then(Node::as_str) else {
            continue;
        };
        if !SAFE_SYSCTLS.contains(&name) {
            cx.report(
                &format!("{}/securityContext/sysctls/{i}/name", t.spec_pointer()),
                At::Value,
                format!("the pod sets the unsafe sysctl `{name}`"),
            );
        }
    }
}

const SAFE_SYSCTLS: [&str; 10] = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
