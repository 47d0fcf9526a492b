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
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_unprivileged_container(object, |c, sc| match capability_list(sc, "drop") {
        Some((_, dropped)) if dropped.iter().any(|d| d.as_str() == Some("ALL")) => {}
        Some((s, _)) => cx.report(
            &sc.pointer("capabilities/drop", &s),
            At::Key,
            format!("{} does not drop ALL capabilities", c.describe()),
        ),
        None => cx.report(
            &c.field("name"),
            At::Value,
            format!(
                "{} does not drop ALL capabilities (`capabilities.drop: [ALL]` is not set)",
                c.describe()
            ),
        ),
    });
}
