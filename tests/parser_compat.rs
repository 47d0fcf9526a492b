//! kubelint reads manifests as kubectl does (go-yaml v2), end to end through the binary:
//! what a YAML 1.2 reader would hide cannot slip past the checks (issue #12, item 1).

mod common;

use serde_json::Value;

fn findings(report: &Value, rule: &str) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .cloned()
        .collect()
}

const HIDDEN: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      securityContext:\n        runAsNonRoot: true # reviewed\u{2028}        privileged: true\n";

#[test]
fn a_key_hidden_behind_a_line_separator_is_checked_and_reported() {
    let out = common::kubelint_stdin(HIDDEN, &["check", "--no-config", "-", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lb = findings(&report, "unicode-line-break");
    assert_eq!(lb.len(), 1, "{report:#}");
    let f = &lb[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["start"]["line"], 10);
    assert_eq!(f["start"]["column"], 38);
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("invisible line break U+2028 (LINE SEPARATOR) outside a quoted string"),
        "{f}"
    );
    assert_eq!(f["path"], "/spec/containers/0/securityContext");
    assert!(f["help"].as_str().unwrap().contains("Delete the character"), "{f}");
    // The key the cluster would apply is seen, at its place on line 10.
    let p = findings(&report, "privileged-container");
    assert_eq!(p.len(), 1, "{report:#}");
    assert_eq!(p[0]["start"]["line"], 10);
    assert_eq!(p[0]["path"], "/spec/containers/0/securityContext/privileged");
}

#[test]
fn line_separators_inside_quoted_strings_are_not_reported() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  note: \"one\u{2028}two\"\n";
    let out = common::kubelint_stdin(text, &["check", "--no-config", "-", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings(&report, "unicode-line-break").is_empty(), "{report:#}");
    assert!(findings(&report, "yaml-syntax").is_empty(), "{report:#}");
}

#[test]
fn a_merge_that_overrides_an_explicit_key_is_applied_as_kubectl_applies_it() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      securityContext:\n        privileged: false\n        <<: {privileged: true}\n";
    let out = common::kubelint_stdin(text, &["check", "--no-config", "-", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dup = findings(&report, "duplicate-key");
    assert_eq!(dup.len(), 1, "{report:#}");
    assert_eq!(dup[0]["start"]["line"], 11);
    assert_eq!(dup[0]["start"]["column"], 9);
    assert!(
        dup[0]["message"].as_str().unwrap().contains("overrides `privileged`"),
        "{}",
        dup[0]
    );
    assert_eq!(findings(&report, "privileged-container").len(), 1, "{report:#}");
}

#[test]
fn documents_that_start_with_a_byte_order_mark_are_read() {
    // `cat a.yaml b.yaml` where b.yaml was saved with a BOM: kubectl applies both.
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\u{feff}apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n    - name: b\n      image: nginx:latest\n";
    let out = common::kubelint_stdin(text, &["check", "--no-config", "-", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings(&report, "yaml-syntax").is_empty(), "{report:#}");
    let latest = findings(&report, "latest-tag");
    assert_eq!(latest.len(), 1, "{report:#}");
    assert_eq!(latest[0]["start"]["line"], 13);
}
