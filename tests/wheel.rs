//! The Python wheel (`pyproject.toml`, maturin `bindings = "bin"`) and the pre-commit hook
//! that installs it (`python/pre-commit/`).
//!
//! maturin (from PyPI, in a venv kept under `target/test-python/`) builds the wheel with the
//! release profile (without fat LTO) into `target/pre-commit-build`, the folder where the
//! pre-commit source-hook test builds kubelint with the same features: the dependencies
//! compile once for both (the suite's `target/debug` has other features). The wheel is installed offline (`pip install --no-index`) into a fresh venv,
//! whose `kubelint` must report this version, list the shipped scripted rules and fail a
//! bad manifest. Then the real pre-commit runs the `language: python` hook of
//! `python/pre-commit/` as a hook repository, with pip offline and the wheel as the only
//! place to find `kubelint`.
//!
//! Opt-in (`KUBELINT_SLOW_TESTS=1`, which `.ci/run` sets): the first build of the wheel is
//! a build of kubelint (minutes on 2 cores when `target/pre-commit-build` is cold; about a
//! minute when the pre-commit test has built the dependencies). Without the opt-in it prints that it was skipped and passes. With it, it needs
//! python3 with `venv` and PyPI for the tools, and fails, saying what to install, when they
//! are missing.

#[path = "common/python.rs"]
mod python;

use python::run;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the wheel into `out` and returns its path.
fn build_wheel(tools: &Path, out: &Path) -> PathBuf {
    let root = root();
    let (code, text) = run(Command::new(tools.join("maturin"))
        .args(["build", "--release", "--quiet", "--out"])
        .arg(out)
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        // The release build of the pre-commit source-hook test (tests/precommit.rs): the same
        // features and profile settings, so the dependencies compile once for both, and
        // without fat LTO, which would only cost CI minutes here.
        .env("CARGO_TARGET_DIR", root.join("target/pre-commit-build"))
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        // The cargo that runs this test, not whatever is first on PATH.
        .env("CARGO", env!("CARGO")));
    assert_eq!(code, 0, "maturin build: {text}");
    let wheels: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel: {wheels:?}\n{text}");
    wheels.into_iter().next().unwrap()
}

#[test]
fn the_wheel_installs_offline_into_a_fresh_venv_and_lints() {
    if std::env::var_os("KUBELINT_SLOW_TESTS").is_none_or(|v| v != "1") {
        // Straight to stderr, past the test harness's capture: the skip is always visible.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: the Python wheel (builds kubelint with maturin; minutes when cold): set \
             KUBELINT_SLOW_TESTS=1 to run it, as .ci/run does"
        );
        return;
    }
    let tools = python::tools();
    let work = tempfile::tempdir().unwrap();
    let wheels = work.path().join("wheels");
    std::fs::create_dir(&wheels).unwrap();
    let wheel = build_wheel(&tools, &wheels);

    // A binary wheel for any Python 3: named kubelint-VERSION-py3-none-PLATFORM.whl,
    // with the binary as a script and no Python code.
    let name = wheel.file_name().unwrap().to_str().unwrap().to_string();
    assert!(name.starts_with(&format!("kubelint-{VERSION}-py3-none-")), "{name}");
    let (code, listing) = run(Command::new(tools.join("python"))
        .args(["-m", "zipfile", "-l"])
        .arg(&wheel));
    assert_eq!(code, 0, "{listing}");
    assert!(
        listing.contains(&format!("kubelint-{VERSION}.data/scripts/kubelint ")),
        "the binary is a script of the wheel:\n{listing}"
    );
    assert!(!listing.contains(".py "), "no Python code:\n{listing}");

    // A fresh venv, offline.
    let venv = python::new_venv(&work.path().join("venv"));
    let (code, text) = run(Command::new(venv.join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
            "--quiet",
        ])
        .arg(&wheel));
    assert_eq!(code, 0, "pip install --no-index {name}: {text}");
    let kubelint = venv.join("kubelint");
    assert!(kubelint.is_file(), "pip put the binary in the venv's bin/");

    let (code, text) = run(Command::new(&kubelint).arg("--version"));
    assert_eq!(code, 0, "{text}");
    assert_eq!(text.trim(), format!("kubelint {VERSION}"));

    // The features pyproject.toml names: the shipped Rhai scripts are compiled in.
    let (code, text) = run(Command::new(&kubelint).arg("rules"));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("required-owner-labels"), "scripts feature:\n{text}");

    // A real check from the venv's PATH, as a user's shell finds it.
    let dir = work.path().join("manifests");
    std::fs::create_dir(&dir).unwrap();
    python::manifests(&dir);
    let path = format!("{}:{}", venv.display(), std::env::var("PATH").unwrap_or_default());
    let check = |files: &[&str]| {
        Command::new("kubelint")
            .args(["check", "--no-config", "--format", "json"])
            .args(files)
            .current_dir(&dir)
            .env("PATH", &path)
            .output()
            .unwrap()
    };
    let out = check(&["good.yaml"]);
    assert_eq!(out.status.code(), Some(0), "the good manifest passes: {out:?}");
    let out = check(&["good.yaml", "bad.yaml"]);
    assert_eq!(out.status.code(), Some(1), "the bad manifest fails: {out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "privileged-container" && f["start"]["line"] == 6 && f["file"] == "bad.yaml"),
        "{report:#}"
    );

    // The pre-commit hook that installs the wheel (python/pre-commit/) with the real
    // pre-commit, pip offline: only the wheel (and setuptools, which builds the hook's
    // empty package) can be found.
    pre_commit_python_hook(&tools, &wheels);
}

fn pre_commit_python_hook(tools: &Path, wheels: &Path) {
    let root = root();
    let mirror = root.join("python/pre-commit");
    let pyproject = std::fs::read_to_string(mirror.join("pyproject.toml")).unwrap();
    assert!(
        pyproject.contains(&format!("\nversion = \"{VERSION}\"\n"))
            && pyproject.contains(&format!("dependencies = [\"kubelint=={VERSION}\"]")),
        "python/pre-commit/pyproject.toml pins kubelint {VERSION} and has its version"
    );
    let (code, text) = run(Command::new(tools.join("python"))
        .args(["-m", "pip", "download", "--quiet", "--disable-pip-version-check"])
        .args(["--only-binary", ":all:", "--dest"])
        .arg(wheels)
        .arg("setuptools>=61"));
    assert_eq!(code, 0, "pip download setuptools (from PyPI): {text}");

    let work = wheels.parent().unwrap();
    // The hook's repository, as published: the folder's files at its root.
    let hook_repo = work.join("kubelint-pre-commit");
    std::fs::create_dir(&hook_repo).unwrap();
    for f in [".pre-commit-hooks.yaml", "pyproject.toml", "README.md"] {
        std::fs::copy(mirror.join(f), hook_repo.join(f)).unwrap();
    }
    python::git(&hook_repo, &["init", "-q"]);
    python::git(&hook_repo, &["add", "."]);
    python::git(&hook_repo, &["commit", "-q", "-m", "hook"]);

    let repo = work.join("repo");
    python::manifest_repo(&repo);
    let try_repo = |file: &str| {
        run(Command::new(tools.join("python"))
            .args(["-m", "pre_commit", "try-repo"])
            .arg(&hook_repo)
            .args(["kubelint", "--files", file])
            .current_dir(&repo)
            .env("PRE_COMMIT_HOME", work.join("pre-commit-home"))
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", wheels)
            // No kubelint on PATH but the one the hook installs.
            .env("PATH", "/usr/local/bin:/usr/bin:/bin"))
    };
    let (code, text) = try_repo("good.yaml");
    assert_eq!(code, 0, "the good manifest passes:\n{text}");
    assert!(text.contains("Passed"), "{text}");
    let (code, text) = try_repo("bad.yaml");
    assert_eq!(code, 1, "the bad manifest fails:\n{text}");
    assert!(
        text.contains("privileged-container") && text.contains("bad.yaml:6:"),
        "{text}"
    );
}
