//! `config-reference-missing`: A pod references a ConfigMap or Secret that is not in the inputs.

use super::common::{KNOWN_ONLY, skip_namespace};
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "config-reference-missing",
    family: Family::References,
    severity: Severity::Info,
    title: "A pod references a ConfigMap or Secret that is not in the inputs",
    rationale: "A non-optional reference (env, envFrom, volume, image pull secret) to a missing ConfigMap or Secret keeps the pod from starting. A Secret made by an ExternalSecret, a SealedSecret or a cert-manager Certificate in the inputs counts as present. Inputs are often partial, hence info.",
    remediation: "Add the ConfigMap or Secret (or what produces it), fix the name, or mark the reference `optional: true`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      envFrom:\n        - configMapRef: {name: web-config}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      envFrom:\n        - configMapRef: {name: web-config}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  MODE: fast\n",
    params: &[KNOWN_ONLY],
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, inventory: &Inventory, cx: &mut Context<'_>) {
    let Some((t, containers)) = crate::rules::containers(object) else {
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
