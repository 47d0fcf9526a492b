//! `seccomp-profile-missing`: A container runs without a seccomp profile.

use super::common::{BARE, RESTRICTED, each_unprivileged_container};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "seccomp-profile-missing",
    family: Family::Security,
    title: "A container runs without a seccomp profile",
    rationale: "Without a seccomp profile (or with `Unconfined`) every system call of the kernel is reachable from the container, including the rarely used ones behind most kernel escapes; the restricted standard requires `RuntimeDefault` or `Localhost`.",
    default_reason: "Warning: Pod Security `restricted` requires a seccomp profile (`RuntimeDefault`); without it, every syscall is open.",
    remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("5.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_unprivileged_container(object, |c, sc| match sc.get("seccompProfile/type") {
        Some(s) if matches!(s.node.as_str(), Some("RuntimeDefault" | "Localhost")) => {}
        Some(s) => cx.report(
            &sc.pointer("seccompProfile/type", &s),
            At::Value,
            format!(
                "{} runs with seccomp profile `{}`",
                c.describe(),
                s.node.as_str().unwrap_or("?")
            ),
        ),
        None => cx.report(
            &c.field("name"),
            At::Value,
            format!("{} has no seccomp profile", c.describe()),
        ),
    });
}
