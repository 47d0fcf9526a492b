//! `kubelint check --fix`: apply the findings' fixes, in passes, and verify every fixed file.
//!
//! A pass lints the inputs (files already fixed in memory are read from memory), takes the
//! fixes allowed (safe ones; unsafe ones too with `--unsafe-fixes`) of findings in plain
//! files (never rendered ones: their fixes are dropped when the finding is moved to its
//! source file), and applies to each file the fixes whose edits overlap no fix taken before
//! (an edit identical to one taken is shared: several containers' findings fixed by one
//! pod-level key). The fixed text is verified at once: it must parse with no new problem,
//! into the same documents, each equal (as values, spans ignored) to the old one with
//! exactly the fixes' intended changes applied. The next pass lints the fixed texts: the
//! findings fixed must be gone and no finding may be new in a fixed file. A file that
//! fails either check is refused whole: it keeps its original text and the reason is
//! reported. Passes stop when no fix applies, or after [`MAX_PASSES`].
//!
//! Nothing is written here: [`Linter::fix`] returns the fixed texts; the caller writes
//! them, prints a diff, or prints the text (stdin).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::config::ConfigError;
use super::{Input, Linter};
use crate::load::SourceFile;
use crate::vocab::{Applicability, Edit, Finding, Report, fingerprint};

/// Passes at most: fixes that touch the same place are applied one per pass.
pub const MAX_PASSES: usize = 8;

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, Default)]
pub struct FixOptions {
    /// Unsafe fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
}

/// One file changed by the fixes.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FixedFile {
    /// The path, as reports show it (as found or given).
    pub path: PathBuf,
    /// The text that was read.
    pub original: String,
    /// The text with the fixes applied.
    pub fixed: String,
    /// Findings fixed in it: safe, unsafe.
    pub fixed_safe: usize,
    /// Unsafe fixes applied in it.
    pub fixed_unsafe: usize,
}

/// What a fixing run did.
#[derive(Debug)]
#[non_exhaustive]
pub struct FixOutcome {
    /// The report of the fixed inputs: the findings that remain.
    pub report: Report,
    /// Files whose text the fixes change, in path order.
    pub files: Vec<FixedFile>,
    /// Files left as they were although fixes applied to them, and why.
    pub refused: Vec<(PathBuf, String)>,
    /// Passes run (linting passes that applied fixes).
    pub passes: usize,
    /// Remaining findings whose fix is unsafe (applied with `--unsafe-fixes`).
    pub unsafe_available: usize,
    /// Remaining findings with a safe fix that could not be applied (a refused file, a
    /// rendered object never has one).
    pub safe_left: usize,
}

impl FixOutcome {
    /// Findings fixed, safe fixes.
    pub fn fixed_safe(&self) -> usize {
        self.files.iter().map(|f| f.fixed_safe).sum()
    }

    /// Findings fixed, unsafe fixes.
    pub fn fixed_unsafe(&self) -> usize {
        self.files.iter().map(|f| f.fixed_unsafe).sum()
    }

    /// The summary line: "Fixed 12 findings (3 unsafe fixes available with --unsafe-fixes)".
    pub fn summary_line(&self) -> String {
        let fixed = self.fixed_safe() + self.fixed_unsafe();
        let mut s = format!(
            "Fixed {fixed} finding{} in {} file{}",
            if fixed == 1 { "" } else { "s" },
            self.files.len(),
            if self.files.len() == 1 { "" } else { "s" },
        );
        if fixed > 0 {
            s.push_str(&format!(
                " ({} pass{})",
                self.passes,
                if self.passes == 1 { "" } else { "es" }
            ));
        }
        if self.fixed_unsafe() > 0 {
            s.push_str(&format!(" ({} with unsafe fixes)", self.fixed_unsafe()));
        }
        if self.unsafe_available > 0 {
            s.push_str(&format!(
                " ({} unsafe fix{} available with --unsafe-fixes)",
                self.unsafe_available,
                if self.unsafe_available == 1 { "" } else { "es" }
            ));
        }
        if !self.refused.is_empty() {
            s.push_str(&format!(
                "; {} file{} refused",
                self.refused.len(),
                if self.refused.len() == 1 { "" } else { "s" }
            ));
        }
        s
    }
}

/// A file being fixed: its original and current texts, and the findings fixed so far.
struct Pending {
    original: String,
    current: String,
    /// Fingerprints of the findings fixed by the last pass (must be gone in the next).
    fixed_last: HashSet<String>,
    /// Fingerprints of the file's findings before the last pass.
    before_last: HashMap<String, String>,
    fixed_safe: usize,
    fixed_unsafe: usize,
}

impl Linter {
    /// Lints `inputs`, applies the fixes allowed by `options` in passes, verifies each
    /// fixed file, and returns the fixed texts with the final report (see the module's
    /// documentation). Writes nothing.
    pub fn fix(
        &mut self,
        inputs: &[Input],
        context: Option<&super::PreparedContext>,
        options: FixOptions,
    ) -> Result<FixOutcome, ConfigError> {
        let mut pending: BTreeMap<PathBuf, Pending> = BTreeMap::new();
        let mut refused: BTreeMap<PathBuf, String> = BTreeMap::new();
        let mut passes = 0;
        let report = loop {
            self.overrides = Arc::new(
                pending
                    .iter()
                    .filter(|(p, _)| !refused.contains_key(*p))
                    .map(|(p, f)| (p.clone(), f.current.clone()))
                    .collect(),
            );
            let inputs = with_overrides(inputs, &self.overrides);
            let report = match context {
                None => self.lint_inputs(&inputs)?,
                Some(c) => self.lint_inputs_in_context(c, &inputs)?,
            };
            // The last pass's findings must be gone, and none may be new.
            let by_file = fingerprints_by_file(&report);
            let mut reverted = false;
            for (path, p) in pending.iter_mut() {
                if refused.contains_key(path) || p.fixed_last.is_empty() {
                    continue;
                }
                let now = by_file.get(path).cloned().unwrap_or_default();
                if let Some(left) = p.fixed_last.iter().find_map(|f| now.get(f)) {
                    refused.insert(path.clone(), format!("a fixed finding is still reported: {left}"));
                    reverted = true;
                } else if let Some((_, new)) = now.iter().find(|(f, _)| !p.before_last.contains_key(*f)) {
                    refused.insert(path.clone(), format!("the fixes cause a new finding: {new}"));
                    reverted = true;
                }
                p.fixed_last.clear();
            }
            if reverted {
                continue; // lint again without the refused files' fixes
            }
            if passes >= MAX_PASSES {
                break report;
            }
            let applied = self.apply_pass(&report, options, &mut pending, &mut refused, &by_file);
            if !applied {
                break report;
            }
            passes += 1;
        };
        let allowed = |f: &Finding| {
            f.fix.as_ref().map(|x| {
                (
                    x.applicability == Applicability::Safe,
                    x.applicability == Applicability::Unsafe,
                )
            })
        };
        let unsafe_available = if options.unsafe_fixes {
            0
        } else {
            report
                .findings
                .iter()
                .filter(|f| allowed(f).is_some_and(|a| a.1))
                .count()
        };
        let safe_left = report
            .findings
            .iter()
            .filter(|f| allowed(f).is_some_and(|a| a.0))
            .count();
        let files = pending
            .into_iter()
            .filter(|(p, f)| !refused.contains_key(p) && f.current != f.original)
            .map(|(path, f)| FixedFile {
                path,
                original: f.original,
                fixed: f.current,
                fixed_safe: f.fixed_safe,
                fixed_unsafe: f.fixed_unsafe,
            })
            .collect();
        self.overrides = Arc::new(HashMap::new());
        Ok(FixOutcome {
            report,
            files,
            refused: refused.into_iter().collect(),
            passes,
            unsafe_available,
            safe_left,
        })
    }

    /// One pass: takes the allowed fixes of `report` per file, applies them, verifies the
    /// trees. Whether any file changed.
    fn apply_pass(
        &self,
        report: &Report,
        options: FixOptions,
        pending: &mut BTreeMap<PathBuf, Pending>,
        refused: &mut BTreeMap<PathBuf, String>,
        by_file: &HashMap<PathBuf, HashMap<String, String>>,
    ) -> bool {
        let mut per_file: BTreeMap<PathBuf, (Arc<SourceFile>, Vec<&Finding>)> = BTreeMap::new();
        for f in &report.findings {
            let Some(fix) = &f.fix else { continue };
            if fix.applicability == Applicability::Unsafe && !options.unsafe_fixes {
                continue;
            }
            if refused.contains_key(&f.file.path) || fix.changes.is_empty() || f.document.is_none() {
                continue;
            }
            per_file
                .entry(f.file.path.clone())
                .or_insert_with(|| (Arc::clone(&f.file), Vec::new()))
                .1
                .push(f);
        }
        let mut any = false;
        for (path, (file, findings)) in per_file {
            let text = &file.text;
            // The edits taken, by (start, end): pairwise apart, so sorted by start they are
            // sorted by end too, and an overlap check looks at a few neighbours only.
            let mut taken: BTreeMap<(u32, u32), &Edit> = BTreeMap::new();
            let mut fixed: Vec<&Finding> = Vec::new();
            for f in findings {
                let fix = f.fix.as_ref().expect("filtered above");
                let new: Vec<&Edit> = fix
                    .edits
                    .iter()
                    .filter(|e| taken.get(&(e.span.start, e.span.end)) != Some(e))
                    .collect();
                let clash = |e: &Edit| {
                    taken
                        .range(..=(e.span.end, u32::MAX))
                        .rev()
                        .take_while(|(_, t)| t.span.end >= e.span.start)
                        .any(|(_, t)| overlaps(e, t))
                };
                if new.iter().any(|e| clash(e) || e.span.end as usize > text.len()) {
                    continue; // a later pass
                }
                taken.extend(new.into_iter().map(|e| ((e.span.start, e.span.end), e)));
                fixed.push(f);
            }
            if fixed.is_empty() {
                continue;
            }
            let edits: Vec<Edit> = taken.values().map(|e| (*e).clone()).collect();
            let new_text = crate::model::edit::apply_edits(text, &edits);
            let entry = pending.entry(path.clone()).or_insert_with(|| Pending {
                original: text.clone(),
                current: text.clone(),
                fixed_last: HashSet::new(),
                before_last: HashMap::new(),
                fixed_safe: 0,
                fixed_unsafe: 0,
            });
            if let Err(reason) = verify(&file, &new_text, &fixed) {
                refused.insert(path, reason);
                continue;
            }
            entry.current = new_text;
            entry.before_last = by_file.get(&path).cloned().unwrap_or_default();
            entry.fixed_last = fixed.iter().map(|f| fingerprint(f).0).collect();
            for f in &fixed {
                match f.fix.as_ref().map(|x| x.applicability) {
                    Some(Applicability::Unsafe) => entry.fixed_unsafe += 1,
                    _ => entry.fixed_safe += 1,
                }
            }
            any = true;
        }
        any
    }
}

/// Whether two edits compete for the same bytes (two insertions at one place do: their
/// order would be a guess).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    if a.span.is_empty() || b.span.is_empty() {
        return a.span.start <= b.span.end && b.span.start <= a.span.end;
    }
    a.span.start < b.span.end && b.span.start < a.span.end
}

/// The inputs, with the texts of files fixed in memory in place of stdin's (`Text` and
/// `Bytes` inputs of the same name); paths are read through the linter's overrides.
fn with_overrides(inputs: &[Input], overrides: &HashMap<PathBuf, String>) -> Vec<Input> {
    inputs
        .iter()
        .map(|i| match i {
            Input::Text { name, .. } | Input::Bytes { name, .. } if overrides.contains_key(&PathBuf::from(name)) => {
                Input::Text {
                    name: name.clone(),
                    text: overrides[&PathBuf::from(name)].clone(),
                }
            }
            other => other.clone(),
        })
        .collect()
}

/// The fingerprints of each file's findings, each with what to call it in a message
/// (`rule-id at line N (/json/path): message`).
fn fingerprints_by_file(report: &Report) -> HashMap<PathBuf, HashMap<String, String>> {
    let mut out: HashMap<PathBuf, HashMap<String, String>> = HashMap::new();
    for f in &report.findings {
        let said = format!("{} at line {} ({}): {}", f.rule, f.start.line, f.path, f.message);
        out.entry(f.file.path.clone())
            .or_default()
            .insert(fingerprint(f).0, said);
    }
    out
}

/// Checks that `new_text` parses as `file`'s text does, into the same documents, each
/// equal to the old one with the intended changes of the `fixed` findings' fixes applied.
fn verify(file: &SourceFile, new_text: &str, fixed: &[&Finding]) -> Result<(), String> {
    use crate::load::yaml::parse_stream;
    let (old_docs, old_problems) = parse_stream(file);
    let new_file = SourceFile::new(&file.path, new_text.to_string());
    let (new_docs, new_problems) = parse_stream(&new_file);
    if new_problems.len() > old_problems.len() {
        let p = &new_problems[0];
        let at = new_file.position(p.span.start);
        return Err(format!(
            "the fixed text does not parse as before (line {}: {})",
            at.line, p.message
        ));
    }
    if old_docs.len() != new_docs.len() || old_docs.iter().zip(&new_docs).any(|(a, b)| a.index != b.index) {
        return Err("the fixed text has other documents than the original".to_string());
    }
    let mut expected: Vec<serde_json::Value> = old_docs.iter().map(|d| d.root.to_json()).collect();
    let mut seen: HashSet<(usize, String, String)> = HashSet::new();
    for f in fixed {
        let doc = f.document.expect("filtered");
        let Some(i) = old_docs.iter().position(|d| d.index == doc) else {
            return Err(format!("document {doc} of the fix is not in the file"));
        };
        for c in &f.fix.as_ref().expect("filtered").changes {
            // A change shared by several findings (one pod-level key) applies once.
            if !seen.insert((doc, c.pointer.clone(), format!("{:?}{}", c.op, c.value))) {
                continue;
            }
            if !crate::model::edit::apply_change(c, &mut expected[i]) {
                return Err(format!("the change at `{}` does not apply to the tree", c.pointer));
            }
        }
    }
    for ((old, new), want) in old_docs.iter().zip(&new_docs).zip(&expected) {
        let got = new.root.to_json();
        if &got != want {
            let at = file.position(old.root.span.start).line;
            return Err(format!(
                "the fixed document at line {at} differs from the original beyond the intended changes{}",
                first_difference(want, &got, "")
                    .map(|p| format!(" (at `{p}`)"))
                    .unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// The JSON pointer of the first place where `a` and `b` differ.
pub(crate) fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value as J;
    match (a, b) {
        (J::Object(x), J::Object(y)) => {
            for (k, v) in x {
                let here = crate::load::node::pointer_push(at, k);
                match y.get(k) {
                    Some(w) => {
                        if let Some(p) = first_difference(v, w, &here) {
                            return Some(p);
                        }
                    }
                    None => return Some(here),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| crate::load::node::pointer_push(at, k))
        }
        (J::Array(x), J::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(at.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{Change, ChangeOp, Fix, Severity};

    fn finding(file: &Arc<SourceFile>, changes: Vec<Change>) -> Finding {
        let fix = Fix::new("test", Applicability::Safe, Vec::new()).with_changes(changes);
        Finding::new(
            &crate::load::problems::UNREADABLE_FILE,
            Severity::Error,
            "m",
            file,
            crate::vocab::Span::default(),
        )
        .with_document(0)
        .with_fix(fix)
    }

    fn merge(pointer: &str, value: serde_json::Value) -> Change {
        Change {
            pointer: pointer.into(),
            op: ChangeOp::Merge,
            value,
        }
    }

    #[test]
    fn verification_accepts_exactly_the_intended_change() {
        let file = Arc::new(SourceFile::new("t.yaml", "a: 1 # one\nb: {c: 2}\n".to_string()));
        let f = finding(&file, vec![merge("/b/d", serde_json::json!(true))]);
        assert_eq!(verify(&file, "a: 1 # one\nb: {c: 2, d: true}\n", &[&f]), Ok(()));
        // The same value written another way is the same tree.
        assert_eq!(verify(&file, "a: 1\nb:\n  c: 2\n  d: yes\n", &[&f]), Ok(()));
        // Anything more is refused, and the message says where.
        let err = verify(&file, "a: 2\nb: {c: 2, d: true}\n", &[&f]).unwrap_err();
        assert!(err.contains("`/a`"), "{err}");
        // Less too.
        let err = verify(&file, "a: 1\nb: {c: 2}\n", &[&f]).unwrap_err();
        assert!(err.contains("`/b/d`"), "{err}");
        // Text that no longer parses, or other documents.
        let err = verify(&file, "a: 1\nb: {c: 2, d: true\n", &[&f]).unwrap_err();
        assert!(err.contains("does not parse"), "{err}");
        let err = verify(&file, "a: 1\nb: {c: 2, d: true}\n---\nx: 1\n", &[&f]).unwrap_err();
        assert!(err.contains("other documents"), "{err}");
    }

    #[test]
    fn shared_changes_apply_once_and_appends_and_lists() {
        let file = Arc::new(SourceFile::new(
            "t.yaml",
            "kind: List\nitems:\n- drop: [A]\n".to_string(),
        ));
        let append = Change {
            pointer: "/items/0/drop".into(),
            op: ChangeOp::Append,
            value: serde_json::json!("ALL"),
        };
        let (f, g) = (finding(&file, vec![append.clone()]), finding(&file, vec![append]));
        assert_eq!(
            verify(&file, "kind: List\nitems:\n- drop: [A, ALL]\n", &[&f, &g]),
            Ok(())
        );
        assert!(verify(&file, "kind: List\nitems:\n- drop: [A, ALL, ALL]\n", &[&f, &g]).is_err());
    }

    #[test]
    fn edits_overlap_when_they_share_bytes_or_an_insertion_point() {
        let e = |s, t| Edit::replace(crate::vocab::Span::new(s, t), "x");
        assert!(overlaps(&e(0, 4), &e(3, 5)));
        assert!(!overlaps(&e(0, 3), &e(3, 5)));
        assert!(overlaps(&e(3, 3), &e(3, 3)));
        assert!(
            overlaps(&e(3, 3), &e(0, 3)),
            "an insertion at the end of a replaced range"
        );
        assert!(!overlaps(&e(4, 4), &e(0, 3)));
    }
}
