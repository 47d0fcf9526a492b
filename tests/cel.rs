//! CEL given from outside the input: CRD rules of `--crd` files and admission policies
//! of `--policy` files (and the `policies:` config key), through the binary.

use std::fs;

use assert_cmd::Command;
use serde_json::Value;

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: self.size <= 5
                  message: at most 5
                  fieldPath: .size
                - rule: 'self.size >'
              properties:
                size: {type: integer}
";

const WIDGETS: &str = "apiVersion: example.com/v1
kind: Widget
metadata: {name: small, namespace: shop}
spec: {size: 3}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: large, namespace: shop}
spec: {size: 9}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 9
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27.2}]
";

const POLICY: &str = "apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: small-things}
spec:
  matchConstraints:
    resourceRules:
      - {apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: [deployments, widgets]}
  variables:
    - {name: size, expression: \"object.kind == 'Widget' ? object.spec.size : object.spec.replicas\"}
  validations:
    - expression: variables.size < 8
      messageExpression: \"object.kind + ' ' + object.metadata.name + ' is too big'\"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: small-things}
spec:
  policyName: small-things
  validationActions: [Warn, Audit]
  matchResources:
    namespaceSelector:
      matchExpressions:
        - {key: kubernetes.io/metadata.name, operator: In, values: [shop]}
";

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

/// (rule, severity, file, line, object name) of each CEL finding.
fn run(dir: &std::path::Path, args: &[&str]) -> Vec<(String, String, String, u64, String)> {
    let out = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json", "--fail-on", "never"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cel = [
        "crd-validation-rule",
        "cel-compile-error",
        "admission-policy-denied",
        "cel-evaluation-error",
    ];
    let mut found: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| cel.contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["object"]["name"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn given_crd_rules_and_policies_are_evaluated() {
    let dir = repo(&[
        ("manifests/all.yaml", WIDGETS),
        ("crds/widget.yaml", CRD),
        ("policies/small.yaml", POLICY),
    ]);
    let row = |rule: &str, severity: &str, file: &str, line: u64, name: &str| {
        (
            rule.to_string(),
            severity.to_string(),
            file.to_string(),
            line,
            name.to_string(),
        )
    };
    let by_flag = run(
        dir.path(),
        &["manifests", "--no-config", "--crd", "crds", "--policy", "policies"],
    );
    assert_eq!(
        by_flag,
        vec![
            // The policy's binding warns (Warn is the highest of its actions).
            row("admission-policy-denied", "warning", "manifests/all.yaml", 8, "large"),
            row("admission-policy-denied", "warning", "manifests/all.yaml", 13, "web"),
            // The rule that does not compile: once, on the given CRD, not on each Widget.
            row(
                "cel-compile-error",
                "error",
                "crds/widget.yaml",
                23,
                "widgets.example.com"
            ),
            row("crd-validation-rule", "error", "manifests/all.yaml", 9, "large"),
        ]
    );
    fs::write(
        dir.path().join(".kubelint.yaml"),
        "crds: [crds/widget.yaml]\npolicies: [policies/small.yaml]\n",
    )
    .unwrap();
    assert_eq!(run(dir.path(), &["manifests"]), by_flag);
    // Without the policy, only the CRD's rule.
    let crd_only = run(dir.path(), &["manifests", "--no-config", "--crd", "crds"]);
    assert_eq!(crd_only.len(), 2, "{crd_only:?}");
    let missing = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "manifests", "--no-config", "--policy", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}
