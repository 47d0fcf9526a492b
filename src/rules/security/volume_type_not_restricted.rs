//! `volume-type-not-restricted`: A pod uses a volume type outside the restricted set.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "volume-type-not-restricted",
    family: Family::Security,
    severity: Severity::Warning,
    title: "A pod uses a volume type that the restricted Pod Security Standard does not allow",
    rationale: "The restricted Pod Security Standard allows only volumes that Kubernetes manages (`configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `persistentVolumeClaim`, `projected`, `secret`): in-tree network and host volumes (`nfs`, `iscsi`, `rbd`, `gitRepo`, …) bypass storage policy and some run code on the node. `hostPath` is reported by `host-path-volume` and `sensitive-host-path` instead.",
    default_reason: "Warning: a namespace enforcing Pod Security `restricted` rejects the pod, and most in-tree volume types are deprecated in favour of CSI; a reviewer asks for a PersistentVolumeClaim.",
    remediation: "Use a PersistentVolumeClaim (with a CSI driver) or one of the allowed volume types.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n    - name: content\n      nfs: {server: nfs.example.com, path: /exports/web}\n  containers:\n    - name: web\n      image: registry.example.com/web:1.0.0\n      volumeMounts:\n        - {name: content, mountPath: /usr/share/web}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n    - name: content\n      persistentVolumeClaim: {claimName: web-content}\n  containers:\n    - name: web\n      image: registry.example.com/web:1.0.0\n      volumeMounts:\n        - {name: content, mountPath: /usr/share/web}\n",
    security_severity: Some("4.0"),
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

const ALLOWED: [&str; 8] = [
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some(t) = object.pod_template() else { return };
    let volumes = t.spec.and_then(|s| s.get("volumes")).and_then(Node::as_seq);
    for (i, v) in volumes.unwrap_or_default().iter().enumerate() {
        let name = v.get("name").and_then(Node::as_str).unwrap_or("?");
        for e in v.as_map().unwrap_or_default() {
            if e.key == "name" || e.key == "hostPath" || ALLOWED.contains(&e.key.as_str()) {
                continue;
            }
            cx.report(
                &crate::load::node::pointer_push(&format!("{}/volumes/{i}", t.spec_pointer()), &e.key),
                At::Key,
                format!(
                    "volume `{name}` is of type `{}`, which the restricted Pod Security Standard does not allow",
                    e.key
                ),
            );
        }
    }
}
