//! `default-service-account`: A pod runs as its namespace's default service account.

use super::common::{BARE, RESTRICTED};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "default-service-account",
    family: Family::Security,
    severity: Severity::Info,
    title: "A pod runs as its namespace's default service account",
    rationale: "Permissions granted to the `default` service account apply to every pod of the namespace that names no other; a dedicated service account per workload keeps grants least-privilege and auditable.",
    default_reason: "Info: sharing the namespace's default account is common and harmless when it has no permissions; worth knowing for RBAC reviews.",
    remediation: "Create a ServiceAccount for the workload and set `serviceAccountName`.",
    example_bad: BARE,
    example_good: RESTRICTED,
    security_severity: Some("3.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    let spec = t.spec;
    let account = spec.and_then(|s| s.get("serviceAccountName").or_else(|| s.get("serviceAccount")));
    match account.and_then(Node::as_str) {
        Some(name) if name != "default" => {}
        Some(_) => cx.report(
            &format!("{}/serviceAccountName", t.spec_pointer()),
            At::Value,
            "the pod runs as the `default` service account",
        ),
        None => cx.report(
            &format!("{}/spec", t.pointer),
            At::Key,
            "the pod runs as the `default` service account (`serviceAccountName` is not set)",
        ),
    }
}
