//! Stage 5: rendering a [`Report`] for people and tools. One file per format; each is
//! a function from the report to bytes, tested by exact-output snapshots.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::linter::{Linter, Report};

/// Output formats (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets, for a terminal.
    Human,
    /// The versioned JSON document described in the README.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

/// How to render.
#[derive(Clone, Debug)]
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

/// Writes `report` in `format`.
pub fn render(
    report: &Report,
    linter: &Linter,
    format: Format,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, options, out),
        Format::Json => json::render(report, options, out),
        Format::Sarif => sarif::render(report, linter, options, out),
        Format::Github => github::render(report, options, out),
    }
}

/// Renders to a string with default options and no timing (for tests and libraries).
pub fn render_to_string(report: &Report, linter: &Linter, format: Format) -> String {
    let options = RenderOptions {
        timing: false,
        ..RenderOptions::default()
    };
    let mut buf = Vec::new();
    render(report, linter, format, &options, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("reports are UTF-8")
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
