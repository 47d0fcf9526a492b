//! `unmasked-proc-mount`: A container unmasks /proc.

use super::common::each_container;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "unmasked-proc-mount",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container unmasks /proc",
    rationale: "`procMount: Unmasked` removes the masking of sensitive `/proc` paths that the runtime applies by default; the baseline standard forbids it.",
    default_reason: "Error: `procMount: Unmasked` exposes the host's kernel interfaces (Pod Security `baseline` forbids it).",
    remediation: "Remove `procMount` or set it to `Default`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      securityContext:\n        procMount: Unmasked\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      securityContext:\n        procMount: Default\n",
    security_severity: Some("7.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        if let Some(s) = sc.get("procMount")
            && s.node.as_str() == Some("Unmasked")
        {
            cx.report(
                &sc.pointer("procMount", &s),
                At::Value,
                format!("{} unmasks /proc", c.describe()),
            );
        }
    });
}
