//! `config-reference-missing`: A pod references a ConfigMap or Secret that is not in the inputs.

use super::common::{KNOWN_ONLY, skip_namespace};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "config-reference-missing",
    family: Family::References,
    severity: Severity::Info,
    title: "A pod references a ConfigMap or Secret (or a key of one) that is not in the inputs",
    rationale: "A non-optional reference (env, envFrom, volume, image pull secret) to a missing ConfigMap or Secret, or to a key that the ConfigMap or Secret does not hold, keeps the pod from starting. Counted as present: what a Kustomize `configMapGenerator`/`secretGenerator`, an ExternalSecret, a SealedSecret or a cert-manager Certificate in the inputs makes, a ServiceAccount's token Secret, `kube-root-ca.crt` (every namespace has it), and any Secret when a Role of the namespace, or a ClusterRole bound there or cluster-wide, may create Secrets (something may make it at runtime, as Argo CD's init Job makes `argocd-redis`). A missing object is reported only when the input holds other objects of that kind beside the pod (same namespace; without `metadata.namespace`, same folder): repositories often keep Secrets elsewhere. Inputs are often partial, hence info.",
    default_reason: "Info: inputs are often partial (Secrets are kept elsewhere), so a missing object is a hint; a missing key of an object that is in the input is the same severity for consistency.",
    remediation: "Add the ConfigMap or Secret (or what produces it), fix the name, or mark the reference `optional: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      envFrom:\n        - configMapRef: {name: web-config}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-settings\ndata:\n  color: blue\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      envFrom:\n        - configMapRef: {name: web-config}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  MODE: fast\n",
    params: &[KNOWN_ONLY],
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

/// One reference to a ConfigMap or Secret: where its name is, and the key it needs.
struct Reference<'a> {
    pointer: String,
    kind: &'static str,
    name: &'a str,
    /// `(pointer of the key, key)` for a reference to one key (`configMapKeyRef`,
    /// `secretKeyRef`, a volume's `items`).
    keys: Vec<(String, &'a str)>,
}

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some((t, containers)) = crate::rules::containers(object) else {
        return;
    };
    if skip_namespace(object, inventory, cx) {
        return;
    }
    let ns = object.namespace.as_deref();
    let mut refs: Vec<Reference<'_>> = Vec::new();
    let optional = |n: &Node| n.get("optional").and_then(Node::as_bool) == Some(true);
    for c in &containers {
        for (i, e) in c.node.seq_of("env").iter().enumerate() {
            for (field, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                if let Some(r) = e.pointer(&format!("/valueFrom/{field}"))
                    && !optional(r)
                    && let Some(name) = r.get("name").and_then(Node::as_str)
                {
                    let at = c.field(&format!("env/{i}/valueFrom/{field}"));
                    let keys = r
                        .get("key")
                        .and_then(Node::as_str)
                        .map(|k| vec![(format!("{at}/key"), k)])
                        .unwrap_or_default();
                    refs.push(Reference {
                        pointer: format!("{at}/name"),
                        kind,
                        name,
                        keys,
                    });
                }
            }
        }
        for (i, e) in c.node.seq_of("envFrom").iter().enumerate() {
            for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                if let Some(r) = e.get(field)
                    && !optional(r)
                    && let Some(name) = r.get("name").and_then(Node::as_str)
                {
                    refs.push(Reference {
                        pointer: c.field(&format!("envFrom/{i}/{field}/name")),
                        kind,
                        name,
                        keys: Vec::new(),
                    });
                }
            }
        }
    }
    let spec = t.spec_pointer();
    let volumes = t
        .spec
        .and_then(|s| s.get("volumes"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for (i, v) in volumes.iter().enumerate() {
        if let Some(r) = v.get("configMap").filter(|r| !optional(r))
            && let Some(name) = r.get("name").and_then(Node::as_str)
        {
            let at = format!("{spec}/volumes/{i}/configMap");
            refs.push(Reference {
                pointer: format!("{at}/name"),
                kind: "ConfigMap",
                name,
                keys: volume_items(r, &at),
            });
        }
        if let Some(r) = v.get("secret").filter(|r| !optional(r))
            && let Some(name) = r.get("secretName").and_then(Node::as_str)
        {
            let at = format!("{spec}/volumes/{i}/secret");
            refs.push(Reference {
                pointer: format!("{at}/secretName"),
                kind: "Secret",
                name,
                keys: volume_items(r, &at),
            });
        }
    }
    let pull_secrets = t
        .spec
        .and_then(|s| s.get("imagePullSecrets"))
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for (i, s) in pull_secrets.iter().enumerate() {
        if let Some(name) = s.get("name").and_then(Node::as_str) {
            refs.push(Reference {
                pointer: format!("{spec}/imagePullSecrets/{i}/name"),
                kind: "Secret",
                name,
                keys: Vec::new(),
            });
        }
    }
    for r in refs {
        match inventory.find(r.kind, ns, r.name) {
            // Present: every key it needs must be there (else the container does not start).
            Some(found) => {
                let have = data_keys(found);
                for (pointer, key) in &r.keys {
                    if !have.iter().any(|k| k == key) {
                        cx.report(
                            pointer,
                            At::Value,
                            format!(
                                "{} `{}` has no key `{key}`{}",
                                r.kind,
                                r.name,
                                crate::vocab::suggest::hint(key, have.iter().map(String::as_str))
                            ),
                        );
                    }
                }
            }
            None if exists_anyway(inventory, object, r.kind, r.name) => {}
            None => cx.report(
                &r.pointer,
                At::Value,
                format!(
                    "no {} `{}` in namespace `{}` of the input, nor anything there that makes one",
                    r.kind,
                    r.name,
                    ns.unwrap_or("default"),
                ),
            ),
        }
    }
}

/// The keys a volume's `items` project: `(pointer of the key, key)`.
fn volume_items<'a>(volume: &'a Node, at: &str) -> Vec<(String, &'a str)> {
    volume
        .seq_of("items")
        .iter()
        .enumerate()
        .filter_map(|(j, item)| Some((format!("{at}/items/{j}/key"), item.get("key")?.as_str()?)))
        .collect()
}

/// The keys of a ConfigMap (`data`, `binaryData`) or Secret (`data`, `stringData`).
fn data_keys(object: &Object) -> Vec<String> {
    ["data", "binaryData", "stringData"]
        .iter()
        .filter_map(|f| object.node().get(f).and_then(Node::as_map))
        .flatten()
        .map(|e| e.key.to_string())
        .collect()
}

/// Whether a ConfigMap or Secret missing from the input exists anyway, or the input cannot
/// tell: every namespace has the `kube-root-ca.crt` ConfigMap (and Istio's
/// `istio-ca-root-cert` in a mesh); a Kustomize generator, an ExternalSecret, a
/// SealedSecret or a cert-manager Certificate makes it; a ServiceAccount's token Secret
/// (`<account>-token-xxxxx`); or the input holds no object of that kind beside the pod, so
/// it does not show them.
fn exists_anyway(inventory: &Inventory, object: &Object, kind: &str, name: &str) -> bool {
    let ns = object.namespace.as_deref();
    (kind == "ConfigMap"
        && matches!(
            name,
            "kube-root-ca.crt" | "istio-ca-root-cert" | "openshift-service-ca.crt"
        ))
        || inventory.generates(kind, name)
        || (kind == "Secret" && produced_secret(inventory, ns, name))
        || (kind == "Secret"
            && name.rsplit_once("-token-").is_some_and(|(account, _)| {
                account == "default" || inventory.find("ServiceAccount", ns, account).is_some()
            }))
        || (kind == "Secret" && secrets_made_at_runtime(inventory, ns))
        || !shows_kind(inventory, object, kind)
}

/// Whether a Role in `namespace` (or a ClusterRole bound there or cluster-wide) in the input
/// lets its holder create
/// Secrets: something may then make the missing one at runtime (an init Job that writes a
/// generated password, an operator).
fn secrets_made_at_runtime(inventory: &Inventory, namespace: Option<&str>) -> bool {
    let grants = |role: &Object| {
        role.node().seq_at("/rules").iter().any(|rule| {
            let has = |field: &str, wanted: &str| {
                rule.seq_of(field)
                    .iter()
                    .filter_map(|n| n.as_str())
                    .any(|v| v == wanted || v == "*")
            };
            has("apiGroups", "") && has("resources", "secrets") && has("verbs", "create")
        })
    };
    let rbac = "rbac.authorization.k8s.io";
    // ClusterRoles count where they are bound: cluster-wide, or in this namespace.
    let bound = |binding: &Object| {
        binding.node().pointer("/roleRef/kind").and_then(Node::as_str) == Some("ClusterRole")
            && binding
                .node()
                .pointer("/roleRef/name")
                .and_then(Node::as_str)
                .and_then(|name| inventory.find("ClusterRole", None, name))
                .is_some_and(grants)
    };
    inventory.of_kind_in(rbac, "Role", namespace).any(grants)
        || inventory.of_kind_in(rbac, "RoleBinding", namespace).any(bound)
        || inventory.of_kind(rbac, "ClusterRoleBinding").any(bound)
}

/// Whether the input holds objects of `kind` beside `object` (for Secrets: or objects that
/// make Secrets), so that one missing there means something.
fn shows_kind(inventory: &Inventory, object: &Object, kind: &str) -> bool {
    inventory.holds_beside("", kind, object)
        || (kind == "Secret"
            && [
                ("external-secrets.io", "ExternalSecret"),
                ("bitnami.com", "SealedSecret"),
                ("cert-manager.io", "Certificate"),
            ]
            .iter()
            .any(|(g, k)| inventory.holds_beside(g, k, object)))
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
