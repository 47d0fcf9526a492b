//! The pre-commit hook, for real: pre-commit is installed from PyPI into a temporary venv
//! and runs `try-repo` on this repository (which builds kubelint with `cargo install`, as
//! users' machines do) against a git repository with a good and a bad manifest.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn git(dir: &Path, args: &[&str]) {
    let (code, text) = run(Command::new("git")
        .args([
            "-c",
            "user.name=kubelint",
            "-c",
            "user.email=kubelint@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir));
    assert_eq!(code, 0, "git {args:?}: {text}");
}

#[test]
fn pre_commit_try_repo_passes_good_and_fails_bad_manifests() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let venv = work.path().join("venv");
    let (code, text) = run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    assert_eq!(code, 0, "python3 -m venv: {text}");
    let (code, text) = run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "pre-commit"]));
    assert_eq!(code, 0, "pip install pre-commit: {text}");

    let repo = work.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(
        repo.join("good.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("bad.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: nginx:1.27.2, securityContext: {privileged: true}}\n",
    )
    .unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "manifests"]);

    // Cache pre-commit's environments (and so the cargo build) under target/ between runs.
    let home = root.join("target/pre-commit-home");
    let try_repo = |file: &str| {
        run(Command::new(venv.join("bin/pre-commit"))
            .args(["try-repo"])
            .arg(&root)
            .args(["kubelint", "--files", file])
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", &home)
            .env("CARGO_TARGET_DIR", root.join("target/pre-commit-build")))
    };
    let (code, text) = try_repo("good.yaml");
    assert_eq!(code, 0, "the good manifest passes:\n{text}");
    assert!(text.contains("kubelint") && text.contains("Passed"), "{text}");
    let (code, text) = try_repo("bad.yaml");
    assert_eq!(code, 1, "the bad manifest fails:\n{text}");
    assert!(text.contains("privileged-container"), "{text}");
}
