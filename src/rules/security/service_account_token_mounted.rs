//! `service-account-token-mounted`: A pod mounts its service account token without saying so.

use super::common::{BARE, RESTRICTED};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "service-account-token-mounted",
    family: Family::Security,
    severity: Severity::Info,
    title: "A pod mounts its service account token without saying so",
    rationale: "Every pod gets an API token for its service account unless `automountServiceAccountToken: false`; an attacker in a pod that never talks to the API server can still use that token.",
    remediation: "Set `automountServiceAccountToken: false` on pods (or their service account) that do not call the Kubernetes API; set it to `true` explicitly on those that do.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("3.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    if t.spec.and_then(|s| s.get("automountServiceAccountToken")).is_none() {
        let pointer = format!("{}/spec", t.pointer);
        cx.report(
            &pointer,
            At::Key,
            "the pod mounts a service account token (`automountServiceAccountToken` is not set)",
        );
    }
}
