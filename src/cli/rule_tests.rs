//! `kubelint test-rules DIR`: runs each rule against its fixtures. A fixture is
//! `DIR/<rule-id>.yaml`; the findings it must produce are in `DIR/<rule-id>.yaml.expected`,
//! one per line (`line:column rule severity Kind/namespace/name path`, `-` for an empty part,
//! lines starting with `#` ignored, suppressed findings prefixed with `suppressed`);
//! `DIR/<rule-id>.kubelint.yaml`, when present, is the config. Each fixture runs with only its
//! rule (and the input rules), with the scripts of `DIR` loaded. (Built-in rules' fixtures,
//! `fixtures/rules/<rule-id>/`, run in `tests/fixtures.rs`, which also asserts messages.)

use std::path::{Path, PathBuf};

use crate::engine::config::Config;
use crate::engine::{Linter, RunOptions};
use crate::vocab::Finding;

/// The first line of every `.expected` file.
pub const HEADER: &str = "# line:column rule severity object path (see tests/fixtures.rs)";

/// One finding, in its JSON report form (`--format json`), as an expectation line. The
/// fixture tests read the binary's JSON output and this harness reads `Finding`s; both go
/// through this one function, so their expectations cannot drift apart.
pub fn expectation(f: &serde_json::Value, suppressed: bool) -> String {
    let o = &f["object"];
    let object = if o.is_null() {
        "-".to_string()
    } else {
        let part = |k: &str| o[k].as_str().unwrap_or("-").to_string();
        format!("{}/{}/{}", part("kind"), part("namespace"), part("name"))
    };
    let path = f["path"].as_str().unwrap_or_default();
    format!(
        "{}{}:{} {} {} {} {}",
        if suppressed { "suppressed " } else { "" },
        f["start"]["line"],
        f["start"]["column"],
        f["rule"].as_str().unwrap_or_default(),
        f["severity"].as_str().unwrap_or_default(),
        object,
        if path.is_empty() { "-" } else { path },
    )
}

/// A finding as an expectation line.
pub fn finding_expectation(f: &Finding, suppressed: bool) -> String {
    expectation(
        &crate::report::json::finding_json(f, &crate::report::RenderOptions::default()),
        suppressed,
    )
}

/// The outcome of one fixture.
#[derive(Debug)]
pub struct Outcome {
    pub fixture: PathBuf,
    pub rule: String,
    /// Expected but not reported.
    pub missing: Vec<String>,
    /// Reported but not expected.
    pub unexpected: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty()
    }
}

/// Runs every fixture of `dir`; with `bless`, rewrites the expectations instead.
pub fn run(dir: &Path, bless: bool) -> Result<Vec<Outcome>, String> {
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".yaml") && !name.ends_with(".kubelint.yaml")
        })
        .collect();
    fixtures.sort();
    let mut out = Vec::new();
    for fixture in fixtures {
        let rule = fixture
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let config_path = dir.join(format!("{rule}.kubelint.yaml"));
        let config = if config_path.is_file() {
            Config::load(&config_path).map_err(|e| e.to_string())?
        } else {
            Config::default()
        };
        let options = RunOptions {
            only: vec![rule.clone()],
            rule_dirs: vec![dir.to_path_buf()],
            ..RunOptions::default()
        };
        let linter = Linter::with_options(config, options).map_err(|e| format!("{}: {e}", fixture.display()))?;
        let report = linter.lint_paths(&[&fixture]);
        let got: Vec<String> = report
            .findings
            .iter()
            .map(|f| finding_expectation(f, false))
            .chain(report.suppressed.iter().map(|f| finding_expectation(f, true)))
            .collect();
        let expected_path = PathBuf::from(format!("{}.expected", fixture.display()));
        if bless {
            let mut text = format!("{HEADER}\n");
            for l in &got {
                text.push_str(l);
                text.push('\n');
            }
            std::fs::write(&expected_path, text).map_err(|e| format!("{}: {e}", expected_path.display()))?;
        }
        let want: Vec<String> = std::fs::read_to_string(&expected_path)
            .map_err(|e| format!("{}: {e} (write it with --bless)", expected_path.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        // Compare as multisets: the same line twice means two findings.
        let mut unexpected = got.clone();
        let mut missing = Vec::new();
        for w in want {
            match unexpected.iter().position(|g| *g == w) {
                Some(i) => {
                    unexpected.remove(i);
                }
                None => missing.push(w),
            }
        }
        out.push(Outcome {
            missing,
            unexpected,
            fixture,
            rule,
        });
    }
    Ok(out)
}

/// `kubelint rules new ID`: a script and a fixture pair to start from.
pub fn scaffold(dir: &Path, id: &str) -> Result<Vec<PathBuf>, String> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!("rule id `{id}` must be lower-case letters, digits and '-'"));
    }
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let script = dir.join(format!("{id}.rhai"));
    let fixture = dir.join(format!("{id}.yaml"));
    for p in [&script, &fixture] {
        if p.exists() {
            return Err(format!("{} already exists", p.display()));
        }
    }
    std::fs::write(&script, SCRIPT_TEMPLATE.replace("RULE_ID", id)).map_err(|e| e.to_string())?;
    std::fs::write(&fixture, FIXTURE_TEMPLATE).map_err(|e| e.to_string())?;
    run(dir, true)?;
    Ok(vec![
        script,
        fixture.clone(),
        PathBuf::from(format!("{}.expected", fixture.display())),
    ])
}

const SCRIPT_TEMPLATE: &str = r#"// RULE_ID: describe what the rule checks. See docs/writing-rules.md.

fn meta() {
    #{
        id: "RULE_ID",
        severity: "warning",
        kinds: ["Deployment"],
        title: "A Deployment has no `example.com/owner` annotation",
        description: "Why it matters: who to call when it breaks.",
        remediation: "Add the annotation `example.com/owner: <team>`.",
        params: #{ annotation: "example.com/owner" },
    }
}

fn check(object, ctx) {
    let key = ctx.params.annotation;
    if !(key in ctx.annotations) {
        ctx.report("/metadata/name", `missing the annotation "${key}"`);
    }
}
"#;

const FIXTURE_TEMPLATE: &str = "# Objects named fire-* must be reported, ok-* must not.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: fire-no-owner
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27.2
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ok-owner
  annotations:
    example.com/owner: shop-team
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27.2
";
