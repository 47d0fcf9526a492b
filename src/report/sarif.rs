//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! Every rule is described in `tool.driver.rules` (short and full description, help in
//! text and Markdown, help URI, default level, `security-severity` for security rules);
//! every result points at its exact region (1-based lines and columns, counted in
//! Unicode code points) in a file relative to `%SRCROOT%`, and carries a
//! `partialFingerprints` entry that survives the finding moving to another line.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::options::{RenderOptions, relative_path};
use crate::vocab::{Finding, Severity};
use crate::vocab::{Report, RuleState};

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
    let mut properties = json!({"tags": tags, "precision": "very-high"});
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

/// FNV-1a, stable across platforms and releases (never change it: fingerprints would
/// change and every alert would reopen).
fn fingerprint(f: &Finding, file: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    let object = f.object.as_ref().map(|o| o.to_string()).unwrap_or_default();
    for part in [&*f.rule, file, &object, &f.path, &f.message] {
        for b in part.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

fn result(f: &Finding, rule_index: Option<usize>, options: &RenderOptions) -> Value {
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
        "partialFingerprints": {"kubelintFingerprint/v1": fingerprint(f, &file)},
        "properties": {"jsonPath": f.path, "object": f.object},
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(reason) = &f.suppression {
        r["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
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

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let rules = &report.rules;
    let index: HashMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.info.id, i)).collect();
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, index.get(&*f.rule).copied(), options))
        .collect();
    if options.show_suppressed {
        results.extend(
            report
                .suppressed
                .iter()
                .map(|f| result(f, index.get(&*f.rule).copied(), options)),
        );
    }
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
            "results": results,
        }],
    });
    if !report.dropped.is_empty() {
        // What the limits per rule left out: one notification per rule, and the counts.
        let notifications: Vec<Value> = report
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
        let run = &mut doc["runs"][0];
        run["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }]);
        run["properties"] = json!({
            "findingsNotReported": report.summary.dropped,
            "limits": report.limits,
        });
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(camel_name("latest-tag"), "LatestTag");
        assert_eq!(uri_path("a b/c#d.yaml"), "a%20b/c%23d.yaml");
    }
}
