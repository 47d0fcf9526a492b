//! `run-as-root-user`: A container is set to run as user 0 (root).

use super::common::each_container;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "run-as-root-user",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container is set to run as user 0 (root)",
    rationale: "`runAsUser: 0` runs the process as root explicitly; any escape from the container starts with root's privileges on the node.",
    default_reason: "Error: an explicit `runAsUser: 0` asks for root, which a container escape turns into root on the node; never needed by an ordinary workload.",
    remediation: "Run as a non-zero user (`runAsUser: 10001`) and set `runAsNonRoot: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    runAsUser: 10001\n    runAsNonRoot: true\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    security_severity: Some("7.5"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        if let Some(s) = sc.get("runAsUser")
            && s.node.as_i64() == Some(0)
        {
            cx.report(
                &sc.pointer("runAsUser", &s),
                At::Value,
                format!("{} runs as user 0 (root)", c.describe()),
            );
        }
    });
}
