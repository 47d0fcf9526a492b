//! The pre-commit hooks (`.pre-commit-hooks.yaml`).
//!
//! - `kubelint` (`language: rust`): pre-commit builds kubelint from the hook repository's
//!   source with `cargo install` (minutes on the first run; needs a Rust toolchain).
//! - `kubelint-system` (`language: system`): runs the `kubelint` found on PATH (installed
//!   any other way): nothing to build.
//! - The `language: python` hook, which installs the wheel, is not here: pre-commit runs
//!   `pip install .` at the hook repository's root, which here would compile kubelint with
//!   maturin; it lives in `python/pre-commit/` (published as a repository of its own) and
//!   `tests/wheel.rs` runs it.
//!
//! Default suite: every hook's `entry` is run as pre-commit runs it, with the built binary
//! and the file names appended, on a good and a bad manifest, and its `files` pattern and
//! `pass_filenames` are checked against what `check` takes; then the real pre-commit (from
//! PyPI, in a venv kept under `target/test-python/`) runs `try-repo` with the system hook,
//! the built binary first on PATH. That needs python3 with `venv` (Debian/Ubuntu: the
//! `python3-venv` package) or the `virtualenv` module, and PyPI the first time: without
//! them the test fails and says what is missing.
//!
//! Opt-in (slow, `KUBELINT_SLOW_TESTS=1`, which `.ci/run` sets for this test): pre-commit
//! runs `try-repo` with the source hook, which builds kubelint with `cargo install` (a
//! release build: minutes), as on users' machines. It also needs git and cargo. Without
//! the opt-in it prints that it was skipped and passes.

#[path = "common/python.rs"]
mod python;

use python::{manifests, run};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The hooks of `.pre-commit-hooks.yaml` (a list of hooks of plain `key: value` lines).
fn hooks() -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let mut hooks: Vec<Vec<(String, String)>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let body = if let Some(first) = line.strip_prefix("- ") {
            hooks.push(Vec::new());
            first
        } else {
            line.strip_prefix("  ")
                .unwrap_or_else(|| panic!("line {}: a list of hooks of plain keys: {line:?}", i + 1))
        };
        let (k, v) = body
            .split_once(": ")
            .unwrap_or_else(|| panic!("line {}: {line:?}", i + 1));
        hooks
            .last_mut()
            .unwrap_or_else(|| panic!("line {}: a key before the first hook", i + 1))
            .push((k.to_string(), v.trim().to_string()));
    }
    hooks
}

fn get<'a>(hook: &'a [(String, String)], k: &str) -> &'a str {
    hook.iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no `{k}` in a hook of .pre-commit-hooks.yaml: {hook:?}"))
}

#[test]
fn the_hook_entries_pass_good_and_fail_bad_manifests() {
    let hooks = hooks();
    let ids: Vec<(&str, &str)> = hooks.iter().map(|h| (get(h, "id"), get(h, "language"))).collect();
    assert_eq!(
        ids,
        [("kubelint", "rust"), ("kubelint-system", "system")],
        "the source hook (pre-commit builds it with cargo install) and the one for a binary on PATH"
    );
    for hook in &hooks {
        let id = get(hook, "id");
        assert_eq!(get(hook, "pass_filenames"), "true", "{id}");
        // One kubelint process sees every staged file: the cross-object rules (a Service
        // and the Deployment it selects) need them together.
        assert_eq!(get(hook, "require_serial"), "true", "{id}");
        // The extensions `check` takes when walking a folder (README: *.yaml, *.yml, *.json).
        assert_eq!(get(hook, "files"), r"\.(ya?ml|json)$", "{id}");

        // The entry as pre-commit runs it: its words, then the staged file names.
        let entry: Vec<&str> = get(hook, "entry").split_whitespace().collect();
        assert_eq!(entry[0], "kubelint", "{id}: the entry runs the installed binary");
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
        assert_eq!(code, 0, "{id}: the good manifest passes:\n{text}");
        let (code, text) = hook_run(&["good.yaml", "bad.yaml"]);
        assert_eq!(code, 1, "{id}: the bad manifest fails:\n{text}");
        assert!(
            text.contains("privileged-container") && text.contains("bad.yaml:6:"),
            "{text}"
        );
        assert!(text.contains("2 files"), "both files named were read:\n{text}");
    }
}

/// `pre-commit try-repo ROOT HOOK --files FILE` in a fresh repository holding the two
/// manifests, with `env` added.
struct TryRepo {
    tools: PathBuf,
    work: tempfile::TempDir,
    hook: &'static str,
    env: Vec<(&'static str, std::ffi::OsString)>,
}

impl TryRepo {
    fn new(hook: &'static str, env: Vec<(&'static str, std::ffi::OsString)>) -> TryRepo {
        let work = tempfile::tempdir().unwrap();
        python::manifest_repo(&work.path().join("repo"));
        TryRepo {
            tools: python::tools(),
            work,
            hook,
            env,
        }
    }

    fn run(&self, file: &str) -> (i32, String) {
        run(Command::new(self.tools.join("python"))
            .args(["-m", "pre_commit", "try-repo"])
            .arg(root())
            .args([self.hook, "--files", file])
            .current_dir(self.work.path().join("repo"))
            .env_remove("KUBELINT_CONFIG")
            .envs(self.env.iter().map(|(k, v)| (k, v))))
    }
}

/// PATH with `first` in front, and without any folder that holds a `kubelint`.
fn path_with(first: Option<&Path>) -> std::ffi::OsString {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let rest = std::env::split_paths(&inherited).filter(|p| !p.join("kubelint").exists());
    std::env::join_paths(first.map(Path::to_path_buf).into_iter().chain(rest)).unwrap()
}

#[test]
fn pre_commit_runs_the_system_hook_with_the_binary_on_path() {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kubelint")).parent().unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path().as_os_str().to_os_string();
    let hook = TryRepo::new(
        "kubelint-system",
        vec![("PATH", path_with(Some(bin_dir))), ("PRE_COMMIT_HOME", home.clone())],
    );
    let (code, text) = hook.run("good.yaml");
    assert_eq!(code, 0, "the good manifest passes:\n{text}");
    assert!(text.contains("Passed"), "{text}");
    let (code, text) = hook.run("bad.yaml");
    assert_eq!(code, 1, "the bad manifest fails:\n{text}");
    assert!(
        text.contains("privileged-container") && text.contains("bad.yaml:6:"),
        "{text}"
    );

    // Without kubelint on PATH the hook fails and names what it could not run: nothing is
    // installed for a system hook.
    let bare = TryRepo::new(
        "kubelint-system",
        vec![("PATH", path_with(None)), ("PRE_COMMIT_HOME", home)],
    );
    let (code, text) = bare.run("good.yaml");
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("Executable `kubelint` not found"), "{text}");
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
    let root = root();
    for (tool, package) in [("git", "git"), ("cargo", "a Rust toolchain (rustup)")] {
        let (code, text) = run(Command::new(tool).arg("--version"));
        assert_eq!(code, 0, "{tool} is needed (install {package}): {text}");
    }
    // Cache pre-commit's environments (and so the cargo build) under target/ between runs.
    let home = root.join("target/pre-commit-home");
    let build = root.join("target/pre-commit-build");
    // What is under test is the hook's plumbing (pre-commit builds kubelint with `cargo
    // install` and runs it), not the optimised binary: without the release profile's fat
    // LTO and single codegen unit, the build takes minutes less on CI's 2 cores.
    let hook = TryRepo::new(
        "kubelint",
        vec![
            ("PRE_COMMIT_HOME", home.into()),
            ("CARGO_TARGET_DIR", build.into()),
            ("CARGO_PROFILE_RELEASE_LTO", "off".into()),
            ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16".into()),
        ],
    );
    let (code, text) = hook.run("good.yaml");
    assert_eq!(code, 0, "the good manifest passes:\n{text}");
    assert!(text.contains("kubelint") && text.contains("Passed"), "{text}");
    let (code, text) = hook.run("bad.yaml");
    assert_eq!(code, 1, "the bad manifest fails:\n{text}");
    assert!(text.contains("privileged-container"), "{text}");
}
