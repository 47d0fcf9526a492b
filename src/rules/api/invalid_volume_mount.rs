//! `invalid-volume-mount`: A volume mount the API server rejects: it names no volume of
//! the pod, repeats a mount path, or has an unsafe `subPath`.

use crate::rules::prelude::*;

pub(crate) static RULE: RuleInfo = RuleInfo {
    id: "invalid-volume-mount",
    family: Family::Api,
    severity: Severity::Error,
    title: "A volume mount names a missing volume, repeats a mount path or has an invalid subPath",
    rationale: "The API server checks each container's `volumeMounts` (`ValidateVolumeMounts`, `validateLocalDescendingPath`): `name` must be a volume of the pod (for a StatefulSet, also a `volumeClaimTemplates` entry), `mountPath` is required and unique within the container, `subPath` and `subPathExpr` are relative paths without `..` and not both given.",
    default_reason: "Error: the API server's own validation rejects the object (`kubectl apply` fails); ported from the Kubernetes validation code, see docs/api-validation.md.",
    remediation: "Add the volume to `spec.volumes` (or fix the mount's name), give each mount its own path, and use a relative `subPath`.",
    example_bad: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      volumeMounts:\n        - name: config\n          mountPath: /etc/nginx/conf.d\n",
    example_good: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27.2\n      volumeMounts:\n        - name: config\n          mountPath: /etc/nginx/conf.d\n  volumes:\n    - name: config\n      configMap: {name: web-nginx}\n",
    kinds: &[WORKLOADS],
    ..RuleInfo::BASE
};

/// Why a `subPath` is not a local descending path, or `None`.
fn sub_path_problem(path: &str) -> Option<&'static str> {
    if path.starts_with('/') {
        return Some("must be a relative path");
    }
    path.split('/').any(|p| p == "..").then_some("must not contain '..'")
}

pub(crate) fn check(object: &Object, _: &Inventory, cx: &mut Context<'_>) {
    let Some((t, containers)) = crate::rules::containers(object) else {
        return;
    };
    let Some(spec) = t.spec else { return };
    let mut volumes: Vec<&str> = spec
        .seq_of("volumes")
        .iter()
        .filter_map(|v| v.get("name").and_then(Node::as_str))
        .collect();
    if object.is("apps", "StatefulSet") {
        volumes.extend(
            object
                .node()
                .seq_at("/spec/volumeClaimTemplates")
                .iter()
                .filter_map(|v| v.pointer("/metadata/name").and_then(Node::as_str)),
        );
    }
    for c in &containers {
        let mut paths: Vec<&str> = Vec::new();
        for (i, m) in c.node.seq_of("volumeMounts").iter().enumerate() {
            if m.as_map().is_none() {
                continue;
            }
            let base = c.field(&format!("volumeMounts/{i}"));
            match m.get("name").and_then(Node::as_str) {
                // Absent: the schema requires it (`schema-violation`).
                None => {}
                Some(name) if !volumes.contains(&name) => {
                    let hint = crate::vocab::suggest::hint(name, volumes.iter().copied());
                    cx.report(
                        &format!("{base}/name"),
                        At::Value,
                        format!(
                            "{} mounts volume `{name}`, which the pod does not define{hint}",
                            c.describe()
                        ),
                    );
                }
                Some(_) => {}
            }
            match m.get("mountPath").and_then(Node::as_str) {
                None => {}
                Some("") => cx.report(
                    &format!("{base}/mountPath"),
                    At::Value,
                    format!("{} has a volume mount with an empty `mountPath`", c.describe()),
                ),
                Some(path) if paths.contains(&path) => cx.report(
                    &format!("{base}/mountPath"),
                    At::Value,
                    format!(
                        "{} mounts two volumes at `{path}`: mount paths must be unique",
                        c.describe()
                    ),
                ),
                Some(path) => paths.push(path),
            }
            let sub_path = m.get("subPath").and_then(Node::as_str).filter(|s| !s.is_empty());
            let sub_path_expr = m.get("subPathExpr").and_then(Node::as_str).filter(|s| !s.is_empty());
            for (field, value) in [("subPath", sub_path), ("subPathExpr", sub_path_expr)] {
                if let Some(v) = value
                    && let Some(p) = sub_path_problem(v)
                {
                    cx.report(&format!("{base}/{field}"), At::Value, format!("`{field}: {v}` {p}"));
                }
            }
            if sub_path.is_some() && sub_path_expr.is_some() {
                cx.report(
                    &format!("{base}/subPathExpr"),
                    At::Key,
                    "`subPath` and `subPathExpr` may not both be given",
                );
            }
        }
    }
}
