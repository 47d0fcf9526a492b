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
    fixable: Some(Applicability::Safe),
    ..RuleInfo::BASE
};

/// The fix: `seccompProfile: {type: RuntimeDefault}` in the pod's `securityContext`, as the
/// remediation says (safe: the runtime's default profile allows what ordinary programs
/// call). A profile written at either level (`Unconfined`, or one without a `type`) gets
/// `type: RuntimeDefault` in its place, unsafe: someone chose it.
pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let description = "Set `seccompProfile.type: RuntimeDefault`";
    each_unprivileged_container(object, |c, sc| match sc.get("seccompProfile/type") {
        Some(s) if matches!(s.node.as_str(), Some("RuntimeDefault" | "Localhost")) => {}
        Some(s) => {
            let fix = cx.fix(description, Applicability::Unsafe, |e| {
                e.replace(&sc.pointer("seccompProfile/type", &s), NewValue::str("RuntimeDefault"))
            });
            cx.report_fix(
                &sc.pointer("seccompProfile/type", &s),
                At::Value,
                format!(
                    "{} runs with seccomp profile `{}`",
                    c.describe(),
                    s.node.as_str().unwrap_or("?")
                ),
                fix,
            )
        }
        None => {
            // A profile without a type (`localhostProfile` alone) is one someone wrote.
            let written = sc.get("seccompProfile");
            let (at_pod, applicability) = match &written {
                Some(w) => (w.from_pod, Applicability::Unsafe),
                None => (true, Applicability::Safe),
            };
            let profile = format!("{}/seccompProfile", sc.context_pointer(at_pod));
            let fix = cx.fix(description, applicability, |e| match written {
                Some(w) if w.node.as_map().is_some_and(|m| !m.is_empty()) => {
                    // Replace the whole profile: `localhostProfile` beside `RuntimeDefault`
                    // is invalid.
                    e.replace(&profile, NewValue::map1("type", NewValue::str("RuntimeDefault")))
                }
                _ => e.set(&profile, "type", NewValue::str("RuntimeDefault")),
            });
            cx.report_fix(
                &c.field("name"),
                At::Value,
                format!("{} has no seccomp profile", c.describe()),
                fix,
            )
        }
    });
}
