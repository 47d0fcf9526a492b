//! `privilege-escalation-allowed`: A container may gain more privileges than its parent process.

use super::common::{BARE, BoolFix, RESTRICTED, capability_list, each_unprivileged_container, require_bool};
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
    fixable: Some(Applicability::Safe),
    ..RuleInfo::BASE
};

/// The fix: `allowPrivilegeEscalation: false` in the container's `securityContext` (the
/// field has no pod-level twin). Safe: a process that needs setuid to gain privileges is
/// what the rule is about. None for a container that adds `SYS_ADMIN`: the API server
/// rejects `allowPrivilegeEscalation: false` beside it.
fn fix(sc: &SecurityView<'_>) -> Option<BoolFix> {
    let adds_sys_admin = capability_list(sc, "add").is_some_and(|(_, added)| {
        added
            .iter()
            .any(|a| matches!(a.as_str(), Some("SYS_ADMIN" | "CAP_SYS_ADMIN")))
    });
    (!adds_sys_admin).then_some(BoolFix {
        on_pod: false,
        applicability: Applicability::Safe,
    })
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_unprivileged_container(object, |c, sc| {
        require_bool(
            cx,
            c,
            sc,
            "allowPrivilegeEscalation",
            false,
            "allows privilege escalation",
            fix(sc),
        );
    });
}
