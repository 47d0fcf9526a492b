//! `--format github`: workflow commands that GitHub Actions shows as annotations.

use std::io::{self, Write};

use super::options::{RenderOptions, relative_path};
use crate::vocab::Report;
use crate::vocab::{Finding, Severity};

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(f: &Finding, options: &RenderOptions) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut message = f.message.clone();
    if let Some(o) = &f.object {
        message = format!("{message} ({o})");
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&relative_path(&f.file.path, &options.base_dir)),
        f.start.line,
        f.start.column,
        f.end.line,
        f.end.column,
        escape_property(&format!("kubelint {}", f.rule)),
        escape_data(&format!("{message}\n{}\n{}", f.help, f.help_url())),
    )
}

/// Annotations of one level that GitHub shows per step; the rest are dropped silently.
pub const SHOWN_PER_LEVEL: usize = 10;

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    // Said first, so that it is among the annotations GitHub shows.
    let levels = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "notice"),
    ];
    let mut counts = [0usize; 3];
    for f in &report.findings {
        counts[levels.iter().position(|(s, _)| *s == f.severity).unwrap_or(2)] += 1;
    }
    let hidden: Vec<String> = levels
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > SHOWN_PER_LEVEL)
        .map(|((_, name), n)| format!("{} of {n} {name}s", n - SHOWN_PER_LEVEL))
        .collect();
    if !hidden.is_empty() {
        writeln!(
            out,
            "::warning title={}::{}",
            escape_property("kubelint: annotations not shown"),
            escape_data(&format!(
                "GitHub shows {SHOWN_PER_LEVEL} annotations of each level per step: {} are not shown here; the job summary, the SARIF report (code scanning) and `--format json` have every finding",
                hidden.join(", ")
            ))
        )?;
    }
    for f in &report.findings {
        writeln!(out, "{}", command(f, options))?;
    }
    for message in super::options::dropped_messages(report) {
        writeln!(
            out,
            "::warning title={}::{}",
            escape_property("kubelint: findings not reported"),
            escape_data(&message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50%\na"), "50%25%0Aa");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
