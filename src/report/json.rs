//! `--format json`: a versioned document, described in the README.
//!
//! ```json
//! {"version": 1, "tool": {...}, "findings": [...], "summary": {...}}
//! ```
//!
//! Written as it is serialised, finding by finding: no value tree of the whole report is
//! built, so memory does not grow with the report beyond the findings themselves.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::{Value, json};

use super::options::{RenderOptions, relative_path};
use crate::vocab::{Finding, Report};

/// The version of the JSON shape; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// One finding as the JSON report writes it (its file relative to the base folder).
struct FindingJson<'a> {
    finding: &'a Finding,
    options: &'a RenderOptions,
}

impl Serialize for FindingJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let file = relative_path(&self.finding.file.path, &self.options.base_dir);
        self.finding.serialize_with_file(file, serializer)
    }
}

/// A list of findings, serialised one by one; or, in [`render`]'s outline of the
/// document, a placeholder string where [`write_findings`] writes them.
struct FindingsJson<'a> {
    findings: &'a [Finding],
    options: &'a RenderOptions,
    placeholder: Option<&'static str>,
}

impl Serialize for FindingsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(placeholder) = self.placeholder {
            return serializer.serialize_str(placeholder);
        }
        let mut seq = serializer.serialize_seq(Some(self.findings.len()))?;
        for finding in self.findings {
            seq.serialize_element(&FindingJson {
                finding,
                options: self.options,
            })?;
        }
        seq.end()
    }
}

/// Placeholders of the findings and the suppressed findings in the document's outline
/// (control characters: no path, message or key of a report holds them).
const FINDINGS_PLACEHOLDER: &str = "\u{1}kubelint:findings\u{1}";
const SUPPRESSED_PLACEHOLDER: &str = "\u{1}kubelint:suppressed\u{1}";

/// Findings rendered at a time (in parallel), so that the report's memory stays bounded.
const BATCH: usize = 8192;

/// Writes `findings` exactly as `serde_json::to_writer_pretty` writes the array as the
/// value of a top-level key, rendering each batch on every core: every finding is
/// pretty-printed alone, then indented two levels (a pretty JSON text holds no line break
/// but those between tokens).
fn write_findings(findings: &[Finding], options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    use rayon::prelude::*;
    if findings.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (b, batch) in findings.chunks(BATCH).enumerate() {
        let parts: Vec<io::Result<Vec<u8>>> = batch
            .par_chunks(256)
            .enumerate()
            .map(|(c, chunk)| {
                let mut part = Vec::with_capacity(chunk.len() * 1024);
                let mut alone = Vec::with_capacity(2048);
                for (i, finding) in chunk.iter().enumerate() {
                    let first = b == 0 && c == 0 && i == 0;
                    part.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    alone.clear();
                    serde_json::to_writer_pretty(&mut alone, &FindingJson { finding, options })?;
                    let mut from = 0;
                    for at in memchr::memchr_iter(b'\n', &alone) {
                        part.extend_from_slice(&alone[from..=at]);
                        part.extend_from_slice(b"    ");
                        from = at + 1;
                    }
                    part.extend_from_slice(&alone[from..]);
                }
                Ok(part)
            })
            .collect();
        for part in parts {
            out.write_all(&part?)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// A finding as a JSON value, as the JSON report writes it.
#[cfg(feature = "cli")]
pub fn finding_json(f: &Finding, options: &RenderOptions) -> Value {
    serde_json::to_value(FindingJson { finding: f, options }).unwrap_or(Value::Null)
}

/// The whole document, in the order it is written.
struct ReportJson<'a> {
    report: &'a Report,
    options: &'a RenderOptions,
    /// Placeholders instead of the findings (see [`render`]).
    outline: bool,
}

impl Serialize for ReportJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (report, options) = (self.report, self.options);
        let s = &report.summary;
        let mut summary = json!({
            "files": s.files,
            "documents": s.documents,
            "objects": s.objects,
            "findings": {"error": s.errors, "warning": s.warnings, "info": s.infos},
            "suppressed": s.suppressed,
            "withoutSchema": s.without_schema,
            "dropped": s.dropped,
        });
        if s.baselined > 0 || s.baseline_fixed > 0 {
            summary["baseline"] = json!({"baselined": s.baselined, "fixed": s.baseline_fixed});
        }
        if options.timing {
            summary["elapsedMs"] = json!(s.elapsed.as_millis() as u64);
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &JSON_FORMAT_VERSION)?;
        map.serialize_entry(
            "tool",
            &json!({"name": "kubelint", "version": env!("CARGO_PKG_VERSION")}),
        )?;
        map.serialize_entry(
            "findings",
            &FindingsJson {
                findings: &report.findings,
                options,
                placeholder: self.outline.then_some(FINDINGS_PLACEHOLDER),
            },
        )?;
        map.serialize_entry("summary", &summary)?;
        if !report.dropped.is_empty() {
            // What the limits per rule left out, and the limits.
            let dropped: Vec<Value> = report
                .dropped
                .iter()
                .map(|d| {
                    let mut v = json!(d);
                    v["message"] = json!(d.message(&report.limits));
                    v
                })
                .collect();
            map.serialize_entry("dropped", &dropped)?;
            map.serialize_entry("limits", &report.limits)?;
        }
        if options.show_suppressed {
            map.serialize_entry(
                "suppressed",
                &FindingsJson {
                    findings: &report.suppressed,
                    options,
                    placeholder: self.outline.then_some(SUPPRESSED_PLACEHOLDER),
                },
            )?;
        }
        map.end()
    }
}

/// Writes the report: its outline (everything but the findings, small) is serialised
/// with placeholders, and the findings are written where the placeholders stand, byte for
/// byte as one `to_writer_pretty` of the whole document would write them.
pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let outline = serde_json::to_string_pretty(&ReportJson {
        report,
        options,
        outline: true,
    })?;
    let mut rest = outline.as_str();
    for (placeholder, findings) in [
        (FINDINGS_PLACEHOLDER, &report.findings),
        (SUPPRESSED_PLACEHOLDER, &report.suppressed),
    ] {
        let quoted = serde_json::to_string(placeholder)?;
        if let Some(at) = rest.find(&quoted) {
            out.write_all(&rest.as_bytes()[..at])?;
            write_findings(findings, options, &mut out)?;
            rest = &rest[at + quoted.len()..];
        }
    }
    out.write_all(rest.as_bytes())?;
    writeln!(out)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::report::testing;
    use crate::vocab::{Family, RuleInfo, Severity, SourceFile};

    static RULE: RuleInfo = RuleInfo {
        id: "synthetic",
        family: Family::Hygiene,
        title: "t",
        rationale: "r",
        remediation: "fix \"it\"\nnow",
        ..RuleInfo::BASE
    };

    fn findings(n: usize, file: &Arc<SourceFile>) -> Vec<Finding> {
        testing::findings(
            &RULE,
            file,
            n,
            |_| Severity::Warning,
            |i| format!("finding {i}: \"quoted\"\n\tand é"),
        )
    }

    /// The whole document as one `to_writer_pretty` writes it.
    fn in_one_piece(report: &Report, options: &RenderOptions) -> String {
        let mut text = serde_json::to_string_pretty(&ReportJson {
            report,
            options,
            outline: false,
        })
        .unwrap();
        text.push('\n');
        text
    }

    #[test]
    fn findings_written_in_parallel_batches_are_the_document_written_in_one_piece() {
        let file = Arc::new(SourceFile::new("/repo/many.yaml", "x: 1\n".repeat(4)));
        let options = RenderOptions::default().with_base_dir("/repo").with_timing(false);
        for (n, suppressed, show) in [
            (0, 0, false),
            (1, 0, false),
            (3, 2, true),
            (0, 2, true),
            (BATCH * 2 + 300, 5, true),
        ] {
            let report = Report {
                findings: findings(n, &file),
                suppressed: findings(suppressed, &file),
                ..Report::default()
            };
            let options = RenderOptions {
                show_suppressed: show,
                ..options.clone()
            };
            let mut out = Vec::new();
            render(&report, &options, &mut out).unwrap();
            let out = String::from_utf8(out).unwrap();
            assert!(
                out == in_one_piece(&report, &options),
                "{n} findings, {suppressed} suppressed differ"
            );
            let value: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(value["findings"].as_array().unwrap().len(), n);
        }
    }
}
