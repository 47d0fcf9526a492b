//! `--format json`: a versioned document, described in the README.
//!
//! ```json
//! {"version": 1, "tool": {...}, "findings": [...], "summary": {...}}
//! ```

use std::io::{self, Write};

use serde_json::{Value, json};

use super::options::{RenderOptions, relative_path};
use crate::vocab::Finding;
use crate::vocab::Report;

/// The version of the JSON shape; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

pub fn finding_json(f: &Finding, options: &RenderOptions) -> Value {
    let mut v = json!({
        "rule": &*f.rule,
        "severity": f.severity,
        "message": f.message,
        "object": f.object,
        "file": relative_path(&f.file.path, &options.base_dir),
        "document": f.document,
        "path": f.path,
        "start": f.start,
        "end": f.end,
        "help": f.help,
        "helpUrl": f.help_url,
    });
    if let Some(reason) = &f.suppression {
        v["suppression"] = json!(reason);
    }
    v
}

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let s = &report.summary;
    let mut doc = json!({
        "version": JSON_FORMAT_VERSION,
        "tool": {"name": "kubelint", "version": env!("CARGO_PKG_VERSION")},
        "findings": report.findings.iter().map(|f| finding_json(f, options)).collect::<Vec<_>>(),
        "summary": {
            "files": s.files,
            "documents": s.documents,
            "objects": s.objects,
            "findings": {"error": s.errors, "warning": s.warnings, "info": s.infos},
            "suppressed": s.suppressed,
            "withoutSchema": s.without_schema,
            "dropped": s.dropped,
        },
    });
    if s.baselined > 0 || s.baseline_fixed > 0 {
        doc["summary"]["baseline"] = json!({"baselined": s.baselined, "fixed": s.baseline_fixed});
    }
    if !report.dropped.is_empty() {
        // What the limits per rule left out, and the limits.
        doc["dropped"] = report
            .dropped
            .iter()
            .map(|d| {
                let mut v = json!(d);
                v["message"] = json!(d.message(&report.limits));
                v
            })
            .collect();
        doc["limits"] = json!(report.limits);
    }
    if options.timing {
        doc["summary"]["elapsedMs"] = json!(s.elapsed.as_millis() as u64);
    }
    if options.show_suppressed {
        doc["suppressed"] = report.suppressed.iter().map(|f| finding_json(f, options)).collect();
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
