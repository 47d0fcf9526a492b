//! Rendering a [`Report`] for people and tools: [`render`] writes one in a [`Format`],
//! [`render_to_string`] returns it.
//!
//! ```
//! use kubelint::report::{Format, RenderOptions, render};
//! use kubelint::{Config, Linter};
//!
//! let linter = Linter::new(Config::default()).unwrap();
//! let report = linter.lint_str("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n");
//! let mut out = Vec::new();
//! render(&report, Format::Sarif, &RenderOptions::default().with_timing(false), &mut out).unwrap();
//! let sarif: serde_json::Value = serde_json::from_slice(&out).unwrap();
//! assert_eq!(sarif["version"], "2.1.0");
//! ```

pub(crate) mod compact;
pub(crate) mod github;
#[cfg(feature = "human")]
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
mod options;
pub(crate) mod sarif;
#[cfg(test)]
mod testing;

pub use options::RenderOptions;
#[cfg(feature = "cli")]
pub(crate) use options::summary_line;

use std::io::{self, Write};

use crate::vocab::Report;

/// Output formats (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Format {
    /// Diagnostics with source snippets, for a terminal (feature `human`).
    #[cfg(feature = "human")]
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
    /// JUnit XML for GitLab and Jenkins test reports: a test suite per rule, a test case
    /// per object it reported on (failing on errors and warnings), one passing case per
    /// rule that found nothing.
    Junit,
}

/// Writes `report` in `format`.
pub fn render(report: &Report, format: Format, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    match format {
        #[cfg(feature = "human")]
        Format::Human => human::render(report, options, out),
        Format::Json => json::render(report, options, out),
        Format::Sarif => sarif::render(report, options, out),
        Format::Github => github::render(report, options, out),
        Format::Compact => compact::render(report, options, out),
        Format::Junit => junit::render(report, options, out),
    }
}

/// Renders to a string with default options and no timing (for tests and libraries):
/// the same text for the same report, wherever it runs.
pub fn render_to_string(report: &Report, format: Format) -> String {
    let options = RenderOptions {
        timing: false,
        ..RenderOptions::default()
    };
    let mut buf = Vec::new();
    render(report, format, &options, &mut buf).expect("writing to memory cannot fail");
    String::from_utf8(buf).expect("reports are UTF-8")
}
