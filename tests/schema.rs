//! Schema validation across files and through every way of giving schemas.

mod common;

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
              properties:
                size: {type: integer, maximum: 5}
";
const WIDGETS: &str = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: small}\nspec: {size: 3}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: huge}\nspec: {size: 50, colour: red}\n";

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir)
        .args([
            "check",
            "--format",
            "json",
            "--only",
            "schema-violation",
            "--only",
            "unknown-field",
            "--only",
            "unknown-kind",
        ])
        .args(["--only", "removed-api", "--only", "deprecated-api"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    if code == 2 {
        return (code, Value::String(String::from_utf8_lossy(&out.stderr).into_owned()));
    }
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

fn rules_and_lines(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_crd_in_a_later_file_validates_earlier_custom_resources() {
    // `a-widgets.yaml` sorts (and is loaded) before `z-crd.yaml`.
    let dir = repo(&[("a-widgets.yaml", WIDGETS), ("z-crd.yaml", CRD)]);
    let (code, report) = run(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_and_lines(&report),
        vec![
            ("schema-violation".into(), "a-widgets.yaml".into(), 9),
            ("unknown-field".into(), "a-widgets.yaml".into(), 9),
        ]
    );
    assert_eq!(report["summary"]["withoutSchema"], 0);
}

#[test]
fn without_the_crd_the_kind_is_unknown_once_per_file() {
    let dir = repo(&[("widgets.yaml", WIDGETS)]);
    let (code, report) = run(dir.path(), &[]);
    assert_eq!(code, 0, "unknown-kind is a warning");
    assert_eq!(
        rules_and_lines(&report),
        vec![("unknown-kind".into(), "widgets.yaml".into(), 2)]
    );
    assert_eq!(report["summary"]["withoutSchema"], 2);
}

#[test]
fn crd_flag_config_key_and_schema_dir() {
    let dir = repo(&[
        ("manifests/widgets.yaml", WIDGETS),
        ("crds/widget.yaml", CRD),
        (
            "schemas/widget.json",
            r#"{"x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}],
                "type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer", "maximum": 100}}}}}"#,
        ),
    ]);
    let (_, by_flag) = run(dir.path(), &["manifests", "--no-config", "--crd", "crds"]);
    assert_eq!(rules_and_lines(&by_flag).len(), 2);
    fs::write(dir.path().join(".kubelint.yaml"), "crds: [crds/widget.yaml]\n").unwrap();
    let (_, by_config) = run(dir.path(), &["manifests"]);
    assert_eq!(rules_and_lines(&by_flag), rules_and_lines(&by_config));
    // The user's schema allows size 50 and unknown fields.
    let (code, by_dir) = run(dir.path(), &["manifests", "--no-config", "--schema-dir", "schemas"]);
    assert_eq!((code, rules_and_lines(&by_dir)), (0, vec![]));
    let (code, err) = run(dir.path(), &["manifests", "--no-config", "--crd", "nowhere"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn kubernetes_version_and_strictness() {
    let hpa = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 3\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx:1.27.2, imagePullPolicyy: Always}]\n";
    let dir = repo(&[("hpa.yaml", hpa), ("pod.yaml", pod)]);
    let (_, report) = run(dir.path(), &["--no-config", "hpa.yaml"]);
    assert_eq!(report["findings"][0]["rule"], "removed-api");
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("removed in Kubernetes 1.26; use autoscaling/v2")
    );
    let (code, report) = run(dir.path(), &["--no-config", "hpa.yaml", "--kubernetes-version", "1.33"]);
    assert_eq!((code, report["findings"][0]["rule"].as_str()), (1, Some("removed-api")));
    let (code, err) = run(dir.path(), &["--no-config", "hpa.yaml", "--kubernetes-version", "1.20"]);
    assert_eq!(code, 2);
    assert!(
        err.as_str().unwrap().contains("no schemas for Kubernetes 1.20"),
        "{err}"
    );
    let (code, report) = run(dir.path(), &["--no-config", "pod.yaml"]);
    assert_eq!(
        (code, report["findings"][0]["rule"].as_str()),
        (1, Some("unknown-field"))
    );
    let (code, report) = run(dir.path(), &["--no-config", "pod.yaml", "--no-strict"]);
    assert_eq!((code, report["findings"].as_array().unwrap().len()), (0, 0));
}

#[test]
fn each_kind_is_compiled_once_however_many_objects_and_runs() {
    let linter = kubelint::Linter::new(kubelint::Config::default()).unwrap();
    let docs: String = (0..200)
        .map(|i| format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec: {{ports: [{{port: 80}}]}}\n---\n"))
        .collect();
    let first = linter.lint_str("many.yaml", &docs);
    assert_eq!(first.summary.objects, 400);
    assert_eq!(linter.schemas().compiled(), 2);
    linter.lint_str("again.yaml", &docs);
    assert_eq!(linter.schemas().compiled(), 2, "a second run reuses the validators");
}
