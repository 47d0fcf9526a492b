//! Every manifest under `fixtures/` has the findings it must produce written beside it,
//! in `<file>.expected`. `KUBELINT_BLESS=1 cargo test --test fixtures` rewrites the
//! files; review the diff.
//!
//! **Rule fixtures**: one folder per rule, `fixtures/rules/<rule-id>/`, holding one or more
//! manifests (`<rule-id>.yaml`, …), each with its `.expected`, and optionally
//! `<rule-id>.kubelint.yaml`, the config they run under. They run in-process through the
//! library: a [`Linter`] with `RunOptions { only: vec![<rule-id>], .. }` (input rules always
//! run). Objects named `fire-*` must be reported by the rule and every other object must not
//! (`ok-*` ones are the cases that must not fire; others support the cross-object cases);
//! each folder has both. Every finding is written as two lines:
//!
//! ```text
//! <file>:<line>:<column> <rule> <severity> <Kind/namespace/name> <JSON path>
//!     <message>
//! ```
//!
//! (`-` for an empty part; suppressed findings are prefixed with `suppressed`; in the
//! message, `\` and line breaks are escaped as `\\` and `\n`). Every finding's help must be
//! its rule's declared remediation. Every built-in object rule has a folder, and every folder
//! names a rule.
//!
//! **Fixes**: in the folder of a rule that declares a fix (`RuleInfo::fixable`), every
//! manifest has `<file>.fixed` beside it: the text after `kubelint check --fix
//! --unsafe-fixes --only <rule-id>` (the library's [`Linter::fix`]). The run must refuse no
//! file (its verification re-parses the fixed text: the trees are the old ones plus exactly
//! the fixes' changes, the fixed findings are gone, none is new), must leave no finding of
//! the rule that has a fix, and must fix something in each folder.
//!
//! **Other fixtures** (`fixtures/input`, `fixtures/schema`, `fixtures/seeds`, …) test the
//! command line as a whole: the real binary runs on each file alone (`--no-config`) and its
//! JSON report is compared, one line per finding: `line:column rule severity object path`.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kubelint::cli::rule_tests::{HEADER, expectation, finding_expectation};
use kubelint::load::{SourceFile, load_file};
use kubelint::{Config, Finding, FixOptions, Input, Linter, Report, RunOptions};
use serde_json::Value;

/// The first line of a rule fixture's `.expected`.
const RULE_HEADER: &str =
    "# file:line:column rule severity object path, then the message indented (see tests/fixtures.rs)";

fn rules_dir() -> PathBuf {
    common::root().join("fixtures/rules")
}

fn relative(path: &Path) -> String {
    path.strip_prefix(common::root()).unwrap().to_str().unwrap().to_string()
}

/// Compares `got` with `<file>.expected` (or writes it when blessing).
fn compare(file: &Path, got: &str, failures: &mut Vec<String>) {
    let expected_path = file.with_file_name(format!("{}.expected", file.file_name().unwrap().to_str().unwrap()));
    if common::blessing() {
        std::fs::write(&expected_path, got).unwrap();
        return;
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

/// Names of the objects in `file`.
fn object_names(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let loaded = load_file(Arc::new(SourceFile::new(file, text)));
    loaded
        .documents
        .iter()
        .filter_map(|d| {
            d.root
                .pointer("/metadata/name")
                .and_then(|n| n.as_str())
                .map(str::to_string)
        })
        .collect()
}

/// `fire-*` objects get the rule, all others do not.
fn check_naming(file: &Path, rule: &str, report: &Report) -> Vec<String> {
    let hit: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| &*f.rule == rule)
        .filter_map(|f| f.object.as_ref()?.name.as_deref())
        .collect();
    let mut problems = Vec::new();
    let (mut fire, mut ok) = (0, 0);
    for name in &object_names(file) {
        if name.starts_with("fire-") {
            fire += 1;
            if !hit.contains(&name.as_str()) {
                problems.push(format!("{}: `{name}` must be reported by {rule}", file.display()));
            }
        } else {
            ok += usize::from(name.starts_with("ok-"));
            if hit.contains(&name.as_str()) {
                problems.push(format!("{}: `{name}` must not be reported by {rule}", file.display()));
            }
        }
    }
    if fire == 0 || ok == 0 {
        problems.push(format!(
            "{}: needs objects that must fire and objects that must not ({fire} and {ok})",
            file.display()
        ));
    }
    problems
}

/// A rule fixture's findings in the `.expected` form.
fn rule_expectations(file: &Path, report: &Report) -> String {
    let name = file.file_name().unwrap().to_str().unwrap();
    let mut s = format!("{RULE_HEADER}\n");
    let all = report
        .findings
        .iter()
        .map(|f| (f, false))
        .chain(report.suppressed.iter().map(|f| (f, true)));
    for (f, suppressed) in all {
        assert_eq!(f.file.path, Path::new(&relative(file)), "{}", f.message);
        let message = f.message.replace('\\', "\\\\").replace('\n', "\\n");
        writeln!(
            s,
            "{}{name}:{}\n    {message}",
            if suppressed { "suppressed " } else { "" },
            finding_expectation(f, false)
        )
        .unwrap();
    }
    s
}

/// Every finding's help is its rule's declared remediation, and not empty.
fn check_help(file: &Path, report: &Report) -> Vec<String> {
    let remediation: BTreeMap<&str, &str> = report.rules.iter().map(|r| (r.info.id, r.info.remediation)).collect();
    let check = |f: &Finding| {
        let want = remediation.get(&*f.rule).copied().unwrap_or_default();
        (want.is_empty() || f.help != want).then(|| {
            format!(
                "{}: the help of a `{}` finding is {:?}, not the rule's remediation {want:?}",
                file.display(),
                f.rule,
                f.help
            )
        })
    };
    report
        .findings
        .iter()
        .chain(&report.suppressed)
        .filter_map(check)
        .collect()
}

/// Runs one rule's fixture folder in-process.
fn run_rule_folder(dir: &Path, rule: &str, failures: &mut Vec<String>) {
    let config_path = dir.join(format!("{rule}.kubelint.yaml"));
    let config = if config_path.is_file() {
        Config::load(&config_path).unwrap_or_else(|e| panic!("{}: {e}", config_path.display()))
    } else {
        Config::default()
    };
    let options = RunOptions::default().only([rule]);
    let linter = Linter::with_options(config, options).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
                && !name.ends_with(".kubelint.yaml")
        })
        .collect();
    manifests.sort();
    if manifests.is_empty() {
        failures.push(format!("{}: no manifest", dir.display()));
    }
    for file in manifests {
        let report = linter.lint_paths(&[relative(&file)]);
        assert!(report.dropped.is_empty(), "{}: findings were dropped", file.display());
        failures.extend(check_naming(&file, rule, &report));
        failures.extend(check_help(&file, &report));
        compare(&file, &rule_expectations(&file, &report), failures);
    }
}

/// Fixes one fixable rule's fixture folder and compares each manifest's fixed text with its
/// `.fixed`; how many findings were fixed.
fn fix_rule_folder(dir: &Path, rule: &str, failures: &mut Vec<String>) -> usize {
    let options = RunOptions::default().only([rule]);
    let mut linter = Linter::with_options(Config::default(), options).unwrap();
    let mut fixed_here = 0;
    for file in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        if !(name.ends_with(".yaml") || name.ends_with(".json")) || name.ends_with(".kubelint.yaml") {
            continue;
        }
        let inputs = [Input::Path(PathBuf::from(relative(&file)))];
        let outcome = linter.fix(&inputs, None, FixOptions { unsafe_fixes: true }).unwrap();
        for (path, reason) in &outcome.refused {
            failures.push(format!("{}: fix refused: {reason}", path.display()));
        }
        for f in outcome
            .report
            .findings
            .iter()
            .filter(|f| &*f.rule == rule && f.fix.is_some())
        {
            failures.push(format!(
                "{}:{}: a `{rule}` finding with a fix is left: {}",
                file.display(),
                f.start.line,
                f.message
            ));
        }
        fixed_here += outcome.fixed_safe() + outcome.fixed_unsafe();
        let text = outcome
            .files
            .first()
            .map(|f| f.fixed.clone())
            .unwrap_or_else(|| std::fs::read_to_string(&file).unwrap());
        let fixed_path = file.with_file_name(format!("{name}.fixed"));
        if common::blessing() {
            std::fs::write(&fixed_path, &text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&fixed_path) {
            Ok(want) if want == text => {}
            Ok(want) => failures.push(format!(
                "{}:\n--- expected\n{want}--- actual\n{text}",
                fixed_path.display()
            )),
            Err(_) => failures.push(format!(
                "{}: missing (bless with KUBELINT_BLESS=1)",
                fixed_path.display()
            )),
        }
    }
    if fixed_here == 0 {
        failures.push(format!("{}: no finding of `{rule}` was fixed", dir.display()));
    }
    fixed_here
}

#[test]
fn every_fixable_rule_fixture_is_fixed_as_expected() {
    let linter = Linter::new(Config::default()).unwrap();
    let fixable: Vec<&str> = linter
        .rules()
        .iter()
        .filter(|r| r.fixable.is_some())
        .map(|r| r.id)
        .collect();
    assert!(fixable.len() >= 8, "fixable rules: {fixable:?}");
    let mut failures = Vec::new();
    for rule in &fixable {
        let dir = rules_dir().join(rule);
        if !dir.is_dir() {
            failures.push(format!("fixable rule `{rule}` has no fixtures/rules/{rule}/"));
            continue;
        }
        fix_rule_folder(&dir, rule, &mut failures);
    }
    // A `.fixed` file without its manifest, or in the folder of a rule without a fix, is stale.
    for rule in rule_folders() {
        for p in std::fs::read_dir(rules_dir().join(&rule))
            .unwrap()
            .map(|e| e.unwrap().path())
        {
            let name = p.file_name().unwrap().to_str().unwrap();
            if let Some(manifest) = name.strip_suffix(".fixed")
                && (!fixable.contains(&rule.as_str()) || !p.with_file_name(manifest).is_file())
            {
                failures.push(format!("{}: stale", p.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs the binary on one file alone and parses its JSON report.
fn run_binary(file: &Path) -> Value {
    let rel = relative(file);
    let args = [
        "check",
        &rel,
        "--format",
        "json",
        "--show-suppressed",
        "--fail-on",
        "never",
        "--no-config",
    ];
    let out = common::kubelint().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{rel}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::json(&out)
}

fn binary_expectations(file: &Path, report: &Value) -> String {
    let rel = relative(file);
    let mut s = format!("{HEADER}\n");
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["file"].as_str().unwrap(), rel);
        writeln!(s, "{}", expectation(f, false)).unwrap();
    }
    for f in report["suppressed"].as_array().unwrap() {
        writeln!(s, "{}", expectation(f, true)).unwrap();
    }
    s
}

/// The rule ids of the folders under `fixtures/rules/`, sorted.
fn rule_folders() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(rules_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            assert!(p.is_dir(), "{}: fixtures/rules/ holds one folder per rule", p.display());
            p.file_name().unwrap().to_str().unwrap().to_string()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_rule_fixture_produces_exactly_its_expected_findings() {
    let linter = Linter::new(Config::default()).unwrap();
    let known: Vec<&str> = linter.rules().iter().map(|r| r.id).collect();
    let folders = rule_folders();
    assert!(folders.len() >= 80, "rule fixtures are missing: {}", folders.len());
    let mut failures = Vec::new();
    for rule in &folders {
        if !known.contains(&rule.as_str()) {
            failures.push(format!("fixtures/rules/{rule}/ names no rule"));
            continue;
        }
        run_rule_folder(&rules_dir().join(rule), rule, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_other_fixture_produces_exactly_its_expected_findings() {
    let dir = common::root().join("fixtures");
    let files: Vec<PathBuf> = common::files_with(&dir, &["yaml", "yml", "json"])
        .into_iter()
        .filter(|f| !f.starts_with(rules_dir()))
        .collect();
    assert!(files.len() >= 30, "fixtures are missing: {}", files.len());
    let mut failures = Vec::new();
    for file in files {
        // `fixtures/repos/` are whole repositories, checked as one run by tests/repos.rs.
        if file.to_str().unwrap().ends_with(".kubelint.yaml") || file.starts_with(common::root().join("fixtures/repos"))
        {
            continue;
        }
        let report = run_binary(&file);
        compare(&file, &binary_expectations(&file, &report), &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_object_rule_has_a_fixture_folder() {
    let folders = rule_folders();
    let missing: Vec<&str> = kubelint::rules::builtin_rules()
        .iter()
        .map(|r| r.info().id)
        .filter(|id| !folders.iter().any(|f| f == id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fixtures/rules/<id>/ folder: {missing:?}"
    );
}
