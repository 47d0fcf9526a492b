//! `invalid-container-name`: A container name that is not a DNS label, or that another
//! container of the pod already uses.

use super::common::is_dns1123_label;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-container-name",
    family: Family::Api,
    severity: Severity::Error,
    title: "A container name is invalid or used twice in the pod",
    rationale: "Container names identify containers in logs, `kubectl exec -c` and status; the API server requires each to be a DNS label (at most 63 lower case letters, digits and '-') and unique across the pod's init, regular and ephemeral containers (`validateContainers`, `validateInitContainers`, `validateEphemeralContainers`).",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Rename the container: lower case letters, digits and '-', different from every other container of the pod.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: web\n      image: busybox:1.36\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: init-web\n      image: busybox:1.36\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((_, containers)) = crate::rules::containers(object) else {
        return;
    };
    let mut seen: Vec<(&str, String)> = Vec::new();
    for c in &containers {
        let Some(name) = c.name else { continue };
        if !is_dns1123_label(name) {
            cx.report(
                &c.field("name"),
                At::Value,
                format!(
                    "container name `{name}` must be a DNS label: at most 63 lower case letters, digits and '-', starting and ending with a letter or digit"
                ),
            );
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            cx.report(
                &c.field("name"),
                At::Value,
                format!("container name `{name}` is already used by {first}"),
            );
            continue;
        }
        seen.push((name, c.describe()));
    }
}
