//! kubelint over ~3,000 real manifest files from five public projects
//! (`../shared/corpus`): nothing panics, nothing is skipped silently, and the report is the
//! same whatever the number of threads. Outside this workspace, where the corpus is not
//! beside the repository, the test says so and passes; under CI it must be there.

mod common;

use std::path::PathBuf;

use serde_json::Value;

fn corpus() -> Option<PathBuf> {
    let p = common::root().join("../shared/corpus");
    if p.is_dir() {
        return Some(p);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI runs with ../shared/corpus beside the repository"
    );
    eprintln!("skipped: {} not found", p.display());
    None
}

fn run(threads: &str) -> Value {
    let out = common::kubelint()
        .env("RAYON_NUM_THREADS", threads)
        .args([
            "check",
            "--no-config",
            "../shared/corpus",
            "--format",
            "json",
            "--show-suppressed",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["summary"]["elapsedMs"] = Value::Null;
    v
}

#[test]
fn corpus_is_linted_completely_and_deterministically() {
    let Some(dir) = corpus() else { return };
    let report = run("2");
    // Every YAML/JSON file outside hidden folders was read.
    let expected = common::files_with(&dir, &["yaml", "yml", "json"])
        .into_iter()
        .filter(|p| {
            !p.strip_prefix(&dir)
                .unwrap()
                .components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        })
        .count();
    assert_eq!(report["summary"]["files"].as_u64().unwrap() as usize, expected);
    // Fragments (Kustomize patches, test assertions) are not objects.
    assert!(report["summary"]["objects"].as_u64().unwrap() > 3500);
    for f in report["findings"].as_array().unwrap() {
        assert!(f["start"]["line"].as_u64().unwrap() >= 1 && f["start"]["column"].as_u64().unwrap() >= 1);
        assert!(!f["message"].as_str().unwrap().contains("failed on this input"), "{f}");
    }
    // The known-bad files are reported where they break, and only they.
    let syntax: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "yaml-syntax")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        syntax,
        vec![(
            "../shared/corpus/cert-manager/make/config/bind/service.yaml".to_string(),
            11
        )]
    );
    assert_eq!(report, run("1"), "one thread and two give the same report");
}
