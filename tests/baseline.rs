//! `--write-baseline` and `--baseline` through the real binary: adopting kubelint on a
//! repository that already has findings.

mod common;

use std::path::Path;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27.2\n    securityContext: {privileged: true}\n";

fn kubelint(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = assert_cmd::Command::cargo_bin("kubelint").unwrap();
    cmd.current_dir(dir)
        .args([
            "check",
            ".",
            "--no-config",
            "--only",
            "privileged-container",
            "--only",
            "latest-tag",
        ])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_baseline_hides_recorded_findings_and_reports_new_and_fixed_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), POD).unwrap();
    // Recording exits 0 although the run has an error.
    let out = kubelint(dir.path(), &["--write-baseline", ".kubelint-baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("recorded 1 finding in .kubelint-baseline.json"));
    let text = std::fs::read_to_string(dir.path().join(".kubelint-baseline.json")).unwrap();
    assert!(text.contains("\"rule\": \"privileged-container\""), "{text}");
    assert!(text.contains("\"object\": \"/Pod shop/web\""), "{text}");

    // Lines move (a comment on top) and nothing else changes: nothing to report, exit 0.
    std::fs::write(dir.path().join("pod.yaml"), format!("# owned by team web\n\n{POD}")).unwrap();
    let out = kubelint(
        dir.path(),
        &["--baseline", ".kubelint-baseline.json", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    let report = common::json(&out);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["summary"]["baseline"]["baselined"], 1);

    // A new finding is reported and fails the run; the recorded one stays hidden.
    std::fs::write(
        dir.path().join("pod.yaml"),
        format!("{POD}  - {{name: side, image: redis:latest}}\n"),
    )
    .unwrap();
    let out = kubelint(
        dir.path(),
        &[
            "--baseline",
            ".kubelint-baseline.json",
            "--format",
            "json",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report = common::json(&out);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["latest-tag"]);

    // The recorded finding fixed: counted as fixed.
    std::fs::write(
        dir.path().join("pod.yaml"),
        POD.replace("privileged: true", "privileged: false"),
    )
    .unwrap();
    let out = kubelint(dir.path(), &["--baseline", ".kubelint-baseline.json"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 finding of the baseline fixed"), "{stdout}");
}

#[test]
fn a_missing_or_malformed_baseline_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), POD).unwrap();
    let out = kubelint(dir.path(), &["--baseline", "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--baseline nope.json"));
    std::fs::write(dir.path().join("bad.json"), "{\"findings\": []}").unwrap();
    let out = kubelint(dir.path(), &["--baseline", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a kubelint baseline"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
