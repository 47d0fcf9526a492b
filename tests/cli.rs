//! The command line, driven as a user drives it.

mod common;

use std::fs;

use assert_cmd::Command;

const CLEAN: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";
const WARNS: &str =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx\n";
const ERRS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: root\nspec:\n  containers:\n    - name: root\n      image: busybox:1.36\n      securityContext: {privileged: true}\n";

fn bin_in(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("kubelint").unwrap();
    cmd.current_dir(dir);
    cmd
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

fn code(cmd: &mut Command) -> i32 {
    cmd.output().unwrap().status.code().unwrap()
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = repo(&[("clean.yaml", CLEAN), ("warn.yaml", WARNS), ("err.yaml", ERRS)]);
    let check = |args: &[&str]| code(bin_in(dir.path()).arg("check").args(args));
    assert_eq!(check(&["clean.yaml"]), 0);
    assert_eq!(check(&["warn.yaml"]), 0, "warnings pass the default --fail-on error");
    assert_eq!(check(&["warn.yaml", "--fail-on", "warning"]), 1);
    assert_eq!(check(&["clean.yaml", "--fail-on", "info"]), 0);
    assert_eq!(check(&["err.yaml"]), 1);
    assert_eq!(check(&["err.yaml", "--fail-on", "never"]), 0);
    assert_eq!(check(&["."]), 1);
    assert_eq!(check(&["--format", "xml"]), 2, "usage error");
    assert_eq!(check(&["--no-such-flag"]), 2);
}

#[test]
fn default_path_is_the_working_directory_and_summary_ends_output() {
    let dir = repo(&[("a/warn.yaml", WARNS), ("b/clean.yml", CLEAN)]);
    let out = bin_in(dir.path())
        .args(["check", "--color=never", "--only", "latest-tag"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("kubelint: 2 files, 2 documents, 2 objects: 0 errors, 1 warning, 0 info in "),
        "{last}"
    );
    assert!(text.contains("a/warn.yaml:8:14"), "{text}");
}

#[test]
fn stdin_is_read_with_dash() {
    let out = common::kubelint_stdin(WARNS, &["check", "-", "--format", "json", "--only", "latest-tag"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &report["findings"][0];
    assert_eq!(f["file"], "<stdin>");
    assert_eq!(f["rule"], "latest-tag");
    assert_eq!(
        (f["start"]["line"].as_u64(), f["start"]["column"].as_u64()),
        (Some(8), Some(14))
    );
}

#[test]
fn output_goes_to_a_file() {
    let dir = repo(&[("warn.yaml", WARNS)]);
    let out = bin_in(dir.path())
        .args(["check", "--format", "sarif", "-o", "out.sarif", "--only", "latest-tag"])
        .output()
        .unwrap();
    assert!(out.stdout.is_empty());
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "latest-tag");
    assert!(String::from_utf8(out.stderr).unwrap().starts_with("kubelint: 1 file"));
}

#[test]
fn excludes_gitignore_and_kubelintignore() {
    let dir = repo(&[
        ("keep/warn.yaml", WARNS),
        ("vendor/err.yaml", ERRS),
        ("generated/err.yaml", ERRS),
        ("scratch/err.yaml", ERRS),
        (".gitignore", "generated/\n"),
        (".kubelintignore", "scratch/\n"),
    ]);
    let out = bin_in(dir.path())
        .args(["check", "--exclude", "vendor/**", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 1);
    let out = bin_in(dir.path())
        .args(["check", "--no-ignore", "--format", "json", "--exclude", "*.yaml"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 0);
}

#[test]
fn config_is_found_upward_and_its_errors_exit_2_with_a_position() {
    let dir = repo(&[
        (".kubelint.yaml", "rules:\n  latest-tag: error\n"),
        ("sub/warn.yaml", WARNS),
    ]);
    let sub = dir.path().join("sub");
    assert_eq!(
        code(bin_in(&sub).args(["check", "warn.yaml"])),
        1,
        "latest-tag raised to error by the config"
    );
    assert_eq!(code(bin_in(&sub).args(["check", "--no-config", "warn.yaml"])), 0);
    fs::write(dir.path().join(".kubelint.yaml"), "rules:\n  latest-tags: error\n").unwrap();
    let out = bin_in(&sub).args(["check", "warn.yaml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(".kubelint.yaml:2:3: unknown rule `latest-tags` (did you mean `latest-tag`?)"),
        "{err}"
    );
    fs::write(dir.path().join("bad.yaml"), "rules: [\n").unwrap();
    let out = bin_in(dir.path())
        .args(["check", "--config", "bad.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("bad.yaml:2:1"));
}

#[test]
fn namespace_flag_sets_the_default_namespace() {
    let dir = repo(&[("warn.yaml", WARNS)]);
    let out = bin_in(dir.path())
        .args(["check", "-n", "shop", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["object"]["namespace"], "shop");
}

#[test]
fn oversized_and_missing_files_are_findings() {
    let dir = repo(&[("big.yaml", &WARNS.repeat(10))]);
    let out = bin_in(dir.path())
        .args([
            "check",
            "big.yaml",
            "nothing-here.yaml",
            "--max-file-size",
            "100",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let msgs: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].clone(), f["file"].clone()))
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs.iter().all(|(r, _)| r == "unreadable-file"));
    assert!(
        report["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("over the 100-byte limit")
    );
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let dir = repo(&[("warn.yaml", WARNS)]);
    let plain = bin_in(dir.path()).args(["check"]).output().unwrap();
    assert!(!plain.stdout.contains(&0x1b));
    let colour = bin_in(dir.path())
        .args(["check", "--color", "always"])
        .output()
        .unwrap();
    assert!(colour.stdout.contains(&0x1b));
}

#[test]
fn rules_lists_and_explains() {
    let out = common::kubelint().args(["rules"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for id in [
        "yaml-syntax",
        "duplicate-key",
        "not-a-manifest",
        "latest-tag",
        "privileged-container",
    ] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id} missing from:\n{text}");
    }
    let out = common::kubelint()
        .args(["rules", "explain", "latest-tag"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("## Why it matters") && text.contains("image: nginx:1.27.2"),
        "{text}"
    );
    assert_eq!(code(common::kubelint().args(["rules", "explain", "nope"])), 2);
}
