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

/// Reports each scheduled container without `resources.<section>.<resource>`, unless the
/// API server fills it in: a request defaults to the container's limit, and a `LimitRange`
/// of the namespace (type `Container`) sets `default` limits and `defaultRequest` requests
/// (its `default` also serves as the request when `defaultRequest` is absent).
pub(crate) fn missing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>, section: &str, resource: &str) {
    if limit_range_default(object, inventory, section, resource).is_some() {
        return;
    }
    for c in scheduled_containers(object) {
        let pointer = format!("/resources/{section}");
        let have = c.node.pointer(&pointer);
        if have.and_then(|s| s.get(resource)).is_some() {
            continue;
        }
        if section == "requests" && c.node.pointer(&format!("/resources/limits/{resource}")).is_some() {
            continue;
        }
        let what = if section == "requests" { "request" } else { "limit" };
        let message = format!(
            "{} has no {resource} {what} (`resources.{section}.{resource}`), and no LimitRange in the input sets a default for namespace `{}`",
            c.describe(),
            object.namespace.as_deref().unwrap_or_default()
        );
        match have {
            Some(_) => cx.report(&c.field(&pointer[1..]), At::Key, message),
            None => cx.report(&c.field("name"), At::Value, message),
        }
    }
}

/// The LimitRange of `object`'s namespace that gives containers a default for `resource`
/// in `section` (`requests` or `limits`), if the input holds one.
fn limit_range_default<'a>(
    object: &Object,
    inventory: &'a Inventory,
    section: &str,
    resource: &str,
) -> Option<&'a Object> {
    let fields: &[&str] = if section == "requests" {
        &["defaultRequest", "default"]
    } else {
        &["default"]
    };
    inventory
        .of_kind_in("", "LimitRange", object.namespace.as_deref())
        .find(|range| {
            range.node().seq_at("/spec/limits").iter().any(|limit| {
                limit.get("type").and_then(Node::as_str) == Some("Container")
                    && fields
                        .iter()
                        .any(|f| limit.get(f).and_then(|d| d.get(resource)).is_some())
            })
        })
}

pub(crate) fn quantity(node: &Node) -> Option<f64> {
    scalar_text(node).and_then(|s| parse_quantity(&s))
}
