//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A finding's object as `Kind/namespace/name` (`-` for what it lacks), or `-` for none.
pub fn object_id(f: &serde_json::Value) -> String {
    let o = &f["object"];
    if !o.is_object() {
        return "-".to_string();
    }
    let part = |k: &str| o[k].as_str().unwrap_or("-").to_string();
    format!("{}/{}/{}", part("kind"), part("namespace"), part("name"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real binary, run from the repository root.
pub fn kubelint() -> Command {
    let mut cmd = Command::cargo_bin("kubelint").expect("the kubelint binary is built");
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

/// Runs the binary with `input` on stdin.
pub fn kubelint_stdin(input: &str, args: &[&str]) -> Output {
    kubelint()
        .args(args)
        .write_stdin(input)
        .output()
        .expect("kubelint runs")
}

/// Runs `kubelint check ARGS...` from the repository root, with no config file.
pub fn check(args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("kubelint").expect("the kubelint binary is built");
    cmd.current_dir(root()).arg("check").arg("--no-config").args(args);
    cmd.output().expect("kubelint runs")
}

/// Runs the real binary with `args` in `dir` and parses its JSON report: (exit code, report).
pub fn json_in(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut cmd = Command::cargo_bin("kubelint").expect("the kubelint binary is built");
    let out = cmd.current_dir(dir).args(args).output().expect("kubelint runs");
    (out.status.code(), json(&out))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("JSON output: {e}\n{}", stdout(o)))
}

/// Whether expectations should be rewritten instead of compared.
pub fn blessing() -> bool {
    std::env::var_os("KUBELINT_BLESS").is_some()
}

/// Every file below `dir` with one of `exts`, sorted.
pub fn files_with(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.contains(&x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
