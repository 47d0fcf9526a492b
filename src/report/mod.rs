//! Stage 5: rendering a [`Report`] for people and tools. One file per format; each is
//! a function from the report to bytes, tested by exact-output snapshots.

pub mod compact;
pub mod github;
pub mod human;
pub mod json;
mod options;
pub mod sarif;

pub use options::{RenderOptions, dropped_messages, relative_path, summary_line};

use std::io::{self, Write};

use crate::vocab::Report;

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
    /// One line per finding (`file:line:column: severity[rule] message`), then counts per
    /// rule and per file.
    Compact,
}

/// Writes `report` in `format`.
pub fn render(report: &Report, format: Format, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, options, out),
        Format::Json => json::render(report, options, out),
        Format::Sarif => sarif::render(report, options, out),
        Format::Github => github::render(report, options, out),
        Format::Compact => compact::render(report, options, out),
    }
}

/// Renders to a string with default options and no timing (for tests and libraries).
pub fn render_to_string(report: &Report, format: Format) -> String {
    let options = RenderOptions {
        timing: false,
        ..RenderOptions::default()
    };
    let mut buf = Vec::new();
    render(report, format, &options, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("reports are UTF-8")
}
