//! References between objects: Services and their pods and ports, Ingress backends, HPA
//! and PDB targets, StatefulSet services, service accounts, ConfigMaps and Secrets.
//! Rules that infer absence assume the referenced objects would be among the inputs;
//! `knownNamespacesOnly` limits them to namespaces a Namespace object in the inputs defines.

use super::{At, Context, Family, FnRule, ParamInfo, Rule, RuleInfo};
use crate::load::Node;
use crate::model::{Inventory, Object, scalar_text};
use crate::vocab::Severity;

pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        FnRule::boxed(&SERVICE_SELECTS_NOTHING, service_selects_nothing),
        FnRule::boxed(&SERVICE_TARGET_PORT_UNKNOWN, service_target_port_unknown),
        FnRule::boxed(&INGRESS_BACKEND_MISSING, ingress_backend_missing),
        FnRule::boxed(&HPA_TARGET_MISSING, hpa_target_missing),
        FnRule::boxed(&HPA_MANAGED_REPLICAS, hpa_managed_replicas),
        FnRule::boxed(&PDB_SELECTS_NOTHING, pdb_selects_nothing),
        FnRule::boxed(&PDB_BLOCKS_EVICTION, pdb_blocks_eviction),
        FnRule::boxed(&PDB_MISSING, pdb_missing),
        FnRule::boxed(&STATEFULSET_SERVICE_NOT_HEADLESS, statefulset_service_not_headless),
        FnRule::boxed(&SERVICE_ACCOUNT_MISSING, service_account_missing),
        FnRule::boxed(&CONFIG_REFERENCE_MISSING, config_reference_missing),
    ]
}

const KNOWN_ONLY: ParamInfo = ParamInfo {
    name: "knownNamespacesOnly",
    description: "Only check objects in namespaces that a Namespace object in the inputs defines.",
    default: "false",
};

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n";

pub static SERVICE_SELECTS_NOTHING: RuleInfo = RuleInfo {
    id: "service-selects-nothing",
    family: Family::References,
    title: "A Service's selector selects no pods in the inputs",
    rationale: "A Service whose selector matches no workload's pod labels has no endpoints: every request to it fails. Services without a selector and ExternalName Services are not checked.",
    remediation: "Fix the selector to match the pod template labels of the workload it fronts.",
    example_bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web, version: blue}\n  ports:\n    - {port: 80, targetPort: http}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n",
    example_good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: http}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n",
    ..RuleInfo::BASE
};

pub static SERVICE_TARGET_PORT_UNKNOWN: RuleInfo = RuleInfo {
    id: "service-target-port-unknown",
    family: Family::References,
    severity: Severity::Error,
    title: "A Service's named targetPort is not a port of the pods it selects",
    rationale: "A named `targetPort` is resolved among the selected containers' port names; when none has that name, the Service has no usable endpoint.",
    remediation: "Use a port name that the selected containers declare, or the port number.",
    example_bad: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: https}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n",
    example_good: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {port: 80, targetPort: http}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n          ports:\n            - {name: http, containerPort: 8080}\n",
    ..RuleInfo::BASE
};

pub static INGRESS_BACKEND_MISSING: RuleInfo = RuleInfo {
    id: "ingress-backend-missing",
    family: Family::References,
    title: "An Ingress routes to a Service or port that is not in the inputs",
    rationale: "A backend naming a missing Service, or a port the Service does not expose, answers 503 for its paths.",
    remediation: "Fix the backend's service name or port, or add the Service.",
    example_bad: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {number: 8080}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 80}\n",
    example_good: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service: {name: web, port: {name: http}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - {name: http, port: 80}\n",
    ..RuleInfo::BASE
};

pub static HPA_TARGET_MISSING: RuleInfo = RuleInfo {
    id: "hpa-target-missing",
    family: Family::References,
    title: "An HorizontalPodAutoscaler targets a workload that is not in the inputs",
    rationale: "An HPA whose `scaleTargetRef` names no existing object scales nothing, usually after a rename.",
    remediation: "Fix `scaleTargetRef` (kind and name), or add the workload.",
    example_bad: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: wbe}\n  minReplicas: 2\n  maxReplicas: 6\n",
    example_good: "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 6\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

pub static HPA_MANAGED_REPLICAS: RuleInfo = RuleInfo {
    id: "hpa-managed-replicas",
    family: Family::References,
    severity: Severity::Info,
    title: "A workload sets `replicas` while an HPA manages it",
    rationale: "Every `kubectl apply` of a manifest with `replicas` resets the count the HPA chose, so each deploy briefly scales the workload to the written number.",
    remediation: "Remove `spec.replicas` from workloads an HPA scales.",
    example_bad: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 6\n",
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 6\n",
    ..RuleInfo::BASE
};

pub static PDB_SELECTS_NOTHING: RuleInfo = RuleInfo {
    id: "pdb-selects-nothing",
    family: Family::References,
    title: "A PodDisruptionBudget selects no pods in the inputs",
    rationale: "A PDB whose selector matches no workload protects nothing during node drains.",
    remediation: "Fix the selector to match the workload's pod labels.",
    example_bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: wbe}\n",
    example_good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

pub static PDB_BLOCKS_EVICTION: RuleInfo = RuleInfo {
    id: "pdb-blocks-eviction",
    family: Family::References,
    title: "A PodDisruptionBudget allows no eviction at all",
    rationale: "With `minAvailable` at or above the number of replicas it selects (or `maxUnavailable: 0`), no pod can ever be evicted: node drains and cluster upgrades hang on it.",
    remediation: "Set `minAvailable` below the replica count (or `maxUnavailable: 1`).",
    example_bad: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels: {app: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    example_good: "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n",
    ..RuleInfo::BASE
};

pub static PDB_MISSING: RuleInfo = RuleInfo {
    id: "pdb-missing",
    family: Family::References,
    title: "A replicated workload has no PodDisruptionBudget",
    rationale: "Without a PDB a node drain may evict all replicas of a workload at once. Workloads with at least 2 replicas (or managed by an HPA) are checked against the PDBs of their namespace in the inputs.",
    remediation: "Add a PodDisruptionBudget selecting the workload's pods with `maxUnavailable: 1` (or a `minAvailable` below the replica count).",
    example_bad: WEB,
    example_good: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27.2\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n",
    ..RuleInfo::BASE
};

pub static STATEFULSET_SERVICE_NOT_HEADLESS: RuleInfo = RuleInfo {
    id: "statefulset-service-not-headless",
    family: Family::References,
    title: "A StatefulSet's serviceName is not a headless Service in the inputs",
    rationale: "A StatefulSet's pods get their stable DNS names (`db-0.db`) from the headless Service named in `serviceName`; if it is missing or has a cluster IP, those names do not resolve.",
    remediation: "Create the Service named in `serviceName` with `clusterIP: None` and a selector matching the pods.",
    example_bad: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n        - name: db\n          image: postgres:17.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  selector: {app: db}\n  ports:\n    - {port: 5432}\n",
    example_good: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n        - name: db\n          image: postgres:17.2\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n  selector: {app: db}\n  ports:\n    - {port: 5432}\n",
    ..RuleInfo::BASE
};

pub static SERVICE_ACCOUNT_MISSING: RuleInfo = RuleInfo {
    id: "service-account-missing",
    family: Family::References,
    severity: Severity::Info,
    title: "A pod runs as a ServiceAccount that is not in the inputs",
    rationale: "A pod naming a ServiceAccount that does not exist is never created (the admission controller rejects it). Inputs are often partial, hence info; `knownNamespacesOnly` limits the check to namespaces the inputs define.",
    remediation: "Add the ServiceAccount, or fix `serviceAccountName`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n    - name: web\n      image: nginx:1.27.2\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccountName: web\n  containers:\n    - name: web\n      image: nginx:1.27.2\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n",
    params: &[KNOWN_ONLY],
    ..RuleInfo::BASE
};

pub static CONFIG_REFERENCE_MISSING: RuleInfo = RuleInfo {
    id: "config-reference-missing",
    family: Family::References,
    severity: Severity::Info,
    title: "A pod references a ConfigMap or Secret that is not in the inputs",
    rationale: "A non-optional reference (env, envFrom, volume, image pull secret) to a missing ConfigMap or Secret keeps the pod from starting. A Secret made by an ExternalSecret, a SealedSecret or a cert-manager Certificate in the inputs counts as present. Inputs are often partial, hence info.",
    remediation: "Add the ConfigMap or Secret (or what produces it), fix the name, or mark the reference `optional: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      envFrom:\n        - configMapRef: {name: web-config}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      envFrom:\n        - configMapRef: {name: web-config}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  MODE: fast\n",
    params: &[KNOWN_ONLY],
    ..RuleInfo::BASE
};

fn skip_namespace(object: &Object, inventory: &Inventory, cx: &Context<'_>) -> bool {
    let known_only = cx
        .param("knownNamespacesOnly")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    known_only
        && !object
            .namespace
            .as_deref()
            .is_some_and(|ns| inventory.defines_namespace(ns))
}

fn service_selects_nothing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("", "Service") {
        return;
    }
    let Some(selector) = object.pod_selector() else { return };
    let ns = object.namespace.as_deref().unwrap_or_default();
    if inventory.pods_selected(ns, &selector).next().is_none() {
        let wanted: Vec<String> = selector
            .requirements
            .iter()
            .map(|r| format!("{}={}", r.key, r.values.join(",")))
            .collect();
        cx.report(
            "/spec/selector",
            At::Key,
            format!(
                "the selector ({}) selects no pod in namespace `{ns}` among the inputs",
                wanted.join(", ")
            ),
        );
    }
}

fn service_target_port_unknown(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("", "Service") {
        return;
    }
    let Some(selector) = object.pod_selector() else { return };
    let ns = object.namespace.as_deref().unwrap_or_default();
    let pods: Vec<&Object> = inventory.pods_selected(ns, &selector).collect();
    if pods.is_empty() {
        return; // `service-selects-nothing` says so
    }
    let names: Vec<String> = pods
        .iter()
        .filter_map(|o| super::containers(o))
        .flat_map(|(_, cs)| {
            cs.into_iter().flat_map(|c| {
                c.node
                    .seq_of("ports")
                    .iter()
                    .filter_map(|p| p.get("name").and_then(Node::as_str).map(str::to_string))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for (i, port) in object.node().seq_at("/spec/ports").iter().enumerate() {
        let Some(name) = port.get("targetPort").and_then(Node::as_str) else {
            continue;
        };
        if name.parse::<u16>().is_err() && !names.iter().any(|n| n == name) {
            cx.report(
                &format!("/spec/ports/{i}/targetPort"),
                At::Value,
                format!("no container selected by this Service has a port named `{name}`"),
            );
        }
    }
}

fn ingress_backend_missing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !(object.is("networking.k8s.io", "Ingress") || object.is("extensions", "Ingress")) {
        return;
    }
    let ns = object.namespace.as_deref();
    let mut backends: Vec<(String, &Node)> = Vec::new();
    if let Some(b) = object
        .node()
        .pointer("/spec/defaultBackend")
        .or_else(|| object.node().pointer("/spec/backend"))
    {
        backends.push(("/spec/defaultBackend".into(), b));
    }
    for (i, rule) in object.node().seq_at("/spec/rules").iter().enumerate() {
        for (j, path) in rule.seq_at("/http/paths").iter().enumerate() {
            if let Some(b) = path.get("backend") {
                backends.push((format!("/spec/rules/{i}/http/paths/{j}/backend"), b));
            }
        }
    }
    for (pointer, b) in backends {
        let (name, name_ptr, port, port_ptr) = match b.get("service") {
            Some(s) => (
                s.get("name").and_then(Node::as_str),
                format!("{pointer}/service/name"),
                s.get("port").and_then(|p| p.get("number").or_else(|| p.get("name"))),
                format!("{pointer}/service/port"),
            ),
            None => (
                b.get("serviceName").and_then(Node::as_str),
                format!("{pointer}/serviceName"),
                b.get("servicePort"),
                format!("{pointer}/servicePort"),
            ),
        };
        let Some(name) = name else { continue };
        let Some(service) = inventory.find("Service", ns, name) else {
            cx.report(
                &name_ptr,
                At::Value,
                format!(
                    "no Service `{name}` in namespace `{}` among the inputs",
                    ns.unwrap_or("default")
                ),
            );
            continue;
        };
        let Some(port) = port.and_then(scalar_text) else {
            continue;
        };
        let ports = service.node().seq_at("/spec/ports");
        let exposed = ports.iter().any(|p| {
            p.get("port").and_then(scalar_text).as_deref() == Some(port.as_str())
                || p.get("name").and_then(Node::as_str) == Some(port.as_str())
        });
        if !exposed {
            cx.report(&port_ptr, At::Value, format!("Service `{name}` has no port `{port}`"));
        }
    }
}

fn hpa_target_missing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("autoscaling", "HorizontalPodAutoscaler") {
        return;
    }
    let (Some(kind), Some(name)) = (
        object
            .node()
            .pointer("/spec/scaleTargetRef/kind")
            .and_then(Node::as_str),
        object
            .node()
            .pointer("/spec/scaleTargetRef/name")
            .and_then(Node::as_str),
    ) else {
        return;
    };
    if inventory.find(kind, object.namespace.as_deref(), name).is_none() {
        cx.report(
            "/spec/scaleTargetRef/name",
            At::Value,
            format!(
                "no {kind} `{name}` in namespace `{}` among the inputs",
                object.namespace.as_deref().unwrap_or("default")
            ),
        );
    }
}

fn hpa_managed_replicas(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if object.pod_template().is_none() || object.node().pointer("/spec/replicas").is_none() {
        return;
    }
    if let Some(hpa) = inventory.autoscaler_of(object) {
        cx.report(
            "/spec/replicas",
            At::Value,
            format!(
                "HorizontalPodAutoscaler `{}` manages the replica count; `kubectl apply` resets it to this value",
                hpa.name.as_deref().unwrap_or("?")
            ),
        );
    }
}

fn pdb_selects_nothing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("policy", "PodDisruptionBudget") {
        return;
    }
    let Some(selector) = object.pod_selector() else { return };
    let ns = object.namespace.as_deref().unwrap_or_default();
    if inventory.pods_selected(ns, &selector).next().is_none() {
        cx.report(
            "/spec/selector",
            At::Key,
            format!("the selector selects no pod in namespace `{ns}` among the inputs"),
        );
    }
}

/// Replicas a workload runs (1 when unset; `None` for kinds without `replicas`, and when
/// `replicas` is not an int32).
fn replicas(object: &Object) -> Option<i64> {
    let replicated = ["Deployment", "StatefulSet", "ReplicaSet"].contains(&object.kind.as_str())
        || object.is("", "ReplicationController");
    if replicated { object.replicas() } else { None }
}

fn pdb_blocks_eviction(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("policy", "PodDisruptionBudget") {
        return;
    }
    let Some(selector) = object.pod_selector() else { return };
    let ns = object.namespace.as_deref().unwrap_or_default();
    let spec = object.node().get("spec");
    if let Some(m) = spec.and_then(|s| s.get("maxUnavailable")).and_then(scalar_text)
        && (m == "0" || m == "0%")
    {
        cx.report(
            "/spec/maxUnavailable",
            At::Value,
            "`maxUnavailable: 0` allows no eviction: node drains will hang",
        );
        return;
    }
    let Some(min_node) = spec.and_then(|s| s.get("minAvailable")) else {
        return;
    };
    let total: i64 = inventory.pods_selected(ns, &selector).filter_map(replicas).sum();
    if total == 0 {
        return;
    }
    let min = scalar_text(min_node).unwrap_or_default();
    let blocks = match min.strip_suffix('%') {
        Some(p) => p.parse::<f64>().is_ok_and(|p| p >= 100.0),
        None => min_node.as_i64().is_some_and(|m| m >= total),
    };
    if blocks {
        cx.report(
            "/spec/minAvailable",
            At::Value,
            format!("`minAvailable: {min}` with {total} selected replica(s) allows no eviction: node drains will hang"),
        );
    }
}

fn pdb_missing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some(n) = replicas(object).filter(|_| object.is("apps", "Deployment") || object.is("apps", "StatefulSet"))
    else {
        return;
    };
    if n < 2 && inventory.autoscaler_of(object).is_none() {
        return;
    }
    if object.pod_template().is_none() {
        return;
    }
    let covered = inventory
        .of_kind_in("policy", "PodDisruptionBudget", object.namespace.as_deref())
        .any(|p| {
            p.pod_selector()
                .is_some_and(|s| !s.is_empty() && s.matches(&object.pod_labels))
        });
    if !covered {
        cx.report(
            "/metadata/name",
            At::Value,
            format!("{n} replica(s) and no PodDisruptionBudget selects these pods"),
        );
    }
}

fn statefulset_service_not_headless(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    if !object.is("apps", "StatefulSet") {
        return;
    }
    let Some(name) = object
        .node()
        .pointer("/spec/serviceName")
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
    else {
        return;
    };
    match inventory.find("Service", object.namespace.as_deref(), name) {
        None => cx.report(
            "/spec/serviceName",
            At::Value,
            format!("no Service `{name}` among the inputs"),
        ),
        Some(s) if s.node().pointer("/spec/clusterIP").and_then(Node::as_str) != Some("None") => cx.report(
            "/spec/serviceName",
            At::Value,
            format!("Service `{name}` is not headless (`clusterIP: None`)"),
        ),
        Some(_) => {}
    }
}

fn service_account_missing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    if skip_namespace(object, inventory, cx) {
        return;
    }
    let Some(name) = t.spec.and_then(|s| s.get("serviceAccountName")).and_then(Node::as_str) else {
        return;
    };
    if name != "default"
        && inventory
            .find("ServiceAccount", object.namespace.as_deref(), name)
            .is_none()
    {
        cx.report(
            &format!("{}/serviceAccountName", t.spec_pointer()),
            At::Value,
            format!("no ServiceAccount `{name}` among the inputs"),
        );
    }
}

/// Names of Secrets that objects in the inputs produce in `namespace`.
fn produced_secret(inventory: &Inventory, namespace: Option<&str>, name: &str) -> bool {
    let produces = |o: &Object, pointers: &[&str]| {
        pointers
            .iter()
            .any(|p| o.node().pointer(p).and_then(Node::as_str) == Some(name))
    };
    inventory
        .of_kind_in("external-secrets.io", "ExternalSecret", namespace)
        .any(|o| {
            produces(o, &["/spec/target/name"])
                || (o.node().pointer("/spec/target/name").is_none() && o.name.as_deref() == Some(name))
        })
        || inventory
            .of_kind_in("bitnami.com", "SealedSecret", namespace)
            .any(|o| o.name.as_deref() == Some(name) || produces(o, &["/spec/template/metadata/name"]))
        || inventory
            .of_kind_in("cert-manager.io", "Certificate", namespace)
            .any(|o| produces(o, &["/spec/secretName"]))
}

fn config_reference_missing(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some((t, containers)) = super::containers(object) else {
        return;
    };
    if skip_namespace(object, inventory, cx) {
        return;
    }
    let ns = object.namespace.as_deref();
    // (pointer of the name, kind, name)
    let mut refs: Vec<(String, &str, &str)> = Vec::new();
    let optional = |n: &Node| n.get("optional").and_then(Node::as_bool) == Some(true);
    for c in &containers {
        for (i, e) in c.node.seq_of("env").iter().enumerate() {
            for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                if let Some(r) = e.pointer(&format!("/valueFrom/{field}"))
                    && !optional(r)
                    && let Some(name) = r.get("name").and_then(Node::as_str)
                {
                    refs.push((c.field(&format!("env/{i}/valueFrom/{field}/name")), kind, name));
                }
            }
        }
        for (i, e) in c.node.seq_of("envFrom").iter().enumerate() {
            for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                if let Some(r) = e.get(field)
                    && !optional(r)
                    && let Some(name) = r.get("name").and_then(Node::as_str)
                {
                    refs.push((c.field(&format!("envFrom/{i}/{field}/name")), kind, name));
                }
            }
        }
    }
    let spec = t.spec_pointer();
    for (i, v) in t
        .spec
        .and_then(|s| s.get("volumes"))
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(r) = v.get("configMap").filter(|r| !optional(r))
            && let Some(name) = r.get("name").and_then(Node::as_str)
        {
            refs.push((format!("{spec}/volumes/{i}/configMap/name"), "ConfigMap", name));
        }
        if let Some(r) = v.get("secret").filter(|r| !optional(r))
            && let Some(name) = r.get("secretName").and_then(Node::as_str)
        {
            refs.push((format!("{spec}/volumes/{i}/secret/secretName"), "Secret", name));
        }
    }
    for (i, s) in t
        .spec
        .and_then(|s| s.get("imagePullSecrets"))
        .and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(name) = s.get("name").and_then(Node::as_str) {
            refs.push((format!("{spec}/imagePullSecrets/{i}/name"), "Secret", name));
        }
    }
    for (pointer, kind, name) in refs {
        let present =
            inventory.find(kind, ns, name).is_some() || (kind == "Secret" && produced_secret(inventory, ns, name));
        if !present {
            cx.report(
                &pointer,
                At::Value,
                format!(
                    "no {kind} `{name}` in namespace `{}` among the inputs",
                    ns.unwrap_or("default")
                ),
            );
        }
    }
}
