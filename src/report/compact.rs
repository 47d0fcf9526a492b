//! The compact format: one line per finding, as compilers and ruff print them, then a
//! summary grouped by rule and by file, and the summary line. Readable for hundreds of
//! findings, and easy to `grep`:
//!
//! ```text
//! deploy/web.yaml:17:18: warning[latest-tag] container `web` uses image `nginx:latest` … (Deployment shop/web)
//! ```

use std::collections::HashMap;
use std::io::{self, Write};

use super::options::{RenderOptions, dropped_messages, relative_path, summary_line};
use crate::vocab::{Finding, Report, Severity};

/// Rules and files listed in the grouped summary at most (the rest are counted).
const GROUPS_SHOWN: usize = 10;

/// Findings below which the grouped summary is left out (the lines say it all).
const GROUPS_FROM: usize = 10;

pub(super) fn line(f: &Finding, options: &RenderOptions, suppressed: bool) -> String {
    let object = f.object.as_ref().map(|o| format!(" ({o})")).unwrap_or_default();
    let mark = if suppressed { " (suppressed)" } else { "" };
    format!(
        "{}:{}:{}: {}[{}] {}{object}{mark}",
        relative_path(&f.file.path, &options.base_dir),
        f.start.line,
        f.start.column,
        f.severity,
        f.rule,
        f.message.replace(['\n', '\r'], " "),
    )
}

/// The most frequent keys first (ties by key), at most [`GROUPS_SHOWN`], and what is left.
fn grouped<'a>(keys: impl Iterator<Item = (&'a str, Severity)>) -> (Vec<(&'a str, Severity, usize)>, usize) {
    let mut counts: HashMap<&str, (Severity, usize)> = HashMap::new();
    for (k, s) in keys {
        let e = counts.entry(k).or_insert((s, 0));
        e.0 = e.0.max(s);
        e.1 += 1;
    }
    let mut list: Vec<(&str, Severity, usize)> = counts.into_iter().map(|(k, (s, n))| (k, s, n)).collect();
    list.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0)));
    let rest = list.iter().skip(GROUPS_SHOWN).map(|g| g.2).sum();
    list.truncate(GROUPS_SHOWN);
    (list, rest)
}

/// The grouped summary: findings per rule and per file, most first.
pub fn groups(report: &Report, options: &RenderOptions) -> String {
    let mut s = String::new();
    if report.findings.len() < GROUPS_FROM {
        return s;
    }
    let (rules, rest) = grouped(report.findings.iter().map(|f| (&*f.rule, f.severity)));
    s.push_str("Findings by rule:\n");
    for (rule, severity, n) in rules {
        s.push_str(&format!("{n:>7}  {:<7}  {rule}\n", severity.as_str()));
    }
    if rest > 0 {
        s.push_str(&format!("{rest:>7}  in other rules\n"));
    }
    let paths: Vec<String> = report
        .findings
        .iter()
        .map(|f| relative_path(&f.file.path, &options.base_dir))
        .collect();
    let (files, rest) = grouped(
        paths
            .iter()
            .map(String::as_str)
            .zip(report.findings.iter().map(|f| f.severity)),
    );
    s.push_str("Files with the most findings:\n");
    for (file, _, n) in files {
        s.push_str(&format!("{n:>7}  {file}\n"));
    }
    if rest > 0 {
        s.push_str(&format!("{rest:>7}  in other files\n"));
    }
    s
}

/// Writes `report` one line per finding, then the grouped summary and the summary line.
pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for f in &report.findings {
        writeln!(out, "{}", line(f, options, false))?;
    }
    if options.show_suppressed {
        for f in &report.suppressed {
            writeln!(out, "{}", line(f, options, true))?;
        }
    }
    for message in dropped_messages(report) {
        writeln!(out, "note: {message}")?;
    }
    let groups = groups(report, options);
    if !groups.is_empty() {
        writeln!(out)?;
        write!(out, "{groups}")?;
    }
    writeln!(out, "{}", summary_line(report, options.timing))
}
