//! `action.yml` is a well-formed composite action that a cautious team can adopt: no input
//! is expanded inside a script (script injection), the binary is cached and installed from
//! a release asset or a locked build, SARIF is uploaded when asked, and the scripts it runs
//! work here: the metadata and lint steps run with the freshly built binary on PATH, inputs
//! passed through `env:` as GitHub passes them. The install step (minutes of release build,
//! or a download) is checked, not run.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn action() -> Value {
    let text = std::fs::read_to_string(common::root().join("action.yml")).unwrap();
    let file = kubelint::SourceFile::new("action.yml", text);
    let (docs, problems) = kubelint::load::yaml::parse_stream(&file);
    let problems: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", file.position(p.span.start).line, p.message))
        .collect();
    assert!(problems.is_empty(), "action.yml is not valid YAML: {problems:?}");
    docs[0].root.to_json()
}

fn steps(a: &Value) -> &Vec<Value> {
    a["runs"]["steps"].as_array().unwrap()
}

fn step<'a>(a: &'a Value, name: &str) -> &'a Value {
    steps(a)
        .iter()
        .find(|s| s["name"].as_str().is_some_and(|n| n.starts_with(name)))
        .unwrap_or_else(|| panic!("no step `{name}`"))
}

#[test]
fn no_expression_is_expanded_inside_a_script() {
    let a = action();
    for s in steps(&a) {
        if let Some(run) = s["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "step `{}` expands an expression in its script:\n{run}",
                s["name"]
            );
            assert_eq!(s["shell"], "bash", "step `{}`", s["name"]);
        }
    }
    for input in [
        "paths",
        "config",
        "kubernetes-version",
        "fail-on",
        "baseline",
        "sarif-file",
        "upload-sarif",
        "category",
    ] {
        assert!(a["inputs"][input]["description"].is_string(), "input {input}");
    }
}

#[test]
fn the_binary_is_cached_and_installed_from_a_release_or_a_locked_build() {
    let a = action();
    let cache = step(&a, "Restore the kubelint binary");
    assert!(cache["uses"].as_str().unwrap().starts_with("actions/cache@"));
    assert_eq!(cache["with"]["key"], "${{ steps.meta.outputs.key }}");
    let install = step(&a, "Install kubelint");
    assert_eq!(install["if"], "steps.cache.outputs.cache-hit != 'true'");
    let run = install["run"].as_str().unwrap();
    assert!(
        run.contains("releases/download/v$KUBELINT_VERSION/kubelint-$target.tar.gz"),
        "{run}"
    );
    assert!(
        run.contains("cargo install --locked --path \"$ACTION_PATH\" --root \"$KUBELINT_ROOT\""),
        "{run}"
    );
}

#[test]
fn sarif_is_uploaded_when_asked_with_a_category() {
    let a = action();
    let upload = step(&a, "Upload SARIF");
    assert!(
        upload["uses"]
            .as_str()
            .unwrap()
            .starts_with("github/codeql-action/upload-sarif@")
    );
    assert!(upload["if"].as_str().unwrap().contains("inputs.upload-sarif == 'true'"));
    assert_eq!(upload["with"]["category"], "${{ inputs.category }}");
    assert_eq!(upload["with"]["sarif_file"], "${{ inputs.sarif-file }}");
}

/// Runs one step's script as the runner would: its `env:` with the expressions replaced.
fn run_step(s: &Value, dir: &Path, inputs: &[(&str, &str)], extra_env: &[(&str, &str)]) -> std::process::Output {
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_kubelint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut c = Command::new("bash");
    c.arg("-c")
        .arg(s["run"].as_str().unwrap())
        .current_dir(dir)
        .env("PATH", &path);
    for (k, v) in s["env"].as_object().into_iter().flatten() {
        let mut v = v
            .as_str()
            .unwrap()
            .replace("${{ github.action_path }}", env!("CARGO_MANIFEST_DIR"));
        for (name, value) in inputs {
            v = v.replace(&format!("${{{{ inputs.{name} }}}}"), value);
        }
        assert!(!v.contains("${{"), "unsubstituted expression in env {k}: {v}");
        c.env(k, v);
    }
    for (k, v) in extra_env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn the_metadata_and_lint_steps_run_and_fail_on_errors() {
    let a = action();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::write(
        dir.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: nginx:1.27.2, securityContext: {privileged: true}}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.join("more")).unwrap();
    std::fs::write(
        dir.join("more/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    )
    .unwrap();
    let output = dir.join("github-output");
    let summary = dir.join("summary.md");
    let out = run_step(
        step(&a, "Locate kubelint"),
        dir,
        &[],
        &[
            ("GITHUB_OUTPUT", output.to_str().unwrap()),
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(
        outputs.contains(&format!("version={}\n", env!("CARGO_PKG_VERSION"))),
        "{outputs}"
    );
    assert!(
        outputs.contains(&format!("key=kubelint-{}-Linux-X64-", env!("CARGO_PKG_VERSION"))),
        "{outputs}"
    );

    let inputs = [
        ("paths", "pod.yaml more"),
        ("config", ""),
        ("kubernetes-version", "1.36"),
        ("baseline", ""),
        ("fail-on", "error"),
        ("sarif-file", "out.sarif"),
    ];
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())];
    let out = run_step(step(&a, "Lint (SARIF"), dir, &inputs, &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the SARIF step never fails the build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("out.sarif")).unwrap()).unwrap();
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "privileged-container")
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.starts_with("### kubelint\n```\n"), "{summary}");
    assert!(summary.contains("pod.yaml:6:"), "{summary}");
    assert!(summary.contains("error[privileged-container]"), "{summary}");

    let out = run_step(step(&a, "Lint (annotations)"), dir, &inputs, &[]);
    assert_eq!(out.status.code(), Some(1), "fail-on error fails the step");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.lines().any(|l| l.starts_with("::error file=pod.yaml,line=6,")),
        "{stdout}"
    );
}

#[test]
fn inputs_cannot_inject_commands() {
    let a = action();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::write(
        dir.join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    )
    .unwrap();
    let evil = "$(touch pwned-1)";
    let inputs = [
        ("paths", "cm.yaml `touch pwned-2`"),
        ("config", evil),
        ("kubernetes-version", "1.36; touch pwned-3"),
        ("baseline", ""),
        ("fail-on", "error"),
        ("sarif-file", "out.sarif"),
    ];
    for name in ["Lint (SARIF", "Lint (annotations)"] {
        let out = run_step(step(&a, name), dir, &inputs, &[]);
        // The odd values reach kubelint as plain arguments: a usage error, nothing run.
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for n in 1..=3 {
        assert!(!dir.join(format!("pwned-{n}")).exists(), "input {n} ran a command");
    }
}

#[test]
fn many_findings_keep_the_summary_short_and_say_which_annotations_github_hides() {
    let a = action();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    // 30 privileged pods: 30 errors of one rule and many warnings.
    let pods: Vec<String> = (0..30)
        .map(|i| format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers:\n    - {{name: c, image: nginx:1.27.2, securityContext: {{privileged: true}}}}\n"))
        .collect();
    std::fs::write(dir.join("pods.yaml"), pods.join("---\n")).unwrap();
    let inputs = [
        ("paths", "pods.yaml"),
        ("config", ""),
        ("kubernetes-version", "1.36"),
        ("baseline", ""),
        ("fail-on", "error"),
        ("sarif-file", "out.sarif"),
    ];
    let summary = dir.join("summary.md");
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())];
    let out = run_step(step(&a, "Lint (SARIF"), dir, &inputs, &env);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = std::fs::read_to_string(&summary).unwrap();
    let errors = summary.lines().filter(|l| l.contains(": error[")).count();
    let warnings = summary.lines().filter(|l| l.contains(": warning[")).count();
    assert_eq!((errors, warnings), (20, 20), "{summary}");
    assert!(summary.contains("Findings by rule:"), "{summary}");
    assert!(summary.contains("privileged-container"), "{summary}");
    assert!(summary.trim_end().ends_with("```"), "{summary}");

    let out = run_step(step(&a, "Lint (annotations)"), dir, &inputs, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let first = stdout.lines().next().unwrap();
    assert!(
        first.starts_with("::warning title=kubelint%3A annotations not shown::GitHub shows 10 annotations of each level per step: 20 of 30 errors,"),
        "{first}"
    );
}
