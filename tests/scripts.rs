//! Scripted rules: positions, the sandbox, every context helper, and the authoring tools.

mod common;

use std::fs;

use assert_cmd::Command;
use serde_json::Value;

const MANIFESTS: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {team: shop}
  annotations: {example.com/owner: alice}
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
          image: registry.example.com/web:1.2.3
          resources:
            limits: {cpu: 500m, memory: 256Mi}
          securityContext:
            runAsUser: 0
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector: {app: web}
  ports:
    - port: 80
";

fn meta(id: &str) -> String {
    format!(
        "fn meta() {{ #{{ id: \"{id}\", severity: \"warning\", title: \"t\", description: \"d\", remediation: \"r\", kinds: [\"Deployment\"], params: #{{ limit: 3 }} }} }}\n"
    )
}

/// Runs `kubelint check` on MANIFESTS with one script; returns (exit code, report or stderr).
fn run_script(id: &str, body: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("scripts")).unwrap();
    fs::write(
        dir.path().join(format!("scripts/{id}.rhai")),
        format!("{}{body}", meta(id)),
    )
    .unwrap();
    fs::write(dir.path().join("m.yaml"), MANIFESTS).unwrap();
    let out = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "m.yaml",
            "--no-config",
            "--rules",
            "scripts",
            "--format",
            "json",
            "--only",
            id,
            "--only",
            "latest-tag",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    if code == 2 {
        return (code, Value::String(String::from_utf8_lossy(&out.stderr).into_owned()));
    }
    (code, serde_json::from_slice(&out.stdout).unwrap())
}

fn findings(report: &Value) -> Vec<&Value> {
    report["findings"].as_array().unwrap().iter().collect()
}

#[test]
fn a_report_at_a_nested_path_has_the_exact_line_and_column() {
    let (code, report) = run_script(
        "nested",
        "fn check(object, ctx) { for c in ctx.containers() { ctx.report(c.path + \"/securityContext/runAsUser\", \"uid 0\"); } }",
    );
    assert_eq!(code, 0);
    let f = findings(&report);
    assert_eq!(f.len(), 1, "{report}");
    assert_eq!(f[0]["rule"], "nested");
    assert_eq!(
        (f[0]["start"]["line"].as_u64(), f[0]["start"]["column"].as_u64()),
        (Some(27), Some(24))
    );
    assert_eq!(
        f[0]["path"],
        "/spec/template/spec/containers/0/securityContext/runAsUser"
    );
    assert_eq!(f[0]["object"]["name"], "web");
}

#[test]
fn every_sandbox_limit_is_a_rule_error_and_the_run_finishes() {
    let cases = [
        ("infinite-loop", "fn check(object, ctx) { loop { } }"),
        (
            "huge-string",
            "fn check(object, ctx) { let s = \"x\"; loop { s += s; } }",
        ),
        (
            "deep-recursion",
            "fn down(n) { down(n + 1) } fn check(object, ctx) { down(0); }",
        ),
        ("import-attempt", "fn check(object, ctx) { import \"os\" as os; }"),
        (
            "file-read-attempt",
            "fn check(object, ctx) { let text = read_file(\"/etc/passwd\"); ctx.report(text); }",
        ),
        ("throws", "fn check(object, ctx) { throw \"boom\"; }"),
    ];
    for (id, body) in cases {
        let (code, report) = run_script(id, body);
        assert_eq!(code, 1, "{id}: a rule-error is an error: {report}");
        let f = findings(&report);
        let errors: Vec<_> = f.iter().filter(|f| f["rule"] == "rule-error").collect();
        assert_eq!(errors.len(), 1, "{id}: {report}");
        assert!(
            errors[0]["file"].as_str().unwrap().ends_with(&format!("{id}.rhai")),
            "{id}"
        );
        assert_eq!(errors[0]["start"]["line"], 2, "{id}: the script's `check` line");
        assert!(
            errors[0]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("rule `{id}` failed")),
            "{id}"
        );
        // The run went on: the other rule still reported.
        assert!(
            f.iter().any(|f| f["rule"] == "latest-tag") || !MANIFESTS.contains(":latest"),
            "{id}"
        );
        assert_eq!(report["summary"]["objects"], 3, "{id}");
    }
}

#[test]
fn a_script_can_use_every_context_helper() {
    let body = r#"
fn expect(ok, what) { if !ok { throw "helper failed: " + what; } }
fn check(object, ctx) {
    expect(ctx.namespace == "shop", "namespace");
    expect(ctx.name == "web", "name");
    expect(ctx.kind == "Deployment", "kind");
    expect(ctx.api_version == "apps/v1", "api_version");
    expect(ctx.labels.team == "shop", "labels");
    expect(ctx.annotations["example.com/owner"] == "alice", "annotations");
    expect(ctx.params.limit == 3, "params");
    let t = ctx.pod_template();
    expect(t.path == "/spec/template" && t.labels.app == "web" && t.spec.containers.len() == 1, "pod_template");
    let cs = ctx.containers();
    expect(cs.len() == 1 && cs[0].name == "web" && cs[0].kind == "app" && cs[0].path == "/spec/template/spec/containers/0", "containers");
    expect(ctx.find("Service", "shop", "web").spec.ports[0].port == 80, "find");
    expect(ctx.find("Service", "shop", "nope") == (), "find missing");
    expect(ctx.find("Namespace", (), "shop").metadata.name == "shop", "find cluster-scoped");
    expect(ctx.objects("Service").len() == 1, "objects");
    expect(ctx.count("Namespace") == 1, "count");
    expect(ctx.workloads("shop").len() == 1, "workloads");
    expect(ctx.selected_by(#{ app: "web" }).len() == 1, "selected_by map");
    expect(ctx.selected_by(#{ matchExpressions: [#{ key: "app", operator: "In", values: ["web"] }] }).len() == 1, "selected_by expressions");
    expect(ctx.selecting().len() == 1 && ctx.selecting()[0].kind == "Service", "selecting");
    expect(quantity("500m") == 0.5 && quantity("1Ki") == 1024.0 && quantity(2) == 2.0 && quantity("bad") == (), "quantity");
    expect(millicores(cs[0].spec.resources.limits.cpu) == 500, "millicores");
    expect(bytes(cs[0].spec.resources.limits.memory) == 268435456, "bytes");
    let img = image(cs[0].spec.image);
    expect(img.registry == "registry.example.com" && img.repository == "web" && img.tag == "1.2.3" && img.digest == (), "image");
    expect(selector_matches(#{ app: "web" }, t.labels) && !selector_matches(#{ app: "api" }, t.labels), "selector_matches");
    ctx.report("all helpers work");
    ctx.report("/spec/replicas", "and so does reporting at a path");
}
"#;
    let (code, report) = run_script("helpers", body);
    assert_eq!(code, 0, "{report}");
    let messages: Vec<&str> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "helpers")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        vec!["all helpers work", "and so does reporting at a path"],
        "{report}"
    );
}

#[test]
fn bad_scripts_are_reported_with_their_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("scripts")).unwrap();
    fs::write(
        dir.path().join("scripts/broken.rhai"),
        format!("{}fn check(object, ctx) {{ let = ; }}", meta("broken")),
    )
    .unwrap();
    fs::write(dir.path().join("m.yaml"), MANIFESTS).unwrap();
    let broken_run = [
        "check",
        "m.yaml",
        "--no-config",
        "--rules",
        "scripts",
        "--format",
        "json",
        "--only",
        "latest-tag",
    ];
    let (code, report) = common::json_in(dir.path(), &broken_run);
    assert_eq!(code, Some(1));
    let f = findings(&report);
    let e = f.iter().find(|f| f["rule"] == "rule-error").expect("a rule-error");
    assert!(e["message"].as_str().unwrap().contains("does not compile"));
    assert!(e["file"].as_str().unwrap().ends_with("broken.rhai"));
    assert_eq!(e["start"]["line"], 2);
    // `eval` is disabled: a script using it does not compile.
    fs::write(
        dir.path().join("scripts/broken.rhai"),
        format!("{}fn check(object, ctx) {{ eval(\"1\"); }}", meta("broken")),
    )
    .unwrap();
    let (_, report) = common::json_in(dir.path(), &broken_run);
    assert!(
        findings(&report)
            .iter()
            .any(|f| f["rule"] == "rule-error" && f["message"].as_str().unwrap().contains("does not compile")),
        "{report}"
    );
    // Missing metadata is a configuration error naming the file.
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("scripts")).unwrap();
    fs::write(dir.path().join("scripts/nometa.rhai"), "fn check(object, ctx) { }").unwrap();
    let out = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--no-config", "--rules", "scripts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nometa.rhai"));
}

/// (The built-in rules' fixtures, one folder per rule, run in-process in `tests/fixtures.rs`.)
#[test]
fn shipped_rules_pass_the_harness() {
    let out = common::kubelint().args(["test-rules", "rules"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "rules:\n{text}");
    assert!(text.lines().last().unwrap().ends_with(" passed, 0 failed"), "{text}");
}

#[test]
fn the_harness_reports_mismatches_and_scaffolding_works() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["rules", "new", "owner-annotation"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["test-rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let expected = dir.path().join("rules/owner-annotation.yaml.expected");
    let text = fs::read_to_string(&expected).unwrap();
    assert!(
        text.contains("owner-annotation warning Deployment/default/fire-no-owner"),
        "{text}"
    );
    fs::write(&expected, text.replace("fire-no-owner", "someone-else")).unwrap();
    let out = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["test-rules"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("missing:") && stdout.contains("unexpected:"),
        "{stdout}"
    );
    let again = Command::cargo_bin("kubelint")
        .unwrap()
        .current_dir(dir.path())
        .args(["rules", "new", "owner-annotation"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "files exist");
}

/// `n` ConfigMaps named `cm-000`, `cm-001`, ... and a Deployment with a `latest` image.
fn many_objects(n: usize) -> String {
    let mut text: String = (0..n)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i:03}}}\ndata: {{a: b}}\n"))
        .collect();
    text.push_str(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx:latest}]\n",
    );
    text
}

/// Runs `kubelint check` with one whole script (`scripts/<id>.rhai`) on `manifests`, with
/// only that rule and `latest-tag`; returns the report and how long the run took.
fn run_whole_script(id: &str, script: &str, manifests: &str) -> (Value, std::time::Duration) {
    run_whole_script_only(id, script, manifests, &[id, "latest-tag"])
}

fn run_whole_script_only(id: &str, script: &str, manifests: &str, only: &[&str]) -> (Value, std::time::Duration) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("scripts")).unwrap();
    fs::write(dir.path().join(format!("scripts/{id}.rhai")), script).unwrap();
    fs::write(dir.path().join("m.yaml"), manifests).unwrap();
    let started = std::time::Instant::now();
    let mut args = vec![
        "check",
        "m.yaml",
        "--no-config",
        "--rules",
        "scripts",
        "--format",
        "json",
    ];
    for rule in only {
        args.extend(["--only", rule]);
    }
    let (code, report) = common::json_in(dir.path(), &args);
    assert_eq!(code, Some(1), "{report}");
    (report, started.elapsed())
}

fn all_kinds_meta(id: &str) -> String {
    format!(
        "fn meta() {{ #{{ id: \"{id}\", severity: \"warning\", title: \"t\", description: \"d\", remediation: \"r\" }} }}\n"
    )
}

fn rule_errors(report: &Value) -> Vec<&Value> {
    findings(report)
        .into_iter()
        .filter(|f| f["rule"] == "rule-error")
        .collect()
}

#[test]
fn a_failing_script_is_one_rule_error_per_place_and_message_naming_the_first_object() {
    let script = format!(
        "{}fn check(object, ctx) {{\n    throw \"boom\";\n}}\n",
        all_kinds_meta("boom")
    );
    let (report, _) = run_whole_script("boom", &script, &many_objects(200));
    let errors = rule_errors(&report);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["start"]["line"], 3);
    assert_eq!(errors[0]["object"]["name"], "cm-000", "the first object it failed on");
    assert!(errors[0]["message"].as_str().unwrap().contains("boom"), "{}", errors[0]);
    assert!(findings(&report).iter().any(|f| f["rule"] == "latest-tag"));
    // A message that differs per object is a finding per object.
    let script = format!(
        "{}fn check(object, ctx) {{\n    throw \"boom \" + ctx.name;\n}}\n",
        all_kinds_meta("boom")
    );
    let (report, _) = run_whole_script("boom", &script, &many_objects(3));
    assert_eq!(rule_errors(&report).len(), 4);
}

#[test]
fn a_script_that_runs_out_of_its_budget_on_three_objects_is_stopped_for_the_run() {
    // 250 ms per object: 200 objects would take 50 s of CPU time without the stop.
    let script = format!(
        "{}fn check(object, ctx) {{\n    loop {{ }}\n}}\n",
        all_kinds_meta("spin")
    );
    let (report, elapsed) = run_whole_script("spin", &script, &many_objects(200));
    let errors = rule_errors(&report);
    let stopped: Vec<_> = errors
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .contains("was stopped for the rest of the run")
        })
        .collect();
    assert_eq!(stopped.len(), 1, "{errors:#?}");
    assert!(
        stopped[0]["message"].as_str().unwrap().contains("on 3 objects"),
        "{}",
        stopped[0]
    );
    assert_eq!(stopped[0]["start"]["line"], 2, "at `fn check`");
    // Each overrun is one finding per place and message (time or operations), not one per object.
    assert!(errors.len() <= 3, "{errors:#?}");
    assert!(errors.iter().all(|f| f["start"]["line"] == 2), "{errors:#?}");
    // The other rules still ran, and the run did not spend 250 ms on every object.
    assert!(findings(&report).iter().any(|f| f["rule"] == "latest-tag"));
    assert!(elapsed < std::time::Duration::from_secs(20), "{elapsed:?}");
}

/// A script whose functions sit past line 65,535, where Rhai's 16-bit line numbers stop.
fn long_script(id: &str, filler: usize, tail: &str) -> String {
    let mut s = all_kinds_meta(id);
    s.push_str("fn helper(x) {\n    x + 1\n}\n");
    for i in 0..filler {
        s.push_str(if i % 2 == 0 { "// filler\n" } else { "\n" });
    }
    s.push_str(tail);
    s
}

#[test]
fn positions_past_line_65535_keep_their_full_line_number() {
    // A throw inside a function at line 70,010, called from `fn check` at line 70,005.
    let tail = "fn check(object, ctx) {\n    let y = helper(1);\n    deeper(y);\n}\nfn deeper(y) {\n    throw \"deep \" + y;\n}\n";
    let script = long_script("long", 70_000, tail);
    let (report, _) = run_whole_script("long", &script, &many_objects(2));
    let errors = rule_errors(&report);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0]["start"]["line"],
        line_of_in(&script, "throw \"deep"),
        "{}",
        errors[0]
    );
    assert_eq!(errors[0]["start"]["column"], 5);
    assert!(errors[0]["message"].as_str().unwrap().contains("deep 2"));

    // A limit hit inside `fn check` at line 65,536 has no position: reported at `fn check`
    // (this used to panic: Rhai's `Position::new(0)`).
    let script = long_script("edge", 65_536 - 5, "fn check(object, ctx) {\n    loop { }\n}\n");
    assert_eq!(line_of_in(&script, "fn check"), 65_536);
    let (report, _) = run_whole_script("edge", &script, &many_objects(1));
    let errors = rule_errors(&report);
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|f| f["start"]["line"] == 65_536), "{errors:#?}");

    // A syntax error at line 70,006 is reported there (the rule's id is unknown: its
    // metadata cannot be read).
    let script = long_script("broken", 70_000, "fn check(object, ctx) {\n    let = ;\n}\n");
    let (report, _) = run_whole_script_only("broken", &script, &many_objects(1), &["latest-tag"]);
    let errors = rule_errors(&report);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(
        errors[0]["start"]["line"],
        line_of_in(&script, "let = ;"),
        "{}",
        errors[0]
    );
    assert!(errors[0]["message"].as_str().unwrap().contains("does not compile"));
}

fn line_of_in(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}
