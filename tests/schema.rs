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

/// A Deployment whose `replicas` is `value`, in YAML and in JSON.
fn deployment(value: &str) -> (String, String) {
    let yaml = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {value}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec: {{containers: [{{name: web, image: \"nginx:1.27.2\"}}]}}\n"
    );
    let json = format!(
        "{{\n  \"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {{\"name\": \"web\"}},\n  \"spec\": {{\n    \"replicas\": {value},\n    \"selector\": {{\"matchLabels\": {{\"app\": \"web\"}}}},\n    \"template\": {{\"metadata\": {{\"labels\": {{\"app\": \"web\"}}}}, \"spec\": {{\"containers\": [{{\"name\": \"web\", \"image\": \"nginx:1.27.2\"}}]}}}}\n  }}\n}}\n"
    );
    (yaml, json)
}

#[test]
fn numbers_out_of_an_int32_field_are_errors_at_the_value_in_yaml_and_json() {
    let int32 = "`spec.replicas`: expected an int32 (-2147483648 to 2147483647), found";
    let cases = [
        ("1e400", "`spec.replicas`: expected integer, found 1e400, a number beyond the float64 range (not a number for kubectl: YAML reads it as a string)".to_string()),
        ("1e30", format!("{int32} number 1e+30")),
        ("99999999999999999999", format!("{int32} number 1e+20")),
        ("-99999999999999999999", format!("{int32} number -1e+20")),
        ("18446744073709551615", format!("{int32} number 1.8446744073709552e+19")),
        ("2147483648", format!("{int32} integer 2147483648")),
    ];
    for (value, message) in cases {
        let (yaml, json) = deployment(value);
        let dir = repo(&[("web.yaml", &yaml), ("web.json", &json)]);
        // The replica rules too: a value that is no int32 must not be read as 1 replica.
        let (code, report) = run(
            dir.path(),
            &[
                "--no-config",
                "--only",
                "replicas-too-low",
                "--only",
                "pdb-missing",
                ".",
            ],
        );
        assert_eq!(code, 1, "{value}: {report}");
        let findings = report["findings"].as_array().unwrap();
        assert_eq!(
            findings.len(),
            2,
            "{value}: one error per file, nothing else: {report:#}"
        );
        for (f, file, line, column) in [(&findings[0], "web.json", 4, 17), (&findings[1], "web.yaml", 5, 13)] {
            assert_eq!(f["rule"], "schema-violation", "{value}");
            assert_eq!(f["severity"], "error");
            assert_eq!(f["file"], file);
            assert_eq!(f["message"], message.as_str(), "{value} in {file}");
            assert_eq!(f["path"], "/spec/replicas");
            assert_eq!(
                (f["start"]["line"].as_u64(), f["start"]["column"].as_u64()),
                (Some(line), Some(column)),
                "{value} in {file}"
            );
            assert_eq!(
                f["end"]["column"].as_u64(),
                Some(column + value.len() as u64),
                "{value} in {file}"
            );
        }
    }
    // In range, integral floats included: no error, and the rules count them.
    for value in ["2147483647", "1e3"] {
        let (yaml, json) = deployment(value);
        let dir = repo(&[("web.yaml", &yaml), ("web.json", &json)]);
        let (code, report) = run(dir.path(), &["--no-config", "--only", "pdb-missing", "."]);
        let rules: Vec<_> = rules_and_lines(&report).into_iter().map(|(r, _, _)| r).collect();
        assert_eq!(
            (code, rules),
            (0, vec!["pdb-missing".to_string(); 2]),
            "{value}: {report:#}"
        );
    }
}

#[test]
fn infinities_and_nans_are_errors_not_nulls() {
    let (yaml, _) = deployment(".inf");
    let dir = repo(&[("web.yaml", &yaml)]);
    let (code, report) = run(dir.path(), &["--no-config", "--only", "replicas-too-low", "web.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(
        rules_and_lines(&report),
        vec![("schema-violation".into(), "web.yaml".into(), 5)]
    );
    assert_eq!(
        report["findings"][0]["message"],
        "`spec.replicas`: `.inf` is not a number JSON can carry; kubectl cannot send this object"
    );
}

/// An Istio DestinationRule: `circuitBreaker` is no field of `trafficPolicy` in Istio's
/// CRD, which kubelint bundles.
const DESTINATION_RULE: &str = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n  host: reviews\n  trafficPolicy:\n    circuitBreaker: {simpleCb: {maxConnections: 100}}\n";

/// A stand-in CRD for DestinationRule that allows anything under `spec`.
const OPEN_DESTINATION_RULE_CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: destinationrules.networking.istio.io}\nspec:\n  group: networking.istio.io\n  names: {kind: DestinationRule, plural: destinationrules}\n  scope: Namespaced\n  versions:\n    - name: v1alpha3\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {type: object, properties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true}}}\n";

#[test]
fn bundled_crds_validate_custom_resources_strictly() {
    let dir = repo(&[("dr.yaml", DESTINATION_RULE)]);
    let (code, report) = run(dir.path(), &["--no-config"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        rules_and_lines(&report),
        vec![("unknown-field".into(), "dr.yaml".into(), 7)]
    );
    assert_eq!(report["summary"]["withoutSchema"], 0);
}

#[test]
fn bundled_crds_come_after_the_input_and_the_users_and_can_be_turned_off() {
    // A CRD of the kind among the inputs wins, whatever versions it serves: the input says
    // which Istio the cluster runs (here one that serves only v1alpha3, so v1 is unknown).
    let dir = repo(&[("dr.yaml", DESTINATION_RULE), ("crd.yaml", OPEN_DESTINATION_RULE_CRD)]);
    let (_, report) = run(dir.path(), &["--no-config"]);
    let found = rules_and_lines(&report);
    assert_eq!(found, vec![("unknown-kind".into(), "dr.yaml".into(), 2)], "{report}");
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("does not serve version `v1`"),
        "{report}"
    );
    // The user's CRD (`--crd`) wins too.
    let dir = repo(&[
        ("manifests/dr.yaml", &DESTINATION_RULE.replace("/v1\n", "/v1alpha3\n")),
        ("crds/dr.yaml", OPEN_DESTINATION_RULE_CRD),
    ]);
    let (code, report) = run(dir.path(), &["manifests", "--no-config", "--crd", "crds"]);
    assert_eq!((code, rules_and_lines(&report)), (0, vec![]), "{report}");
    // Turned off by flag or config, the kind has no schema again (info, exit 0).
    let dir = repo(&[("dr.yaml", DESTINATION_RULE)]);
    let (code, by_flag) = run(dir.path(), &["--no-config", "--no-bundled-crds"]);
    assert_eq!(code, 0);
    assert_eq!(
        rules_and_lines(&by_flag),
        vec![("unknown-kind".into(), "dr.yaml".into(), 2)]
    );
    fs::write(dir.path().join(".kubelint.yaml"), "bundledCrds: false\n").unwrap();
    let (_, by_config) = run(dir.path(), &[]);
    assert_eq!(rules_and_lines(&by_flag), rules_and_lines(&by_config));
}

#[test]
fn versions_of_bundled_kinds_that_are_not_served_or_deprecated() {
    let dir = repo(&[(
        "v.yaml",
        "apiVersion: external-secrets.io/v1beta1\nkind: SecretStore\nmetadata: {name: s}\nspec: {}\n---\napiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata: {name: t}\nspec: {rules: [{backendRefs: [{name: db, port: 5432}]}]}\n",
    )]);
    // Both warnings: whether a cluster serves the version depends on the operator release.
    let (code, report) = run(dir.path(), &["--no-config", "--fail-on", "warning"]);
    assert_eq!(code, 1);
    let (_, errors_only) = run(dir.path(), &["--no-config"]);
    assert_eq!(errors_only["summary"]["findings"]["error"], 0, "{errors_only}");
    let messages: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(messages.len(), 2, "{report}");
    assert_eq!(messages[0].0, "deprecated-api");
    assert!(
        messages[0].1.contains("`served: false`") && messages[0].1.ends_with("reject it: use external-secrets.io/v1"),
        "{}",
        messages[0].1
    );
    assert_eq!(messages[1].0, "deprecated-api");
    assert!(
        messages[1].1.contains("has been deprecated") && messages[1].1.ends_with("use gateway.networking.k8s.io/v1"),
        "{}",
        messages[1].1
    );
}
