//! Rendering, through the binary: kustomizations built with the real `kubectl kustomize`
//! (fixtures/render/kustomize: a base and two overlays), findings placed in the files the
//! objects come from; a kustomization that does not build; `--no-render` and the config's
//! `render:`; Helm streams split by their `# Source:` comments, and `--helm` run through a
//! stand-in script (helm itself is not installed where these tests run).
//!
//! The kustomize tests need `kubectl` on PATH and fail when it is missing, unless
//! `KUBELINT_SKIP_RENDER_TESTS=1` says to skip them.

mod common;

use std::path::Path;

use serde_json::Value;

const KUSTOMIZE: &str = "fixtures/render/kustomize";

/// Whether `kubectl` is there; without it, fails unless told to skip.
fn kubectl() -> bool {
    let found =
        std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|d| d.join("kubectl").is_file()));
    if found {
        return true;
    }
    let skip = std::env::var_os("KUBELINT_SKIP_RENDER_TESTS").is_some_and(|v| v == "1");
    assert!(
        skip,
        "these tests build kustomizations with `kubectl kustomize`, and kubectl is not on PATH: install kubectl, or set KUBELINT_SKIP_RENDER_TESTS=1 to skip them"
    );
    eprintln!("skipped: kubectl is not on PATH (KUBELINT_SKIP_RENDER_TESTS=1)");
    false
}

fn run(args: &[&str]) -> Value {
    let out = common::kubelint()
        .arg("check")
        .args(args)
        .args(["--no-config", "--format", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    common::json(&out)
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

/// `rule file line:column object` for every finding of `rule`.
fn of_rule(report: &Value, rule: &str) -> Vec<String> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["file"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"],
                common::object_id(f)
            )
        })
        .collect()
}

#[test]
fn overlays_are_built_and_findings_point_at_the_files_objects_come_from() {
    if !kubectl() {
        return;
    }
    let r = run(&[KUSTOMIZE, "--kustomize-command", "kubectl kustomize"]);
    let base = "fixtures/render/kustomize/base/deployment.yaml";
    // The image is the base's in both overlays: the finding is at its value there, once
    // per rendered object.
    assert_eq!(
        of_rule(&r, "latest-tag"),
        vec![
            format!("{base} 19:18 Deployment/prod/prod-shopfront"),
            format!("{base} 19:18 Deployment/staging/shopfront"),
        ]
    );
    // The prod patch adds `privileged`: not in the base, so the finding is at the object's
    // start there, and says so.
    let privileged: Vec<&Value> = findings(&r)
        .iter()
        .filter(|f| f["rule"] == "privileged-container")
        .collect();
    assert_eq!(privileged.len(), 1, "{privileged:?}");
    let p = privileged[0];
    assert_eq!(p["file"], base);
    assert_eq!(
        (p["start"]["line"].as_u64(), p["start"]["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(p["path"], "/spec/template/spec/containers/0/securityContext/privileged");
    assert_eq!(p["document"], 0);
    let message = p["message"].as_str().unwrap();
    assert!(
        message.ends_with("(as rendered by `kubectl kustomize fixtures/render/kustomize/overlays/prod`, which sets this part of the object: shown at the object's start)"),
        "{message}"
    );
    // The base and the overlays' own files are covered by the builds: no object is read
    // from them as a plain file (those would be in `default`), and the kustomizations
    // are not "skipped".
    for f in findings(&r) {
        let file = f["file"].as_str().unwrap();
        let object = common::object_id(f);
        if file.ends_with("overlays/prod/notes.yaml") {
            assert_eq!(object, "Pod/default/scratch");
            continue;
        }
        assert!(
            object == "-" || object.contains("/prod/") || object.contains("/staging/"),
            "{file}: {object} read as a plain file"
        );
        assert_ne!(f["rule"], "skipped-file", "{f}");
        assert_ne!(f["rule"], "partial-object", "{f}");
        assert!(
            !file.ends_with("(rendered)"),
            "a finding left in the rendered output: {f}"
        );
    }
    // The Service's target port names the base container's port: cross-object rules see
    // the rendered objects (no finding), and the origin annotations are not seen by rules.
    assert!(
        of_rule(&r, "service-port-mismatch").is_empty(),
        "{:?}",
        of_rule(&r, "service-port-mismatch")
    );
    assert!(!r.to_string().contains("config.kubernetes.io/origin"));
    // A file the kustomization does not name is linted as before.
    assert!(
        !of_rule(&r, "latest-tag").is_empty()
            && findings(&r)
                .iter()
                .any(|f| f["file"].as_str().unwrap().ends_with("notes.yaml"))
    );
    // Two builds, the unnamed file, nothing else: the walk's other files are covered.
    assert_eq!(r["summary"]["files"], 3, "{}", r["summary"]);
    // prod: 2 ConfigMaps (one generated), Service, Deployment; staging: Service, Deployment; the Pod.
    assert_eq!(r["summary"]["objects"], 7, "{}", r["summary"]);
}

#[test]
fn the_default_command_is_found_on_path_and_a_path_inside_the_tree_works() {
    if !kubectl() {
        return;
    }
    let r = run(&["fixtures/render/kustomize/overlays/staging"]);
    assert_eq!(
        of_rule(&r, "latest-tag"),
        vec!["fixtures/render/kustomize/base/deployment.yaml 19:18 Deployment/staging/shopfront"]
    );
}

#[test]
fn no_render_and_the_config_lint_the_files_as_plain_yaml() {
    if !kubectl() {
        return;
    }
    let plain = run(&[KUSTOMIZE, "--no-render"]);
    assert_eq!(
        of_rule(&plain, "latest-tag"),
        vec!["fixtures/render/kustomize/base/deployment.yaml 19:18 Deployment/default/shopfront"]
    );
    assert_eq!(
        of_rule(&plain, "skipped-file").len(),
        3,
        "{:?}",
        of_rule(&plain, "skipped-file")
    );
    assert!(of_rule(&plain, "render-failed").is_empty());

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kubelint.yaml");
    std::fs::write(&config, "render:\n  enabled: false\n").unwrap();
    let out = common::kubelint()
        .args(["check", KUSTOMIZE, "--format", "json", "--fail-on", "never", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let configured = common::json(&out);
    assert_eq!(of_rule(&configured, "latest-tag"), of_rule(&plain, "latest-tag"));
}

#[test]
fn a_kustomization_that_does_not_build_is_an_error_and_its_files_are_linted() {
    if !kubectl() {
        return;
    }
    let r = run(&["fixtures/render/broken"]);
    let failed: Vec<&Value> = findings(&r).iter().filter(|f| f["rule"] == "render-failed").collect();
    assert_eq!(failed.len(), 1, "{:?}", findings(&r));
    let f = failed[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "fixtures/render/broken/kustomization.yaml");
    assert_eq!(
        (f["start"]["line"].as_u64(), f["start"]["column"].as_u64()),
        (Some(1), Some(1))
    );
    let message = f["message"].as_str().unwrap();
    assert!(
        message.starts_with("kustomization `fixtures/render/broken/kustomization.yaml` could not be rendered"),
        "{message}"
    );
    assert!(
        message.contains("missing.yaml") && message.contains("--no-render"),
        "{message}"
    );
    // The run goes on: its files are read as plain YAML.
    assert_eq!(r["summary"]["objects"], 1, "{}", r["summary"]);
}

#[test]
fn a_missing_kustomize_command_is_a_warning_naming_the_flags() {
    let r = run(&[KUSTOMIZE, "--kustomize-command", "no-such-kustomize build"]);
    let failed: Vec<&Value> = findings(&r).iter().filter(|f| f["rule"] == "render-failed").collect();
    // One per kustomization that would have been built: the two overlays.
    let files: Vec<&str> = failed.iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        vec![
            "fixtures/render/kustomize/overlays/prod/kustomization.yaml",
            "fixtures/render/kustomize/overlays/staging/kustomization.yaml"
        ]
    );
    for f in failed {
        assert_eq!(f["severity"], "warning");
        let m = f["message"].as_str().unwrap();
        assert!(
            m.contains("`no-such-kustomize` was not found")
                && m.contains("--kustomize-command")
                && m.contains("--no-render"),
            "{m}"
        );
    }
    // The files are linted as plain YAML instead.
    assert_eq!(
        of_rule(&r, "latest-tag"),
        vec!["fixtures/render/kustomize/base/deployment.yaml 19:18 Deployment/default/shopfront"]
    );
}

#[test]
fn helm_template_output_on_stdin_names_each_template() {
    let stream = std::fs::read_to_string(common::root().join("fixtures/render/helm/stream.yaml")).unwrap();
    let out = common::kubelint_stdin(
        &stream,
        &["check", "-", "--no-config", "--format", "json", "--fail-on", "never"],
    );
    let r = common::json(&out);
    // Lines are those of the template's part of the stream (what `helm template
    // --show-only templates/deployment.yaml` prints).
    assert_eq!(
        of_rule(&r, "latest-tag"),
        vec!["shop/templates/deployment.yaml 16:18 Deployment/default/release-name-shop"]
    );
    let files: std::collections::BTreeSet<&str> = findings(&r).iter().map(|f| f["file"].as_str().unwrap()).collect();
    assert!(files.iter().all(|f| f.starts_with("shop/templates/")), "{files:?}");
    assert_eq!(r["summary"]["files"], 2);
    // The same stream as a file is one file, as written.
    let plain = run(&["fixtures/render/helm/stream.yaml"]);
    assert_eq!(
        of_rule(&plain, "latest-tag"),
        vec!["fixtures/render/helm/stream.yaml 22:18 Deployment/default/release-name-shop"]
    );
}

#[cfg(unix)]
#[test]
fn helm_flag_runs_the_configured_command_with_the_values() {
    let dir = tempfile::tempdir().unwrap();
    let args_file = dir.path().join("args");
    let fake = "fixtures/render/helm/fake-helm.sh";
    let chart = "fixtures/render/helm/shop";
    let out = common::kubelint()
        .env("FAKE_HELM_ARGS", &args_file)
        .args(["check", "--no-config", "--format", "json", "--fail-on", "never"])
        .args(["--helm", chart, "--values", "fixtures/render/helm/shop/values.yaml"])
        .args(["--helm-arg=--set=image.tag=1.27", "--helm-command", fake])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let r = common::json(&out);
    let args = std::fs::read_to_string(&args_file).unwrap();
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        vec![
            "template",
            chart,
            "--values",
            "fixtures/render/helm/shop/values.yaml",
            "--set=image.tag=1.27"
        ]
    );
    // `# Source: shop/templates/…` names the chart's own files; nothing but the chart is linted.
    assert_eq!(
        of_rule(&r, "latest-tag"),
        vec!["fixtures/render/helm/shop/templates/deployment.yaml 16:18 Deployment/default/release-name-shop"]
    );
    assert_eq!(r["summary"]["files"], 2, "{}", r["summary"]);
    assert!(
        of_rule(&r, "skipped-file").is_empty(),
        "{:?}",
        of_rule(&r, "skipped-file")
    );

    // With paths, the walk skips the chart's templates, which the render covers.
    let r = run(&["fixtures/render/helm", "--helm", chart, "--helm-command", fake]);
    let skipped = of_rule(&r, "skipped-file");
    assert_eq!(
        skipped,
        vec!["fixtures/render/helm/shop/Chart.yaml 1:1 -"],
        "{skipped:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_failing_or_missing_helm_is_an_error_naming_the_chart() {
    let chart = "fixtures/render/helm/shop";
    let out = common::kubelint()
        .env("FAKE_HELM_FAIL", "1")
        .args(["check", "--no-config", "--format", "json"])
        .args(["--helm", chart, "--helm-command", "fixtures/render/helm/fake-helm.sh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "an error fails the run");
    let r = common::json(&out);
    let f = &findings(&r)[0];
    assert_eq!(f["rule"], "render-failed");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["file"], "fixtures/render/helm/shop/Chart.yaml");
    let m = f["message"].as_str().unwrap();
    assert!(
        m.starts_with("Helm chart `fixtures/render/helm/shop` could not be rendered")
            && m.contains("nil pointer evaluating")
            && m.contains("--helm"),
        "{m}"
    );

    let r = run(&["--helm", chart, "--helm-command", "no-such-helm"]);
    let m = findings(&r)[0]["message"].as_str().unwrap();
    assert!(
        m.contains("`no-such-helm` was not found") && m.contains("--helm-command"),
        "{m}"
    );
    assert!(Path::new(&common::root().join(chart)).is_dir());
}
