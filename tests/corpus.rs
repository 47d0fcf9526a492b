//! kubelint over ~3,000 real manifest files from five public projects (the shared corpus,
//! data only, not in this repository): nothing panics, every file is read, every finding
//! lies inside its file, the verdicts are the ones recorded in `tests/data/corpus-verdicts.txt`
//! and the report is the same whatever the number of threads.
//!
//! Where the corpus is: `$KUBELINT_CORPUS` if set (it must then exist), else
//! `<repo>/../shared/corpus`, else `/work/shared/corpus`.
//!
//! When it is absent the test prints `skipped: corpus not found at …` on stderr and passes
//! (a fresh clone elsewhere has no corpus, and CI=true alone says nothing about whether it
//! was provisioned); with `KUBELINT_REQUIRE_CORPUS=1` an absent corpus fails instead: set it
//! where the corpus is part of the machine.
//!
//! A change in the verdicts (per rule, the number of error-level findings; the numbers of
//! files, documents and objects) fails the test with the difference; when it is intended,
//! rewrite the recorded numbers with
//! `KUBELINT_BLESS=1 cargo test --all-features --test corpus` and review the diff.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

const VERDICTS: &str = "tests/data/corpus-verdicts.txt";

fn corpus() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KUBELINT_CORPUS") {
        let p = PathBuf::from(p);
        assert!(p.is_dir(), "KUBELINT_CORPUS={} is not a folder", p.display());
        return Some(p);
    }
    let candidates = [
        common::root().join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ];
    if let Some(p) = candidates.iter().find(|p| p.is_dir()) {
        return Some(p.clone());
    }
    let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
    let required = std::env::var_os("KUBELINT_REQUIRE_CORPUS").is_some_and(|v| v == "1");
    assert!(
        !required,
        "KUBELINT_REQUIRE_CORPUS=1 but the corpus was not found at {} (set KUBELINT_CORPUS)",
        tried.join(" nor ")
    );
    // Straight to stderr, past the test harness's capture: the skip is always visible.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: corpus not found at {} (set KUBELINT_CORPUS=DIR to point at it)",
        tried.join(" nor ")
    );
    None
}

/// The corpus's files as they are: `--no-render`, since the corpus is a partial copy of
/// five projects (kustomizations name files it does not hold, or remote bases), so builds
/// would mostly fail, and the verdicts must not depend on the machine's kubectl or network.
fn run(dir: &Path, threads: &str) -> Value {
    let out = common::kubelint()
        .env("RAYON_NUM_THREADS", threads)
        .arg("check")
        .arg("--no-config")
        .arg("--no-render")
        .arg(dir)
        .args(["--format", "json", "--show-suppressed"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["summary"]["elapsedMs"] = Value::Null;
    v
}

/// Per line (1-based), its length in characters without the line break; lines end at `\n`,
/// `\r\n` or a lone `\r`, and a leading byte order mark is not a column (as kubelint counts).
fn line_lengths(bytes: &[u8]) -> Vec<usize> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lengths = vec![0];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || (c == '\r' && chars.peek() != Some(&'\n')) {
            lengths.push(0);
        } else if c != '\r' {
            *lengths.last_mut().unwrap() += 1;
        }
    }
    lengths
}

/// The recorded verdicts: `key count` lines (`files`, `documents`, `objects`, `error RULE`).
fn read_verdicts(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, n) = l.rsplit_once(' ').unwrap_or_else(|| panic!("{VERDICTS}: {l:?}"));
            (k.to_string(), n.parse().unwrap_or_else(|_| panic!("{VERDICTS}: {l:?}")))
        })
        .collect()
}

fn write_verdicts(v: &BTreeMap<String, u64>) -> String {
    let mut s = String::from(
        "# kubelint's verdicts on the shared corpus (tests/corpus.rs): the numbers of files,\n\
         # documents and objects, per rule the number of error-level findings, and every\n\
         # error-level finding (`at FILE RULE OBJECT PATH`), each reviewed before it is blessed.\n\
         # Rewrite with: KUBELINT_BLESS=1 cargo test --all-features --test corpus\n",
    );
    for (k, n) in v {
        s.push_str(&format!("{k} {n}\n"));
    }
    s
}

#[test]
fn corpus_is_linted_completely_correctly_and_deterministically() {
    let Some(dir) = corpus() else { return };
    let report = run(&dir, "2");
    let summary = &report["summary"];
    let count = |k: &str| summary[k].as_u64().unwrap_or_else(|| panic!("summary.{k}: {summary}"));
    // Every YAML/JSON file outside hidden folders was read.
    let expected_files = common::files_with(&dir, &["yaml", "yml", "json"])
        .into_iter()
        .filter(|p| {
            !p.strip_prefix(&dir)
                .unwrap()
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .count();
    assert_eq!(count("files") as usize, expected_files);

    // Every finding names a file of the corpus and lies inside it; no rule failed.
    let findings = report["findings"].as_array().unwrap();
    let suppressed = report["suppressed"].as_array().map_or(&[][..], |v| v.as_slice());
    assert!(!findings.is_empty());
    let mut lines: HashMap<String, Vec<usize>> = HashMap::new();
    let mut errors: BTreeMap<String, u64> = BTreeMap::new();
    let listed = findings.iter().map(|f| (f, true));
    for (f, reported) in listed.chain(suppressed.iter().map(|f| (f, false))) {
        let file = f["file"].as_str().unwrap_or_else(|| panic!("no file: {f}"));
        let path = common::root().join(file);
        assert!(path.starts_with(&dir), "{file} is outside the corpus: {f}");
        let lengths = lines
            .entry(file.to_string())
            .or_insert_with(|| line_lengths(&std::fs::read(&path).unwrap_or_else(|e| panic!("{file}: {e}"))));
        let at = |k: &str| {
            let (line, column) = (
                f[k]["line"].as_u64().unwrap() as usize,
                f[k]["column"].as_u64().unwrap() as usize,
            );
            assert!(
                line >= 1 && line <= lengths.len() && column >= 1 && column <= lengths[line - 1] + 1,
                "{k} {line}:{column} is outside {file} ({} lines): {f}",
                lengths.len()
            );
            (line, column)
        };
        assert!(at("start") <= at("end"), "{f}");
        let message = f["message"].as_str().unwrap();
        assert!(!message.contains("failed on this input"), "{f}");
        if reported && f["severity"] == "error" {
            let rule = f["rule"].as_str().unwrap();
            *errors.entry(format!("error {rule}")).or_default() += 1;
            // And each error by what identifies it across edits (as a baseline does): file,
            // rule, object and JSON path. A new error where an old one was fixed in the same
            // rule changes this list even when the counts stay.
            let object = common::object_id(f);
            let relative = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
            let at = f["path"].as_str().filter(|p| !p.is_empty()).unwrap_or("-");
            *errors.entry(format!("at {relative} {rule} {object} {at}")).or_default() += 1;
        }
    }

    // The known-bad file is reported where it breaks, and only it.
    let syntax: Vec<(String, u64)> = findings
        .iter()
        .filter(|f| f["rule"] == "yaml-syntax")
        .map(|f| {
            let path = common::root().join(f["file"].as_str().unwrap());
            let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().into_owned();
            (rel, f["start"]["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        syntax,
        vec![("cert-manager/make/config/bind/service.yaml".to_string(), 11)]
    );

    // The verdicts are the recorded ones.
    let mut verdicts = errors;
    for k in ["files", "documents", "objects"] {
        verdicts.insert(k.to_string(), count(k));
    }
    let path = common::root().join(VERDICTS);
    if common::blessing() {
        std::fs::write(&path, write_verdicts(&verdicts)).unwrap();
        eprintln!("blessed {VERDICTS}");
    } else {
        let recorded = read_verdicts(&std::fs::read_to_string(&path).unwrap_or_default());
        let diff: Vec<String> = recorded
            .keys()
            .chain(verdicts.keys())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter(|k| recorded.get(*k) != verdicts.get(*k))
            .map(|k| format!("{k}: recorded {:?}, now {:?}", recorded.get(k), verdicts.get(k)))
            .collect();
        assert!(
            diff.is_empty(),
            "the verdicts on the corpus changed:\n{}\nif intended: KUBELINT_BLESS=1 cargo test --all-features --test corpus",
            diff.join("\n")
        );
    }

    assert_eq!(report, run(&dir, "1"), "one thread and two give the same report");
}

#[test]
fn line_lengths_count_characters_and_every_line_break() {
    assert_eq!(line_lengths(b"ab\ncd\r\ne\rf"), vec![2, 2, 1, 1]);
    assert_eq!(line_lengths("\u{feff}é\n".as_bytes()), vec![1, 0]);
    assert_eq!(
        read_verdicts(&write_verdicts(&BTreeMap::from([("error x".to_string(), 3)]))),
        BTreeMap::from([("error x".to_string(), 3)])
    );
}

/// Copies `from` into `to`, recursively (regular files and folders; symbolic links are
/// left out, as the walk would not follow them either).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// What a fix may change, judged without the engine's own verification: every difference
/// between a document before and after must be one of the fixes' intended changes.
/// Returns the differences that are not (pointer: before → after).
fn unintended(before: &Value, after: &Value, at: &str, out: &mut Vec<String>) {
    let allowed_leaf = |key: &str, old: Option<&Value>, new: &Value| -> bool {
        match key {
            "allowPrivilegeEscalation" | "automountServiceAccountToken" => new == &Value::Bool(false),
            "runAsNonRoot" | "readOnlyRootFilesystem" => new == &Value::Bool(true),
            "imagePullPolicy" => new == "Always",
            "seccompProfile" => new == &serde_json::json!({"type": "RuntimeDefault"}),
            // `ALL` appended to what was dropped.
            "drop" => {
                let mut want = old.and_then(Value::as_array).cloned().unwrap_or_default();
                want.push(Value::from("ALL"));
                new == &Value::Array(want)
            }
            // The replacement of a removed version with the same schema (same group or the
            // NetworkPolicy's move), and nothing else.
            "apiVersion" => {
                let (old, new) = (old.and_then(Value::as_str).unwrap_or(""), new.as_str().unwrap_or(""));
                matches!(
                    (old, new),
                    ("extensions/v1beta1", "networking.k8s.io/v1")
                        | ("apps/v1beta2", "apps/v1")
                        | ("autoscaling/v2beta2", "autoscaling/v2")
                ) || old.rsplit_once('/').map(|(g, _)| g) == new.rsplit_once('/').map(|(g, _)| g)
                    && new.ends_with("/v1")
            }
            _ => false,
        }
    };
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (k, old) in b {
                let here = format!("{at}/{k}");
                match a.get(k) {
                    Some(new) if new == old => {}
                    Some(new) if old.is_object() && new.is_object() && k != "seccompProfile" => {
                        unintended(old, new, &here, out)
                    }
                    Some(Value::Array(new)) if k != "drop" && old.as_array().is_some_and(|o| o.len() == new.len()) => {
                        unintended(old, &Value::Array(new.clone()), &here, out)
                    }
                    // A null parent (`securityContext:`) that became a mapping.
                    Some(new) if old.is_null() && new.is_object() => added(new, &here, out, &allowed_leaf),
                    Some(new) if allowed_leaf_at(&here, k, Some(old), new, &allowed_leaf) => {}
                    Some(new) => out.push(format!("{here}: {old} → {new}")),
                    None => out.push(format!("{here}: {old} → (removed)")),
                }
            }
            for (k, new) in a.iter().filter(|(k, _)| !b.contains_key(*k)) {
                let here = format!("{at}/{k}");
                if new.is_object() && k != "seccompProfile" {
                    added(new, &here, out, &allowed_leaf);
                } else if !allowed_leaf_at(&here, k, None, new, &allowed_leaf) {
                    out.push(format!("{here}: (absent) → {new}"));
                }
            }
        }
        (Value::Array(b), Value::Array(a)) if a.len() == b.len() => {
            for (i, (old, new)) in b.iter().zip(a).enumerate() {
                if old != new {
                    unintended(old, new, &format!("{at}/{i}"), out);
                }
            }
        }
        (old, new) => out.push(format!("{at}: {old} → {new}")),
    }
}

fn allowed_leaf_at(
    at: &str,
    key: &str,
    old: Option<&Value>,
    new: &Value,
    allowed: &dyn Fn(&str, Option<&Value>, &Value) -> bool,
) -> bool {
    // `type` is judged by where it is: `allowed` reads `at` through its own capture, so
    // pass the seccomp case explicitly.
    if key == "type" {
        return at.ends_with("/seccompProfile/type") && new == "RuntimeDefault";
    }
    allowed(key, old, new)
}

/// A mapping the fixes added: every leaf in it must be an intended one.
fn added(new: &Value, at: &str, out: &mut Vec<String>, allowed: &dyn Fn(&str, Option<&Value>, &Value) -> bool) {
    for (k, v) in new.as_object().unwrap() {
        let here = format!("{at}/{k}");
        if v.is_object() && k != "seccompProfile" {
            added(v, &here, out, allowed);
        } else if !allowed_leaf_at(&here, k, None, v, allowed) {
            out.push(format!("{here}: (absent) → {v}"));
        }
    }
}

/// `kubelint check --fix --unsafe-fixes` on a copy of the corpus: every changed file is
/// parsed before and after, and the object trees differ only by the intended changes (judged
/// here, independently of the engine's own check); the files it refuses are unchanged; the
/// fixed findings are gone. Prints the figures.
#[test]
fn corpus_fixes_change_only_what_they_mean() {
    use kubelint::load::{SourceFile, load_file};
    let Some(dir) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("corpus");
    copy_tree(&dir, &copy);
    let fixable = |v: &Value, applicability: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["fix"]["applicability"] == applicability)
            .count()
    };
    let before = run(&copy, "2");
    let (safe_before, unsafe_before) = (fixable(&before, "safe"), fixable(&before, "unsafe"));
    let texts = |root: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        common::files_with(root, &["yaml", "yml", "json"])
            .into_iter()
            .map(|p| (p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap()))
            .collect()
    };
    let old = texts(&copy);
    let out = common::kubelint()
        .current_dir(tmp.path())
        .args([
            "check",
            "--fix",
            "--unsafe-fixes",
            "--no-render",
            "--no-config",
            "corpus",
        ])
        .args(["--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("kubelint: Fixed"))
        .unwrap_or_else(|| panic!("no summary line: {stderr}"))
        .to_string();
    let refused: Vec<&str> = stderr.lines().filter(|l| l.contains("not fixing")).collect();
    let new = texts(&copy);
    assert_eq!(old.keys().collect::<Vec<_>>(), new.keys().collect::<Vec<_>>());
    let mut changed = 0;
    let mut problems = Vec::new();
    for (path, before_bytes) in &old {
        let after_bytes = &new[path];
        if before_bytes == after_bytes {
            continue;
        }
        changed += 1;
        let shown = path.display().to_string();
        assert!(
            !refused.iter().any(|l| l.contains(&shown)),
            "{shown}: refused but changed"
        );
        let load = |bytes: &[u8]| {
            let text = String::from_utf8(bytes.to_vec()).unwrap();
            load_file(std::sync::Arc::new(SourceFile::new(path, text)))
        };
        let (b, a) = (load(before_bytes), load(after_bytes));
        let syntax = |l: &kubelint::load::Loaded| {
            l.findings
                .iter()
                .filter(|f| matches!(&*f.rule, "yaml-syntax" | "duplicate-key"))
                .count()
        };
        if syntax(&a) > syntax(&b) {
            problems.push(format!("{shown}: parses worse after the fixes"));
        }
        if b.documents.len() != a.documents.len() {
            problems.push(format!(
                "{shown}: {} documents before, {} after",
                b.documents.len(),
                a.documents.len()
            ));
            continue;
        }
        for (db, da) in b.documents.iter().zip(&a.documents) {
            let mut diffs = Vec::new();
            unintended(&db.root.to_json(), &da.root.to_json(), &db.prefix, &mut diffs);
            problems.extend(
                diffs
                    .into_iter()
                    .map(|d| format!("{shown} (document {}): {d}", db.index)),
            );
        }
    }
    // The fixed findings are gone: what is left with a fix is only what a refused file holds.
    let after = run(&copy, "2");
    let left = fixable(&after, "safe") + fixable(&after, "unsafe");
    eprintln!(
        "corpus fixes: {safe_before} safe and {unsafe_before} unsafe fixable findings before; {summary}; {changed} files changed; {} refused; {left} fixable findings left; {} unintended differences",
        refused.len(),
        problems.len()
    );
    for l in &refused {
        eprintln!("  {l}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(changed > 0);
    // Every finding left with a fix is in a file the run refused.
    for f in after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["fix"].is_null())
    {
        let file = f["file"].as_str().unwrap();
        let name = file.rsplit_once("corpus/").map_or(file, |(_, n)| n);
        assert!(
            refused.iter().any(|l| l.contains(name)),
            "{file}: a `{}` finding with a fix is left: {}",
            f["rule"],
            f["message"]
        );
    }
}
