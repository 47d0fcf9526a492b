//! `invalid-volume`: A pod volume whose name or source the API server rejects.

use super::common::is_dns1123_label;
use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-volume",
    family: Family::Api,
    severity: Severity::Error,
    title: "A pod volume's name is invalid or repeated, or it names several sources",
    rationale: "The API server requires each entry of a pod's `volumes` to have a name that is a DNS label, unique in the pod, and at most one volume source (`emptyDir`, `configMap`, `secret`, `persistentVolumeClaim`, …; none means `emptyDir`) (`ValidateVolumes`, `validateVolumeSource`, `SetDefaults_Volume`).",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Rename the volume, or keep one source in it.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n  volumes:\n    - name: cache\n      emptyDir: {}\n      configMap: {name: web}\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n  volumes:\n    - name: cache\n      emptyDir: {}\n    - name: config\n      configMap: {name: web}\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((spec_pointer, spec)) = super::common::pod_spec(object) else {
        return;
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, v) in spec.seq_of("volumes").iter().enumerate() {
        let Some(entries) = v.as_map() else { continue };
        let base = format!("{spec_pointer}/volumes/{i}");
        match v.get("name").and_then(Node::as_str) {
            // Absent: the schema requires it (`schema-violation`).
            None => {}
            Some(name) if !is_dns1123_label(name) => cx.report(
                &format!("{base}/name"),
                At::Value,
                format!("volume name `{name}` must be a DNS label: at most 63 lower case letters, digits and '-', starting and ending with a letter or digit"),
            ),
            Some(name) if seen.contains(&name) => cx.report(
                &format!("{base}/name"),
                At::Value,
                format!("the pod already has a volume named `{name}`"),
            ),
            Some(name) => seen.push(name),
        }
        let sources: Vec<&str> = entries
            .iter()
            .filter(|e| e.key != "name" && !e.value.is_null())
            .map(|e| e.key.as_str())
            .collect();
        let name = v.get("name").and_then(Node::as_str).unwrap_or("?");
        // No source at all is fine: the API server defaults it to `emptyDir` (`SetDefaults_Volume`).
        if sources.len() > 1 {
            cx.report(
                &format!("{base}/{}", sources[1]),
                At::Key,
                format!(
                    "volume `{name}` names more than one source ({}): a volume has one",
                    sources.join(", ")
                ),
            );
        }
    }
}
