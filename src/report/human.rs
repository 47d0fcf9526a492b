//! `--format human`: miette diagnostics with the source snippet under each finding,
//! then one summary line.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};

use super::options::{RenderOptions, summary_line};
use crate::vocab::Report;
use crate::vocab::SourceFile;
use crate::vocab::{Finding, Severity};

/// Lines of context shown above and below a finding.
const CONTEXT_LINES: usize = 1;
/// Lines around a finding longer than this (in total) are clipped to the finding's own
/// line, cut to [`CLIP_BEFORE`] bytes before the finding and [`CLIP_SPAN`] +
/// [`CLIP_AFTER`] from its start, with `…` where the text was cut: one finding in a
/// minified JSON file of 16 MB on one line must not print 16 MB.
const MAX_EXCERPT: usize = 16 * 1024;
const CLIP_BEFORE: usize = 60;
const CLIP_SPAN: usize = 200;
const CLIP_AFTER: usize = 60;

#[cfg(test)]
thread_local! {
    /// Bytes handed to miette to scan, for the linearity test.
    static SCANNED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The part of a file that miette shows for one finding: the finding's lines and
/// [`CONTEXT_LINES`] around them, never the whole file, so that rendering costs the
/// same for the first finding of a file as for the last. miette's own `SourceCode` for
/// `str` scans from the start of the text on every call, which made human output
/// quadratic. Offsets given to and returned by miette are relative to `text`; the line
/// numbers and the first line's column are the file's.
struct Excerpt<'a> {
    name: String,
    text: std::borrow::Cow<'a, str>,
    /// 0-based line of the file where `text` starts.
    first_line: usize,
    /// Columns to add on `text`'s first line (miette's columns are bytes: the offset of a
    /// clipped excerpt's start in its line, minus the `…` put before it).
    first_column: usize,
    /// The finding's span, in `text`.
    label: SourceSpan,
}

impl<'a> Excerpt<'a> {
    fn new(file: &'a SourceFile, span: crate::vocab::Span) -> Excerpt<'a> {
        let text = file.text.as_str();
        let lines = file.lines();
        let len = text.len();
        let (start, end) = ((span.start as usize).min(len), (span.end as usize).min(len));
        // 0-based lines of the span's ends.
        let line_of = |byte: usize| file.position(byte as u32).line as usize - 1;
        // Start of a 0-based line (the end of the text past the last line).
        let line_start = |line: usize| {
            if line == 0 {
                0
            } else {
                lines.byte_of(text, line + 1, 0) as usize
            }
        };
        let (first, last) = (line_of(start), line_of(end));
        // One line more than miette asks for on either side: it then sees exactly what it
        // would have seen in the whole text.
        let from_line = first.saturating_sub(CONTEXT_LINES + 1);
        let from = line_start(from_line);
        let to = line_start(last + CONTEXT_LINES + 2).max(from);
        let label = |offset: usize, len: usize| SourceSpan::new(offset.into(), len);
        if to - from <= MAX_EXCERPT {
            return Excerpt {
                name: file.display_path(),
                text: std::borrow::Cow::Borrowed(&text[from..to]),
                first_line: from_line,
                first_column: 0,
                label: label(span.start as usize - from, span.len()),
            };
        }
        // Clipped: the span's first line only, cut around the span's start.
        let line_from = line_start(first);
        let line_to = text[line_from..line_start(first + 1).max(line_from)]
            .trim_end_matches(['\n', '\r'])
            .len()
            + line_from;
        let mut a = start.saturating_sub(CLIP_BEFORE).max(line_from);
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        if a - line_from <= "…".len() {
            a = line_from; // cutting would save nothing
        }
        let mut b = (end.min(start + CLIP_SPAN) + CLIP_AFTER).min(line_to).max(a);
        while !text.is_char_boundary(b) {
            b += 1;
        }
        let (head, tail) = (if a > line_from { "…" } else { "" }, if b < line_to { "…" } else { "" });
        let excerpt = format!("{head}{}{tail}", &text[a..b]);
        let label_start = head.len() + (start - a);
        let label_end = head.len() + (end.min(b).max(start) - a);
        Excerpt {
            name: file.display_path(),
            text: std::borrow::Cow::Owned(excerpt),
            first_line: first,
            // miette counts columns in bytes.
            first_column: a - line_from - head.len(),
            label: label(label_start, label_end - label_start),
        }
    }
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        #[cfg(test)]
        SCANNED.with(|s| s.set(s.get() + self.text.len()));
        let inner = self
            .text
            .as_ref()
            .read_span(span, context_lines_before, context_lines_after)?;
        // miette gives a column only without lines before (else 0, the start of a line).
        let column = if inner.line() == 0 && context_lines_before == 0 {
            inner.column() + self.first_column
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count() + self.first_line,
        )))
    }
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Excerpt<'a>,
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
            None => Some(Box::new(self.finding.help)),
        }
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.finding.help_url()))
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
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            self.source.label,
        ))))
    }
}

/// Findings shown with a source snippet at most; the others get one line each.
const SNIPPETS_SHOWN: usize = 20;

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(options.color)
        .with_width(100)
        .with_context_lines(CONTEXT_LINES);
    let mut all: Vec<&Finding> = report.findings.iter().collect();
    if options.show_suppressed {
        all.extend(&report.suppressed);
    }
    // Many findings: snippets for the most severe ones (errors first, in report order), one
    // line for each of the rest, so that 500 findings fit a terminal's scrollback and the
    // errors are not buried under warnings.
    let (full, brief): (Vec<&Finding>, Vec<&Finding>) = if all.len() <= SNIPPETS_SHOWN {
        (all, Vec::new())
    } else {
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(all[i].severity));
        let chosen: std::collections::HashSet<usize> = order.into_iter().take(SNIPPETS_SHOWN).collect();
        let (mut full, mut brief) = (Vec::new(), Vec::new());
        for (i, f) in all.into_iter().enumerate() {
            if chosen.contains(&i) {
                full.push(f)
            } else {
                brief.push(f)
            }
        }
        (full, brief)
    };
    let mut buf = String::new();
    for finding in full {
        let diag = FindingDiagnostic {
            finding,
            source: Excerpt::new(&finding.file, finding.span),
        };
        buf.clear();
        handler
            .render_report(&mut buf, &diag)
            .map_err(|e| io::Error::other(e.to_string()))?;
        out.write_all(buf.as_bytes())?;
        writeln!(out)?;
    }
    if !brief.is_empty() {
        writeln!(
            out,
            "{} more finding(s), one line each (`--format compact` prints every finding so):",
            brief.len()
        )?;
        let suppressed = |f: &Finding| report.suppressed.iter().any(|s| std::ptr::eq(s, f));
        for f in brief {
            writeln!(out, "{}", super::compact::line(f, options, suppressed(f)))?;
        }
        writeln!(out)?;
    }
    for message in super::options::dropped_messages(report) {
        writeln!(out, "note: {message}")?;
    }
    // Many findings: where they are, before the total.
    write!(out, "{}", super::compact::groups(report, options))?;
    writeln!(out, "{}", summary_line(report, options.timing))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Span;

    /// One label over a source, as miette renders it.
    struct Probe<'s> {
        source: &'s dyn SourceCode,
        label: SourceSpan,
    }

    impl fmt::Debug for Probe<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("probe")
        }
    }
    impl fmt::Display for Probe<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Probe<'_> {}
    impl Diagnostic for Probe<'_> {
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(self.source)
        }
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
                Some("here".into()),
                self.label,
            ))))
        }
    }

    fn render_probe(source: &dyn SourceCode, label: SourceSpan) -> String {
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_context_lines(CONTEXT_LINES);
        let mut out = String::new();
        handler.render_report(&mut out, &Probe { source, label }).unwrap();
        out
    }

    #[test]
    fn excerpts_render_exactly_as_the_whole_file() {
        // Every kind of line break miette and the line index know, non-ASCII text, a BOM,
        // empty lines and a last line without a break.
        let texts = [
            "a: 1\nb: 2\n\nc: [x, y]\nd: é\n",
            "\u{feff}k: v\r\nl: ü\r\n\r\nm: 3\rn: 4\r\n",
            "x\n\n\ny: \"z\"\nlast",
            "one line only",
        ];
        for text in texts {
            let file = SourceFile::new("f.yaml", text.to_string());
            let whole = miette::NamedSource::new("f.yaml", text.to_string());
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for &start in &boundaries {
                for &end in boundaries.iter().filter(|&&e| e >= start) {
                    let span = Span::new(start as u32, end as u32);
                    let excerpt = Excerpt::new(&file, span);
                    let want = render_probe(&whole, SourceSpan::new(start.into(), end - start));
                    let got = render_probe(&excerpt, excerpt.label);
                    assert_eq!(got, want, "{text:?} at {start}..{end}");
                }
            }
        }
    }

    #[test]
    fn long_lines_are_clipped_around_the_finding() {
        let mut text = String::from("{\"items\": [");
        for i in 0..2000 {
            text.push_str(&format!("{{\"name\": \"n{i}\", \"image\": \"nginx\"}}, "));
        }
        text.push_str("{}]}\n");
        let at = text.find("\"n1500\"").unwrap();
        let file = SourceFile::new("big.json", text.clone());
        let excerpt = Excerpt::new(&file, Span::new(at as u32, at as u32 + 7));
        let out = render_probe(&excerpt, excerpt.label);
        assert!(out.len() < 2_000, "{} bytes:\n{out}", out.len());
        // The header names the file's true column (1-based), the text is cut with `…`.
        assert!(out.contains(&format!("[big.json:1:{}]", at + 1)), "{out}");
        let label_line = out.lines().find(|l| l.contains('┬')).unwrap();
        let text_line = out.lines().find(|l| l.contains("\"n1500\"")).unwrap();
        assert!(text_line.starts_with(" 1 │ …") && text_line.ends_with('…'), "{out}");
        assert_eq!(
            label_line.chars().position(|c| c == '┬'),
            text_line.find("\"n1500\"").map(|b| text_line[..b].chars().count() + 3),
            "the label points at the middle of `\"n1500\"`:\n{out}"
        );
    }

    /// Bytes miette scanned to render `text`'s findings in human form.
    fn scanned_for(docs: usize) -> (usize, usize) {
        let mut text = String::new();
        for i in 0..docs {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec:\n  containers:\n  - name: c\n    image: nginx\n"
            ));
        }
        let options = crate::engine::RunOptions {
            only: vec!["latest-tag".into()],
            ..Default::default()
        };
        let linter = crate::Linter::with_options(crate::Config::default(), options).unwrap();
        let report = linter.lint_str("stream.yaml", &text);
        assert_eq!(report.findings.len(), docs);
        SCANNED.with(|s| s.set(0));
        let mut out = Vec::new();
        render(&report, &RenderOptions::default(), &mut out).unwrap();
        (SCANNED.with(|s| s.get()), report.findings.len())
    }

    #[test]
    fn rendering_scans_a_bounded_window_per_finding() {
        let (small, n) = scanned_for(300);
        let (large, m) = scanned_for(1200);
        // Linear: four times the findings, four times the bytes (quadratic would be 16).
        assert!(
            large * 10 <= small * 45,
            "{small} bytes for {n} findings, {large} for {m}"
        );
        // And a few lines per finding, not the file.
        assert!(large / m < 1_000, "{} bytes per finding", large / m);
    }
}
