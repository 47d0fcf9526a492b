//! The pre-commit hook (`.pre-commit-hooks.yaml`).
//!
//! Default suite (fast): the hook's `entry` is run as pre-commit runs it, with the built
//! binary and the file names appended, on a good and a bad manifest; its `files` pattern
//! and `pass_filenames` are checked against what `check` takes.
//!
//! Opt-in (slow, `KUBELINT_SLOW_TESTS=1`, which `.ci/run` sets for this test): pre-commit is
//! installed from PyPI into a temporary environment and runs `try-repo` on this repository,
//! which builds kubelint from source with `cargo install` (a release build: minutes), as on
//! users' machines. It needs git, cargo and python3 with `venv` (Debian/Ubuntu: the
//! `python3-venv` package), or else the `virtualenv` module, or else pip; it says which is
//! missing. Without the opt-in it prints that it was skipped and passes.

use std::io::Write;
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

const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n";
const BAD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: nginx:1.27.2, securityContext: {privileged: true}}\n";

fn manifests(dir: &Path) {
    std::fs::write(dir.join("good.yaml"), GOOD).unwrap();
    std::fs::write(dir.join("bad.yaml"), BAD).unwrap();
}

/// The hook's keys (the file holds one hook of plain `key: value` lines).
fn hook() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    let mut keys = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let body = if i == 0 {
            line.strip_prefix("- ").expect("the file is a list of one hook")
        } else {
            line.strip_prefix("  ")
                .unwrap_or_else(|| panic!("line {}: one hook of plain keys: {line:?}", i + 1))
        };
        let (k, v) = body
            .split_once(": ")
            .unwrap_or_else(|| panic!("line {}: {line:?}", i + 1));
        keys.push((k.to_string(), v.trim().to_string()));
    }
    keys
}

#[test]
fn the_hook_entry_passes_good_and_fails_bad_manifests() {
    let keys = hook();
    let get = |k: &str| {
        keys.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no `{k}` in .pre-commit-hooks.yaml: {keys:?}"))
    };
    assert_eq!(get("id"), "kubelint");
    assert_eq!(get("language"), "rust", "pre-commit builds the hook with cargo install");
    assert_eq!(get("pass_filenames"), "true");
    // The extensions `check` takes when walking a folder (README: *.yaml, *.yml, *.json).
    assert_eq!(get("files"), r"\.(ya?ml|json)$");

    // The entry as pre-commit runs it: its words, then the staged file names.
    let entry: Vec<&str> = get("entry").split_whitespace().collect();
    assert_eq!(entry[0], "kubelint", "the entry runs the installed binary");
    let dir = tempfile::tempdir().unwrap();
    manifests(dir.path());
    let hook_run = |files: &[&str]| {
        run(Command::new(env!("CARGO_BIN_EXE_kubelint"))
            .args(&entry[1..])
            .args(files)
            .current_dir(dir.path())
            .env_remove("KUBELINT_CONFIG"))
    };
    let (code, text) = hook_run(&["good.yaml"]);
    assert_eq!(code, 0, "the good manifest passes:\n{text}");
    let (code, text) = hook_run(&["good.yaml", "bad.yaml"]);
    assert_eq!(code, 1, "the bad manifest fails:\n{text}");
    assert!(
        text.contains("privileged-container") && text.contains("bad.yaml:6:"),
        "{text}"
    );
    assert!(text.contains("2 files"), "both files named were read:\n{text}");
}

/// How pre-commit is run: `python -m pre_commit` with an environment.
struct PreCommit {
    python: PathBuf,
    pythonpath: Option<PathBuf>,
}

impl PreCommit {
    fn command(&self) -> Command {
        let mut c = Command::new(&self.python);
        c.args(["-m", "pre_commit"]);
        if let Some(p) = &self.pythonpath {
            c.env("PYTHONPATH", p);
        }
        c
    }
}

/// Installs pre-commit under `work`: a venv, else a virtualenv, else `pip --target`.
fn install_pre_commit(work: &Path) -> PreCommit {
    let (code, text) = run(Command::new("python3").arg("--version"));
    assert_eq!(
        code, 0,
        "python3 is needed (Debian/Ubuntu: apt-get install python3): {text}"
    );
    let mut tried = Vec::new();
    for (name, args) in [
        ("python3 -m venv", &["-m", "venv"][..]),
        ("python3 -m virtualenv", &["-m", "virtualenv", "--quiet"][..]),
    ] {
        let env = work.join(name.replace(' ', "_"));
        let (code, text) = run(Command::new("python3").args(args).arg(&env));
        if code != 0 {
            tried.push(format!("{name}: {}", text.trim()));
            continue;
        }
        let python = env.join("bin/python");
        let (code, text) = run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "pre-commit"]));
        assert_eq!(code, 0, "pip install pre-commit (in {name}): {text}");
        return PreCommit {
            python,
            pythonpath: None,
        };
    }
    let target = work.join("site");
    let (code, text) = run(Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "--target"])
        .arg(&target)
        .arg("pre-commit"));
    if code != 0 {
        tried.push(format!("python3 -m pip install --target: {}", text.trim()));
        panic!(
            "cannot install pre-commit: install python3-venv (Debian/Ubuntu: `apt-get install \
             python3-venv`), or python3-virtualenv, or python3-pip.\n{}",
            tried.join("\n")
        );
    }
    PreCommit {
        python: "python3".into(),
        pythonpath: Some(target),
    }
}

#[test]
fn pre_commit_try_repo_builds_from_source_and_fails_bad_manifests() {
    if std::env::var_os("KUBELINT_SLOW_TESTS").is_none_or(|v| v != "1") {
        // Straight to stderr, past the test harness's capture: the skip is always visible.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: pre-commit try-repo (installs pre-commit, builds kubelint from source; \
             minutes): set KUBELINT_SLOW_TESTS=1 to run it, as .ci/run does"
        );
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for (tool, package) in [("git", "git"), ("cargo", "a Rust toolchain (rustup)")] {
        let (code, text) = run(Command::new(tool).arg("--version"));
        assert_eq!(code, 0, "{tool} is needed (install {package}): {text}");
    }
    let work = tempfile::tempdir().unwrap();
    let pre_commit = install_pre_commit(work.path());

    let repo = work.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    manifests(&repo);
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "manifests"]);

    // Cache pre-commit's environments (and so the cargo build) under target/ between runs.
    let home = root.join("target/pre-commit-home");
    let try_repo = |file: &str| {
        run(pre_commit
            .command()
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
