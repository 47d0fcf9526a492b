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
    s.add_filter(
        r#"<testsuites name="kubelint" (.*) time="[0-9.]+">"#,
        r#"<testsuites name="kubelint" $1 time="[TIME]">"#,
    );
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
fn compact_snapshot() {
    settings().bind(|| insta::assert_snapshot!(run("compact", &["--show-suppressed"])));
}

#[test]
fn sarif_snapshot() {
    settings().bind(|| insta::assert_snapshot!(run("sarif", &[])));
}

#[test]
fn junit_snapshot() {
    settings().bind(|| insta::assert_snapshot!(run("junit", &["--show-suppressed"])));
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
    // Results with fixes are among those validated, and a broken fix is caught too.
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let with_fix = results
        .iter()
        .position(|r| r.get("fixes").is_some())
        .expect("a result with fixes");
    let mut broken = doc.clone();
    broken["runs"][0]["results"][with_fix]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]["startLine"] =
        Value::from(0);
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
        let fp = r["partialFingerprints"]["kubelintFingerprint/v2"].as_str().unwrap();
        assert!(fp.len() == 16 || fp[16..].starts_with(':'), "{fp}");
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
    // The errors: the article Deployment written without a selector (and containers; the
    // one without template and selector can only change an existing Deployment, a warning
    // that says so); with the bundled CRDs, the Istio DestinationRule's
    // `trafficPolicy.circuitBreaker` (no such field) and the External Secrets objects of
    // `external-secrets.io/v1beta1`, which External Secrets no longer serves.
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
        vec!["high-performance-app", "inventory-service"],
        "{errors:?}"
    );
    let apply: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "apply-configuration")
        .collect();
    assert_eq!(apply.len(), 1, "{apply:?}");
    assert_eq!(apply[0]["severity"], "warning");
    assert_eq!(apply[0]["file"], "fixtures/seeds/003-01-rolling-update-deployment.yaml");
    assert!(
        apply[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Deployment `web-app` is an apply configuration")
    );
    assert!(
        errors.iter().all(|(n, m)| match n.as_str() {
            "high-performance-app" => m.contains("missing required field"),
            "inventory-service" => m.starts_with("`circuitBreaker` is not a field of `spec.trafficPolicy`"),
            _ => m.contains("`served: false`") && m.ends_with("use external-secrets.io/v1"),
        }),
        "{errors:?}"
    );
    settings().bind(|| insta::assert_snapshot!(common::stdout(&out)));
}

/// A folder with `m.yaml` (`n` Pods with a `latest` image, each reported 30 times by the
/// script rule `many`, at one place with messages `m0`..`m29`) and optionally a config.
fn flood(n: usize, config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    std::fs::write(
        dir.path().join("scripts/many.rhai"),
        "fn meta() { #{ id: \"many\", severity: \"warning\", title: \"t\", description: \"d\", remediation: \"r\", kinds: [\"Pod\"] } }\n\
         fn check(object, ctx) { for i in 0..30 { ctx.report(\"/spec/containers/0/image\", \"m\" + i); } }\n",
    )
    .unwrap();
    let pods: String = (0..n)
        .map(|i| format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i:02}}}\nspec: {{containers: [{{name: a, image: nginx:latest}}]}}\n"))
        .collect();
    std::fs::write(dir.path().join("m.yaml"), pods).unwrap();
    if let Some(c) = config {
        std::fs::write(dir.path().join(".kubelint.yaml"), c).unwrap();
    }
    dir
}

fn flood_run(dir: &std::path::Path, threads: &str, format: &str, extra: &[&str]) -> String {
    let mut cmd = assert_cmd::Command::cargo_bin("kubelint").unwrap();
    let out = cmd
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .args([
            "check",
            "m.yaml",
            "--rules",
            "scripts",
            "--only",
            "many",
            "--only",
            "latest-tag",
        ])
        .args(["--format", format, "--color", "never"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    common::stdout(&out)
}

/// (rule, object, line, column, message) of each finding of a JSON report.
fn keys(report: &Value) -> Vec<(String, String, u64, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["object"]["name"].as_str().unwrap_or("").to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn findings_beyond_the_limits_are_dropped_in_report_order_and_counted_in_every_format() {
    let dir = flood(40, Some("limits:\n  findingsPerObject: 5\n  findingsPerRun: 12\n"));
    let capped: Value = serde_json::from_str(&flood_run(dir.path(), "2", "json", &[])).unwrap();
    // The same run without limits that bind, capped by hand: the first 5 of each rule on each
    // object, then the first 12 of each rule, all in report order.
    let unbound = ["--max-findings-per-object", "1000", "--max-findings-per-run", "100000"];
    let all: Value = serde_json::from_str(&flood_run(dir.path(), "2", "json", &unbound)).unwrap();
    let all = keys(&all);
    assert_eq!(all.len(), 40 * 31, "no limit binds");
    let mut per_object = std::collections::HashMap::new();
    let mut per_run = std::collections::HashMap::new();
    let expected: Vec<_> = all
        .iter()
        .filter(|k| {
            let n = per_object.entry((k.0.clone(), k.1.clone())).or_insert(0);
            *n += 1;
            *n <= 5
        })
        .filter(|k| {
            let n = per_run.entry(k.0.clone()).or_insert(0);
            *n += 1;
            *n <= 12
        })
        .cloned()
        .collect();
    assert_eq!(keys(&capped), expected);
    // In report order, not in the order the script reported them: m0, m1, m10, m11, m12.
    let first: Vec<&str> = expected
        .iter()
        .filter(|k| k.0 == "many")
        .take(5)
        .map(|k| k.4.as_str())
        .collect();
    assert_eq!(first, ["m0", "m1", "m10", "m11", "m12"]);
    // Counted: 40 × 25 beyond 5 per object, 40 × 5 − 12 beyond 12 per run; latest-tag 40 − 12.
    assert_eq!(capped["summary"]["dropped"], 1000 + 188 + 28);
    assert_eq!(
        capped["dropped"],
        serde_json::json!([
            {"rule": "latest-tag", "perObject": 0, "perRun": 28,
             "message": capped["dropped"][0]["message"]},
            {"rule": "many", "perObject": 1000, "perRun": 188,
             "message": capped["dropped"][1]["message"]},
        ])
    );
    assert_eq!(
        capped["limits"],
        serde_json::json!({"findingsPerObject": 5, "findingsPerRun": 12})
    );
    // Whatever the number of threads.
    let untimed = |threads: &str| {
        let mut v: Value = serde_json::from_str(&flood_run(dir.path(), threads, "json", &[])).unwrap();
        v["summary"]["elapsedMs"] = Value::Null;
        v
    };
    assert!(
        untimed("1") == untimed("2"),
        "the report depends on the number of threads"
    );
    // The command line wins over the config.
    let cli: Value =
        serde_json::from_str(&flood_run(dir.path(), "2", "json", &["--max-findings-per-run", "7"])).unwrap();
    assert_eq!(cli["findings"].as_array().unwrap().len(), 14);

    // Every format says so.
    let human = flood_run(dir.path(), "2", "human", &[]);
    assert!(
        human.contains(
            "note: 1188 more `many` findings were not reported (1000 beyond 5 per object, 188 beyond 12 per run)"
        ),
        "{human}"
    );
    assert!(human.contains("note: 28 more `latest-tag` findings were not reported (28 beyond 12 per run)"));
    assert!(
        human
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .contains(", 1216 more not reported (limits per rule)")
    );
    let github = flood_run(dir.path(), "2", "github", &[]);
    assert!(
        github
            .contains("::warning title=kubelint%3A findings not reported::1188 more `many` findings were not reported"),
        "{github}"
    );
    let sarif: Value = serde_json::from_str(&flood_run(dir.path(), "2", "sarif", &[])).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 24);
    assert_eq!(run["properties"]["findingsNotReported"], 1216);
    let notes = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[1]["associatedRule"]["id"], "many");
    assert_eq!(
        notes[1]["properties"],
        serde_json::json!({"perObject": 1000, "perRun": 188})
    );
    let index = notes[0]["associatedRule"]["index"].as_u64().unwrap() as usize;
    assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "latest-tag");
    assert_eq!(sarif_validator().iter_errors(&sarif).count(), 0);
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let text = text.replace(r#"{2}-[a-zA-Z]{2}]?$"#, r#"{2}-[a-zA-Z]{2}\\]?$"#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Human output shows a few lines around each finding, and no more than a few hundred
/// bytes of a long line: a minified JSON file of N bytes on one line with a finding per
/// object must not print N bytes per finding (600 findings in 70 KB printed 77 MB), nor
/// crash past column 65,535.
#[test]
fn human_output_of_a_one_line_file_is_linear() {
    // Every 30th pod uses an untagged image: 20 findings, all shown with a snippet (the
    // human format shows at most 20), the last one past column 65,535.
    let pod = |i: usize| {
        let image = if i % 30 == 29 { "nginx" } else { "nginx:1.27.2" };
        format!(
            r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p{i}"}},"spec":{{"containers":[{{"name":"c","image":"{image}"}}]}}}}"#
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
        20,
        "{}",
        &human[..2000.min(human.len())]
    );
    // About 1 KB per finding; the whole line per finding would be 20 × 70 KB.
    assert!(
        human.len() < 20 * 1500,
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

/// The human format shows snippets for the 20 most severe findings (errors first) and one
/// line for each of the others, so that hundreds of findings stay readable.
#[test]
fn many_findings_get_snippets_for_the_worst_and_a_line_for_the_rest() {
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers: [{{name: c, image: \"nginx\"}}]\n"
        ));
    }
    // One error, last in the file: it must get a snippet.
    text.push_str("---\napiVersion: v1\nkind: Pod\nmetadata: {name: root}\nspec:\n  containers: [{name: c, image: \"nginx:1.27.2\", securityContext: {privileged: true}}]\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pods.yaml"), &text).unwrap();
    let out = assert_cmd::Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "--no-config",
            "--only",
            "latest-tag",
            "--only",
            "privileged-container",
            "--color",
            "never",
            "pods.yaml",
        ])
        .output()
        .unwrap();
    let human = common::stdout(&out);
    assert_eq!(human.matches(" (https://").count(), 20, "{human}");
    assert!(human.contains("privileged-container (https://"), "{human}");
    assert!(human.contains("21 more finding(s), one line each"), "{human}");
    assert_eq!(human.matches(": warning[latest-tag] ").count(), 21, "{human}");
}

/// SARIF's fingerprint is the baseline's (rule, object identity, JSON path): the same when
/// lines move and when the message is reworded, and different for another object.
#[test]
fn sarif_fingerprints_survive_line_moves_and_rewording() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scripts")).unwrap();
    std::fs::write(
        dir.path().join("scripts/says.rhai"),
        "fn meta() { #{ id: \"says\", severity: \"warning\", title: \"t\", description: \"d\", remediation: \"r\", \
         kinds: [\"Pod\"], params: #{ text: \"first wording\" } } }\n\
         fn check(object, ctx) { ctx.report(\"/spec/containers/0/image\", ctx.params.text); }\n",
    )
    .unwrap();
    let pods = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec: {containers: [{name: c, image: nginx:latest}]}\n\
                ---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\nspec: {containers: [{name: c, image: nginx:latest}]}\n";
    let run = |text: &str, config: &str, format: &str| -> Value {
        std::fs::write(dir.path().join("pods.yaml"), text).unwrap();
        std::fs::write(dir.path().join("k.yaml"), config).unwrap();
        let out = assert_cmd::Command::cargo_bin("kubelint")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", "pods.yaml", "--config", "k.yaml", "--rules", "scripts"])
            .args(["--only", "says", "--only", "latest-tag", "--fail-on", "never"])
            .args(["--format", if format == "baseline" { "json" } else { format }])
            .args(if format == "baseline" {
                vec!["--write-baseline", "b.json"]
            } else {
                vec![]
            })
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        if format == "baseline" {
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("b.json")).unwrap()).unwrap()
        } else {
            common::json(&out)
        }
    };
    let prints = |sarif: &Value| -> Vec<(String, String, u64, String)> {
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["kubelintFingerprint/v2"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                    r["message"]["text"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = prints(&run(pods, "rules: {}\n", "sarif"));
    assert_eq!(before.len(), 4);
    let fps: std::collections::BTreeSet<&str> = before.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(fps.len(), 4, "two rules on two objects: four fingerprints");
    // Three comment lines above, and the script's message reworded through its parameter.
    let moved = format!("# one\n# two\n# three\n{pods}");
    let after = prints(&run(
        &moved,
        "rules:\n  says:\n    params: {text: second wording}\n",
        "sarif",
    ));
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1));
        assert_eq!(a.2, b.2 + 3, "the lines did move");
    }
    assert!(after.iter().any(|a| a.3 == "second wording"), "the message did change");
    // The baseline's fingerprints, the same ones.
    let baseline = run(pods, "rules: {}\n", "baseline");
    let recorded: std::collections::BTreeSet<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(recorded, fps);
}

/// Each rule says how far its findings can be trusted, and not every rule the same.
#[test]
fn sarif_precision_per_rule() {
    let doc = sarif();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let of = |id: &str| -> Value {
        let r = rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no rule {id}"));
        r["properties"]["precision"].clone()
    };
    for (id, precision) in [
        // The input and the schemas: what the parser and the API server would say.
        ("yaml-syntax", "very-high"),
        ("schema-violation", "very-high"),
        ("removed-api", "very-high"),
        // Contradictions within one object.
        ("requests-exceed-limits", "very-high"),
        ("invalid-quantity", "very-high"),
        ("duplicate-env-var", "very-high"),
        ("probe-port-mismatch", "very-high"),
        ("hpa-min-equals-max", "very-high"),
        ("deprecated-service-account-field", "very-high"),
        // One object's own fields.
        ("privileged-container", "high"),
        ("latest-tag", "high"),
        ("liveness-probe-missing", "high"),
        ("rbac-wildcard", "high"),
        ("destination-rule-tls-disabled", "high"),
        ("mtls-permissive", "high"),
        ("authorization-allows-all", "high"),
        // Inference across objects.
        ("service-selects-nothing", "medium"),
        ("config-reference-missing", "medium"),
        ("non-isolated-workload", "medium"),
        ("mtls-not-strict", "medium"),
        ("binding-role-missing", "medium"),
        ("binding-secrets-cluster-wide", "medium"),
        ("replicas-too-low", "medium"),
        ("default-namespace", "medium"),
        // A guess from names.
        ("secret-in-env", "low"),
    ] {
        assert_eq!(of(id), precision, "{id}");
    }
    let levels = ["very-high", "high", "medium", "low"];
    for r in rules {
        let p = &r["properties"]["precision"];
        let scripted = r["properties"]["tags"][0] == "script";
        assert!(
            if scripted {
                p.is_null()
            } else {
                levels.iter().any(|l| p == l)
            },
            "{}: {p}",
            r["id"]
        );
    }
}

/// A small interpreter for the part of XML Schema that `junit-10.xsd` uses (global
/// elements, `ref`, `xs:choice`/`xs:sequence` of one particle, attributes with `use`, named
/// simple types with a pattern, `mixed`): enough to validate documents against that file
/// as written, without a C library.
struct Xsd {
    elements: std::collections::HashMap<String, ElementDecl>,
    patterns: std::collections::HashMap<String, jsonschema::Validator>,
}

struct ElementDecl {
    /// Text only (`type="xs:string"`): no children, no attributes.
    text_only: bool,
    mixed: bool,
    children: Vec<String>,
    /// Attribute name → (required, type).
    attributes: std::collections::HashMap<String, (bool, String)>,
}

impl Xsd {
    fn parse(text: &str) -> Xsd {
        let doc = roxmltree::Document::parse(text).unwrap();
        let xs = |n: &roxmltree::Node, name: &str| n.is_element() && n.tag_name().name() == name;
        let root = doc.root_element();
        let mut patterns = std::collections::HashMap::new();
        for st in root.children().filter(|n| xs(n, "simpleType")) {
            let pattern = st
                .descendants()
                .find(|n| xs(n, "pattern"))
                .and_then(|n| n.attribute("value"))
                .unwrap();
            // XSD patterns match the whole value.
            let schema = serde_json::json!({"type": "string", "pattern": format!("^(?:{pattern})$")});
            patterns.insert(
                st.attribute("name").unwrap().to_string(),
                jsonschema::validator_for(&schema).unwrap(),
            );
        }
        let mut elements = std::collections::HashMap::new();
        for el in root.children().filter(|n| xs(n, "element")) {
            let name = el.attribute("name").unwrap().to_string();
            let decl = match el.attribute("type") {
                Some("xs:string") => ElementDecl {
                    text_only: true,
                    mixed: true,
                    children: Vec::new(),
                    attributes: Default::default(),
                },
                // Named complex types (rerunType): kubelint never writes these elements.
                Some(_) => continue,
                None => {
                    let ct = el.children().find(|n| xs(n, "complexType")).unwrap();
                    let mut children = Vec::new();
                    for group in ct.descendants().filter(|n| xs(n, "sequence") || xs(n, "choice")) {
                        let particles: Vec<_> = group
                            .children()
                            .filter(|n| xs(n, "element") || xs(n, "choice") || xs(n, "sequence"))
                            .collect();
                        assert!(
                            !xs(&group, "sequence") || particles.len() == 1,
                            "{name}: a sequence of several particles is not supported"
                        );
                        children.extend(particles.iter().filter_map(|p| p.attribute("ref")).map(str::to_string));
                    }
                    let attributes = ct
                        .children()
                        .filter(|n| xs(n, "attribute"))
                        .map(|a| {
                            (
                                a.attribute("name").unwrap().to_string(),
                                (
                                    a.attribute("use") == Some("required"),
                                    a.attribute("type").unwrap().to_string(),
                                ),
                            )
                        })
                        .collect();
                    ElementDecl {
                        text_only: false,
                        mixed: ct.attribute("mixed") == Some("true"),
                        children,
                        attributes,
                    }
                }
            };
            elements.insert(name, decl);
        }
        Xsd { elements, patterns }
    }

    /// Every violation of the schema in `doc` (empty: valid).
    fn validate(&self, doc: &roxmltree::Document) -> Vec<String> {
        let mut errors = Vec::new();
        self.element(doc.root_element(), &mut errors);
        errors
    }

    fn element(&self, node: roxmltree::Node, errors: &mut Vec<String>) {
        let name = node.tag_name().name();
        let Some(decl) = self.elements.get(name) else {
            errors.push(format!("undeclared element <{name}>"));
            return;
        };
        for a in node.attributes() {
            match decl.attributes.get(a.name()) {
                None => errors.push(format!("<{name}>: undeclared attribute {}", a.name())),
                Some((_, ty)) => {
                    if let Some(p) = self.patterns.get(ty)
                        && !p.is_valid(&serde_json::json!(a.value()))
                    {
                        errors.push(format!("<{name} {}=\"{}\">: not a {ty}", a.name(), a.value()));
                    }
                }
            }
        }
        for (attr, (required, _)) in &decl.attributes {
            if *required && node.attribute(attr.as_str()).is_none() {
                errors.push(format!("<{name}>: missing required attribute {attr}"));
            }
        }
        for child in node.children() {
            if child.is_element() {
                let child_name = child.tag_name().name();
                if decl.text_only || !decl.children.iter().any(|c| c == child_name) {
                    errors.push(format!("<{name}>: <{child_name}> not allowed"));
                }
                self.element(child, errors);
            } else if child.is_text() && !decl.mixed && !child.text().unwrap_or("").trim().is_empty() {
                errors.push(format!("<{name}>: text not allowed"));
            }
        }
    }
}

fn junit_xsd() -> (String, Xsd) {
    let path = common::root().join("tests/snapshots/junit-10.xsd");
    let text = std::fs::read_to_string(path).unwrap();
    let xsd = Xsd::parse(&text);
    (text, xsd)
}

#[test]
fn junit_validates_against_jenkins_schema() {
    let (_, xsd) = junit_xsd();
    let text = run("junit", &["--show-suppressed"]);
    let doc = roxmltree::Document::parse(&text).unwrap();
    assert_eq!(xsd.validate(&doc), Vec::<String>::new());
    // The interpreter catches what the schema forbids, so the check above can fail.
    for (bad, expected) in [
        (
            r#"<testsuites><testsuite name="a" tests="1" failures="0"/></testsuites>"#,
            "missing required attribute errors",
        ),
        (
            r#"<testsuites><testcase name="a"/></testsuites>"#,
            "<testcase> not allowed",
        ),
        (r#"<testsuites time="1.5s"/>"#, "not a SUREFIRE_TIME"),
        (
            r#"<testsuites><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" file="f"/></testsuite></testsuites>"#,
            "undeclared attribute file",
        ),
        (
            r#"<testsuites><testsuite name="a" tests="1" failures="0" errors="0">text</testsuite></testsuites>"#,
            "text not allowed",
        ),
    ] {
        let errors = xsd.validate(&roxmltree::Document::parse(bad).unwrap());
        assert!(errors.iter().any(|e| e.contains(expected)), "{bad}: {errors:?}");
    }
    // With xmllint (Debian's libxml2-utils) at hand, the real validator agrees.
    if let Ok(out) = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(common::root().join("tests/snapshots/junit-10.xsd"))
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes())?;
            child.wait_with_output()
        })
    {
        assert!(
            out.status.success(),
            "xmllint: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn junit_has_a_case_per_rule_and_object_with_positions() {
    let text = run("junit", &[]);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    // The totals add up.
    let sum = |attr: &str| -> u64 {
        suites
            .iter()
            .map(|s| s.attribute(attr).unwrap().parse::<u64>().unwrap())
            .sum()
    };
    assert_eq!(root.attribute("tests").unwrap().parse::<u64>().unwrap(), sum("tests"));
    assert_eq!(
        root.attribute("failures").unwrap().parse::<u64>().unwrap(),
        sum("failures")
    );
    for s in &suites {
        let cases: Vec<_> = s.children().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(s.attribute("tests").unwrap(), cases.len().to_string());
        let failing = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
            .count();
        assert_eq!(s.attribute("failures").unwrap(), failing.to_string());
        let id = s.attribute("name").unwrap();
        let names: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
        assert_eq!(names.len(), cases.len(), "{id}: one case per object");
        for c in &cases {
            assert_eq!(c.attribute("classname"), Some(format!("kubelint.{id}").as_str()));
        }
    }
    // latest-tag on the JSON Pod: a failure with the finding at its file:line:column.
    let latest = suites
        .iter()
        .find(|s| s.attribute("name") == Some("latest-tag"))
        .unwrap();
    let case = latest
        .children()
        .find(|c| c.attribute("name") == Some("Pod json/from-json (fixtures/input/manifest.json)"))
        .unwrap();
    let failure = case.children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(failure.attribute("type"), Some("warning"));
    let body = failure.text().unwrap();
    assert!(
        body.contains("at fixtures/input/manifest.json:7:32 (/spec/containers/0/image)"),
        "{body}"
    );
    assert!(body.contains("help: Pin the image"), "{body}");
    // A rule that found nothing is one passing case.
    let quiet = suites
        .iter()
        .find(|s| s.children().any(|c| c.attribute("name") == Some("no findings")))
        .expect("some rule finds nothing in fixtures/input");
    assert_eq!(quiet.attribute("tests"), Some("1"));
    assert_eq!(quiet.attribute("failures"), Some("0"));
}
