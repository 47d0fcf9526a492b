//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! Every rule is described in `tool.driver.rules` (short and full description, help in
//! text and Markdown, help URI, default level, `security-severity` for security rules, and
//! a `precision` saying how far its findings can be trusted, see [`precision`]); every
//! result points at its exact region (1-based lines and columns, counted in Unicode code
//! points) in a file relative to `%SRCROOT%`, and carries a `partialFingerprints` entry
//! made of the rule, the object's identity and the JSON path (the baseline's fingerprint),
//! so it survives the finding moving to another line and its message being reworded.
//!
//! GitHub code scanning takes at most [`MAX_RESULTS`] results per run and rejects a
//! file with more. Past that, the results kept are the most severe (errors, then warnings,
//! then notes, each in report order) and a tool execution notification says how many of
//! each level were left out.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::{Value, json};

use super::options::{RenderOptions, relative_path};
use crate::vocab::{Family, Finding, Report, RuleInfo, RuleState, Severity, fingerprint};

/// The most results GitHub code scanning accepts in one run.
pub const MAX_RESULTS: usize = 25_000;

/// Rules whose findings state a fact of the object as written, as certain as a schema
/// check: its own fields contradict each other or cannot be read.
const VERY_HIGH: &[&str] = &[
    "requests-exceed-limits",
    "invalid-quantity",
    "duplicate-env-var",
    "probe-port-mismatch",
    "hpa-min-equals-max",
    "deprecated-service-account-field",
];

/// Rules of otherwise per-object families that infer from other objects in the input
/// (a role, an HPA, the namespace a tool applies to), which may be elsewhere.
const MEDIUM: &[&str] = &[
    "binding-role-missing",
    "binding-secrets-cluster-wide",
    "replicas-too-low",
    "default-namespace",
];

/// Mesh rules that read one object only (the rest of the family infers coverage).
const MESH_PER_OBJECT: &[&str] = &[
    "destination-rule-tls-disabled",
    "mtls-permissive",
    "authorization-allows-all",
];

/// Rules that guess from names rather than read a meaning.
const LOW: &[&str] = &["secret-in-env"];

/// SARIF's `precision` of a rule's findings (`very-high`, `high`, `medium`, `low`), or
/// none for scripted rules, whose accuracy kubelint cannot vouch for:
///
/// - **very-high**: the input itself (syntax, encoding: the parser's facts), the schema
///   family (the API server's own schemas and deprecation table: it would reject or warn
///   the same way), and [`VERY_HIGH`] rules whose findings are contradictions within one
///   object;
/// - **high**: checks of one object's own fields (security contexts, probes, resources,
///   images, RBAC verbs, hygiene): the value is read, not guessed, but something outside
///   the manifest may still change it at admission (a LimitRange default, a mutating
///   webhook, a namespace's Pod Security level);
/// - **medium**: inference across objects (references, network coverage, mesh coverage,
///   [`MEDIUM`]): an absence in the input is not an absence in the cluster when the input is
///   one team's slice, which the accuracy review found to be the main source of false
///   findings;
/// - **low**: [`LOW`] heuristics on names (an env var *called* like a secret).
pub fn precision(info: &RuleInfo) -> Option<&'static str> {
    let id = info.id;
    Some(if LOW.contains(&id) {
        "low"
    } else if VERY_HIGH.contains(&id) {
        "very-high"
    } else if MEDIUM.contains(&id) {
        "medium"
    } else {
        match info.family {
            Family::Input | Family::Schema => "very-high",
            Family::References | Family::Network => "medium",
            Family::Mesh if !MESH_PER_OBJECT.contains(&id) => "medium",
            Family::Script => return None,
            _ => "high",
        }
    })
}

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(state: &RuleState) -> Value {
    let (info, severity) = (state.info, state.severity);
    let mut tags = vec![info.family.as_str().to_string()];
    if info.security_severity.is_some() && info.family.as_str() != "security" {
        tags.push("security".into());
    }
    let mut properties = json!({"tags": tags});
    if let Some(p) = precision(info) {
        properties["precision"] = json!(p);
    }
    if let Some(sev) = info.security_severity {
        properties["security-severity"] = json!(sev);
    }
    json!({
        "id": info.id,
        "name": camel_name(info.id),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.rationale},
        "help": {
            "text": format!("{}\n\n{}", info.rationale, info.remediation),
            "markdown": info.markdown(),
        },
        "helpUri": info.help_url(),
        "defaultConfiguration": {"level": level(severity)},
        "properties": properties,
    })
}

/// `latest-tag` → `LatestTag` (SARIF's `name` is an identifier-like label).
fn camel_name(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Percent-encodes a relative path for a URI reference.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The key of the fingerprint in `partialFingerprints` (v2: the baseline's fingerprint, with
/// neither message nor file for findings on objects; v1 hashed both).
pub const FINGERPRINT_KEY: &str = "kubelintFingerprint/v2";

fn result(f: &Finding, rule_index: Option<usize>, fingerprint: String, options: &RenderOptions) -> Value {
    let file = relative_path(&f.file.path, &options.base_dir);
    let mut region = json!({
        "startLine": f.start.line,
        "startColumn": f.start.column,
        "endLine": f.end.line,
        "endColumn": f.end.column,
    });
    if f.end == f.start {
        // An empty span: mark the one character at the position.
        region["endColumn"] = json!(f.start.column + 1);
    }
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri_path(&file), "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
    });
    if let Some(o) = &f.object {
        location["logicalLocations"] = json!([{
            "fullyQualifiedName": format!("{}{}", o, if f.path.is_empty() { String::new() } else { format!(":{}", f.path) }),
            "kind": "object",
        }]);
    }
    let mut r = json!({
        "ruleId": &*f.rule,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"jsonPath": f.path, "object": f.object},
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(reason) = &f.suppression {
        r["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
    }
    if let Some(fix) = &f.fix {
        // SARIF §3.55: one artifactChange (the finding's file), a replacement per edit; an
        // empty deletedRegion (endColumn = startColumn) is an insertion point.
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                let (start, end) = (f.file.position(e.span.start), f.file.position(e.span.end));
                json!({
                    "deletedRegion": {
                        "startLine": start.line,
                        "startColumn": start.column,
                        "endLine": end.line,
                        "endColumn": end.column,
                    },
                    "insertedContent": {"text": e.text},
                })
            })
            .collect();
        r["fixes"] = json!([{
            "description": {"text": fix.description},
            "artifactChanges": [{
                "artifactLocation": {"uri": uri_path(&file), "uriBaseId": "%SRCROOT%"},
                "replacements": replacements,
            }],
        }]);
        r["properties"]["fixApplicability"] = json!(fix.applicability);
    }
    r
}

fn base_uri(options: &RenderOptions) -> String {
    let mut s = options.base_dir.to_string_lossy().replace('\\', "/");
    if !s.ends_with('/') {
        s.push('/');
    }
    if !s.starts_with('/') {
        s.insert(0, '/');
    }
    format!("file://{}", uri_path(&s))
}

/// Each finding's fingerprint, with `:N` when it is the N-th (from 0) finding of the run
/// with that fingerprint (as GitHub numbers repeated line hashes), so two findings of one
/// rule at one place of one object stay two alerts.
fn fingerprints<'a>(findings: impl Iterator<Item = &'a Finding>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    findings
        .map(|f| {
            let fp = fingerprint(f).0;
            let n = seen.entry(fp.clone()).or_default();
            let out = if *n == 0 { fp } else { format!("{fp}:{n}") };
            *n += 1;
            out
        })
        .collect()
}

fn rank(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let rules = &report.rules;
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.info.id, i)).collect();
    let mut all: Vec<&Finding> = report.findings.iter().collect();
    if options.show_suppressed {
        all.extend(report.suppressed.iter());
    }
    // Fingerprints over every finding (before any cut), so they do not depend on the cut.
    let prints = fingerprints(all.iter().copied());
    let mut keep: Vec<usize> = (0..all.len()).collect();
    let mut left_out = [0usize; 3];
    if keep.len() > MAX_RESULTS {
        // The most severe first, in report order within a level (a stable sort), then back
        // in report order.
        keep.sort_by_key(|&i| rank(all[i].severity));
        for &i in &keep[MAX_RESULTS..] {
            left_out[rank(all[i].severity)] += 1;
        }
        keep.truncate(MAX_RESULTS);
        keep.sort_unstable();
    }
    let results = Results {
        keep: &keep,
        all: &all,
        index: &index,
        prints: &prints,
        options,
    };
    // The results are written as they are made (see `Spliced`): `results` here stays empty.
    let mut doc = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kubelint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/kubelint/kubelint",
                "rules": rules.iter().map(rule_descriptor).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": base_uri(options)}},
            "columnKind": "unicodeCodePoints",
            "results": [],
        }],
    });
    // What the limits per rule left out: one notification per rule, and the counts.
    let mut notifications: Vec<Value> = report
        .dropped
        .iter()
        .map(|d| {
            let mut rule = json!({"id": d.rule});
            if let Some(i) = index.get(d.rule.as_str()) {
                rule["index"] = json!(i);
            }
            json!({
                "level": "warning",
                "message": {"text": d.message(&report.limits)},
                "descriptor": {"id": "findings-not-reported"},
                "associatedRule": rule,
                "properties": {"perObject": d.per_object, "perRun": d.per_run},
            })
        })
        .collect();
    let cut: usize = left_out.iter().sum();
    if cut > 0 {
        let levels = ["error", "warning", "note"];
        let counts: Vec<String> = levels
            .iter()
            .zip(left_out)
            .filter(|(_, n)| *n > 0)
            .map(|(l, n)| format!("{n} {l}"))
            .collect();
        notifications.push(json!({
            "level": "warning",
            "message": {"text": format!(
                "{cut} of {} results are not in this file ({}): GitHub code scanning accepts at most {MAX_RESULTS} \
                 results per run, so the most severe were kept; every finding is in the other formats (`--format json`)",
                all.len(),
                counts.join(", ")
            )},
            "descriptor": {"id": "results-truncated"},
            "properties": {"resultsLeftOut": {"error": left_out[0], "warning": left_out[1], "note": left_out[2]}},
        }));
    }
    let run = &mut doc["runs"][0];
    if !notifications.is_empty() {
        run["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]);
    }
    if !report.dropped.is_empty() {
        run["properties"] = json!({
            "findingsNotReported": report.summary.dropped,
            "limits": report.limits,
        });
    }
    if cut > 0 {
        run["properties"]["resultsTruncated"] = json!(cut);
    }
    let spliced = Spliced {
        value: &doc,
        path: &["runs", "0", "results"],
        results: &results,
    };
    serde_json::to_writer_pretty(&mut *out, &spliced)?;
    writeln!(out)
}

/// The results of the run, each made as it is written: a report of many findings never
/// holds all their SARIF values at once.
struct Results<'a> {
    keep: &'a [usize],
    all: &'a [&'a Finding],
    index: &'a HashMap<&'a str, usize>,
    prints: &'a [String],
    options: &'a RenderOptions,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.keep.len()))?;
        for &i in self.keep {
            let f = self.all[i];
            let r = result(
                f,
                self.index.get(&*f.rule).copied(),
                self.prints[i].clone(),
                self.options,
            );
            seq.serialize_element(&r)?;
        }
        seq.end()
    }
}

/// `value` written as `serde_json` writes it (maps in their own key order), except that
/// the (empty) value at `path` (object keys and array indices) is replaced by `results`.
struct Spliced<'a> {
    value: &'a Value,
    path: &'a [&'a str],
    results: &'a Results<'a>,
}

impl Spliced<'_> {
    /// `child`, which sits under `step` of this value: spliced further if the path goes on
    /// through it.
    fn child<'c>(&'c self, step: &str, child: &'c Value) -> Spliced<'c> {
        let path = match self.path.split_first() {
            Some((first, rest)) if *first == step => rest,
            _ => &[],
        };
        Spliced {
            value: child,
            path,
            results: self.results,
        }
    }
}

impl Serialize for Spliced<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value {
            _ if self.path.is_empty() => self.value.serialize(serializer),
            Value::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    if self.path == [key.as_str()] {
                        map.serialize_entry(key, self.results)?;
                    } else {
                        map.serialize_entry(key, &self.child(key, value))?;
                    }
                }
                map.end()
            }
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for (i, item) in items.iter().enumerate() {
                    seq.serialize_element(&self.child(&i.to_string(), item))?;
                }
                seq.end()
            }
            _ => self.value.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;

    use crate::report::testing;
    use crate::vocab::SourceFile;

    static SYNTHETIC: RuleInfo = RuleInfo {
        id: "synthetic",
        family: Family::Hygiene,
        title: "t",
        rationale: "r",
        remediation: "fix it",
        ..RuleInfo::BASE
    };

    /// `n` findings of one rule, one per object, the `i`-th at severity `severity(i)`.
    fn synthetic(n: usize, severity: impl Fn(usize) -> Severity) -> Report {
        let file = Arc::new(SourceFile::new("/repo/many.yaml", "x: 1\n".repeat(4)));
        let findings = testing::findings(&SYNTHETIC, &file, n, severity, |i| format!("finding {i}"));
        Report {
            findings,
            rules: Arc::from(vec![RuleState {
                info: &SYNTHETIC,
                severity: Severity::Warning,
                enabled: true,
            }]),
            ..Report::default()
        }
    }

    fn sarif(report: &Report) -> Value {
        let mut out = Vec::new();
        let options = RenderOptions::default().with_base_dir("/repo").with_timing(false);
        render(report, &options, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    fn validator() -> jsonschema::Validator {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
        let text = std::fs::read_to_string(path).unwrap();
        // See tests/reports.rs: a stray `]` in the official schema's `run.language` pattern.
        let text = text.replace(r#"{2}-[a-zA-Z]{2}]?$"#, r#"{2}-[a-zA-Z]{2}\\]?$"#);
        let schema: Value = serde_json::from_str(&text).unwrap();
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    }

    #[test]
    fn past_github_limit_the_most_severe_results_are_kept_and_the_cut_is_said() {
        // Every 10th finding an error, every 10th from 1 a note, the rest warnings.
        let level = |i: usize| match i % 10 {
            0 => Severity::Error,
            1 => Severity::Info,
            _ => Severity::Warning,
        };
        let n = MAX_RESULTS + 5_000;
        let report = synthetic(n, level);
        let doc = sarif(&report);
        let run = &doc["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), MAX_RESULTS);
        // 3,000 errors, 24,000 warnings, 3,000 notes: every error, 22,000 warnings, no note.
        let count = |l: &str| results.iter().filter(|r| r["level"] == l).count();
        assert_eq!((count("error"), count("warning"), count("note")), (3_000, 22_000, 0));
        // Still in report order.
        let names: Vec<usize> = results
            .iter()
            .map(|r| r["message"]["text"].as_str().unwrap()[8..].parse().unwrap())
            .collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]));
        let notes = run["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0]["descriptor"]["id"], "results-truncated");
        let text = notes[0]["message"]["text"].as_str().unwrap();
        assert!(
            text.starts_with("5000 of 30000 results are not in this file (2000 warning, 3000 note)"),
            "{text}"
        );
        assert_eq!(
            notes[0]["properties"]["resultsLeftOut"],
            json!({"error": 0, "warning": 2000, "note": 3000})
        );
        assert_eq!(run["properties"]["resultsTruncated"], 5000);
        let errors: Vec<String> = validator().iter_errors(&doc).take(5).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        // At the limit, nothing is cut and nothing is said.
        let doc = sarif(&synthetic(MAX_RESULTS, level));
        assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), MAX_RESULTS);
        assert!(doc["runs"][0]["invocations"].is_null());
    }

    #[test]
    fn fingerprints_ignore_the_message_and_number_repeats() {
        let mut report = synthetic(3, |_| Severity::Warning);
        let first = sarif(&report)["runs"][0]["results"].clone();
        report.findings[0].message = "reworded".into();
        report.findings[0].start.line += 7;
        let second = sarif(&report)["runs"][0]["results"].clone();
        assert_eq!(first[0]["partialFingerprints"], second[0]["partialFingerprints"]);
        assert_ne!(first[0]["partialFingerprints"], first[1]["partialFingerprints"]);
        // The baseline's fingerprint, and a repeat of it numbered.
        let fp = crate::vocab::fingerprint(&report.findings[1]).0;
        assert_eq!(second[1]["partialFingerprints"][FINGERPRINT_KEY], fp.as_str());
        report.findings[2] = report.findings[1].clone();
        let third = sarif(&report)["runs"][0]["results"].clone();
        assert_eq!(
            third[2]["partialFingerprints"][FINGERPRINT_KEY],
            format!("{fp}:1").as_str()
        );
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(camel_name("latest-tag"), "LatestTag");
        assert_eq!(uri_path("a b/c#d.yaml"), "a%20b/c%23d.yaml");
    }
}
