//! Every manifest under `fixtures/` has the findings it must produce written beside it,
//! in `<file>.expected`: one line per finding, `line:column rule severity object path`
//! (`object` is `Kind/namespace/name`, `-` for none; suppressed findings are prefixed
//! with `suppressed`). The test runs the real binary on each file alone and compares.
//! `KUBELINT_BLESS=1 cargo test --test fixtures` rewrites the files; review the diff.
//!
//! `fixtures/rules/<rule-id>.yaml` test one rule alone (`--only <rule-id>`, with
//! `<rule-id>.kubelint.yaml` as config when present). Objects named `fire-*` must be
//! reported by the rule and every other object must not (`ok-*` ones are the cases that
//! must not fire; others support the cross-object cases); every object rule has one.

mod common;

use std::fmt::Write;
use std::path::Path;

use std::sync::Arc;

use kubelint::load::{SourceFile, load_file};
use serde_json::Value;

/// The rule a `fixtures/rules/` file tests.
fn rule_under_test(file: &Path) -> Option<String> {
    let parent = file.parent()?;
    (parent == common::root().join("fixtures/rules")).then(|| file.file_stem().unwrap().to_str().unwrap().to_string())
}

fn run(file: &Path) -> Value {
    let rel = file.strip_prefix(common::root()).unwrap().to_str().unwrap().to_string();
    let mut args = vec!["check".to_string(), rel.clone()];
    args.extend(["--format", "json", "--show-suppressed", "--fail-on", "never"].map(String::from));
    match rule_under_test(file) {
        Some(rule) => {
            args.extend(["--only".to_string(), rule.clone()]);
            let config = format!("fixtures/rules/{rule}.kubelint.yaml");
            if common::root().join(&config).is_file() {
                args.extend(["--config".to_string(), config]);
            } else {
                args.push("--no-config".into());
            }
        }
        None => args.push("--no-config".into()),
    }
    let out = common::kubelint().args(&args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{rel}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::json(&out)
}

/// `fire-*` objects get the rule, all others do not.
fn check_naming(file: &Path, rule: &str, report: &Value) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let loaded = load_file(Arc::new(SourceFile::new(file, text)));
    let names: Vec<String> = loaded
        .documents
        .iter()
        .filter_map(|d| {
            d.root
                .pointer("/metadata/name")
                .and_then(|n| n.as_str())
                .map(str::to_string)
        })
        .collect();
    let hit: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .filter_map(|f| f["object"]["name"].as_str())
        .collect();
    let mut problems = Vec::new();
    let (mut fire, mut ok) = (0, 0);
    for name in &names {
        if name.starts_with("fire-") {
            fire += 1;
            if !hit.contains(&name.as_str()) {
                problems.push(format!("{}: `{name}` must be reported by {rule}", file.display()));
            }
        } else {
            ok += usize::from(name.starts_with("ok-"));
            if hit.contains(&name.as_str()) {
                problems.push(format!("{}: `{name}` must not be reported by {rule}", file.display()));
            }
        }
    }
    if fire == 0 || ok == 0 {
        problems.push(format!(
            "{}: needs objects that must fire and objects that must not ({fire} and {ok})",
            file.display()
        ));
    }
    problems
}

fn actual(file: &Path, report: &Value) -> String {
    let rel = file.strip_prefix(common::root()).unwrap().to_str().unwrap().to_string();
    let mut s = format!("{}\n", kubelint::cli::rule_tests::HEADER);
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["file"].as_str().unwrap(), rel);
        writeln!(s, "{}", kubelint::cli::rule_tests::expectation(f, false)).unwrap();
    }
    for f in report["suppressed"].as_array().unwrap() {
        writeln!(s, "{}", kubelint::cli::rule_tests::expectation(f, true)).unwrap();
    }
    s
}

#[test]
fn every_fixture_produces_exactly_its_expected_findings() {
    let dir = common::root().join("fixtures");
    let files = common::files_with(&dir, &["yaml", "yml", "json"]);
    assert!(files.len() >= 30, "fixtures are missing: {}", files.len());
    let mut failures = Vec::new();
    for file in files {
        // `fixtures/repos/` are whole repositories, checked as one run by tests/repos.rs.
        if file.to_str().unwrap().ends_with(".kubelint.yaml") || file.starts_with(common::root().join("fixtures/repos"))
        {
            continue;
        }
        let expected_path = file.with_file_name(format!("{}.expected", file.file_name().unwrap().to_str().unwrap()));
        let report = run(&file);
        if let Some(rule) = rule_under_test(&file) {
            failures.extend(check_naming(&file, &rule, &report));
        }
        let got = actual(&file, &report);
        if common::blessing() {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!("{}:\n--- expected\n{want}--- actual\n{got}", file.display())),
            Err(_) => failures.push(format!(
                "{}: no {} (bless with KUBELINT_BLESS=1)",
                file.display(),
                expected_path.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_object_rule_has_a_fixture() {
    let missing: Vec<&str> = kubelint::rules::builtin_rules()
        .iter()
        .map(|r| r.info().id)
        .filter(|id| !common::root().join(format!("fixtures/rules/{id}.yaml")).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without fixtures/rules/<id>.yaml: {missing:?}"
    );
}
