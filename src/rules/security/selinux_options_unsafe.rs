//! `selinux-options-unsafe`: A pod sets an SELinux type, user or role outside the safe set.

use super::common::each_container;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "selinux-options-unsafe",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container sets an SELinux type, user or role that escapes container confinement",
    rationale: "SELinux confines containers with the `container_t` family of types. Another `seLinuxOptions.type` (such as `spc_t`, a super-privileged container), or any custom `user` or `role`, lifts that confinement; the baseline Pod Security Standard allows only `container_t`, `container_init_t`, `container_kvm_t` and `container_engine_t`, and no user or role.",
    default_reason: "Error: an unconfined SELinux type or a custom user or role removes the node's mandatory access control around the container (Pod Security `baseline` forbids it).",
    remediation: "Remove `seLinuxOptions.type`, `user` and `role`, or use one of the container types; keep `level` if you need MCS categories.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/web:1.0.0\n      securityContext:\n        seLinuxOptions: {type: spc_t}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/web:1.0.0\n      securityContext:\n        seLinuxOptions: {level: \"s0:c123,c456\"}\n",
    security_severity: Some("7.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

const SAFE_TYPES: [&str; 4] = [
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let mut reported = std::collections::BTreeSet::new();
    each_container(object, |c, sc| {
        for field in ["type", "user", "role"] {
            let path = format!("seLinuxOptions/{field}");
            let Some(s) = sc.get(&path) else { continue };
            let value = s.node.as_str().unwrap_or_default();
            if value.is_empty() || (field == "type" && SAFE_TYPES.contains(&value)) {
                continue;
            }
            let pointer = sc.pointer(&path, &s);
            // A pod-level setting is reported once, not for every container.
            if reported.insert(pointer.clone()) {
                let whose = if s.from_pod {
                    "the pod".to_string()
                } else {
                    c.describe()
                };
                cx.report(&pointer, At::Value, format!("{whose} sets SELinux {field} `{value}`"));
            }
        }
    });
}
