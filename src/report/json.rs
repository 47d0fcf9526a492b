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

/// A list of findings, serialised one by one.
struct FindingsJson<'a> {
    findings: &'a [Finding],
    options: &'a RenderOptions,
}

impl Serialize for FindingsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
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

/// A finding as a JSON value, as the JSON report writes it.
#[cfg(feature = "cli")]
pub fn finding_json(f: &Finding, options: &RenderOptions) -> Value {
    serde_json::to_value(FindingJson { finding: f, options }).unwrap_or(Value::Null)
}

/// The whole document, in the order it is written.
struct ReportJson<'a> {
    report: &'a Report,
    options: &'a RenderOptions,
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
                },
            )?;
        }
        map.end()
    }
}

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &ReportJson { report, options })?;
    writeln!(out)?;
    out.flush()
}
