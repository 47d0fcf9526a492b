//! Code actions on the findings under the cursor: each finding's fix (the rule's edits; an
//! unsafe one says so and is not preferred), and "Ignore `RULE` for this object" (the rule
//! added to the object's `kubelint.dev/ignore` annotation, with a reason to fill in).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, TextEdit, Uri, WorkspaceEdit,
};

use super::text::{Encoding, Lines};
use super::{Server, diagnostic};
use crate::load::{self, Document, SourceFile};
use crate::model::edit::Editor;
use crate::vocab::{Applicability, Edit, Finding};

/// The actions for the findings whose range meets the requested range.
pub(crate) fn code_actions(server: &Server, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    if let Some(only) = &params.context.only
        && !only
            .iter()
            .any(|k| k == &CodeActionKind::QUICKFIX || k.as_str().is_empty())
    {
        return Vec::new();
    }
    let uri = &params.text_document.uri;
    let Some((doc, findings)) = server.findings(uri) else {
        return Vec::new();
    };
    let text = &doc.text;
    let lines = Lines::new(text);
    let from = lines.offset(text, params.range.start, server.encoding);
    let to = lines.offset(text, params.range.end, server.encoding);
    let documents = load::load_file(Arc::new(SourceFile::new(&doc.path, text.clone()))).documents;
    let mut out = Vec::new();
    let mut ignores: HashSet<(Option<usize>, String, String)> = HashSet::new();
    for f in findings
        .iter()
        .filter(|f| f.span.start as usize <= to && from <= f.span.end as usize)
    {
        let diagnostic = diagnostic(f, text, &lines, server.encoding);
        if let Some(fix) = &f.fix {
            let unsafe_fix = fix.applicability == Applicability::Unsafe;
            let title = if unsafe_fix {
                format!("{} (unsafe: review the change)", fix.description)
            } else {
                fix.description.clone()
            };
            out.push(action(
                title,
                uri,
                edits(&fix.edits, text, &lines, server.encoding),
                diagnostic.clone(),
                !unsafe_fix,
            ));
        }
        let Some(object) = object_of(f, &documents) else {
            continue;
        };
        let key = (f.document, object.prefix.clone(), f.rule.to_string());
        if !ignores.insert(key) {
            continue;
        }
        // Refused when the annotation already lists the rule, or the metadata cannot be
        // edited without guessing (tabs, a scalar where a mapping belongs).
        if let Ok(ignore) = Editor::new(text, &object.root).ignore_rule(&f.rule) {
            out.push(action(
                format!("Ignore `{}` for this object", f.rule),
                uri,
                edits(&ignore, text, &lines, server.encoding),
                diagnostic,
                false,
            ));
        }
    }
    out
}

/// The object (document, or item of a `List`) a finding is about.
fn object_of<'d>(f: &Finding, documents: &'d [Document]) -> Option<&'d Document> {
    f.object.as_ref()?;
    let index = f.document?;
    documents
        .iter()
        .filter(|d| d.index == index)
        .filter(|d| d.prefix.is_empty() || f.path == d.prefix || f.path.starts_with(&format!("{}/", d.prefix)))
        .max_by_key(|d| d.prefix.len())
}

fn edits(edits: &[Edit], text: &str, lines: &Lines, encoding: Encoding) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| TextEdit {
            range: lines.range(text, e.span.start as usize, e.span.end as usize, encoding),
            new_text: e.text.clone(),
        })
        .collect()
}

fn action(
    title: String,
    uri: &Uri,
    edits: Vec<TextEdit>,
    diagnostic: Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(preferred),
        ..CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Linter;
    use crate::engine::config::Config;
    use crate::model::edit::apply_edits;

    /// The ignore edits for the first finding of `rule` in `text`, applied.
    fn ignored(text: &str, rule: &str) -> String {
        let linter = Linter::new(Config::default()).unwrap();
        let r = linter.lint_str("x.yaml", text);
        let f = r.findings.iter().find(|f| &*f.rule == rule).expect(rule);
        let documents = load::load_file(Arc::new(SourceFile::new("x.yaml", text.to_string()))).documents;
        let object = object_of(f, &documents).unwrap();
        let edits = Editor::new(text, &object.root).ignore_rule(&f.rule).unwrap();
        let fixed = apply_edits(text, &edits);
        let again = linter.lint_str("x.yaml", &fixed);
        let count = |fs: &[Finding]| fs.iter().filter(|f| &*f.rule == rule).count();
        assert_eq!(count(&again.findings), count(&r.findings) - 1, "{fixed}");
        assert_eq!(count(&again.suppressed), 1, "{fixed}");
        // Nothing else changed: the same findings but the one suppressed.
        assert_eq!(again.findings.len(), r.findings.len() - 1, "{fixed}");
        fixed
    }

    #[test]
    fn ignoring_a_rule_suppresses_it_on_that_object_only() {
        let pod = |name: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: a\n    image: nginx:latest\n"
            )
        };
        let text = format!("{}---\n{}", pod("a"), pod("b"));
        let fixed = ignored(&text, "latest-tag");
        assert!(
            fixed.starts_with(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    kubelint.dev/ignore: latest-tag\n"
            ),
            "{fixed}"
        );
        // The second Pod still has its finding.
        let linter = Linter::new(Config::default()).unwrap();
        let r = linter.lint_str("x.yaml", &fixed);
        assert_eq!(r.findings.iter().filter(|f| &*f.rule == "latest-tag").count(), 1);
        // A List item: the annotation goes on the item.
        let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, annotations: {kubelint.dev/ignore: host-pid}}\n  spec:\n    containers:\n    - {name: a, image: \"nginx:latest\"}\n";
        let fixed = ignored(list, "latest-tag");
        assert!(fixed.contains("host-pid,latest-tag"), "{fixed}");
    }
}
