//! Baselines: adopting kubelint on a repository that already has findings.
//!
//! A baseline records the findings of one run by a fingerprint that survives unrelated
//! edits: the rule, the object's identity (group, kind, namespace, name) and the JSON path
//! of the finding in it, not its line, column or message. For a finding outside any object
//! (a syntax error, an unreadable file) the fingerprint is the rule, the file and the
//! message (there is nothing more stable to go by). A later run against the baseline
//! reports only findings that are not in it (a fingerprint counts as many times as it was
//! recorded: a third identical finding where two were recorded is new) and counts the
//! recorded ones that are gone.
//!
//! The file is JSON, sorted, one entry per fingerprint, so it diffs well in review:
//!
//! ```json
//! {"version": 1, "findings": [{"fingerprint": "…", "rule": "latest-tag",
//!   "object": "apps/Deployment shop/web", "path": "/spec/template/spec/containers/0/image",
//!   "count": 1}]}
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::vocab::{Report, Severity, fingerprint};

/// The version of the baseline file format.
pub const VERSION: u64 = 1;

/// Recorded findings by fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<String, Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    rule: String,
    /// `group/Kind namespace/name`, or the file for findings outside objects.
    subject: String,
    path: String,
    count: u64,
}

/// What applying a baseline did to a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Applied {
    /// Findings left out because the baseline records them.
    pub baselined: usize,
    /// Recorded findings that no longer appear.
    pub fixed: u64,
}

impl Baseline {
    /// The baseline of a report's findings (suppressed ones are not recorded: their
    /// annotation already says why).
    pub fn of(report: &Report) -> Baseline {
        let mut b = Baseline::default();
        for f in &report.findings {
            let (fp, subject) = fingerprint(f);
            b.entries
                .entry(fp)
                .or_insert_with(|| Entry {
                    rule: f.rule.to_string(),
                    subject,
                    path: f.path.clone(),
                    count: 0,
                })
                .count += 1;
        }
        b
    }

    /// Findings recorded (counting repeats).
    pub fn recorded(&self) -> u64 {
        self.entries.values().map(|e| e.count).sum()
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        let findings: Vec<Value> = self
            .entries
            .iter()
            .map(|(fp, e)| {
                json!({"fingerprint": fp, "rule": e.rule, "object": e.subject, "path": e.path, "count": e.count})
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&json!({"version": VERSION, "findings": findings}))
            .expect("a JSON value serialises");
        s.push('\n');
        s
    }

    /// Reads a baseline file's text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Baseline, String> {
        let bad = |what: &str| format!("{}: not a kubelint baseline: {what}", path.display());
        let v: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
        match v.get("version").and_then(Value::as_u64) {
            Some(VERSION) => {}
            Some(n) => return Err(bad(&format!("version {n}, this kubelint reads version {VERSION}"))),
            None => return Err(bad("no `version`")),
        }
        let list = v
            .get("findings")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no `findings` list"))?;
        let mut b = Baseline::default();
        for (i, item) in list.iter().enumerate() {
            let field = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
            let (Some(fp), Some(rule)) = (field("fingerprint"), field("rule")) else {
                return Err(bad(&format!("entry {i} has no `fingerprint` or `rule`")));
            };
            let count = item.get("count").and_then(Value::as_u64).unwrap_or(1).max(1);
            b.entries.insert(
                fp,
                Entry {
                    rule,
                    subject: field("object").unwrap_or_default(),
                    path: field("path").unwrap_or_default(),
                    count,
                },
            );
        }
        Ok(b)
    }

    /// Removes the recorded findings from `report` (up to the recorded count per
    /// fingerprint, the first in report order), updates its summary counts, and says how
    /// many were left out and how many recorded ones are gone.
    pub fn apply(&self, report: &mut Report) -> Applied {
        let mut left: BTreeMap<&str, u64> = self.entries.iter().map(|(k, e)| (k.as_str(), e.count)).collect();
        let before = report.findings.len();
        report.findings.retain(|f| {
            let (fp, _) = fingerprint(f);
            match left.get_mut(fp.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        let baselined = before - report.findings.len();
        let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
        let s = &mut report.summary;
        s.errors = count(Severity::Error);
        s.warnings = count(Severity::Warning);
        s.infos = count(Severity::Info);
        let fixed = left.values().sum();
        s.baselined = baselined;
        s.baseline_fixed = fixed;
        Applied { baselined, fixed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Linter, RunOptions};

    const ONE: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n  - {name: web, image: nginx:latest}\n";

    fn lint(text: &str) -> Report {
        let options = RunOptions::default().only(["latest-tag", "privileged-container"]);
        Linter::with_options(Config::default(), options)
            .unwrap()
            .lint_str("pod.yaml", text)
    }

    #[test]
    fn recorded_findings_survive_line_shifts_and_new_ones_are_reported() {
        let baseline = Baseline::of(&lint(ONE));
        assert_eq!(baseline.recorded(), 1);
        // Comments above shift every line; a new privileged container is a new finding.
        let later = format!(
            "# moved down\n# by two lines\n{}  - {{name: tool, image: busybox:1.36, securityContext: {{privileged: true}}}}\n",
            ONE
        );
        let mut report = lint(&later);
        assert_eq!(report.findings.len(), 2);
        let applied = baseline.apply(&mut report);
        assert_eq!(applied, Applied { baselined: 1, fixed: 0 });
        assert_eq!(report.findings.len(), 1);
        assert_eq!(&*report.findings[0].rule, "privileged-container");
        assert_eq!((report.summary.errors, report.summary.warnings), (1, 0));
        assert_eq!(report.summary.baselined, 1);
    }

    #[test]
    fn fixed_findings_are_counted_and_repeats_count() {
        let two = format!("{ONE}  - {{name: side, image: redis:latest}}\n");
        let baseline = Baseline::of(&lint(&two));
        assert_eq!(baseline.recorded(), 2);
        let mut report = lint(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers:\n  - {name: web, image: nginx:1.27.2}\n",
        );
        assert_eq!(baseline.apply(&mut report), Applied { baselined: 0, fixed: 2 });
        assert_eq!(report.summary.baseline_fixed, 2);
    }

    #[test]
    fn the_file_round_trips_and_bad_files_are_errors() {
        let baseline = Baseline::of(&lint(ONE));
        let text = baseline.to_json();
        assert!(text.contains("\"rule\": \"latest-tag\""), "{text}");
        assert!(text.contains("\"object\": \"/Pod shop/web\""), "{text}");
        assert_eq!(Baseline::parse(Path::new("b.json"), &text).unwrap(), baseline);
        let err = Baseline::parse(Path::new("b.json"), "{\"version\": 9, \"findings\": []}").unwrap_err();
        assert!(err.contains("version 9"), "{err}");
        assert!(Baseline::parse(Path::new("b.json"), "[]").is_err());
    }
}
