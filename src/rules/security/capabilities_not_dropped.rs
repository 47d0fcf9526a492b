//! `capabilities-not-dropped`: A container does not drop all Linux capabilities.

use super::common::{BARE, RESTRICTED, capability_list, each_unprivileged_container};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "capabilities-not-dropped",
    family: Family::Security,
    title: "A container does not drop all Linux capabilities",
    rationale: "Container runtimes grant a default set of capabilities (CHOWN, SETUID, NET_RAW, ...) that most applications never use; the restricted Pod Security Standard requires dropping ALL and adding back only NET_BIND_SERVICE if needed.",
    default_reason: "Warning: Pod Security Standards `restricted` requires dropping ALL; a reviewer asks for it, but `baseline` clusters run such pods.",
    remediation: "Set `securityContext.capabilities.drop: [ALL]`.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("4.0"),
    kinds: &[WORKLOADS],
    fixable: Some(Applicability::Unsafe),
    ..RuleInfo::BASE
};

/// The fix: `ALL` appended to `capabilities.drop`, or `capabilities.drop: [ALL]` in the
/// container's `securityContext`; what `capabilities.add` grants stays. Unsafe: a process
/// that relies on a default capability (`CHOWN`, `SETUID`/`SETGID` to switch users,
/// `NET_BIND_SERVICE` for a port below 1024, as nginx's image does) fails until it is added
/// back.
pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let description = "Drop ALL capabilities (`capabilities.drop: [ALL]`)";
    each_unprivileged_container(object, |c, sc| match capability_list(sc, "drop") {
        Some((_, dropped)) if dropped.iter().any(|d| d.as_str() == Some("ALL")) => {}
        Some((s, _)) => {
            let pointer = sc.pointer("capabilities/drop", &s);
            let fix = cx.fix(description, Applicability::Unsafe, |e| {
                e.append(&pointer, NewValue::str("ALL"))
            });
            cx.report_fix(
                &pointer,
                At::Key,
                format!("{} does not drop ALL capabilities", c.describe()),
                fix,
            )
        }
        None => {
            let fix = cx.fix(description, Applicability::Unsafe, |e| {
                e.append(
                    &format!("{}/capabilities/drop", sc.context_pointer(false)),
                    NewValue::str("ALL"),
                )
            });
            cx.report_fix(
                &c.field("name"),
                At::Value,
                format!(
                    "{} does not drop ALL capabilities (`capabilities.drop: [ALL]` is not set)",
                    c.describe()
                ),
                fix,
            )
        }
    });
}
