//! `--format junit`: JUnit XML, for the test report views of GitLab (`artifacts:reports:junit`)
//! and Jenkins (`junit` step), in the shape of Jenkins' `junit-10.xsd`, which the tests check.
//!
//! One `<testsuite>` per rule and, in it, one `<testcase>` per object the rule reported on
//! (`classname` `kubelint.<rule>`, `name` the object and its file): a failure when the rule
//! found errors or warnings on it, carrying every such finding at `file:line:column`, with
//! its JSON path and remediation. A rule that found nothing is one passing test case
//! (`no findings`), so a clean run still shows what was checked (Jenkins refuses a report
//! without test cases). Findings of the info level do not fail their test case: they are
//! in its `<system-out>`. Suppressed findings (`--show-suppressed`) make a skipped test case
//! when nothing else was found on the object, and are listed in `<system-out>` otherwise.
//! Findings outside any object (a syntax error) are a test case named after the file.
//!
//! Why suites per rule rather than per file: Jenkins builds its tree (package, class, test)
//! from `classname` split at its last dot, and tracks each test's history across builds by
//! its full name. With `kubelint.<rule>` every rule is a class whose tests are the objects,
//! so "latest-tag on Deployment shop/web" keeps one history (its age, when it started
//! failing) whatever line it moves to; file paths as class names would be cut at the dot
//! of `.yaml` into meaningless packages. GitLab lists suites and, in each, the test cases
//! with their class name, so a reviewer reads rule by rule which objects fail, the way the
//! findings are fixed.
//!
//! The XML is written as it is produced, straight to the writer; only the grouping of
//! findings (references into the report) is held in memory.

use std::collections::HashMap;
use std::io::{self, Write};

use super::options::{RenderOptions, relative_path};
use crate::vocab::{Finding, Report, Severity};

/// One test case: a rule on one object (or one file, for findings outside objects).
struct Case<'a> {
    name: String,
    active: Vec<&'a Finding>,
    suppressed: Vec<&'a Finding>,
}

impl Case<'_> {
    fn failing(&self) -> bool {
        self.active.iter().any(|f| f.severity >= Severity::Warning)
    }

    fn skipped(&self) -> bool {
        self.active.is_empty()
    }
}

/// Writes `text` escaped for XML character data or a quoted attribute: markup characters
/// as entities, line ends in attributes as character references (so they survive
/// attribute normalisation), and characters XML 1.0 does not allow at all (most control
/// characters, lone surrogates cannot occur in a `str`, U+FFFE/U+FFFF) as U+FFFD.
fn escape(out: &mut dyn Write, text: &str, attribute: bool) -> io::Result<()> {
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' if attribute => "&quot;",
            '\n' if attribute => "&#10;",
            '\r' => "&#13;",
            '\t' if attribute => "&#9;",
            '\t' | '\n' => continue,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => "\u{FFFD}",
            _ => continue,
        };
        out.write_all(&text.as_bytes()[start..i])?;
        out.write_all(replacement.as_bytes())?;
        start = i + c.len_utf8();
    }
    out.write_all(&text.as_bytes()[start..])
}

fn attr(out: &mut dyn Write, name: &str, value: &str) -> io::Result<()> {
    write!(out, " {name}=\"")?;
    escape(out, value, true)?;
    out.write_all(b"\"")
}

/// One finding as a failure's (or system-out's) text: `severity: message`, then where it
/// is and how to fix it.
fn describe(out: &mut dyn Write, f: &Finding, options: &RenderOptions) -> io::Result<()> {
    let file = relative_path(&f.file.path, &options.base_dir);
    escape(out, &format!("{}: {}\n", f.severity.as_str(), f.message), false)?;
    let path = if f.path.is_empty() {
        String::new()
    } else {
        format!(" ({})", f.path)
    };
    escape(
        out,
        &format!("  at {file}:{}:{}{path}\n", f.start.line, f.start.column),
        false,
    )?;
    if let Some(reason) = &f.suppression {
        escape(out, &format!("  suppressed: {reason}\n"), false)?;
    } else if !f.help.is_empty() {
        escape(out, &format!("  help: {}\n", f.help), false)?;
    }
    escape(out, &format!("  see {}\n", f.help_url()), false)?;
    Ok(())
}

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    // Test cases by rule, in report order of their first finding; the key of a case is its
    // object (or, outside objects, its file).
    let mut suites: HashMap<&str, Vec<Case<'_>>> = HashMap::new();
    let mut where_is: HashMap<(&str, String), usize> = HashMap::new();
    let suppressed = if options.show_suppressed {
        &report.suppressed[..]
    } else {
        &[]
    };
    let tagged = report
        .findings
        .iter()
        .map(|f| (f, false))
        .chain(suppressed.iter().map(|f| (f, true)));
    for (f, is_suppressed) in tagged {
        let file = relative_path(&f.file.path, &options.base_dir);
        let name = match &f.object {
            Some(o) => format!("{o} ({file})"),
            None => file,
        };
        let cases = suites.entry(&*f.rule).or_default();
        let i = *where_is.entry((&*f.rule, name.clone())).or_insert_with(|| {
            cases.push(Case {
                name,
                active: Vec::new(),
                suppressed: Vec::new(),
            });
            cases.len() - 1
        });
        if is_suppressed {
            cases[i].suppressed.push(f);
        } else {
            cases[i].active.push(f);
        }
    }
    // Rules in catalog order: those that ran (enabled) and any other that reported.
    let rules: Vec<&str> = report
        .rules
        .iter()
        .filter(|r| r.enabled || suites.contains_key(r.info.id))
        .map(|r| r.info.id)
        .chain({
            // Rules the report names but the catalog does not (a report built by hand).
            let mut extra: Vec<&str> = suites
                .keys()
                .copied()
                .filter(|id| !report.rules.iter().any(|r| r.info.id == *id))
                .collect();
            extra.sort_unstable();
            extra
        })
        .collect();
    let count = |id: &str| -> (usize, usize, usize) {
        match suites.get(id) {
            None => (1, 0, 0),
            Some(cases) => (
                cases.len(),
                cases.iter().filter(|c| c.failing()).count(),
                cases.iter().filter(|c| c.skipped()).count(),
            ),
        }
    };
    let (tests, failures) = rules.iter().fold((0, 0), |(t, f), id| {
        let (tests, failures, _) = count(id);
        (t + tests, f + failures)
    });
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    write!(out, "<testsuites")?;
    attr(out, "name", "kubelint")?;
    write!(out, r#" tests="{tests}" failures="{failures}" errors="0""#)?;
    if options.timing {
        write!(out, r#" time="{:.3}""#, report.summary.elapsed.as_secs_f64())?;
    }
    writeln!(out, ">")?;
    for id in rules {
        let (tests, failures, skipped) = count(id);
        write!(out, "  <testsuite")?;
        attr(out, "name", id)?;
        writeln!(
            out,
            r#" tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}">"#
        )?;
        let classname = format!("kubelint.{id}");
        match suites.get(id) {
            None => {
                write!(out, "    <testcase")?;
                attr(out, "name", "no findings")?;
                attr(out, "classname", &classname)?;
                writeln!(out, "/>")?;
            }
            Some(cases) => {
                for case in cases {
                    write_case(out, case, &classname, options)?;
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn write_case(out: &mut dyn Write, case: &Case<'_>, classname: &str, options: &RenderOptions) -> io::Result<()> {
    write!(out, "    <testcase")?;
    attr(out, "name", &case.name)?;
    attr(out, "classname", classname)?;
    writeln!(out, ">")?;
    let failing: Vec<&Finding> = case
        .active
        .iter()
        .copied()
        .filter(|f| f.severity >= Severity::Warning)
        .collect();
    if let Some(first) = failing.first() {
        let worst = failing.iter().map(|f| f.severity).max().unwrap_or(first.severity);
        let message = match failing.len() {
            1 => first.message.clone(),
            n => format!("{} (and {} more)", first.message, n - 1),
        };
        write!(out, "      <failure")?;
        attr(out, "type", worst.as_str())?;
        attr(out, "message", &message)?;
        write!(out, ">")?;
        for f in &failing {
            describe(out, f, options)?;
        }
        writeln!(out, "</failure>")?;
    } else if case.skipped() {
        let reason = case
            .suppressed
            .first()
            .and_then(|f| f.suppression.as_deref())
            .unwrap_or("suppressed");
        write!(out, "      <skipped")?;
        attr(out, "message", &format!("suppressed: {reason}"))?;
        writeln!(out, "/>")?;
    }
    // What does not fail the case: findings of the info level, and suppressed ones.
    let mut quiet = case
        .active
        .iter()
        .copied()
        .filter(|f| f.severity < Severity::Warning)
        .chain(case.suppressed.iter().copied())
        .peekable();
    if quiet.peek().is_some() {
        write!(out, "      <system-out>")?;
        for f in quiet {
            describe(out, f, options)?;
        }
        writeln!(out, "</system-out>")?;
    }
    writeln!(out, "    </testcase>")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str, attribute: bool) -> String {
        let mut out = Vec::new();
        escape(&mut out, text, attribute).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_markup_line_ends_and_characters_xml_forbids() {
        assert_eq!(escaped("a<b>&\"c\"", false), "a&lt;b&gt;&amp;\"c\"");
        assert_eq!(escaped("a<b>&\"c\"", true), "a&lt;b&gt;&amp;&quot;c&quot;");
        assert_eq!(escaped("x\ny\tz", false), "x\ny\tz");
        assert_eq!(escaped("x\ny\tz\r", true), "x&#10;y&#9;z&#13;");
        assert_eq!(
            escaped("bell\u{7}esc\u{1b}[0m\u{FFFF}", false),
            "bell\u{FFFD}esc\u{FFFD}[0m\u{FFFD}"
        );
        assert_eq!(escaped("ünïcödé ✓", true), "ünïcödé ✓");
    }
}
