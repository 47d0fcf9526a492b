//! Resources: CPU, memory and ephemeral-storage requests and limits.
//!
//! Helpers shared by the rules of this family (not a rule: never registered).

use crate::rules::prelude::*;

pub(crate) const NO_RESOURCES: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n";

pub(crate) const WITH_RESOURCES: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      resources:\n        requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}\n        limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 2Gi}\n";

/// Init and app containers (ephemeral containers take no resources).
pub(crate) fn scheduled_containers(object: &Object) -> Vec<Container<'_>> {
    crate::rules::containers(object)
        .map(|(_, cs)| cs.into_iter().filter(|c| c.kind != ContainerKind::Ephemeral).collect())
        .unwrap_or_default()
}

pub(crate) fn missing(object: &Object, cx: &mut Context<'_>, section: &str, resource: &str) {
    for c in scheduled_containers(object) {
        let pointer = format!("/resources/{section}");
        let have = c.node.pointer(&pointer);
        if have.and_then(|s| s.get(resource)).is_some() {
            continue;
        }
        let what = if section == "requests" { "request" } else { "limit" };
        let message = format!(
            "{} has no {resource} {what} (`resources.{section}.{resource}`)",
            c.describe()
        );
        match have {
            Some(_) => cx.report(&c.field(&pointer[1..]), At::Key, message),
            None => cx.report(&c.field("name"), At::Value, message),
        }
    }
}

pub(crate) fn quantity(node: &Node) -> Option<f64> {
    scalar_text(node).and_then(|s| parse_quantity(&s))
}
