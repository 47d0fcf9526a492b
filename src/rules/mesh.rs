//! Istio: mTLS coverage and modes, DestinationRules, AuthorizationPolicies and
//! VirtualService hosts (`security.istio.io` and `networking.istio.io`, `v1` and `v1beta1`).
//! mTLS coverage is only checked when the inputs hold Istio objects at all.

use super::{At, Context, Family, FnRule, ParamInfo, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Inventory, LabelSelector, Object};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&MTLS_NOT_STRICT, mtls_not_strict),
        FnRule::boxed(&MTLS_PERMISSIVE, mtls_permissive),
        FnRule::boxed(&DESTINATION_RULE_TLS_DISABLED, destination_rule_tls_disabled),
        FnRule::boxed(
            &DESTINATION_RULE_SUBSET_SELECTS_NOTHING,
            destination_rule_subset_selects_nothing,
        ),
        FnRule::boxed(&AUTHORIZATION_ALLOWS_ALL, authorization_allows_all),
        FnRule::boxed(&AUTHORIZATION_SELECTS_NOTHING, authorization_selects_nothing),
        FnRule::boxed(&AUTHORIZATION_UNKNOWN_PRINCIPAL, authorization_unknown_principal),
        FnRule::boxed(&VIRTUAL_SERVICE_HOST_UNKNOWN, virtual_service_host_unknown),
    ]
}

const SECURITY: &str = "security.istio.io";
const NETWORKING: &str = "networking.istio.io";

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, version: v1}\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 80, targetPort: 8080}\n";

pub static MTLS_NOT_STRICT: RuleInfo = RuleInfo {
    id: "mtls-not-strict",
    family: Family::Mesh,
    title: "A workload is not covered by a STRICT PeerAuthentication",
    rationale: "Without STRICT mutual TLS a sidecar also accepts plain-text traffic, so anything in the cluster can reach the workload without a verifiable identity and AuthorizationPolicies based on principals can be bypassed. The most specific PeerAuthentication decides: one selecting the workload, else the namespace's, else the mesh-wide one in the root namespace. Only checked when the inputs contain Istio objects.",
    remediation: "Add a PeerAuthentication with `mtls.mode: STRICT` to the namespace (or the root namespace for the whole mesh).",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: legacy\n  namespace: shop\nspec:\n  mtls: {mode: PERMISSIVE}\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls: {mode: STRICT}\n",
    params: &[ParamInfo {
        name: "rootNamespace",
        description: "Istio's root namespace, where a PeerAuthentication without selector applies to the whole mesh.",
        default: "\"istio-system\"",
    }],
    security_severity: Some("6.0"),
    ..RuleInfo::BASE
};

pub static MTLS_PERMISSIVE: RuleInfo = RuleInfo {
    id: "mtls-permissive",
    family: Family::Mesh,
    title: "A PeerAuthentication allows plain-text traffic (PERMISSIVE or DISABLE)",
    rationale: "PERMISSIVE accepts both mTLS and plain text, DISABLE turns mTLS off; either lets unauthenticated clients in, for the whole scope or for the ports listed in `portLevelMtls`.",
    remediation: "Use `mode: STRICT` once every client has a sidecar; keep PERMISSIVE only for the migration, with a suppression and a reason.",
    example_bad: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls: {mode: STRICT}\n  portLevelMtls:\n    8080: {mode: DISABLE}\n",
    example_good: "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\n  namespace: shop\nspec:\n  mtls: {mode: STRICT}\n",
    security_severity: Some("6.0"),
    ..RuleInfo::BASE
};

pub static DESTINATION_RULE_TLS_DISABLED: RuleInfo = RuleInfo {
    id: "destination-rule-tls-disabled",
    family: Family::Mesh,
    title: "A DestinationRule disables TLS to its host",
    rationale: "`trafficPolicy.tls.mode: DISABLE` makes the client sidecar send plain text, overriding the mesh's automatic mTLS; with a STRICT server the requests fail, without one they travel unencrypted.",
    remediation: "Remove the `tls` block (auto mTLS) or use `mode: ISTIO_MUTUAL`.",
    example_bad: "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n  trafficPolicy:\n    tls: {mode: DISABLE}\n",
    example_good: "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n",
    security_severity: Some("5.0"),
    ..RuleInfo::BASE
};

pub static DESTINATION_RULE_SUBSET_SELECTS_NOTHING: RuleInfo = RuleInfo {
    id: "destination-rule-subset-selects-nothing",
    family: Family::Mesh,
    title: "A DestinationRule subset selects no pods of its host",
    rationale: "Traffic routed to a subset whose labels match no pod behind the host fails with 503 (no healthy upstream). The host's Service selector and the subset's labels must both match a workload's pod labels.",
    remediation: "Fix the subset's labels, or deploy the version it names.",
    example_bad: "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n  subsets:\n    - name: v2\n      labels: {version: v2}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, version: v1}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80}\n",
    example_good: "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  host: web\n  subsets:\n    - name: v1\n      labels: {version: v1}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, version: v1}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80}\n",
    ..RuleInfo::BASE
};

pub static AUTHORIZATION_ALLOWS_ALL: RuleInfo = RuleInfo {
    id: "authorization-allows-all",
    family: Family::Mesh,
    severity: Severity::Error,
    title: "An AuthorizationPolicy allows every request",
    rationale: "An ALLOW policy with an empty rule (`rules: [{}]`) matches every request from anyone, which silently cancels the deny-by-default that the existence of ALLOW policies implies.",
    remediation: "Give the rule `from` sources (principals, namespaces) and `to` operations, or delete it.",
    example_bad: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  action: ALLOW\n  rules:\n    - {}\n",
    example_good: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  action: ALLOW\n  rules:\n    - from:\n        - source: {namespaces: [shop]}\n",
    security_severity: Some("8.0"),
    ..RuleInfo::BASE
};

pub static AUTHORIZATION_SELECTS_NOTHING: RuleInfo = RuleInfo {
    id: "authorization-selects-nothing",
    family: Family::Mesh,
    title: "An AuthorizationPolicy's selector selects no workload",
    rationale: "A policy whose `selector` matches no pod protects nothing, and the workload it was meant for is left with whatever namespace-wide policy applies.",
    remediation: "Fix the selector's labels to match the workload's pod labels.",
    example_bad: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: wbe}\n  rules:\n    - from:\n        - source: {namespaces: [shop]}\n",
    example_good: WEB,
    ..RuleInfo::BASE
};

pub static AUTHORIZATION_UNKNOWN_PRINCIPAL: RuleInfo = RuleInfo {
    id: "authorization-unknown-principal",
    family: Family::Mesh,
    title: "An AuthorizationPolicy names a service account that is not in the inputs",
    rationale: "A principal `cluster.local/ns/<ns>/sa/<name>` whose ServiceAccount does not exist matches no workload: the intended client is denied, or the name is a typo. With `knownNamespacesOnly`, principals in namespaces the inputs do not define are not checked.",
    remediation: "Fix the principal, or add the ServiceAccount.",
    example_bad: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  rules:\n    - from:\n        - source: {principals: [cluster.local/ns/shop/sa/frontent]}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: frontend\n  namespace: shop\n",
    example_good: "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  rules:\n    - from:\n        - source: {principals: [cluster.local/ns/shop/sa/frontend]}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: frontend\n  namespace: shop\n",
    params: &[ParamInfo {
        name: "knownNamespacesOnly",
        description: "Only check principals in namespaces that a Namespace object in the inputs defines.",
        default: "false",
    }],
    ..RuleInfo::BASE
};

pub static VIRTUAL_SERVICE_HOST_UNKNOWN: RuleInfo = RuleInfo {
    id: "virtual-service-host-unknown",
    family: Family::Mesh,
    title: "A VirtualService routes to a cluster host with no Service",
    rationale: "A route destination such as `reviews` or `reviews.shop.svc.cluster.local` needs that Service; without it the route returns 503. External hosts (with other domains) are not checked.",
    remediation: "Fix the destination host, or add the Service.",
    example_bad: "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hosts: [web]\n  http:\n    - route:\n        - destination: {host: wbe}\n",
    example_good: "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  hosts: [web]\n  http:\n    - route:\n        - destination: {host: web}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80}\n",
    ..RuleInfo::BASE
};

/// Whether the inputs contain any Istio object.
fn uses_istio(inventory: &Inventory) -> bool {
    ["PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication"]
        .iter()
        .any(|k| inventory.of_kind(SECURITY, k).next().is_some())
        || [
            "VirtualService",
            "DestinationRule",
            "Gateway",
            "ServiceEntry",
            "Sidecar",
        ]
        .iter()
        .any(|k| inventory.of_kind(NETWORKING, k).next().is_some())
}

fn mode(node: Option<&Node>) -> Option<&str> {
    node.and_then(|m| m.get("mode"))
        .and_then(Node::as_str)
        .filter(|m| *m != "UNSET")
}

fn mtls_not_strict(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if object.pod_template().is_none() {
        return;
    }
    if !uses_istio(inventory) {
        return;
    }
    let root = cx
        .param("rootNamespace")
        .and_then(|v| v.as_str())
        .unwrap_or("istio-system")
        .to_string();
    let labels = &object.pod_labels;
    let ns = object.namespace.as_deref();
    let in_ns: Vec<&Object> = inventory.of_kind_in(SECURITY, "PeerAuthentication", ns).collect();
    let selecting = in_ns
        .iter()
        .find(|p| p.pod_selector().is_some_and(|s| s.matches(labels)));
    let namespace_wide = in_ns.iter().find(|p| p.pod_selector().is_none());
    let mesh_wide: Vec<&Object> = inventory
        .of_kind_in(SECURITY, "PeerAuthentication", Some(&root))
        .filter(|p| p.pod_selector().is_none())
        .collect();
    let levels = [selecting.copied(), namespace_wide.copied(), mesh_wide.first().copied()];
    let decided = levels
        .iter()
        .flatten()
        .find_map(|p| mode(p.node().pointer("/spec/mtls")).map(|m| (m, p)));
    let message = match decided {
        Some(("STRICT", _)) => return,
        Some((m, p)) => format!(
            "mTLS for these pods is {m}, set by PeerAuthentication {}/{}",
            p.namespace.as_deref().unwrap_or(""),
            p.name.as_deref().unwrap_or("?")
        ),
        None => format!(
            "no STRICT PeerAuthentication covers these pods (none in namespace `{}` or mesh-wide in `{root}`)",
            ns.unwrap_or("default")
        ),
    };
    cx.report("/metadata/name", At::Value, message);
}

fn mtls_permissive(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is(SECURITY, "PeerAuthentication") {
        return;
    }
    if let Some(m @ ("PERMISSIVE" | "DISABLE")) = mode(object.node().pointer("/spec/mtls")) {
        cx.report(
            "/spec/mtls/mode",
            At::Value,
            format!("mTLS mode {m} accepts plain-text traffic"),
        );
    }
    for e in object
        .node()
        .pointer("/spec/portLevelMtls")
        .and_then(Node::as_map)
        .unwrap_or_default()
    {
        if let Some(m @ ("PERMISSIVE" | "DISABLE")) = mode(Some(&e.value)) {
            let pointer = crate::load::node::pointer_push("/spec/portLevelMtls", &e.key);
            cx.report(
                &format!("{pointer}/mode"),
                At::Value,
                format!("mTLS mode {m} on port {} accepts plain-text traffic", e.key),
            );
        }
    }
}

fn destination_rule_tls_disabled(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NETWORKING, "DestinationRule") {
        return;
    }
    let mut policies: Vec<(String, &Node)> = Vec::new();
    if let Some(p) = object.node().pointer("/spec/trafficPolicy") {
        policies.push(("/spec/trafficPolicy".into(), p));
    }
    for (i, s) in object.node().seq_at("/spec/subsets").iter().enumerate() {
        if let Some(p) = s.get("trafficPolicy") {
            policies.push((format!("/spec/subsets/{i}/trafficPolicy"), p));
        }
    }
    for (pointer, policy) in policies {
        if mode(policy.get("tls")) == Some("DISABLE") {
            cx.report(&format!("{pointer}/tls/mode"), At::Value, "TLS to the host is disabled");
        }
        for (j, port) in policy.seq_of("portLevelSettings").iter().enumerate() {
            if mode(port.get("tls")) == Some("DISABLE") {
                cx.report(
                    &format!("{pointer}/portLevelSettings/{j}/tls/mode"),
                    At::Value,
                    "TLS to this port of the host is disabled",
                );
            }
        }
    }
}

/// The Service a mesh host names, relative to `namespace`: `name`, `name.ns.svc`,
/// `name.ns.svc.cluster.local`, or `name.ns` when the inputs know namespace `ns` (otherwise
/// `a.b` is an external domain). `None` for other (external) hosts.
fn service_of_host(host: &str, namespace: &str, inventory: &Inventory) -> Option<(String, String)> {
    if host.contains('*') {
        return None;
    }
    let fqdn = host.strip_suffix(".cluster.local").unwrap_or(host).strip_suffix(".svc");
    let short = fqdn.unwrap_or(host);
    match short.split('.').collect::<Vec<_>>()[..] {
        [name] if fqdn.is_none() => Some((name.to_string(), namespace.to_string())),
        [name, ns] if fqdn.is_some() || inventory.knows_namespace(ns) => Some((name.to_string(), ns.to_string())),
        _ => None,
    }
}

fn destination_rule_subset_selects_nothing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NETWORKING, "DestinationRule") {
        return;
    }
    let own_ns = object.namespace.clone().unwrap_or_default();
    let Some(host) = object.node().pointer("/spec/host").and_then(Node::as_str) else {
        return;
    };
    let Some((name, ns)) = service_of_host(host, &own_ns, inventory) else {
        return;
    };
    let Some(service) = inventory.find("Service", Some(&ns), &name) else {
        return;
    };
    let Some(base) = service.node().pointer("/spec/selector").map(LabelSelector::from_map) else {
        return;
    };
    for (i, subset) in object.node().seq_at("/spec/subsets").iter().enumerate() {
        let Some(labels) = subset.get("labels") else { continue };
        let mut selector = base.clone();
        selector
            .requirements
            .extend(LabelSelector::from_map(labels).requirements);
        if inventory.pods_selected(&ns, &selector).next().is_none() {
            let subset_name = subset.get("name").and_then(Node::as_str).unwrap_or("?");
            cx.report(
                &format!("/spec/subsets/{i}/labels"),
                At::Key,
                format!("subset `{subset_name}` selects no pod behind Service {ns}/{name}"),
            );
        }
    }
}

fn is_allow(object: &Object) -> bool {
    object.is(SECURITY, "AuthorizationPolicy")
        && object
            .node()
            .pointer("/spec/action")
            .and_then(Node::as_str)
            .is_none_or(|a| a == "ALLOW")
}

fn authorization_allows_all(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    if !is_allow(object) {
        return;
    }
    for (i, rule) in object.node().seq_at("/spec/rules").iter().enumerate() {
        if rule.as_map().is_some_and(|m| m.is_empty()) || rule.is_null() {
            cx.report(
                &format!("/spec/rules/{i}"),
                At::Value,
                "this rule is empty: it allows every request from anyone",
            );
        }
    }
}

fn authorization_selects_nothing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(SECURITY, "AuthorizationPolicy") {
        return;
    }
    let Some(selector) = object.pod_selector() else {
        return;
    };
    let ns = object.namespace.as_deref().unwrap_or_default();
    if inventory.pods_selected(ns, &selector).next().is_none() {
        cx.report(
            "/spec/selector",
            At::Key,
            format!("the selector selects no workload in namespace `{ns}` among the inputs"),
        );
    }
}

fn authorization_unknown_principal(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(SECURITY, "AuthorizationPolicy") {
        return;
    }
    let known_only = cx
        .param("knownNamespacesOnly")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    for (i, rule) in object.node().seq_at("/spec/rules").iter().enumerate() {
        for (j, from) in rule.seq_of("from").iter().enumerate() {
            for key in ["principals", "notPrincipals"] {
                for (k, p) in from.seq_at(&format!("/source/{key}")).iter().enumerate() {
                    let Some(principal) = p.as_str() else { continue };
                    let Some((ns, sa)) = principal
                        .split_once("/ns/")
                        .and_then(|(_, rest)| rest.split_once("/sa/"))
                    else {
                        continue;
                    };
                    if ns.contains('*') || sa.contains('*') || sa == "default" {
                        continue;
                    }
                    if known_only && !inventory.defines_namespace(ns) {
                        continue;
                    }
                    if inventory.find("ServiceAccount", Some(ns), sa).is_none() {
                        cx.report(
                            &format!("/spec/rules/{i}/from/{j}/source/{key}/{k}"),
                            At::Value,
                            format!("no ServiceAccount `{sa}` in namespace `{ns}` among the inputs"),
                        );
                    }
                }
            }
        }
    }
}

fn virtual_service_host_unknown(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is(NETWORKING, "VirtualService") {
        return;
    }
    let own_ns = object.namespace.clone().unwrap_or_default();
    for section in ["http", "tcp", "tls"] {
        for (i, route_rule) in object.node().seq_at(&format!("/spec/{section}")).iter().enumerate() {
            for (j, route) in route_rule.seq_of("route").iter().enumerate() {
                let Some(host) = route.pointer("/destination/host").and_then(Node::as_str) else {
                    continue;
                };
                let Some((name, ns)) = service_of_host(host, &own_ns, inventory) else {
                    continue;
                };
                if inventory.find("Service", Some(&ns), &name).is_none() {
                    cx.report(
                        &format!("/spec/{section}/{i}/route/{j}/destination/host"),
                        At::Value,
                        format!("no Service `{name}` in namespace `{ns}` among the inputs"),
                    );
                }
            }
        }
    }
}
