//! `action.yml` is a well-formed composite action, and the commands it runs work here: the
//! lint steps run with the freshly built binary on PATH. The install step (`cargo install
//! --path` of the action's own checkout, minutes of release build) is checked, not run.

use kubelint::load::SourceFile;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn action() -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("action.yml")).unwrap();
    let file = SourceFile::new("action.yml", text);
    let (docs, problems) = kubelint::load::yaml::parse_stream(&file);
    let problems: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", file.position(p.span.start).line, p.message))
        .collect();
    assert!(problems.is_empty(), "action.yml is not valid YAML: {problems:?}");
    docs[0].root.to_json()
}

fn substitute(cmd: &str, inputs: &[(&str, &str)], temp: &str) -> String {
    let mut out = cmd
        .replace("${{ github.action_path }}", env!("CARGO_MANIFEST_DIR"))
        .replace("${{ runner.temp }}", temp);
    for (k, v) in inputs {
        out = out.replace(&format!("${{{{ inputs.{k} }}}}"), v);
    }
    assert!(!out.contains("${{"), "unsubstituted expression in {out}");
    out
}

#[test]
fn action_is_well_formed() {
    let a = action();
    assert_eq!(a["runs"]["using"], "composite");
    for input in ["paths", "config", "kubernetes-version", "fail-on", "sarif-file"] {
        assert!(a["inputs"][input]["description"].is_string(), "input {input}");
    }
    for step in a["runs"]["steps"].as_array().unwrap() {
        assert_eq!(step["shell"], "bash");
        assert!(step["run"].is_string() && step["name"].is_string());
    }
    let install = a["runs"]["steps"][0]["run"].as_str().unwrap();
    assert!(install.contains("cargo install --locked --path \"${{ github.action_path }}\""));
}

#[test]
fn the_lint_steps_run_and_fail_on_errors() {
    let a = action();
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: nginx:1.27.2, securityContext: {privileged: true}}\n",
    )
    .unwrap();
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_kubelint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let inputs = [
        ("paths", "."),
        ("config", ""),
        ("kubernetes-version", "1.36"),
        ("fail-on", "error"),
        ("sarif-file", "out.sarif"),
    ];
    let temp = repo.path().to_str().unwrap();
    let mut codes = Vec::new();
    for step in &a["runs"]["steps"].as_array().unwrap()[1..] {
        let cmd = substitute(step["run"].as_str().unwrap(), &inputs, temp);
        let mut c = Command::new("bash");
        c.arg("-c")
            .arg(&cmd)
            .current_dir(repo.path())
            .env("PATH", &path)
            .env_remove("KUBELINT_CONFIG");
        if let Some(env) = step["env"].as_object() {
            for (k, v) in env {
                c.env(k, substitute(v.as_str().unwrap(), &inputs, temp));
            }
        }
        let out = c.output().unwrap();
        codes.push((out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    assert_eq!(codes[0].0, Some(0), "the SARIF step never fails the build");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(repo.path().join("out.sarif")).unwrap()).unwrap();
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "privileged-container")
    );
    assert_eq!(codes[1].0, Some(1), "fail-on error fails the step");
    assert!(
        codes[1]
            .1
            .lines()
            .any(|l| l.starts_with("::error file=pod.yaml,line=6,")),
        "{}",
        codes[1].1
    );
}
