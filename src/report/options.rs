//! What every format shares: how to render, and how paths and left-out findings read.

use std::path::{Path, PathBuf};

use crate::vocab::Report;

/// How to render. Build it from [`RenderOptions::default`] and the `with_*` setters
/// (fields may be added).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RenderOptions {
    /// Colours and hyperlinks (human format only).
    pub color: bool,
    /// Include suppressed findings.
    pub show_suppressed: bool,
    /// Paths in SARIF are made relative to this folder (`%SRCROOT%`).
    pub base_dir: PathBuf,
    /// Print the elapsed time (off for reproducible output).
    pub timing: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            show_suppressed: false,
            base_dir: std::env::current_dir().unwrap_or_default(),
            timing: true,
        }
    }
}

impl RenderOptions {
    /// Colours and hyperlinks in the human format.
    pub fn with_color(mut self, color: bool) -> Self {
        self.color = color;
        self
    }

    /// Include suppressed findings.
    pub fn with_suppressed(mut self, show: bool) -> Self {
        self.show_suppressed = show;
        self
    }

    /// The folder paths are made relative to (SARIF's `%SRCROOT%`, JSON's `file`).
    pub fn with_base_dir(mut self, base_dir: impl Into<PathBuf>) -> Self {
        self.base_dir = base_dir.into();
        self
    }

    /// Print the elapsed time (off for reproducible output).
    pub fn with_timing(mut self, timing: bool) -> Self {
        self.timing = timing;
        self
    }
}

/// One sentence per rule whose findings went beyond a limit of the run (none when no rule
/// did): every format says what it left out.
pub fn dropped_messages(report: &Report) -> Vec<String> {
    report.dropped.iter().map(|d| d.message(&report.limits)).collect()
}

/// A path as reports print it: relative to `base` when it is inside it, with `/`.
pub fn relative_path(path: &Path, base: &Path) -> String {
    let rel = if path.is_absolute() {
        path.strip_prefix(base).unwrap_or(path)
    } else {
        path
    };
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// The summary line that ends human and compact output (and goes to stderr when the
/// report is written to a file).
pub fn summary_line(report: &Report, timing: bool) -> String {
    let s = &report.summary;
    let mut line = format!(
        "kubelint: {}, {}, {}: {}, {}, {}",
        plural(s.files, "file", "files"),
        plural(s.documents, "document", "documents"),
        plural(s.objects, "object", "objects"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "info", "info"),
    );
    if s.suppressed > 0 {
        line.push_str(&format!(", {} suppressed", s.suppressed));
    }
    if s.without_schema > 0 {
        line.push_str(&format!(
            ", {} without a schema",
            plural(s.without_schema, "object", "objects")
        ));
    }
    if s.dropped > 0 {
        line.push_str(&format!(", {} more not reported (limits per rule)", s.dropped));
    }
    if s.baselined > 0 {
        line.push_str(&format!(", {} in the baseline", s.baselined));
    }
    if s.baseline_fixed > 0 {
        line.push_str(&format!(
            ", {} of the baseline fixed",
            plural(s.baseline_fixed as usize, "finding", "findings")
        ));
    }
    let fixable = |a: crate::vocab::Applicability| {
        report
            .findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability == a))
            .count()
    };
    let (safe, unsafe_) = (
        fixable(crate::vocab::Applicability::Safe),
        fixable(crate::vocab::Applicability::Unsafe),
    );
    match (safe, unsafe_) {
        (0, 0) => {}
        (0, u) => line.push_str(&format!(", {u} fixable with --fix --unsafe-fixes")),
        (n, 0) => line.push_str(&format!(", {n} fixable with --fix")),
        (n, u) => line.push_str(&format!(", {n} fixable with --fix ({u} more with --unsafe-fixes)")),
    }
    if timing {
        line.push_str(&format!(" in {:.2}s", s.elapsed.as_secs_f64()));
    }
    line
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
