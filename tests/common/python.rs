//! Python environments for the packaging tests (`tests/precommit.rs`, `tests/wheel.rs`):
//! the tools (pre-commit, maturin) installed from PyPI once into a venv under `target/`,
//! and fresh venvs to install into. python3 with `venv` (Debian/Ubuntu: `apt-get install
//! python3-venv`) or the `virtualenv` module is needed: without them these tests fail and
//! say what to install, they never skip.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// The tools venv's packages, pinned to the ranges pyproject.toml and the docs name.
pub const TOOLS: &[&str] = &["pre-commit>=3,<5", "maturin>=1.9,<2"];

/// Runs `cmd`: its exit code and its stdout and stderr together.
pub fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Makes a venv at `dir` (`python3 -m venv`, else `python3 -m virtualenv`), with pip.
/// Returns its `bin/` folder.
pub fn new_venv(dir: &Path) -> PathBuf {
    let (code, text) = run(Command::new("python3").arg("--version"));
    assert_eq!(
        code, 0,
        "python3 is needed (Debian/Ubuntu: apt-get install python3 python3-venv): {text}"
    );
    let mut tried = Vec::new();
    for args in [&["-m", "venv"][..], &["-m", "virtualenv", "--quiet"][..]] {
        let (code, text) = run(Command::new("python3").args(args).arg(dir));
        if code == 0 && dir.join("bin/pip").exists() {
            return dir.join("bin");
        }
        tried.push(format!("python3 {}: {}", args.join(" "), text.trim()));
        let _ = std::fs::remove_dir_all(dir);
    }
    panic!(
        "cannot make a Python virtual environment: install python3-venv (Debian/Ubuntu: \
         `apt-get install python3-venv`) or python3-virtualenv.\n{}",
        tried.join("\n")
    );
}

static TOOLS_LOCK: Mutex<()> = Mutex::new(());

/// The `bin/` folder of a venv holding [`TOOLS`], installed from PyPI the first time and
/// kept under `target/test-python/` (remade when the list changes).
pub fn tools() -> PathBuf {
    let _guard = TOOLS_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("target/test-python/tools");
    let marker = dir.join("kubelint-test-tools.txt");
    let wanted = TOOLS.join("\n");
    if std::fs::read_to_string(&marker).is_ok_and(|m| m == wanted) {
        return dir.join("bin");
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    let bin = new_venv(&dir);
    let (code, text) = run(Command::new(bin.join("python"))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .args(TOOLS));
    assert_eq!(code, 0, "pip install {TOOLS:?} (from PyPI): {text}");
    std::fs::write(&marker, wanted).unwrap();
    bin
}

/// `git` in `dir`, with a throwaway identity.
pub fn git(dir: &Path, args: &[&str]) {
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

pub const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n";
pub const BAD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - {name: c, image: nginx:1.27.2, securityContext: {privileged: true}}\n";

/// Writes `good.yaml` and `bad.yaml` (a privileged container, line 6) into `dir`.
pub fn manifests(dir: &Path) {
    std::fs::write(dir.join("good.yaml"), GOOD).unwrap();
    std::fs::write(dir.join("bad.yaml"), BAD).unwrap();
}

/// A git repository at `dir` with the two manifests committed, for pre-commit to run in.
pub fn manifest_repo(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    manifests(dir);
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "manifests"]);
}
