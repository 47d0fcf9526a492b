//! `docs/rules/<id>.md` is generated from each rule's declaration (the help URL of every
//! finding points there); this test fails when a page is stale, missing or orphaned.
//! `KUBELINT_BLESS=1 cargo test --test docs` regenerates them.

mod common;

use std::collections::BTreeMap;

use kubelint::{Config, Linter};

fn pages() -> BTreeMap<String, String> {
    let linter = Linter::new(Config::default()).unwrap();
    let mut pages: BTreeMap<String, String> = linter
        .rules()
        .iter()
        .map(|r| (format!("{}.md", r.id), r.markdown()))
        .collect();
    let mut index = String::from(
        "# Rules\n\nGenerated from the rule declarations (`KUBELINT_BLESS=1 cargo test --test docs`).\n\n| rule | family | severity | on by default | what it finds |\n|---|---|---|---|---|\n",
    );
    for r in linter.rules() {
        index.push_str(&format!(
            "| [`{id}`]({id}.md) | {} | {} | {} | {} |\n",
            r.family,
            r.severity,
            if r.enabled { "yes" } else { "no" },
            r.title,
            id = r.id
        ));
    }
    pages.insert("README.md".into(), index);
    pages
}

#[test]
fn rule_docs_are_current() {
    let dir = common::root().join("docs/rules");
    let want = pages();
    if common::blessing() {
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(&dir).unwrap() {
            std::fs::remove_file(e.unwrap().path()).unwrap();
        }
        for (name, text) in &want {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut problems = Vec::new();
    for (name, text) in &want {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(have) if &have == text => {}
            Ok(_) => problems.push(format!("docs/rules/{name} is stale")),
            Err(_) => problems.push(format!("docs/rules/{name} is missing")),
        }
    }
    for e in std::fs::read_dir(&dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if !want.contains_key(&name) {
            problems.push(format!("docs/rules/{name} documents no rule"));
        }
    }
    assert!(
        problems.is_empty(),
        "{problems:#?}\nregenerate with KUBELINT_BLESS=1 cargo test --test docs"
    );
}

/// A linter with rule `id` enabled under its example configuration.
fn linter_for(id: &str, example_config: &str) -> Linter {
    let extra: String = example_config.lines().map(|l| format!("    {l}\n")).collect();
    let text = format!("rules:\n  {id}:\n    enabled: true\n{extra}");
    Linter::new(Config::parse(std::path::Path::new("example.yaml"), &text).unwrap()).unwrap()
}

#[test]
fn every_rule_has_complete_documentation() {
    let all = Linter::new(Config::default()).unwrap();
    let mut problems = Vec::new();
    for r in all.rules() {
        let linter = linter_for(r.id, r.example_config);
        assert!(r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{}", r.id);
        for (what, text) in [
            ("title", r.title),
            ("rationale", r.rationale),
            ("remediation", r.remediation),
        ] {
            assert!(text.len() > 10, "{}: {what} is too short", r.id);
        }
        // Built-in rules say why they have their default (shipped scripts are examples).
        if r.family != kubelint::rules::Family::Script {
            assert!(r.default_reason.len() > 20, "{}: default_reason is missing", r.id);
            let (on, word) = (r.enabled, r.default_reason.split(':').next().unwrap_or(""));
            let expected = if on {
                r.severity.to_string()
            } else {
                "Off by default".to_string()
            };
            assert!(
                word.eq_ignore_ascii_case(&expected),
                "{}: default_reason starts with `{word}`, not `{expected}`",
                r.id
            );
        }
        if r.family != kubelint::rules::Family::Input && r.id != "rule-error" {
            assert!(
                !r.example_bad.is_empty() && !r.example_good.is_empty(),
                "{}: examples",
                r.id
            );
        }
        // The bad example is reported by its rule, the good one is not.
        if !r.example_bad.is_empty() {
            let bad = linter.lint_str("bad.yaml", r.example_bad);
            assert!(
                bad.findings.iter().any(|f| &*f.rule == r.id),
                "{}: bad example not reported",
                r.id
            );
        }
        if !r.example_good.is_empty() {
            let good = linter.lint_str("good.yaml", r.example_good);
            assert!(
                !good.findings.iter().any(|f| &*f.rule == r.id),
                "{}: good example reported",
                r.id
            );
            let errors: Vec<String> = good
                .findings
                .iter()
                .filter(|f| f.severity == kubelint::Severity::Error)
                .map(|f| format!("{}: {}", f.rule, f.message))
                .collect();
            if !errors.is_empty() {
                problems.push(format!("{}: the fixed example has errors {errors:?}", r.id));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
