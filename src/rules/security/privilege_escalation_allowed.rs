//! `privilege-escalation-allowed`: A container may gain more privileges than its parent process.

use super::common::{BARE, RESTRICTED, each_unprivileged_container, require_bool};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "privilege-escalation-allowed",
    family: Family::Security,
    title: "A container may gain more privileges than its parent process",
    rationale: "Unless `allowPrivilegeEscalation` is false, a setuid binary or file capability inside the image can raise the process's privileges; the restricted Pod Security Standard requires it to be false.",
    default_reason: "Warning: Pod Security `restricted` requires `allowPrivilegeEscalation: false`; a reviewer asks for it.",
    remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("6.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_unprivileged_container(object, |c, sc| {
        require_bool(
            cx,
            c,
            sc,
            "allowPrivilegeEscalation",
            false,
            "allows privilege escalation",
        );
    });
}
