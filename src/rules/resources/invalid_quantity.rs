//! `invalid-quantity`: A resource quantity does not parse.

use super::common::{quantity, scheduled_containers};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-quantity",
    family: Family::Resources,
    severity: Severity::Error,
    title: "A resource quantity does not parse",
    rationale: "Quantities use Kubernetes' own syntax (`500m`, `1.5`, `256Mi`, `1G`); `512MB`, `1 Gi` or `half` are rejected by the API server.",
    default_reason: "Error: the API server rejects a quantity it cannot parse.",
    remediation: "Write the quantity as a number with an optional suffix: m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      resources:\n        limits: {memory: 512MB}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      resources:\n        limits: {memory: 512Mi}\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for c in scheduled_containers(object) {
        for section in ["requests", "limits"] {
            let Some(map) = c.node.pointer(&format!("/resources/{section}")).and_then(Node::as_map) else {
                continue;
            };
            for e in map {
                if quantity(&e.value).is_none() {
                    let shown = scalar_text(&e.value).unwrap_or_else(|| e.value.type_name().to_string());
                    cx.report(
                        &c.field(&format!("resources/{section}/{}", e.key)),
                        At::Value,
                        format!("{} has an invalid {} quantity `{shown}`", c.describe(), e.key),
                    );
                }
            }
        }
    }
}
