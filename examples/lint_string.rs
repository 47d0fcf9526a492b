//! Lint a manifest held in a string and print each finding with its position.
//! `cargo run --example lint_string`

use kubelint::{Config, Linter, Severity};

const MANIFEST: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:latest
";

/// Lints MANIFEST; returns the lines printed.
fn run() -> Vec<String> {
    let linter = Linter::new(Config::default()).expect("the default config is valid");
    let report = linter.lint_str("web.yaml", MANIFEST);
    let lines: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| {
            format!(
                "{}:{}:{} {} {}",
                f.file.display_path(),
                f.start.line,
                f.start.column,
                f.rule,
                f.message
            )
        })
        .collect();
    for l in &lines {
        println!("{l}");
    }
    lines
}

fn main() {
    run();
}

#[test]
fn prints_the_latest_tag_at_its_position() {
    assert!(run().iter().any(|l| l.starts_with("web.yaml:15:18 latest-tag")));
}
