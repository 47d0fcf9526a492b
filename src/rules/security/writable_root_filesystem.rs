//! `writable-root-filesystem`: A container's root filesystem is writable.

use super::common::{BARE, BoolFix, RESTRICTED, each_container, require_bool};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "writable-root-filesystem",
    family: Family::Security,
    title: "A container's root filesystem is writable",
    rationale: "A writable root filesystem lets an attacker who gets code execution drop tools and persist changes inside the container; a read-only one confines writes to the volumes you declare.",
    default_reason: "Warning: a read-only root filesystem stops an attacker from dropping tools into the container; a reviewer asks for it where the app allows.",
    remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the application must write (e.g. `/tmp`).",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("4.0"),
    kinds: &[WORKLOADS],
    fixable: Some(Applicability::Unsafe),
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        require_bool(
            cx,
            c,
            sc,
            "readOnlyRootFilesystem",
            true,
            "has a writable root filesystem",
            // Unsafe: an application that writes outside its volumes (`/tmp`, a cache)
            // fails once the root filesystem is read-only; the fix adds no `emptyDir`.
            Some(BoolFix {
                on_pod: false,
                applicability: Applicability::Unsafe,
            }),
        );
    });
}
