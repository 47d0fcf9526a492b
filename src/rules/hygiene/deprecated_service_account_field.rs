//! `deprecated-service-account-field`: A pod names its service account with the deprecated
//! `serviceAccount` field.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "deprecated-service-account-field",
    family: Family::Hygiene,
    title: "A pod names its service account with the deprecated `serviceAccount` field",
    rationale: "`spec.serviceAccount` is a deprecated alias of `serviceAccountName`, kept for old clients. The API server copies it into `serviceAccountName` only when that is empty, so when both are written and differ, the pod runs as `serviceAccountName` and the other name is a silent lie to whoever reads the manifest; tools that read only `serviceAccountName` miss the alias.",
    default_reason: "Warning: `serviceAccount` is deprecated, and disagreeing with `serviceAccountName` silently loses.",
    remediation: "Write the name under `serviceAccountName` and remove `serviceAccount`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccount: web\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    let Some(spec) = t.spec else { return };
    let Some(alias) = spec.get("serviceAccount") else {
        return;
    };
    let pointer = format!("{}/serviceAccount", t.spec_pointer());
    // An empty or null alias names nothing (it is unset).
    let Some(alias) = alias.as_str().filter(|a| !a.is_empty()) else {
        return;
    };
    let message = match spec.get("serviceAccountName").and_then(Node::as_str) {
        None | Some("") => {
            format!("`serviceAccount: {alias}` is a deprecated alias: write `serviceAccountName: {alias}`")
        }
        // What the API server returns for every pod (it fills the alias in): an object
        // exported from a cluster, not a mistake.
        Some(name) if name == alias => return,
        Some(name) => format!(
            "`serviceAccount: {alias}` disagrees with `serviceAccountName: {name}`; the pod runs as `{name}` (the deprecated alias counts only when `serviceAccountName` is empty)"
        ),
    };
    cx.report(&pointer, At::Key, message);
}
