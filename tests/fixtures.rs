//! Every manifest under `fixtures/` has the findings it must produce written beside it,
//! in `<file>.expected`: one line per finding, `line:column rule severity object path`
//! (`object` is `Kind/namespace/name`, `-` for none; suppressed findings are prefixed
//! with `suppressed`). The test runs the real binary on each file alone and compares.
//! `KUBELINT_BLESS=1 cargo test --test fixtures` rewrites the files; review the diff.

mod common;

use std::fmt::Write;
use std::path::Path;

use serde_json::Value;

fn line(f: &Value, suppressed: bool) -> String {
    let o = &f["object"];
    let object = if o.is_null() {
        "-".to_string()
    } else {
        format!(
            "{}/{}/{}",
            o["kind"].as_str().unwrap(),
            o["namespace"].as_str().unwrap_or("-"),
            o["name"].as_str().unwrap_or("-")
        )
    };
    let path = f["path"].as_str().unwrap();
    format!(
        "{}{}:{} {} {} {} {}",
        if suppressed { "suppressed " } else { "" },
        f["start"]["line"],
        f["start"]["column"],
        f["rule"].as_str().unwrap(),
        f["severity"].as_str().unwrap(),
        object,
        if path.is_empty() { "-" } else { path },
    )
}

fn actual(file: &Path) -> String {
    let rel = file.strip_prefix(common::root()).unwrap().to_str().unwrap().to_string();
    let out = common::check(&[&rel, "--format", "json", "--show-suppressed", "--fail-on", "never"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{rel}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = common::json(&out);
    let mut s = String::from("# line:column rule severity object path (see tests/fixtures.rs)\n");
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["file"].as_str().unwrap(), rel);
        writeln!(s, "{}", line(f, false)).unwrap();
    }
    for f in report["suppressed"].as_array().unwrap() {
        writeln!(s, "{}", line(f, true)).unwrap();
    }
    s
}

#[test]
fn every_fixture_produces_exactly_its_expected_findings() {
    let dir = common::root().join("fixtures");
    let files = common::files_with(&dir, &["yaml", "yml", "json"]);
    assert!(files.len() >= 30, "fixtures are missing: {}", files.len());
    let mut failures = Vec::new();
    for file in files {
        let expected_path = file.with_file_name(format!("{}.expected", file.file_name().unwrap().to_str().unwrap()));
        let got = actual(&file);
        if common::blessing() {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!("{}:\n--- expected\n{want}--- actual\n{got}", file.display())),
            Err(_) => failures.push(format!(
                "{}: no {} (bless with KUBELINT_BLESS=1)",
                file.display(),
                expected_path.display()
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
