//! `run-as-non-root-missing`: A container may run as root.

use super::common::{BARE, BoolFix, RESTRICTED, each_container, require_bool};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "run-as-non-root-missing",
    family: Family::Security,
    title: "A container may run as root",
    rationale: "With neither `runAsNonRoot: true` nor a non-zero `runAsUser` (on the container or the pod), the container runs as whatever user its image names, often root; a container breakout then starts as root on the node. The restricted standard requires non-root.",
    default_reason: "Warning: Pod Security `restricted` requires `runAsNonRoot: true`; many images run as root by default.",
    remediation: "Set `runAsNonRoot: true` in the pod's `securityContext` (and a numeric `runAsUser` if the image names a user by name).",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("6.0"),
    kinds: &[WORKLOADS],
    fixable: Some(Applicability::Unsafe),
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    // The fix sets `runAsNonRoot: true` on the pod, as the remediation says, unless a
    // container of the pod runs as uid 0 (which the pod-level setting would stop from
    // starting): then on the container. Unsafe: an image whose user is root (or a name the
    // kubelet cannot check) no longer starts.
    let root_somewhere = crate::rules::containers(object).is_some_and(|(t, containers)| {
        containers
            .iter()
            .any(|c| SecurityView::new(&t, c).get("runAsUser").and_then(|s| s.node.as_i64()) == Some(0))
    });
    each_container(object, |c, sc| {
        let user = sc.get("runAsUser").and_then(|s| s.node.as_i64());
        if user.is_some_and(|u| u >= 0) {
            return; // non-root by uid, or uid 0: `run-as-root-user`'s business
        }
        let fix = BoolFix {
            on_pod: !root_somewhere,
            applicability: Applicability::Unsafe,
        };
        require_bool(cx, c, sc, "runAsNonRoot", true, "may run as root", Some(fix));
    });
}
