//! Replays the fuzz regression corpus: every file under `fixtures/fuzz/<target>/` (each a
//! crash, slow input or adversarial seed) runs through the same code as `cargo fuzz run
//! <target>` (`fuzz/fuzz_targets/common.rs`, shared) and must hold the same invariants.
//! See `fuzz/README.md`.

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Per input, at most (debug build, a busy machine): a hang fails instead of stalling CI.
const BUDGET: Duration = Duration::from_secs(120);

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/fuzz")
}

#[test]
fn every_folder_is_a_target() {
    let known: Vec<&str> = ["load", "rules", "config", "script", "admission"].to_vec();
    for e in std::fs::read_dir(corpus()).expect("fixtures/fuzz exists") {
        let name = e.unwrap().file_name().into_string().unwrap();
        assert!(
            known.contains(&name.as_str()),
            "fixtures/fuzz/{name} is not a fuzz target"
        );
    }
}

#[test]
fn every_saved_input_replays_cleanly() {
    let mut failures = Vec::new();
    let mut replayed = 0;
    for (target, run) in common::TARGETS {
        let dir = corpus().join(target);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{} holds no inputs", dir.display());
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let started = Instant::now();
            let outcome = catch_unwind(AssertUnwindSafe(|| run(&data)));
            let took = started.elapsed();
            replayed += 1;
            match outcome {
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    failures.push(format!("{target} {}: panicked: {message}", file.display()));
                }
                Ok(()) if took > BUDGET => {
                    failures.push(format!(
                        "{target} {}: took {took:?} (budget {BUDGET:?})",
                        file.display()
                    ));
                }
                Ok(()) => eprintln!("{target} {}: {took:?}", file.display()),
            }
        }
    }
    assert!(replayed > 0);
    assert!(
        failures.is_empty(),
        "{} of {replayed} inputs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
