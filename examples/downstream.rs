//! A downstream tool: lints manifests it holds in memory (a Deployment and the Service in
//! front of it, as two documents), keeps the report as JSON through serde, and checks a
//! cross-object rule across the two.
//! `cargo run --example downstream`

use kubelint::{Config, Input, Linter, RunOptions, Severity};

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27.2
          ports: [{containerPort: 8080}]
";

/// The Service selects `app: frontend`, which no pod carries.
const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: frontend}
  ports: [{port: 80, targetPort: 8080}]
";

/// Lints the two documents as one run; returns the report as JSON.
fn run() -> serde_json::Value {
    let linter = Linter::with_options(Config::default(), RunOptions::default()).expect("the default config is valid");
    let inputs = [
        Input::text("deploy/web.yaml", DEPLOYMENT),
        Input::text("deploy/web-svc.yaml", SERVICE),
    ];
    let report = linter.lint_inputs(&inputs).expect("texts need no file system");
    for f in report.findings.iter().filter(|f| f.severity >= Severity::Warning) {
        println!(
            "{}:{}:{} {} {}",
            f.file.display_path(),
            f.start.line,
            f.start.column,
            f.rule,
            f.message
        );
    }
    serde_json::to_value(&report).expect("a report serialises")
}

fn main() {
    let json = run();
    println!("{}", serde_json::to_string_pretty(&json["summary"]).unwrap());
}

#[test]
fn the_service_selecting_no_pod_is_found_across_the_two_inputs() {
    let json = run();
    assert_eq!(json["summary"]["files"], 2);
    assert_eq!(json["summary"]["objects"], 2);
    let findings = json["findings"].as_array().unwrap();
    let selector = findings
        .iter()
        .find(|f| f["file"] == "deploy/web-svc.yaml" && f["path"] == "/spec/selector")
        .unwrap_or_else(|| panic!("a finding on the Service's selector: {findings:#?}"));
    assert_eq!(selector["object"]["kind"], "Service");
    assert_eq!(selector["start"]["line"], 7);
    assert!(selector["helpUrl"].as_str().unwrap().starts_with("https://"));
    // The finding's file is its path, never its text.
    assert!(
        findings
            .iter()
            .all(|f| f["file"].as_str().is_some_and(|p| p.starts_with("deploy/")))
    );
}
