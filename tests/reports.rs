//! Exact-output snapshots of every format, and SARIF checked against the official schema
//! and GitHub code scanning's requirements. Update snapshots with `INSTA_UPDATE=always`.

mod common;

use serde_json::Value;

/// Runs on `fixtures/input` (every bad-input case plus rule hits) in `format`.
fn run(format: &str, extra: &[&str]) -> String {
    let mut args = vec!["fixtures/input", "--format", format];
    args.extend_from_slice(extra);
    let out = common::check(&args);
    assert_eq!(out.status.code(), Some(1), "errors are present, so exit code 1");
    common::stdout(&out)
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(r" in \d+\.\d+s", " in [TIME]");
    s.add_filter(r#""elapsedMs": \d+"#, r#""elapsedMs": "[TIME]""#);
    s.add_filter(r#""uri": "file://[^"]*""#, r#""uri": "file://[ROOT]/""#);
    s.add_filter(
        r#""(semanticVersion|version)": "\d+\.\d+\.\d+""#,
        r#""$1": "[VERSION]""#,
    );
    s
}

#[test]
fn human_snapshot() {
    settings().bind(|| insta::assert_snapshot!(run("human", &["--color", "never"])));
}

#[test]
fn json_snapshot() {
    settings().bind(|| insta::assert_snapshot!(run("json", &["--show-suppressed"])));
}

#[test]
fn github_snapshot() {
    settings().bind(|| insta::assert_snapshot!(run("github", &[])));
}

#[test]
fn sarif_snapshot() {
    settings().bind(|| insta::assert_snapshot!(run("sarif", &[])));
}

fn sarif() -> Value {
    serde_json::from_str(&run("sarif", &["--show-suppressed"])).unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let text = std::fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    // The official schema's `run.language` pattern has a stray `]`, which fails the
    // meta-schema's `regex` format check; escape it (it constrains a field we never write).
    let text = text.replace(r#"{2}-[a-zA-Z]{2}]?$"#, r#"{2}-[a-zA-Z]{2}\\]?$"#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let doc = sarif();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // And a broken document is caught, so the check above can fail.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_has_what_github_code_scanning_reads() {
    let doc = sarif();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
            "defaultConfiguration",
        ] {
            assert!(!r[key].is_null(), "rule {} lacks {key}", r["id"]);
        }
    }
    let privileged = rules.iter().find(|r| r["id"] == "privileged-container").unwrap();
    assert_eq!(privileged["properties"]["security-severity"], "9.0");
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap()
            .chars()
            .last(),
        Some('/')
    );
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("fixtures/input/"), "{uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert!(
            r["partialFingerprints"]["kubelintFingerprint/v1"]
                .as_str()
                .unwrap()
                .len()
                == 16
        );
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
    // The exact region of one known finding: nginx:latest in manifest.json, line 7.
    let json_hit = results
        .iter()
        .find(|r| {
            r["ruleId"] == "latest-tag"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "fixtures/input/manifest.json"
        })
        .unwrap();
    assert_eq!(
        json_hit["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 7, "startColumn": 32, "endLine": 7, "endColumn": 46})
    );
    let suppressed: Vec<_> = results.iter().filter(|r| r["suppressions"].is_array()).collect();
    assert_eq!(suppressed.len(), 1);
}

/// The seed articles' manifests, as a reviewer reads the report.
#[test]
fn seeds_human_snapshot() {
    let out = common::check(&["fixtures/seeds", "--color", "never"]);
    // The only errors: the two article Deployments written without selector or template.
    assert_eq!(out.status.code(), Some(1));
    let json = common::json(&common::check(&["fixtures/seeds", "--format", "json"]));
    let errors: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["object"]["name"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let names: std::collections::BTreeSet<&str> = errors.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        vec!["high-performance-app", "web-app"],
        "{errors:?}"
    );
    assert!(
        errors.iter().all(|(_, m)| m.contains("missing required field")),
        "{errors:?}"
    );
    settings().bind(|| insta::assert_snapshot!(common::stdout(&out)));
}

/// Human output shows a few lines around each finding, and no more than a few hundred
/// bytes of a long line: a minified JSON file of N bytes on one line with a finding per
/// object must not print N bytes per finding (600 findings in 70 KB printed 77 MB), nor
/// crash past column 65,535.
#[test]
fn human_output_of_a_one_line_file_is_linear() {
    let pod = |i: usize| {
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}"}},"spec":{{"containers":[{{"name":"c","image":"nginx"}}]}}}}"#
        )
    };
    let items: Vec<String> = (0..600).map(pod).collect();
    let text = format!(r#"{{"apiVersion":"v1","kind":"List","items":[{}]}}"#, items.join(","));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("list.json"), &text).unwrap();
    let out = assert_cmd::Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--only",
            "latest-tag",
            "--color",
            "never",
            "list.json",
        ])
        .output()
        .unwrap();
    // miette panicked on a label past column 65,535 (a width argument over u16::MAX).
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let human = common::stdout(&out);
    assert_eq!(
        human.matches("latest-tag (https://").count(),
        600,
        "{}",
        &human[..2000.min(human.len())]
    );
    // About 1 KB per finding; the whole line per finding would be 600 × 70 KB.
    assert!(
        human.len() < 600 * 1500,
        "{} bytes of output for a {} byte file",
        human.len(),
        text.len()
    );
    // Each snippet is cut around its finding and says where it is.
    let last = text.find(r#""name":"p599""#).unwrap();
    let at = last + text[last..].find(r#""nginx""#).unwrap();
    assert!(
        human.contains(&format!("[list.json:1:{}]", at + 1)),
        "{}",
        &human[human.len() - 1500..]
    );
    assert!(human.contains("│ …"), "cut with an ellipsis");
}
