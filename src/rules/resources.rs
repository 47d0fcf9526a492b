//! Resources: CPU, memory and ephemeral-storage requests and limits.

use super::{At, Context, Family, FnRule, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Container, ContainerKind, Inventory, Object, parse_quantity, scalar_text};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&CPU_REQUESTS_MISSING, |o, _, cx| missing(o, cx, "requests", "cpu")),
        FnRule::boxed(&MEMORY_REQUESTS_MISSING, |o, _, cx| {
            missing(o, cx, "requests", "memory")
        }),
        FnRule::boxed(&CPU_LIMITS_MISSING, |o, _, cx| missing(o, cx, "limits", "cpu")),
        FnRule::boxed(&MEMORY_LIMITS_MISSING, |o, _, cx| missing(o, cx, "limits", "memory")),
        FnRule::boxed(&EPHEMERAL_STORAGE_MISSING, |o, _, cx| {
            missing(o, cx, "limits", "ephemeral-storage")
        }),
        FnRule::boxed(&REQUESTS_EXCEED_LIMITS, requests_exceed_limits),
        FnRule::boxed(&INVALID_QUANTITY, invalid_quantity),
    ]
}

const NO_RESOURCES: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n";
const WITH_RESOURCES: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      resources:\n        requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}\n        limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 2Gi}\n";

pub static CPU_REQUESTS_MISSING: RuleInfo = RuleInfo {
    id: "cpu-requests-missing",
    family: Family::Resources,
    title: "A container has no CPU request",
    rationale: "The scheduler places pods by their requests. Without a CPU request a container is scheduled as if it needed nothing, lands on crowded nodes and is the first to starve under contention (and the pod cannot be in the Guaranteed QoS class).",
    remediation: "Set `resources.requests.cpu` to what the container needs under normal load (e.g. `100m`).",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    ..RuleInfo::BASE
};

pub static MEMORY_REQUESTS_MISSING: RuleInfo = RuleInfo {
    id: "memory-requests-missing",
    family: Family::Resources,
    title: "A container has no memory request",
    rationale: "Without a memory request the scheduler can pack the pod onto a node that cannot hold it, and under memory pressure the kubelet evicts pods without requests first.",
    remediation: "Set `resources.requests.memory` to the container's working set (e.g. `128Mi`).",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    ..RuleInfo::BASE
};

pub static CPU_LIMITS_MISSING: RuleInfo = RuleInfo {
    id: "cpu-limits-missing",
    family: Family::Resources,
    title: "A container has no CPU limit",
    rationale: "A container without a CPU limit can take every idle core of its node, and its latency then depends on its neighbours' idleness. Some teams prefer no CPU limits (to avoid throttling) and turn this rule off; the memory rules stay on.",
    remediation: "Set `resources.limits.cpu`, or disable this rule in `.kubelint.yaml` if your policy is requests-only CPU.",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    ..RuleInfo::BASE
};

pub static MEMORY_LIMITS_MISSING: RuleInfo = RuleInfo {
    id: "memory-limits-missing",
    family: Family::Resources,
    title: "A container has no memory limit",
    rationale: "A container without a memory limit can consume its node's memory until the kernel's OOM killer picks a victim, which may be another team's pod or a system daemon.",
    remediation: "Set `resources.limits.memory` (usually equal to, or a little above, the request).",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    ..RuleInfo::BASE
};

pub static EPHEMERAL_STORAGE_MISSING: RuleInfo = RuleInfo {
    id: "ephemeral-storage-missing",
    family: Family::Resources,
    severity: Severity::Info,
    enabled: false,
    title: "A container has no ephemeral-storage limit",
    rationale: "Logs, caches and `emptyDir` volumes use the node's disk; without an ephemeral-storage limit one container can fill it and get every pod on the node evicted.",
    remediation: "Set `resources.limits.ephemeral-storage` (and a request) for containers that write to local disk.",
    example_bad: NO_RESOURCES,
    example_good: WITH_RESOURCES,
    ..RuleInfo::BASE
};

pub static REQUESTS_EXCEED_LIMITS: RuleInfo = RuleInfo {
    id: "requests-exceed-limits",
    family: Family::Resources,
    severity: Severity::Error,
    title: "A resource request is larger than its limit",
    rationale: "The API server rejects a container whose request is above its limit, so the workload cannot be created.",
    remediation: "Lower the request or raise the limit so that request ≤ limit.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      resources:\n        requests: {cpu: \"1\", memory: 512Mi}\n        limits: {cpu: 500m, memory: 256Mi}\n",
    example_good: WITH_RESOURCES,
    ..RuleInfo::BASE
};

pub static INVALID_QUANTITY: RuleInfo = RuleInfo {
    id: "invalid-quantity",
    family: Family::Resources,
    severity: Severity::Error,
    title: "A resource quantity does not parse",
    rationale: "Quantities use Kubernetes' own syntax (`500m`, `1.5`, `256Mi`, `1G`); `512MB`, `1 Gi` or `half` are rejected by the API server.",
    remediation: "Write the quantity as a number with an optional suffix: m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      resources:\n        limits: {memory: 512MB}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      resources:\n        limits: {memory: 512Mi}\n",
    ..RuleInfo::BASE
};

/// Init and app containers (ephemeral containers take no resources).
fn scheduled_containers(object: &Object) -> Vec<Container<'_>> {
    super::containers(object)
        .map(|(_, cs)| cs.into_iter().filter(|c| c.kind != ContainerKind::Ephemeral).collect())
        .unwrap_or_default()
}

fn missing(object: &Object, cx: &mut Context<'_>, section: &str, resource: &str) {
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

fn quantity(node: &Node) -> Option<f64> {
    scalar_text(node).and_then(|s| parse_quantity(&s))
}

fn requests_exceed_limits(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
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

fn invalid_quantity(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
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
