//! `--format human`: miette diagnostics with the source snippet under each finding,
//! then one summary line.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};

use super::RenderOptions;
use crate::finding::{Finding, Severity};
use crate::linter::Report;
use crate::source::SourceFile;

/// A file's text as miette reads it, named by its path.
struct FileSource(Arc<SourceFile>);

impl SourceCode for FileSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .0
            .text
            .as_str()
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.0.display_path(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: FileSource,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.finding.suppression.is_some() {
            f.write_str("(suppressed) ")?;
        }
        f.write_str(&self.finding.message)?;
        if self.finding.file.text.is_empty() {
            // No snippet to show: say where.
            write!(f, " [{}]", self.finding.file.display_path())?;
        }
        Ok(())
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&*self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match &self.finding.suppression {
            Some(reason) => Some(Box::new(format!("suppressed: {reason}"))),
            None => Some(Box::new(&self.finding.help)),
        }
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.finding.help_url))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        if self.finding.file.text.is_empty() {
            None
        } else {
            Some(&self.source)
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.finding.file.text.is_empty() {
            return None;
        }
        let f = self.finding;
        let label = match (&f.object, f.path.is_empty()) {
            (Some(o), false) => format!("{o} at {}", f.path),
            (Some(o), true) => o.to_string(),
            (None, _) => f.rule.to_string(),
        };
        let span = SourceSpan::new((f.span.start as usize).into(), f.span.len());
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some(label), span))))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The last line of human output.
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
    if timing {
        line.push_str(&format!(" in {:.2}s", s.elapsed.as_secs_f64()));
    }
    line
}

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(options.color)
        .with_width(100)
        .with_context_lines(1);
    let mut all: Vec<&Finding> = report.findings.iter().collect();
    if options.show_suppressed {
        all.extend(&report.suppressed);
    }
    let mut buf = String::new();
    for finding in all {
        let diag = FindingDiagnostic {
            finding,
            source: FileSource(Arc::clone(&finding.file)),
        };
        buf.clear();
        handler
            .render_report(&mut buf, &diag)
            .map_err(|e| io::Error::other(e.to_string()))?;
        out.write_all(buf.as_bytes())?;
        writeln!(out)?;
    }
    for message in super::dropped_messages(report) {
        writeln!(out, "note: {message}")?;
    }
    writeln!(out, "{}", summary_line(report, options.timing))
}
