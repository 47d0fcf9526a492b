//! `requests-exceed-limits`: A resource request is larger than its limit.

use super::common::{WITH_RESOURCES, quantity, scheduled_containers};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "requests-exceed-limits",
    family: Family::Resources,
    severity: Severity::Error,
    title: "A resource request is larger than its limit",
    rationale: "The API server rejects a container whose request is above its limit, so the workload cannot be created.",
    default_reason: "Error: the API server rejects a request above its limit.",
    remediation: "Lower the request or raise the limit so that request ≤ limit.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      resources:\n        requests: {cpu: \"1\", memory: 512Mi}\n        limits: {cpu: 500m, memory: 256Mi}\n",
    example_good: WITH_RESOURCES,
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    for c in scheduled_containers(object) {
        let (Some(requests), Some(limits)) = (
            c.node.pointer("/resources/requests"),
            c.node.pointer("/resources/limits"),
        ) else {
            continue;
        };
        for e in requests.as_map().unwrap_or_default() {
            let (Some(req), Some(lim)) = (quantity(&e.value), limits.get(&e.key).and_then(quantity)) else {
                continue;
            };
            if req > lim {
                cx.report(
                    &c.field(&format!("resources/requests/{}", e.key)),
                    At::Value,
                    format!(
                        "{} requests more {} ({}) than its limit ({})",
                        c.describe(),
                        e.key,
                        scalar_text(&e.value).unwrap_or_default(),
                        limits.get(&e.key).and_then(scalar_text).unwrap_or_default()
                    ),
                );
            }
        }
    }
}
