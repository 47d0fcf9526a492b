//! `apparmor-unconfined`: A container runs without an AppArmor profile on purpose.

use super::common::each_container;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "apparmor-unconfined",
    family: Family::Security,
    severity: Severity::Error,
    title: "A container turns AppArmor off (`Unconfined`)",
    rationale: "The runtime's default AppArmor profile blocks writes to `/proc` and `/sys`, mounts and other escape paths. `appArmorProfile.type: Unconfined` (or the older `container.apparmor.security.beta.kubernetes.io/<container>: unconfined` annotation) removes it; the baseline Pod Security Standard forbids that.",
    default_reason: "Error: turning the default AppArmor profile off removes a barrier against container escapes (Pod Security `baseline` forbids it).",
    remediation: "Remove the `Unconfined` profile (the runtime default applies), or use `RuntimeDefault` or a `Localhost` profile.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    appArmorProfile: {type: Unconfined}\n  containers:\n    - name: web\n      image: registry.example.com/web:1.0.0\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  securityContext:\n    appArmorProfile: {type: RuntimeDefault}\n  containers:\n    - name: web\n      image: registry.example.com/web:1.0.0\n",
    security_severity: Some("6.5"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

/// The annotation, before `appArmorProfile` (Kubernetes 1.30), per container.
const ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    each_container(object, |c, sc| {
        if let Some(s) = sc.get("appArmorProfile/type")
            && s.node.as_str() == Some("Unconfined")
        {
            cx.report(
                &sc.pointer("appArmorProfile/type", &s),
                At::Value,
                format!("{} runs without AppArmor (`Unconfined`)", c.describe()),
            );
        }
    });
    let Some(t) = object.pod_template() else { return };
    let annotations = t.metadata.and_then(|m| m.get("annotations")).and_then(Node::as_map);
    for e in annotations.unwrap_or_default() {
        if e.key.starts_with(ANNOTATION) && e.value.as_str() == Some("unconfined") {
            let container = &e.key[ANNOTATION.len()..];
            let pointer = crate::load::node::pointer_push(&format!("{}/metadata/annotations", t.pointer), &e.key);
            cx.report(
                &pointer,
                At::Value,
                format!("container `{container}` runs without AppArmor (`unconfined`)"),
            );
        }
    }
}
