//! `service-account-missing`: A pod runs as a ServiceAccount that is not in the inputs.

use super::common::{KNOWN_ONLY, skip_namespace};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "service-account-missing",
    family: Family::References,
    severity: Severity::Info,
    title: "A pod runs as a ServiceAccount that is not in the inputs",
    rationale: "A pod naming a ServiceAccount that does not exist is never created (the admission controller rejects it). Inputs are often partial, hence info, and the rule speaks only when the input holds other ServiceAccounts beside the workload (same namespace; without `metadata.namespace`, same folder); `default` always exists. `knownNamespacesOnly` limits the check to namespaces the inputs define.",
    default_reason: "Info: the pod is rejected if the account is missing, but accounts are often created elsewhere; reported only where the input holds ServiceAccounts beside it.",
    remediation: "Add the ServiceAccount, or fix `serviceAccountName`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n    - name: web\n      image: nginx:1.27.2\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n    - name: web\n      image: nginx:1.27.2\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
    params: &[KNOWN_ONLY],
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    if skip_namespace(object, inventory, cx) {
        return;
    }
    // `serviceAccountName` wins; the deprecated `serviceAccount` is read when it is alone.
    let Some((field, name)) = ["serviceAccountName", "serviceAccount"].iter().find_map(|f| {
        t.spec
            .and_then(|s| s.get(f))
            .and_then(Node::as_str)
            .filter(|n| !n.is_empty())
            .map(|n| (*f, n))
    }) else {
        return;
    };
    // Every namespace has `default`; only speak when the input shows the namespace's
    // ServiceAccounts at all.
    if name == "default" || !inventory.holds_beside("", "ServiceAccount", object) {
        return;
    }
    if inventory
        .find("ServiceAccount", object.namespace.as_deref(), name)
        .is_none()
    {
        cx.report(
            &format!("{}/{field}", t.spec_pointer()),
            At::Value,
            format!(
                "no ServiceAccount `{name}` in namespace `{}` of the input, though other ServiceAccounts are there",
                object.namespace.as_deref().unwrap_or_default()
            ),
        );
    }
}
