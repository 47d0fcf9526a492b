//! `service-account-token-mounted`: A pod mounts its service account token without saying so.

use super::common::{BARE, RESTRICTED};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "service-account-token-mounted",
    family: Family::Security,
    severity: Severity::Info,
    title: "A pod mounts its service account token without saying so",
    rationale: "Every pod gets an API token for its service account unless `automountServiceAccountToken: false`; an attacker in a pod that never talks to the API server can still use that token. The pod's own `automountServiceAccountToken` wins; when it is unset, the ServiceAccount's (if it is in the input) decides.",
    default_reason: "Info: an unused token is an attack aid, but most pods cannot exploit it and many need it; a hardening hint, not a defect.",
    remediation: "Set `automountServiceAccountToken: false` on pods (or their service account) that do not call the Kubernetes API; set it to `true` explicitly on those that do.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("3.0"),
    kinds: &[WORKLOADS],
    fixable: Some(Applicability::Unsafe),
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    if t.spec.and_then(|s| s.get("automountServiceAccountToken")).is_some() {
        return;
    }
    // The pod's ServiceAccount may say it instead (the pod's own setting wins when present).
    let account = ["serviceAccountName", "serviceAccount"]
        .iter()
        .find_map(|f| {
            t.spec
                .and_then(|s| s.get(f))
                .and_then(Node::as_str)
                .filter(|n| !n.is_empty())
        })
        .unwrap_or("default");
    let account_says = inventory
        .find("ServiceAccount", object.namespace.as_deref(), account)
        .and_then(|sa| sa.node().get("automountServiceAccountToken"))
        .and_then(Node::as_bool);
    if account_says == Some(false) {
        return;
    }
    let pointer = format!("{}/spec", t.pointer);
    let message = match account_says {
        Some(true) => format!(
            "the pod mounts a service account token: its ServiceAccount `{account}` sets `automountServiceAccountToken: true` and the pod does not say"
        ),
        _ => "the pod mounts a service account token (`automountServiceAccountToken` is not set on the pod or its ServiceAccount in the input)".to_string(),
    };
    // The fix: `automountServiceAccountToken: false` on the pod. Unsafe: a pod that calls
    // the API server (an operator, a controller, anything with a client library) loses its
    // credentials. None for a template without a `spec` (a fragment, not a pod to harden).
    let fix = t.spec.and_then(|_| {
        cx.fix(
            "Set `automountServiceAccountToken: false` on the pod",
            Applicability::Unsafe,
            |e| e.set(&pointer, "automountServiceAccountToken", NewValue::Bool(false)),
        )
    });
    cx.report_fix(&pointer, At::Key, message, fix);
}
