//! Whole repositories laid out as real ones are, under `fixtures/repos/<name>/`: each is
//! checked as one run (cross-file knowledge such as "this file is a Kustomize patch" only
//! exists then), and its findings are written in `fixtures/repos/<name>.expected`, one per
//! line: `file line:column rule severity object path | message`.
//! `KUBELINT_BLESS=1 cargo test --test repos` rewrites them; review the diff.

mod common;

use std::fmt::Write;

use serde_json::Value;

/// A repository's files as they are (`--no-render`): these repositories test what kubelint
/// understands of plain YAML across files (patches named by a kustomization, test
/// assertions); building kustomizations is tested by tests/render.rs.
fn run(name: &str) -> Value {
    let dir = format!("fixtures/repos/{name}");
    let out = common::kubelint()
        .args([
            "check",
            &dir,
            "--no-config",
            "--no-render",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::json(&out)
}

fn findings<'a>(report: &'a Value, file_suffix: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |f| f["file"].as_str().unwrap().ends_with(file_suffix))
}

fn rules_in(report: &Value, file_suffix: &str) -> Vec<String> {
    findings(report, file_suffix)
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_repo_produces_exactly_its_expected_findings() {
    let root = common::root().join("fixtures/repos");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 2, "repos are missing: {names:?}");
    let mut failures = Vec::new();
    for name in names {
        let report = run(&name);
        let mut got = String::from("# file line:column rule severity object path | message (see tests/repos.rs)\n");
        for f in report["findings"].as_array().unwrap() {
            let object = common::object_id(f);
            let file = f["file"]
                .as_str()
                .unwrap()
                .trim_start_matches(&format!("fixtures/repos/{name}/"))
                .to_string();
            let path = f["path"].as_str().unwrap();
            writeln!(
                got,
                "{file} {}:{} {} {} {object} {} | {}",
                f["start"]["line"],
                f["start"]["column"],
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                if path.is_empty() { "-" } else { path },
                f["message"].as_str().unwrap()
            )
            .unwrap();
        }
        let expected = root.join(format!("{name}.expected"));
        if common::blessing() {
            std::fs::write(&expected, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!("{name}:\n--- expected\n{want}--- actual\n{got}")),
            Err(_) => failures.push(format!(
                "{name}: no {} (bless with KUBELINT_BLESS=1)",
                expected.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Kustomize patches are fragments: one note each, nothing that a whole object would get
/// (missing selector, template, probes, resources, references); the base is checked whole.
#[test]
fn kustomize_patches_are_fragments_and_the_base_is_an_object() {
    let report = run("kustomize-overlays");
    for patch in [
        "replicas.yaml",
        "resources.yaml",
        "image.json-patch.yaml",
        "delete-debug.yaml",
    ] {
        assert_eq!(
            rules_in(&report, &format!("prod/{patch}")),
            ["partial-object"],
            "{patch}"
        );
    }
    let note = findings(&report, "prod/replicas.yaml").next().unwrap();
    assert_eq!(note["severity"], "info");
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .starts_with("Deployment `web` is a Kustomize patch (named in `fixtures/repos/kustomize-overlays/overlays/prod/kustomization.yaml`)"),
        "{note}"
    );
    // The same Deployment in the base is an object: its findings are all there.
    let base = rules_in(&report, "base/deployment.yaml");
    for rule in ["latest-tag", "liveness-probe-missing", "memory-limits-missing"] {
        assert!(base.iter().any(|r| r == rule), "{rule} missing from the base: {base:?}");
    }
    // Nothing anywhere is an error: the overlay is valid.
    assert_eq!(report["summary"]["findings"]["error"], 0, "{:#}", report["summary"]);
}

/// A chainsaw test's `assert`/`error` files and kuttl's `NN-assert.yaml` hold the fields
/// compared with live objects: fragments. The test definition itself is skipped with a
/// note; the applied file is an object.
#[test]
fn test_harness_assertions_are_fragments() {
    let report = run("chainsaw-e2e");
    assert_eq!(rules_in(&report, "chainsaw-test.yaml"), ["skipped-file"]);
    for file in ["rolled-out.yaml", "no-crash-loop.yaml", "kuttl/00-assert.yaml"] {
        assert_eq!(rules_in(&report, file), ["partial-object"], "{file}");
    }
    assert!(
        rules_in(&report, "/install.yaml")
            .iter()
            .any(|r| r == "liveness-probe-missing")
    );
    assert_eq!(report["summary"]["findings"]["error"], 0, "{:#}", report["summary"]);
}

#[test]
fn a_platform_repository_has_no_cross_object_false_alarms() {
    let report = run("shop-platform");
    let all = rules_in(&report, ".yaml");
    for quiet in [
        // The operator's Prometheus makes the pods this Service selects.
        "service-selects-nothing",
        // `monitoring` is not in the mesh; `shop` is STRICT.
        "mtls-not-strict",
        "istio-sidecar-injection",
        // The LimitRange gives `shop`'s containers their requests and limits.
        "cpu-requests-missing",
        "memory-requests-missing",
        "memory-limits-missing",
        // A Kustomize generator makes `web-config`.
        "config-reference-missing",
        // The HPA's minimum (3) leaves one pod to evict under `minAvailable: 2`.
        "pdb-blocks-eviction",
        // The spread constraint selects the Deployment's own pods.
        "replicas-not-spread",
        // The ServiceAccount turns the token off.
        "service-account-token-mounted",
    ] {
        assert!(!all.iter().any(|r| r == quiet), "{quiet}: {all:?}");
    }
}
