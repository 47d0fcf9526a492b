//! `privileged-container`: A container runs privileged.

use super::common::each_container;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "privileged-container",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container runs privileged",
    rationale: "A privileged container has every capability and sees the host's devices: escaping to the node is one command away, and the Pod Security Standards forbid it from the baseline level up.",
    default_reason: "Error: a privileged container is root on the node (Pod Security `baseline` forbids it).",
    remediation: "Remove `privileged: true`; grant the few capabilities the process needs with `securityContext.capabilities.add` instead.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: tool\nspec:\n  containers:\n    - name: tool\n      image: busybox:1.36\n      securityContext:\n        privileged: false\n",
    security_severity: Some("9.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        if let Some(s) = sc.get("privileged")
            && s.node.as_bool() == Some(true)
        {
            cx.report(
                &sc.pointer("privileged", &s),
                At::Value,
                format!("{} runs privileged", c.describe()),
            );
        }
    });
}
